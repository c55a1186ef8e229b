/**
 * What each principal may query: work groups (athena:StartQueryExecution), databases
 * (glue:GetDatabase) and tables (glue:GetTable plus s3:GetObject on the table's location), decided
 * by @cloud-copilot/iam-simulate from the principal's own policies and permission boundary, in
 * Discovery mode so that a grant that hangs on a condition is recorded as conditional, not certain.
 * A principal or policy that cannot be evaluated is reported, never treated as "no access".
 */
import * as simulator from "@cloud-copilot/iam-simulate";
import { PrincipalPolicies } from "./authz";

export interface CatalogTable {
  database: string;
  name: string;
  /** `s3://bucket/prefix/` */
  location?: string;
}

export interface Catalog {
  partition: string;
  region: string;
  account: string;
  workGroups: string[];
  databases: string[];
  tables: CatalogTable[];
}

export interface Grant {
  principalArn: string;
  principalType: "user" | "role";
  grantKind: "workgroup" | "database" | "table";
  resource: string;
  /** `iam`, `lake-formation`, `lake-formation (columns)`. */
  accessPath: string;
  certainty: "allowed" | "conditional";
  /** The condition keys a conditional grant depends on. */
  conditionKeys: string[];
}

export interface Unevaluated {
  principalArn: string;
  reason: string;
}

interface Check {
  action: string;
  resource: string;
}

type Outcome = { allowed: false } | { allowed: true; conditionKeys: string[] } | { error: string };

function s3ObjectArn(partition: string, location: string): string | undefined {
  const [, bucket, path = ""] = /^s3a?:\/\/([^/]+)\/?(.*)$/.exec(location) ?? [];
  if (bucket === undefined) return undefined;
  const prefix = path && !path.endsWith("/") ? `${path}/` : path;
  return `arn:${partition}:s3:::${bucket}/${prefix}part-00000`;
}

function conditionKeys(conditions: unknown): string[] {
  const keys = new Set<string>();
  const walk = (node: unknown) => {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    const record = node as Record<string, unknown>;
    if (typeof record.key === "string") keys.add(record.key);
    Object.values(record).forEach(walk);
  };
  walk(conditions);
  return [...keys].sort();
}

async function decide(principal: PrincipalPolicies, catalog: Catalog, check: Check): Promise<Outcome> {
  const simulation = {
    request: {
      principal: principal.arn.split("#")[0],
      action: check.action,
      resource: { resource: check.resource, accountId: catalog.account },
      contextVariables: {},
    },
    identityPolicies: principal.policies.map((p) => ({ policyId: p.id, policy: p.document })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(principal.boundary
      ? { permissionBoundaryPolicies: [{ policyId: principal.boundary.id, policy: principal.boundary.document }] }
      : {}),
  } as unknown as simulator.Simulation;
  const answer = await simulator.runSimulation(simulation, { simulationMode: "Discovery" } as never);
  if (answer.resultType === "error") return { error: JSON.stringify(answer.errors).slice(0, 500) };
  if (answer.resultType !== "single") return { error: `unexpected ${answer.resultType} result for a concrete resource` };
  const analysis = (answer.result as unknown as { analysis?: { result?: string; conditions?: unknown } }).analysis;
  if (analysis?.result !== "Allowed") return { allowed: false };
  return { allowed: true, conditionKeys: conditionKeys(analysis.conditions) };
}

export async function evaluateGrants(
  principals: readonly PrincipalPolicies[],
  catalog: Catalog,
): Promise<{ grants: Grant[]; unevaluated: Unevaluated[] }> {
  const { partition, region, account } = catalog;
  const targets: { kind: Grant["grantKind"]; resource: string; checks: Check[] }[] = [
    ...catalog.workGroups.map((w) => ({
      kind: "workgroup" as const,
      resource: w,
      checks: [{ action: "athena:StartQueryExecution", resource: `arn:${partition}:athena:${region}:${account}:workgroup/${w}` }],
    })),
    ...catalog.databases.map((d) => ({
      kind: "database" as const,
      resource: d,
      checks: [{ action: "glue:GetDatabase", resource: `arn:${partition}:glue:${region}:${account}:database/${d}` }],
    })),
    ...catalog.tables.map((t) => {
      const object = t.location ? s3ObjectArn(partition, t.location) : undefined;
      return {
        kind: "table" as const,
        resource: `${t.database}.${t.name}`,
        checks: [
          { action: "glue:GetTable", resource: `arn:${partition}:glue:${region}:${account}:table/${t.database}/${t.name}` },
          ...(object ? [{ action: "s3:GetObject", resource: object }] : []),
        ],
      };
    }),
  ];
  const grants: Grant[] = [];
  const unevaluated: Unevaluated[] = [];
  for (const principal of principals) {
    if (principal.problems.length > 0) {
      unevaluated.push({ principalArn: principal.arn, reason: principal.problems.join("; ") });
      continue;
    }
    const found: Grant[] = [];
    let failure: string | undefined;
    for (const target of targets) {
      const keys = new Set<string>();
      let allowed = true;
      for (const check of target.checks) {
        const outcome = await decide(principal, catalog, check);
        if ("error" in outcome) failure ??= `${check.action} on ${check.resource}: ${outcome.error}`;
        if (!("allowed" in outcome) || !outcome.allowed) {
          allowed = false;
          break;
        }
        outcome.conditionKeys.forEach((k) => keys.add(k));
      }
      if (failure) break;
      if (allowed) {
        found.push({
          principalArn: principal.arn,
          principalType: principal.type,
          grantKind: target.kind,
          resource: target.resource,
          accessPath: "iam",
          certainty: keys.size > 0 ? "conditional" : "allowed",
          conditionKeys: [...keys].sort(),
        });
      }
    }
    if (failure) unevaluated.push({ principalArn: principal.arn, reason: failure });
    else grants.push(...found);
  }
  return { grants, unevaluated };
}
