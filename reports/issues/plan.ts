/**
 * Which GitHub issues to open, update or close, from the issues a family of findings wants and the
 * issues already open. Pure. Each issue is found again next run by a hidden marker in its body that
 * carries its fingerprint and the stack; each family writes its own kind of marker under its own
 * label, so one family never adopts or closes another's issues. A run only sees its own stack's
 * issues, so one stack's findings never close or rewrite another's.
 *
 * Only a marker on the body's last line counts (channels/issue.ts), and only on an issue the sync's
 * own account opened (sync.ts), so a value in the data cannot make it adopt another issue.
 *
 * Permission gaps: one issue per principal and stack, label `athena-audit:unused-permissions`.
 */
import * as crypto from "node:crypto";
import { InputError } from "../../core/errors";
import { trailingMarker, withMarker } from "../channels/issue";

export const LABEL = "athena-audit:unused-permissions";
/** The stack of issues opened before there were stacks (their marker names none). */
export const DEFAULT_STACK = "main";
/** The whole last line of the body (channels/issue.ts reads no other). */
const MARKER = /^<!-- athena-audit:fingerprint=([0-9a-f]{16})(?: stack=([A-Za-z0-9._-]+))?(?: account=(\d{12}))? -->$/;

export interface OpenIssue {
  number: number;
  title: string;
  body: string;
}

/** What a marker says: whose issue it is. `day` is the finding's day, for families whose findings have one. */
export interface Marker {
  fingerprint: string;
  stack: string;
  day?: string;
  /** The account whose grants the issue is about (markers written before accounts name none). */
  account?: string;
}

/** One issue a family wants open: `key` says what it is about in logs (a principal, a finding). */
export interface WantedIssue {
  fingerprint: string;
  key: string;
  title: string;
  /** Without the marker, which the plan appends. */
  body: string;
  marker: string;
}

export type Action =
  | { kind: "create"; fingerprint: string; title: string; body: string; key: string }
  | { kind: "update"; number: number; fingerprint: string; title: string; body: string }
  | { kind: "close"; number: number; fingerprint: string; comment: string };

export interface SyncPlan {
  actions: Action[];
  unchanged: number;
  /** Issues not wanted that stay open all the same: what would close them is missing evidence (`keepOpen`). */
  keptOpen: number[];
  /** Keys left for a later run because of the cap on new issues. */
  deferred: string[];
}

/** 16 hex digits of SHA-256: short enough for a marker, long enough never to collide in one repository. */
export function hash(text: string): string {
  return crypto.createHash("sha256").update(text).digest("hex").slice(0, 16);
}

export function fingerprint(principalArn: string): string {
  return hash(principalArn);
}

/** The stack goes into markers, which must read back the same (the CLI checks names earlier). */
export function checkStack(stack: string): void {
  if (!/^[A-Za-z0-9._-]+$/.test(stack)) throw new InputError(`stack name ${JSON.stringify(stack)} cannot go into an issue marker`);
}

/** The fingerprint and stack a permission issue's body names, or undefined for an issue that is not one. */
export function markerOf(body: string): Marker | undefined {
  const found = trailingMarker(body, MARKER);
  if (!found) return undefined;
  return { fingerprint: found[1], stack: found[2] ?? DEFAULT_STACK, ...(found[3] ? { account: found[3] } : {}) };
}

/**
 * The default stack's marker names no stack, as issues had before stacks. `account`, when it is an
 * account id, says whose grants the issue is about, so a run without that account's grants snapshot
 * leaves the issue open instead of closing it as resolved.
 */
export function marker(fp: string, stack: string = DEFAULT_STACK, account?: string): string {
  const where = stack === DEFAULT_STACK ? "" : ` stack=${stack}`;
  const whose = account !== undefined && /^\d{12}$/.test(account) ? ` account=${account}` : "";
  return `<!-- athena-audit:fingerprint=${fp}${where}${whose} -->`;
}

export interface Rendered {
  title: string;
  body: string;
}

/**
 * The actions that make the open issues match `wanted`: open what is missing (at most `maxNew`),
 * rewrite what changed, close (with `closingComment`) this stack's issues no longer wanted. Issues
 * whose body `readMarker` does not recognise are another family's or a person's: never touched.
 */
export function planIssues(
  wanted: readonly WantedIssue[],
  open: readonly OpenIssue[],
  readMarker: (body: string) => Marker | undefined,
  maxNew: number,
  closingComment: (issue: OpenIssue, marker: Marker) => string,
  stack: string = DEFAULT_STACK,
  keepOpen: (marker: Marker) => boolean = () => false,
): SyncPlan {
  checkStack(stack);
  const existing = new Map<string, { issue: OpenIssue; marker: Marker }>();
  for (const issue of open) {
    const found = readMarker(issue.body);
    if (found?.stack === stack) existing.set(found.fingerprint, { issue, marker: found });
  }
  const actions: Action[] = [];
  const deferred: string[] = [];
  let unchanged = 0;
  let created = 0;
  const kept = new Set<string>();
  for (const w of wanted) {
    if (kept.has(w.fingerprint)) continue; // the same finding twice: its first (most important) rendering wins
    kept.add(w.fingerprint);
    const full = withMarker(w.body, w.marker);
    const issue = existing.get(w.fingerprint)?.issue;
    if (!issue) {
      if (created >= maxNew) deferred.push(w.key);
      else {
        created++;
        actions.push({ kind: "create", fingerprint: w.fingerprint, title: w.title, body: full, key: w.key });
      }
    } else if (issue.body !== full || issue.title !== w.title) {
      actions.push({ kind: "update", number: issue.number, fingerprint: w.fingerprint, title: w.title, body: full });
    } else unchanged++;
  }
  const keptOpen: number[] = [];
  for (const [fp, { issue, marker: found }] of [...existing.entries()].sort(([, a], [, b]) => a.issue.number - b.issue.number)) {
    if (kept.has(fp)) continue;
    if (keepOpen(found)) keptOpen.push(issue.number);
    else actions.push({ kind: "close", number: issue.number, fingerprint: fp, comment: closingComment(issue, found) });
  }
  return { actions, unchanged, deferred, keptOpen };
}
