/**
 * The permission-gap issues: one per principal and stack whose grants appear unused (the
 * permission_gaps saved query), labelled `athena-audit:permission-gaps`. Issues opened under the
 * label's earlier name, `athena-audit:unused-permissions`, are relabelled in place by the next sync.
 * Its marker carries the principal's fingerprint, the stack (none for the default stack, as issues
 * had before stacks) and the principal's account, so a run without that account's grants snapshot
 * leaves the issue open instead of closing it as resolved.
 */
import { SAVED } from "../../queries/saved";
import { issueTitle, trailingMarker } from "../channels/issue";
import { markdownTemplate } from "../channels/templates";
import { lastUsedWords } from "../pages/permission-gaps-page";
import {
  denyPolicy,
  namedAsAwsAccepts,
  PermissionGap,
  permissionVerdicts,
  QUIET_DAYS,
  Verdict,
  verdictAction,
  verdictReasons,
} from "../pages/permission-verdicts";
import { toFinding } from "./findings";
import { checkStack, DEFAULT_STACK, hash, IssueFamily, Marker, Rendered, WantedIssue } from "./plan";
import { syncFamily, SyncOptions, SyncReport } from "./sync";

export type { PermissionGap } from "../pages/permission-verdicts";

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

/** The principal's name in an issue title: the last part of its ARN. */
export function issueName(principalArn: string): string {
  return principalArn.split(/[:/]/).pop() ?? principalArn;
}

/** The verdict in a sentence (plain text): the action, how sure, and why. */
function verdictSentence(v: Verdict): string {
  const [verb, rest] = verdictAction(v);
  const use = v.ranNothing ? ["it ran nothing in the window"] : [];
  const why = [...use, ...verdictReasons(v)].join("; ");
  return `${verb.charAt(0).toUpperCase()}${verb.slice(1)} ${rest} (${v.confidence} confidence): ${why}.`;
}

/** What to change, in words (plain text), before the deny statements. */
function changeSentence(v: Verdict): string {
  const trimmed = v.remove.length === 1 ? "grant" : `${v.remove.length} grants`;
  const which = v.keep.length === 0 ? "these grants" : `the ${trimmed} the verdict trims`;
  const remove = `remove ${which} from the principal's policies (or its Lake Formation permissions)`;
  const principal = verdictAction(v)[1].slice("the ".length);
  if (v.kind === "remove")
    return (
      `delete the ${principal} if IAM's last accessed data shows no use outside the lake (athena-audit sees Athena and ` +
      `the lake's reads only); until then, or instead, ${remove}, for example`
    );
  if (v.kind === "trim") return `${remove}, for example`;
  return "none yet. If the grants are still unused when the wait is over, remove them, for example";
}

/**
 * `sameNameElsewhere`: another principal of these findings has the same name (one permission set or
 * role name in two accounts), so the title says the account too. `verdict`: the principal's, decided
 * with every principal's findings (an account's gaps in the evidence are read from all its rows);
 * without it, from these grants alone.
 */
export function renderPermissionGapIssue(
  principalArn: string,
  gaps: PermissionGap[],
  stack: string = DEFAULT_STACK,
  sameNameElsewhere = false,
  verdict: Verdict | undefined = permissionVerdicts(gaps)[0],
): Rendered {
  const first = gaps[0];
  const suggested = verdict === undefined || verdict.kind === "wait" ? gaps : verdict.remove.map((j) => j.gap);
  const leftOut = suggested.filter((g) => !namedAsAwsAccepts(g)).length;
  const rows = gaps.map((g) => ({ ...g, lastUsedText: lastUsedWords(g.lastUsed, g.lastUsedBy, g.lastUsedFrom, g.windowTo) }));
  const body = markdownTemplate("permission-gap-issue")({
    ...first,
    principalArn,
    gaps: rows,
    verdict: verdict && verdictSentence(verdict),
    change: verdict && changeSentence(verdict),
    suggestion: denyPolicy(suggested),
    quietDays: QUIET_DAYS,
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
  // Surest verdicts first, so a cap on new issues opens those first.
  const verdicts = permissionVerdicts(findings);
  const arnsNamed = new Map<string, number>();
  for (const v of verdicts) arnsNamed.set(issueName(v.principalArn), (arnsNamed.get(issueName(v.principalArn)) ?? 0) + 1);
  const wanted: WantedIssue[] = verdicts.map((v) => ({
    fingerprint: permissionGapFingerprint(v.principalArn),
    key: v.principalArn,
    ...renderPermissionGapIssue(
      v.principalArn,
      v.grants.map((j) => j.gap),
      stack,
      (arnsNamed.get(issueName(v.principalArn)) ?? 0) > 1,
      v,
    ),
    marker: permissionGapMarker(permissionGapFingerprint(v.principalArn), stack, v.principalArn.split(":")[4]),
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
