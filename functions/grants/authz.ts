/**
 * IAM's `GetAccountAuthorizationDetails` answer, reduced to what evaluation needs: every user and
 * role with the policy documents that apply to it (inline, attached managed, its groups' for
 * users) and its permission boundary. The JavaScript SDK v3 returns documents URL-encoded; dumps
 * written by the CLI or boto3 are already decoded: both are accepted.
 */
import { AuditError } from "../../core/errors";

export interface PolicyDocument {
  Version?: string;
  Statement: unknown;
}

export interface NamedPolicy {
  id: string;
  document: PolicyDocument;
}

export interface PrincipalPolicies {
  arn: string;
  type: "user" | "role";
  name: string;
  createDate?: string;
  policies: NamedPolicy[];
  boundary?: NamedPolicy;
  /** Why some of its policies could not be read (the principal is then reported, not evaluated). */
  problems: string[];
}

interface Inline {
  PolicyName?: string;
  PolicyDocument?: unknown;
}
interface Attached {
  PolicyArn?: string;
}
interface Details {
  UserDetailList?: {
    Arn?: string;
    UserName?: string;
    CreateDate?: unknown;
    UserPolicyList?: Inline[];
    AttachedManagedPolicies?: Attached[];
    GroupList?: string[];
    PermissionsBoundary?: { PermissionsBoundaryArn?: string };
  }[];
  RoleDetailList?: {
    Arn?: string;
    RoleName?: string;
    CreateDate?: unknown;
    RolePolicyList?: Inline[];
    AttachedManagedPolicies?: Attached[];
    PermissionsBoundary?: { PermissionsBoundaryArn?: string };
  }[];
  GroupDetailList?: { GroupName?: string; GroupPolicyList?: Inline[]; AttachedManagedPolicies?: Attached[] }[];
  Policies?: {
    Arn?: string;
    DefaultVersionId?: string;
    PolicyVersionList?: { Document?: unknown; VersionId?: string; IsDefaultVersion?: boolean }[];
  }[];
}

/** A policy document as IAM returned it: an object, JSON text, or URL-encoded JSON text. */
export function policyDocument(raw: unknown): PolicyDocument {
  if (raw && typeof raw === "object") return raw as PolicyDocument;
  if (typeof raw !== "string") throw new AuditError("no policy document");
  const text = raw.trimStart().startsWith("{") ? raw : decodeURIComponent(raw);
  const doc: unknown = JSON.parse(text);
  if (typeof doc !== "object" || doc === null || !("Statement" in doc)) throw new AuditError("policy document without Statement");
  return doc;
}

/** Merges the pages of `GetAccountAuthorizationDetails` (or one dump) into principals with their policies. */
export function principalsOf(pages: readonly Details[]): PrincipalPolicies[] {
  const managed = new Map<string, PolicyDocument | Error>();
  const groups = new Map<string, { inline: Inline[]; attached: Attached[] }>();
  for (const page of pages) {
    for (const p of page.Policies ?? []) {
      const version =
        p.PolicyVersionList?.find((v) => v.IsDefaultVersion) ?? p.PolicyVersionList?.find((v) => v.VersionId === p.DefaultVersionId);
      if (!p.Arn) continue;
      try {
        managed.set(p.Arn, policyDocument(version?.Document));
      } catch (error) {
        managed.set(p.Arn, error as Error);
      }
    }
    for (const g of page.GroupDetailList ?? [])
      if (g.GroupName) groups.set(g.GroupName, { inline: g.GroupPolicyList ?? [], attached: g.AttachedManagedPolicies ?? [] });
  }
  const principals: PrincipalPolicies[] = [];
  const collect = (
    arn: string,
    type: "user" | "role",
    name: string,
    createDate: unknown,
    inline: Inline[],
    attached: Attached[],
    boundaryArn?: string,
  ) => {
    const created =
      createDate instanceof Date ? createDate.toISOString() : typeof createDate === "string" && createDate !== "" ? createDate : undefined;
    const p: PrincipalPolicies = { arn, type, name, createDate: created, policies: [], problems: [] };
    for (const i of inline) {
      try {
        p.policies.push({ id: `${arn}#${i.PolicyName ?? "inline"}`, document: policyDocument(i.PolicyDocument) });
      } catch (error) {
        p.problems.push(`inline policy ${i.PolicyName ?? "(no name)"}: ${(error as Error).message}`);
      }
    }
    const addManaged = (policyArn: string | undefined, into: (n: NamedPolicy) => void) => {
      if (!policyArn) return;
      const doc = managed.get(policyArn);
      if (doc === undefined) p.problems.push(`managed policy ${policyArn} is not in the answer`);
      else if (doc instanceof Error) p.problems.push(`managed policy ${policyArn}: ${doc.message}`);
      else into({ id: policyArn, document: doc });
    };
    for (const a of attached) addManaged(a.PolicyArn, (n) => p.policies.push(n));
    if (boundaryArn) addManaged(boundaryArn, (n) => (p.boundary = n));
    principals.push(p);
    return p;
  };
  for (const page of pages) {
    for (const u of page.UserDetailList ?? []) {
      if (!u.Arn || !u.UserName) continue;
      const p = collect(
        u.Arn,
        "user",
        u.UserName,
        u.CreateDate,
        u.UserPolicyList ?? [],
        u.AttachedManagedPolicies ?? [],
        u.PermissionsBoundary?.PermissionsBoundaryArn,
      );
      for (const groupName of u.GroupList ?? []) {
        const g = groups.get(groupName);
        if (!g) {
          p.problems.push(`group ${groupName} is not in the answer`);
          continue;
        }
        const before = p.policies.length;
        const asGroup = collect(`${u.Arn}#group/${groupName}`, "user", groupName, undefined, g.inline, g.attached);
        principals.pop();
        p.policies.splice(before, 0, ...asGroup.policies);
        p.problems.push(...asGroup.problems);
      }
    }
    for (const r of page.RoleDetailList ?? []) {
      if (r.Arn && r.RoleName)
        collect(
          r.Arn,
          "role",
          r.RoleName,
          r.CreateDate,
          r.RolePolicyList ?? [],
          r.AttachedManagedPolicies ?? [],
          r.PermissionsBoundary?.PermissionsBoundaryArn,
        );
    }
  }
  return principals;
}
