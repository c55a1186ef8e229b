/**
 * The permission-gap issues: one per principal and stack whose grants appear unused (the
 * permission_gaps saved query), labelled `athena-audit:permission-gaps`. Issues opened under the
 * label's earlier name, `athena-audit:unused-permissions`, are relabelled in place by the next sync.
 * Its marker carries the principal's fingerprint, the stack (none for the default stack, as issues
 * had before stacks) and the principal's account, so a run without that account's grants snapshot
 * leaves the issue open instead of closing it as resolved.
 */
import { ACCOUNT_PATTERN, GLUE_NAME_PATTERN, WORK_GROUP_PATTERN } from "../../core/names";
import { CamelRow, SAVED } from "../../queries/saved";
import { issueTitle, trailingMarker } from "../channels/issue";
import { jsonBlock } from "../channels/markdown";
import { markdownTemplate } from "../channels/templates";
import { lastUsedWords } from "../pages/permission-gaps-page";
import { toFinding } from "./findings";
import { checkStack, DEFAULT_STACK, hash, IssueFamily, Marker, Rendered, WantedIssue } from "./plan";
import { syncFamily, SyncOptions, SyncReport } from "./sync";

/** One grant a principal holds but did not use in the window (one row per principal and grant). */
export type PermissionGap = CamelRow<typeof SAVED.permission_gaps>;

/** The whole last line of the body (channels/issue.ts reads no other). */
const MARKER = /^<!-- athena-audit:fingerprint=([0-9a-f]{16})(?: stack=([A-Za-z0-9._-]+))?(?: account=(\d{12}))? -->$/;

export function permissionGapFingerprint(principalArn: string): string {
  return hash(principalArn);
}

/**
 * The default stack's marker names no stack, as issues had before stacks. `account`, when it is an
 * account id, says whose grants the issue is about.
 */
export function permissionGapMarker(fp: string, stack: string = DEFAULT_STACK, account?: string): string {
  const where = stack === DEFAULT_STACK ? "" : ` stack=${stack}`;
  const whose = account !== undefined && /^\d{12}$/.test(account) ? ` account=${account}` : "";
  return `<!-- athena-audit:fingerprint=${fp}${where}${whose} -->`;
}

/** The fingerprint, stack and account a permission-gap issue's body names, or undefined for an issue that is not one. */
export function permissionGapMarkerOf(body: string): Marker | undefined {
  // The stack and account are optional in the marker.
  const [, fingerprint, stack = DEFAULT_STACK, account] = trailingMarker(body, MARKER) ?? [];
  if (!fingerprint) return undefined;
  return { fingerprint, stack, ...(account ? { account } : {}) };
}

export const PERMISSION_GAPS: IssueFamily = {
  label: "athena-audit:permission-gaps",
  formerLabels: ["athena-audit:unused-permissions"],
  readMarker: permissionGapMarkerOf,
};

/** A permission_gaps row (snake_case) or a findings-file entry (camelCase), checked. */
export function toPermissionGap(row: Record<string, unknown>, where: string): PermissionGap {
  return toFinding(SAVED.permission_gaps, row, where);
}

/** Findings grouped by principal, principals and grants in a stable order. */
export function byPrincipal(findings: readonly PermissionGap[]): Map<string, PermissionGap[]> {
  const groups = new Map<string, PermissionGap[]>();
  for (const f of [...findings].sort(
    (a, b) =>
      a.principalArn.localeCompare(b.principalArn) || a.grantKind.localeCompare(b.grantKind) || a.resource.localeCompare(b.resource),
  )) {
    groups.set(f.principalArn, [...(groups.get(f.principalArn) ?? []), f]);
  }
  return groups;
}

/**
 * The actions each kind of grant stands for, every one a suggested deny removes. A work group runs
 * queries; a database or table is read through the Glue Data Catalog by every engine (Athena, Glue
 * jobs, EMR, Redshift Spectrum), so its catalog reads all go: the table, its partitions, and for a
 * database the listing of its tables.
 */
export const REMOVED_ACTIONS: Record<"workgroup" | "database" | "table", readonly string[]> = {
  workgroup: ["athena:StartQueryExecution"],
  database: ["glue:GetDatabase", "glue:GetTables", "glue:GetTable", "glue:GetPartitions", "glue:GetPartition", "glue:BatchGetPartition"],
  table: ["glue:GetTable", "glue:GetPartitions", "glue:GetPartition", "glue:BatchGetPartition"],
};

/**
 * The deny statements that remove what the unused grants allow, as a starting point for review: in
 * the grant's own account (another account's work group or database of the same name is not this
 * grant), one statement per kind, naming every action it removes. A database's tables are covered by
 * its `table/<database>/*`.
 */
