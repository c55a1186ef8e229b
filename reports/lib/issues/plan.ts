/**
 * Which GitHub issues to open, update or close, from the findings and the issues already open.
 * Pure: one issue per principal, found again next run by a hidden fingerprint in its body.
 */
import * as crypto from "node:crypto";
import { byPrincipal, PermissionGap } from "../findings";

export const LABEL = "athena-audit:unused-permissions";
const MARKER = /<!-- athena-audit:fingerprint=([0-9a-f]{16}) -->/;

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

export function fingerprintOf(body: string): string | undefined {
  return MARKER.exec(body)?.[1];
}

export function marker(fp: string): string {
  return `<!-- athena-audit:fingerprint=${fp} -->`;
}

export interface Rendered {
  title: string;
  body: string;
}

export function planSync(
  findings: readonly PermissionGap[],
  open: readonly OpenIssue[],
  render: (principalArn: string, gaps: PermissionGap[]) => Rendered,
  maxNew: number,
  closingComment: (issue: OpenIssue) => string,
): SyncPlan {
  const existing = new Map<string, OpenIssue>();
  for (const issue of open) {
    const fp = fingerprintOf(issue.body);
    if (fp) existing.set(fp, issue);
  }
  const actions: Action[] = [];
  const deferred: string[] = [];
  let unchanged = 0;
  let created = 0;
  const wanted = new Set<string>();
  for (const [principalArn, gaps] of byPrincipal(findings)) {
    const fp = fingerprint(principalArn);
    wanted.add(fp);
    const { title, body } = render(principalArn, gaps);
    const full = `${body}\n\n${marker(fp)}\n`;
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
