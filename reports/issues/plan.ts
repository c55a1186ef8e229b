/**
 * Which GitHub issues to open, update, relabel or close, from the issues a family of findings wants
 * and the issues already open. Pure, and the same for every family (permission-gap-issues.ts,
 * anomaly-issues.ts). Each issue is found again next run by a hidden marker in its body that carries
 * its fingerprint and the stack; each family writes its own kind of marker under its own label, so
 * one family never adopts or closes another's issues. A run only sees its own stack's issues, so one
 * stack's findings never close or rewrite another's.
 *
 * Only a marker on the body's last line counts (channels/issue.ts), and only on an issue the sync's
 * own account opened (sync.ts), so a value in the data cannot make it adopt another issue.
 */
import * as crypto from "node:crypto";
import { InputError } from "../../core/errors";
import { withMarker } from "../channels/issue";

/** The stack of issues opened before there were stacks (their marker names none). */
export const DEFAULT_STACK = "main";

/** A family of findings, as the plan and the sync see it: its label, and how its markers read. */
export interface IssueFamily {
  label: string;
  /**
   * Labels the family's issues carried under an earlier name: an open issue of the family still
   * carrying one is relabelled in place (same number, same comments).
   */
  formerLabels: readonly string[];
  readMarker: (body: string) => Marker | undefined;
}

export interface OpenIssue {
  number: number;
  title: string;
  body: string;
  labels: readonly string[];
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
  | { kind: "relabel"; number: number; fingerprint: string; add?: string; remove: string[] }
  | { kind: "create"; fingerprint: string; title: string; body: string; key: string }
  | { kind: "update"; number: number; fingerprint: string; title: string; body: string }
  | { kind: "close"; number: number; fingerprint: string; comment: string };

export interface SyncPlan {
  actions: Action[];
  unchanged: number;
  /** Issues not wanted that stay open all the same, and why: what would close them is missing evidence (`keepOpen`). */
  keptOpen: { number: number; reason: string }[];
  /** Keys left for a later run because of the cap on new issues. */
  deferred: string[];
}

export interface Rendered {
  title: string;
  body: string;
}

/** 16 hex digits of SHA-256: short enough for a marker, long enough never to collide in one repository. */
export function hash(text: string): string {
  return crypto.createHash("sha256").update(text).digest("hex").slice(0, 16);
}

/** The stack goes into markers, which must read back the same (the CLI checks names earlier). */
export function checkStack(stack: string): void {
  if (!/^[A-Za-z0-9._-]+$/.test(stack)) throw new InputError(`stack name ${JSON.stringify(stack)} cannot go into an issue marker`);
}

export interface PlanOptions {
  /** New issues at most; the rest are deferred to a later run. */
  maxNew: number;
  stack: string;
  /** What an issue closed because its finding is gone says. */
  closingComment: (issue: OpenIssue, marker: Marker) => string;
  /** Why an issue no longer wanted stays open (what would close it is missing evidence); undefined closes it. */
  keepOpen?: (marker: Marker) => string | undefined;
}

/** The relabelling an issue of the family needs: its label added, its former labels removed; none when it has them right. */
function relabel(family: IssueFamily, issue: OpenIssue, fingerprint: string): Action | undefined {
  const remove = issue.labels.filter((label) => family.formerLabels.includes(label));
  const add = issue.labels.includes(family.label) ? undefined : family.label;
  if (remove.length === 0 && add === undefined) return undefined;
  return { kind: "relabel", number: issue.number, fingerprint, ...(add === undefined ? {} : { add }), remove };
}

/**
 * The actions that make the open issues match `wanted`: relabel what carries a former label, open
 * what is missing (at most `maxNew`), rewrite what changed, close (with `closingComment`) this
 * stack's issues no longer wanted. Issues whose body `family.readMarker` does not recognise are
 * another family's or a person's: never touched.
 */
export function planIssues(
  family: IssueFamily,
  wanted: readonly WantedIssue[],
  open: readonly OpenIssue[],
  options: PlanOptions,
): SyncPlan {
  checkStack(options.stack);
  const existing = new Map<string, { issue: OpenIssue; marker: Marker }>();
  for (const issue of open) {
    const found = family.readMarker(issue.body);
    if (found?.stack === options.stack) existing.set(found.fingerprint, { issue, marker: found });
  }
  const byNumber = [...existing.values()].sort((a, b) => a.issue.number - b.issue.number);
  // Relabelled first, so what the run changes next is already under the family's label.
  const actions = byNumber.flatMap(({ issue, marker }) => relabel(family, issue, marker.fingerprint) ?? []);
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
      if (created >= options.maxNew) deferred.push(w.key);
      else {
        created++;
        actions.push({ kind: "create", fingerprint: w.fingerprint, title: w.title, body: full, key: w.key });
      }
    } else if (issue.body !== full || issue.title !== w.title) {
      actions.push({ kind: "update", number: issue.number, fingerprint: w.fingerprint, title: w.title, body: full });
    } else unchanged++;
  }
  const keptOpen: SyncPlan["keptOpen"] = [];
  for (const { issue, marker } of byNumber) {
    if (kept.has(marker.fingerprint)) continue;
    const reason = options.keepOpen?.(marker);
    if (reason !== undefined) keptOpen.push({ number: issue.number, reason });
    else
      actions.push({
        kind: "close",
        number: issue.number,
        fingerprint: marker.fingerprint,
        comment: options.closingComment(issue, marker),
      });
  }
  return { actions, unchanged, deferred, keptOpen };
}