function suggestion(gaps: readonly PermissionGap[]): string {
  const statements = (["workgroup", "database", "table"] as const).flatMap((kind) => {
    const resources = gaps
      .filter((g) => g.grantKind === kind && namedAsAwsAccepts(g))
      .flatMap((g) => {
        // An account id that is not one (the lake's value, checked again here) names no account: any.
        const account = typeof g.accountId === "string" && ACCOUNT_PATTERN.test(g.accountId) ? g.accountId : "*";
        if (kind === "workgroup") return [`arn:aws:athena:*:${account}:workgroup/${g.resource}`];
        if (kind === "database")
          return [`arn:aws:glue:*:${account}:database/${g.resource}`, `arn:aws:glue:*:${account}:table/${g.resource}/*`];
        return [`arn:aws:glue:*:${account}:table/${g.resource.replace(".", "/")}`];
      });
    if (resources.length === 0) return [];
    const sid = { workgroup: "RemoveUnusedWorkGroups", database: "RemoveUnusedDatabases", table: "RemoveUnusedTables" }[kind];
    return [{ Sid: sid, Effect: "Deny", Action: [...REMOVED_ACTIONS[kind]], Resource: resources }];
  });
  return jsonBlock({ Version: "2012-10-17", Statement: statements });
}

/**
 * Whether the grant's resource is a name AWS accepts for its kind: a value from the lake that is not
 * one (too long, a line break) names no resource, so no policy is suggested for it.
 */
function namedAsAwsAccepts(g: PermissionGap): boolean {
  if (g.grantKind === "workgroup") return WORK_GROUP_PATTERN.test(g.resource);
  if (g.grantKind === "database") return GLUE_NAME_PATTERN.test(g.resource);
  const dot = g.resource.indexOf(".");
  return dot > 0 && GLUE_NAME_PATTERN.test(g.resource.slice(0, dot)) && GLUE_NAME_PATTERN.test(g.resource.slice(dot + 1));
}

/** The principal's name in an issue title: the last part of its ARN. */
export function issueName(principalArn: string): string {
  return principalArn.split(/[:/]/).pop() ?? principalArn;
}

/**
 * `sameNameElsewhere`: another principal of these findings has the same name (one permission set or
 * role name in two accounts), so the title says the account too.
 */
export function renderPermissionGapIssue(
  principalArn: string,
  gaps: PermissionGap[],
  stack: string = DEFAULT_STACK,
  sameNameElsewhere = false,
): Rendered {
  const first = gaps[0];
  const leftOut = gaps.filter((g) => !namedAsAwsAccepts(g)).length;
  const rows = gaps.map((g) => ({ ...g, lastUsedText: lastUsedWords(g.lastUsed, g.lastUsedBy, g.lastUsedFrom, g.windowTo) }));
  const body = markdownTemplate("permission-gap-issue")({
    ...first,
    principalArn,
    gaps: rows,
    suggestion: suggestion(gaps),
    leftOut,
  }).trim();
  const name = issueName(principalArn);
  // The same principal can hold grants in several stacks; the title tells their issues apart. The
  // default stack's titles stay as they were before stacks, so upgrading renames nothing.
  const where = stack === DEFAULT_STACK ? "" : ` (${stack})`;
  const accountId = principalArn.split(":")[4];
  const account = sameNameElsewhere && accountId ? `account ${accountId}, ` : "";
  return {
    title: issueTitle(`Unused Athena permissions${where}: ${name} (${account}${gaps.length} grant${gaps.length === 1 ? "" : "s"})`),
    body,
  };
}

export interface PermissionGapSyncOptions extends SyncOptions {
  /**
   * Accounts with no grants snapshot in the window: their principals' findings were not computed, so
   * their issues stay open (an issue whose marker names no account stays open while any is listed).
   */
  accountsWithoutGrants?: readonly string[];
}

/** One issue per principal whose grants appear unused; a principal no longer found has its issue closed. */
export async function syncPermissionGapIssues(findings: readonly PermissionGap[], options: PermissionGapSyncOptions): Promise<SyncReport> {
  const stack = options.stack ?? DEFAULT_STACK;
  checkStack(stack);
  const principals = byPrincipal(findings);
  const arnsNamed = new Map<string, number>();
  for (const arn of principals.keys()) arnsNamed.set(issueName(arn), (arnsNamed.get(issueName(arn)) ?? 0) + 1);
  const wanted: WantedIssue[] = [...principals].map(([principalArn, gaps]) => ({
    fingerprint: permissionGapFingerprint(principalArn),
    key: principalArn,
    ...renderPermissionGapIssue(principalArn, gaps, stack, (arnsNamed.get(issueName(principalArn)) ?? 0) > 1),
    marker: permissionGapMarker(permissionGapFingerprint(principalArn), stack, principalArn.split(":")[4]),
  }));
  const window = findings[0] ? `${findings[0].windowFrom} to ${findings[0].windowTo}` : "the latest window";
  const missing = new Set(options.accountsWithoutGrants ?? []);
  const keepOpen = (m: Marker) =>
    missing.size > 0 && (m.account === undefined || missing.has(m.account))
      ? "its account has no grants snapshot in the window, so its grants were not judged"
      : undefined;
  return syncFamily(
    PERMISSION_GAPS,
    wanted,
    () => `These grants were used again, or are no longer held, in ${window}. Closing.`,
    options,
    keepOpen,
  );
}
