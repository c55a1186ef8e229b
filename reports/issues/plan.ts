/**
 * Which GitHub issues to open, update or close, from the findings and the issues already open.
 * Pure: one issue per principal and stack, found again next run by a hidden marker in its body that
 * carries the principal's fingerprint and the stack. A run only sees its own stack's issues, so one
 * stack's findings never close or rewrite another's.
 */
import * as crypto from "node:crypto";
import { InputError } from "../../queries/errors";
import { byPrincipal, PermissionGap } from "./findings";

export const LABEL = "athena-audit:unused-permissions";
/** The stack of issues opened before there were stacks (their marker names none). */
export const DEFAULT_STACK = "main";
const MARKER = /<!-- athena-audit:fingerprint=([0-9a-f]{16})(?: stack=([A-Za-z0-9._-]+))? -->/;

export interface OpenIssue {
  number: number;
  title: string;
  body: string;
}

export type Action =
  | { kind: "create"; fingerprint: string; title: string; body: string; principalArn: string }
  | { kind: "update"; number: number; fingerprint: string; title: string; body: string }
  | { kind: "close"; number: number; fingerprint: string; comment: string };

export interface SyncPlan {
  actions: Action[];
  unchanged: number;
  /** Principals left for a later run because of the cap on new issues. */
  deferred: string[];
}

export function fingerprint(principalArn: string): string {
  return crypto.createHash("sha256").update(principalArn).digest("hex").slice(0, 16);
}

/** The fingerprint and stack an issue's body names, or undefined for an issue that is not ours. */
export function markerOf(body: string): { fingerprint: string; stack: string } | undefined {
  const found = MARKER.exec(body);
  return found ? { fingerprint: found[1], stack: found[2] ?? DEFAULT_STACK } : undefined;
}

export function marker(fp: string, stack: string = DEFAULT_STACK): string {
  // The default stack keeps the marker issues had before stacks, so upgrading rewrites none of them.
  return stack === DEFAULT_STACK ? `<!-- athena-audit:fingerprint=${fp} -->` : `<!-- athena-audit:fingerprint=${fp} stack=${stack} -->`;
}

export interface Rendered {
  title: string;
  body: string;
}

export function planSync(
  findings: readonly PermissionGap[],
  open: readonly OpenIssue[],
  render: (principalArn: string, gaps: PermissionGap[], stack: string) => Rendered,
  maxNew: number,
  closingComment: (issue: OpenIssue) => string,
  stack: string = DEFAULT_STACK,
): SyncPlan {
  // The stack goes into the marker, which must read back the same (the CLI checks names earlier).
  if (!/^[A-Za-z0-9._-]+$/.test(stack)) throw new InputError(`stack name ${JSON.stringify(stack)} cannot go into an issue marker`);
  const existing = new Map<string, OpenIssue>();
  for (const issue of open) {
    const found = markerOf(issue.body);
    if (found?.stack === stack) existing.set(found.fingerprint, issue);
  }
  const actions: Action[] = [];
  const deferred: string[] = [];
  let unchanged = 0;
  let created = 0;
  const wanted = new Set<string>();
  for (const [principalArn, gaps] of byPrincipal(findings)) {
    const fp = fingerprint(principalArn);
    wanted.add(fp);
    const { title, body } = render(principalArn, gaps, stack);
    const full = `${body}\n\n${marker(fp, stack)}\n`;
    const issue = existing.get(fp);
    if (!issue) {
      if (created >= maxNew) deferred.push(principalArn);
      else {
        created++;
        actions.push({ kind: "create", fingerprint: fp, title, body: full, principalArn });
      }
    } else if (issue.body !== full || issue.title !== title) {
      actions.push({ kind: "update", number: issue.number, fingerprint: fp, title, body: full });
    } else unchanged++;
  }
  for (const [fp, issue] of [...existing.entries()].sort(([, a], [, b]) => a.number - b.number)) {
    if (!wanted.has(fp)) actions.push({ kind: "close", number: issue.number, fingerprint: fp, comment: closingComment(issue) });
  }
  return { actions, unchanged, deferred };
}
