/**
 * Columns and cells more than one page shows: the Account column (only when the rows span
 * accounts, so a single-account audit sees no change), a principal's type in words, query text
 * (redacted unless told otherwise), and cost and bytes over the period and its short window.
 */
import { oneLine } from "../../core/output/visible";
import { DEFAULT_OPTIONS, Period } from "../../queries/saved";
import { codeSpan, humanBytes, markdownText, usd } from "./format";
import { redactSql } from "./redact";
import { Column, RIGHT } from "./table";
import type { RenderOptions } from "./types";

/** An account id as code: an id, not a number to read (`(unknown)` and `(all)` as words). */
export function accountCell(account: string | null): string {
  return account === null ? "" : account.startsWith("(") ? markdownText(account) : codeSpan(account);
}

/** The Account column, or none when every row is of one account. */
export function accountColumn<R>(rows: readonly R[], account: (row: R) => string | null): Column<R>[] {
  const accounts = new Set(rows.map(account).filter((a) => a !== null && a !== "(all)"));
  return accounts.size > 1 ? [{ label: "Account", cell: (r) => accountCell(account(r)) }] : [];
}

/** CloudTrail's `userIdentity.type` in words. */
const PRINCIPAL_TYPES: Record<string, string> = {
  IAMUser: "IAM user",
  AssumedRole: "assumed role",
  FederatedUser: "federated user",
  Root: "root",
  AWSService: "AWS service",
  AWSAccount: "AWS account",
  IdentityCenterUser: "Identity Center user",
};

export const principalType = (type: string | null) => (type === null ? "" : (PRINCIPAL_TYPES[type] ?? markdownText(type)));

/** Query text as a code span, its values masked unless redaction is off. */
export function queryText(value: string | null, options: RenderOptions): string {
  return codeSpan(value === null ? null : options.redact ? redactSql(value) : value);
}

/** The period's length in days, both ends included. */
function periodDays(period: Period): number {
  return Math.round((Date.parse(`${period.to}T00:00:00Z`) - Date.parse(`${period.from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** `Cost (90 d)` and `Cost (last 30 d)`, or only the first when the short window is the whole period. */
export function windows(period: Period): { long: string; short?: string; context: string[] } {
  const days = periodDays(period);
  const shortDays = DEFAULT_OPTIONS.shortWindowDays;
  if (shortDays >= days) {
    return { long: `${days} d`, context: [`The last ${shortDays} days cover the whole period, so only the period is shown.`] };
  }
  return { long: `${days} d`, short: `last ${shortDays} d`, context: [] };
}

/** Cost and bytes over the long window, and over the short one when the period has one. */
interface Windowed {
  cost_usd_long: number;
  cost_usd_short: number;
  data_scanned_bytes_long: number;
  data_scanned_bytes_short: number;
}

export function windowedCostAndBytes<R extends Windowed>(w: { long: string; short?: string }): Column<R>[] {
  return [
    { label: `Cost (${w.long})`, right: RIGHT, cell: (r) => usd(r.cost_usd_long) },
    ...(w.short ? [{ label: `Cost (${w.short})`, right: RIGHT, cell: (r: R) => usd(r.cost_usd_short) }] : []),
    { label: `Scanned (${w.long})`, right: RIGHT, cell: (r) => humanBytes(r.data_scanned_bytes_long) },
    ...(w.short ? [{ label: `Scanned (${w.short})`, right: RIGHT, cell: (r: R) => humanBytes(r.data_scanned_bytes_short) }] : []),
  ];
}

/** The width a query shape or text is cut to in its cell. */
export const SHAPE_WIDTH = 100;

/** Where two texts first differ. */
function firstDifference(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/**
 * Each shape (or query text) as its cell shows it: cut to `width`; where that cut is another's too
 * (a weekly and a nightly job, the nightly one's WHERE past the cut), the beginning, ` … `, then
 * the text from a little before the first character that tells them apart.
 */
export function shapeLabels(shapes: readonly string[], width = SHAPE_WIDTH): string[] {
  const lines = shapes.map((s) => s.replace(/\s+/g, " ").trim());
  const cut = lines.map((line) => oneLine(line, width));
  return lines.map((line, i) => {
    const twins = lines.filter((_, j) => j !== i && cut[j] === cut[i]);
    if (twins.length === 0) return cut[i] ?? line;
    const split = Math.max(...twins.map((other) => firstDifference(line, other)));
    const head = Math.floor(width / 3);
    const from = Math.max(head, split - 10);
    return `${line.slice(0, head - 1).trimEnd()} … ${oneLine(line.slice(from), width - head - 2)}`;
  });
}
