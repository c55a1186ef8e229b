/**
 * The index headline that says what to do: who and what drives the cost, how the period compares
 * with the one before it, the largest cost that could have been avoided, the permission gaps and
 * the gaps in the evidence, one line each with a link to the page that has the detail. Pure, so
 * tests can hold every figure to the generator's ledger (test/reports/headline.test.ts).
 *
 * Each figure means exactly this:
 * - Cost drivers: the IAM users and roles (a role's sessions together) with the largest cost in
 *   the period, each with its share of the period's cost, from top_scanners.
 * - Tables: the tables with the largest cost, a query that read several split evenly between them,
 *   and their share of the period's cost, from cost_by_table.
 * - Change: the period's cost and queries against the previous period of the same length, from
 *   top_scanners' totals. Given as a change only when events exist from the previous period's first day;
 *   when they start later, both amounts without a change; when there are none, it says so.
 * - Cost spike: the cost chart's bucket (day, week…) whose cost per day is at least 1.5× the median
 *   bucket's, its busiest day, and the anomalies in it that scanned bytes (volume, exfiltration), the
 *   most first; or that none was found (reports/pages/cost-spike.ts).
 * - Avoidable: the cost of runs that result reuse would have answered (cost_by_query_shape's
 *   repeat_cost_usd: a billed SELECT that repeated, word for word, the same caller's successful
 *   run in the same work group and database at most an hour before), and what cancelled queries
 *   were billed (failed_and_cancelled), the larger first. Full scans are not counted: nothing in
 *   the evidence says which of them a partition filter could have avoided.
 * - Permission gaps: permission_gaps rows (a grant held, not used in the period), each principal's
 *   verdict (remove, trim, wait) as the page decides it, the surest first; the
 *   accounts without a grants snapshot in the period (usage_by_account) named as not computed, never "none".
 * - Coverage: the region-days data_coverage finds partial or missing.
 * - The bill: the billed days whose bill a TB definition explains, which one, and the days none does,
 *   each with what the bill carries beyond its queries' price, from bill_reconciliation.
 * - The second witness, when Athena's system table was read: what it added and where it disagrees.
 * - Accounts, when the audit spans several or one needs a word (an expected account that sent
 *   nothing, CloudTrail starts without history): each account's share of the cost, from usage_by_account.
 * - Anomalies, when the anomalies query ran: its findings by severity, and the first to look at
 *   (the highest severity, then score) in words.
 * - Access by engine, when its query ran: the engines other than Athena that read tables, and the one
 *   that read the most bytes, from access_by_engine; a kind of evidence the trail did not record is
 *   said as such, never as "none".
 */
import { DEFAULT_TB } from "../../core/cost";
import { daysBetween } from "../../core/days";
import { Period, SAVED, SavedRow } from "../../queries/saved";
import { accessByEngineLine, EngineRow } from "./access-by-engine-page";
import { AnomalyRow, anomalySentence, bySeverity } from "./anomaly-words";
import { auditTb, billHeadline, ReconciliationRow } from "./bill-verdict";
import { costSpike, costSpikeLine } from "./cost-spike";
import { CoverageSummary } from "./data-coverage-page";
import { changePercent, codeSpan, count, markdownText, principalName, usd } from "./format";
import { gapCounts, GapCounts, permissionGapsLine } from "./permission-gaps-page";
import { comparison, principalCosts, ScannerRow, totals } from "./principal-costs";
import { accountsLine } from "./usage-by-account-page";
import { witnessHeadline } from "./witness-disagreements-page";

/** How many cost drivers and tables the headline names. */
export const TOP = 3;

export interface HeadlineInput {
  period: Period;
  /** The period's cost (all queries, usage_daily). */
  cost: number;
  /** usage_daily rows: the cost chart's days, for a spike in it. */
  daily?: readonly SavedRow<typeof SAVED.usage_daily>[];
  /** top_scanners rows: the principals' cost, and both periods' totals. */
  scanners: readonly ScannerRow[];
  tables: readonly SavedRow<typeof SAVED.cost_by_table>[];
  shapes: readonly SavedRow<typeof SAVED.cost_by_query_shape>[];
  unfinished: readonly SavedRow<typeof SAVED.failed_and_cancelled>[];
  gaps: readonly SavedRow<typeof SAVED.permission_gaps>[];
  coverage: CoverageSummary;
  /** bill_reconciliation rows; the headline says nothing of the bill when none was collected. */
  bill?: readonly ReconciliationRow[];
  /** witness_disagreements rows; nothing is said of the second witness when it was not read. */
  witness?: readonly SavedRow<typeof SAVED.witness_disagreements>[];
  /** anomalies rows; absent when the query did not run, so no rows then says "none found" only when it did. */
  anomalies?: readonly AnomalyRow[];
  /** usage_by_account rows; nothing is said of accounts for one account whose evidence needs no word. */
  accounts?: readonly SavedRow<typeof SAVED.usage_by_account>[];
  /** access_by_engine rows; absent when the query did not run, so no rows then says nothing was recorded only when it did. */
  engines?: readonly EngineRow[];
}

export interface Share {
  name: string;
  cost: number;
  /** Of the period's cost, 0..1. */
  share: number;
}

export interface Headline {
  /** The IAM users and roles that cost most, with what they cost in the previous period (null when it is not comparable). */
  drivers: (Share & { previousCost: number | null })[];
  tables: Share[];
  change: {
    previous: Period;
    /** `full`: events from the previous period's first day; `partial`: from a later day; `none`: no events in it. */
    evidence: "full" | "partial" | "none";
    /** The first day with events in the two periods. */
    evidenceFrom: string | null;
    cost: number;
    previousCost: number;
    queries: number;
    previousQueries: number;
  };
  avoidable: { repeatRuns: number; repeatCost: number; cancelledQueries: number; cancelledCost: number };
  /** Counted from permission_gaps rows: the accounts without a grants snapshot in the period have none (see its line). */
  gaps: GapCounts;
  /** The lines to print, Markdown, each with its links. */
  lines: string[];
}

const sum = <R>(rows: readonly R[], value: (row: R) => number) => rows.reduce((total, r) => total + value(r), 0);

/** A name in code style (the Markdown channel's code span: one line, invisibles shown, capped), so nothing in it acts. */
const code = (text: string) => codeSpan(text, 100);
const link = (query: { name: string; title: string }) => `[${query.title}](${query.name}.md)`;
const plural = (n: number, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;

/** A share as `41.1%`, never `0.0%` for something that cost money. */
export function sharePercent(share: number): string {
  if (share > 0 && share < 0.001) return "<0.1%";
  return `${(share * 100).toFixed(1)}%`;
}

/** Findings by severity and the first to look at, in the page's words; none found said plainly. */
export function anomaliesLine(rows: readonly AnomalyRow[]): string {
  const page = link(SAVED.anomalies);
  const top = bySeverity(rows).at(0);
  if (top === undefined) return `**Anomalies**: none found in the period (${page})`;
  const n = (severity: string) => rows.filter((r) => r.severity === severity).length;
  // The sentence continues the line: lower-cased first letter, no closing period.
  const words = markdownText(anomalySentence(top), 400).replace(/\.$/, "");
  const partial = top.coverage === "partial" ? ", on a day whose evidence is partial" : "";
  return (
    `**Anomalies**: ${n("high")} high, ${n("medium")} medium, ${n("low")} low in the period; the first to look at: ` +
    `${code(principalName(top.principal_arn))} on ${top.day}, ${words.charAt(0).toLowerCase()}${words.slice(1)}${partial} (${page})`
  );
}

export function headline(input: HeadlineInput): Headline {
  const { period, cost } = input;
  const { previous, evidence, evidenceFrom } = comparison(period, input.scanners);
  const days = daysBetween(period.from, period.to).length;
  const shareOf = (value: number) => (cost > 0 ? value / cost : 0);
  const all = totals(input.scanners);
  const change = {
    previous,
    evidence,
    evidenceFrom,
    cost: all.cost,
    previousCost: all.previousCost,
    queries: all.queries,
    previousQueries: all.previousQueries,
  } as const;

  const drivers = principalCosts(input.scanners)
    .filter((p) => p.cost > 0)
    .slice(0, TOP)
    .map((p) => ({
      name: p.iamPrincipal,
      cost: p.cost,
      share: shareOf(p.cost),
      previousCost: evidence === "full" ? p.previousCost : null,
    }));
  // Two accounts' tables of one name are two tables: each then says whose it is.
  const accountsOf = new Map<string, Set<string>>();
  for (const r of input.tables) accountsOf.set(r.table_name, (accountsOf.get(r.table_name) ?? new Set()).add(r.account_id));
  const tableName = (r: (typeof input.tables)[number]) =>
    (accountsOf.get(r.table_name)?.size ?? 0) > 1 ? `${r.table_name} (${r.account_id})` : r.table_name;
  const tables = input.tables
    .filter((r) => r.cost_usd > 0 && !r.table_name.startsWith("("))
    .slice(0, TOP)
    .map((r) => ({
      name: tableName(r),
      cost: r.cost_usd,
      share: shareOf(r.cost_usd),
    }));
  const cancelled = input.unfinished.filter((r) => r.state === "CANCELLED");
  const avoidable = {
    repeatRuns: sum(input.shapes, (r) => r.repeat_runs),
    repeatCost: sum(input.shapes, (r) => r.repeat_cost_usd),
    cancelledQueries: sum(cancelled, (r) => r.queries),
    cancelledCost: sum(cancelled, (r) => r.cost_usd),
  };
  const gaps = gapCounts(input.gaps);

  const lines: string[] = [];
  // Who and what.
  if (drivers.length === 0) lines.push(`**Cost drivers**: nothing was billed in the period (${link(SAVED.top_scanners)})`);
  else {
    const who = drivers.map((d) => {
      const before = d.previousCost === null ? "" : `, ${changePercent(d.cost, d.previousCost)}`;
      return `${code(principalName(d.name))} ${sharePercent(d.share)} (${usd(d.cost)}${before})`;
    });
    const legend = evidence === "full" ? `share of the period's cost; change on the previous ${days} days` : "share of the period's cost";
    lines.push(`**Cost drivers** (${legend}): ${who.join(", ")} (${link(SAVED.top_scanners)})`);
  }
  if (tables.length > 0) {
    const what = tables.map((t) => `${code(t.name)} ${sharePercent(t.share)} (${usd(t.cost)})`);
    lines.push(
      `**Tables**: ${what.join(", ")}; a query that read several tables is split evenly between them (${link(SAVED.cost_by_table)})`,
    );
  }
  // Against the period before.
  const span = `**Against the previous ${days} days** (${previous.from} to ${previous.to})`;
  if (evidence === "none" || evidenceFrom === null) {
    lines.push(`${span}: nothing to compare with, the events table has nothing before ${period.from} (${link(SAVED.top_scanners)})`);
  } else if (evidence === "partial") {
    const covered = daysBetween(evidenceFrom, previous.to).length;
    lines.push(
      `${span}: not comparable, the events start on ${evidenceFrom} (${covered} of its ${days} days): ` +
        `${usd(change.previousCost)} then, ${usd(change.cost)} in this period (${link(SAVED.top_scanners)})`,
    );
  } else {
    lines.push(
      `${span}: cost ${changePercent(change.cost, change.previousCost)} (${usd(change.previousCost)} → ${usd(change.cost)}), ` +
        `queries ${changePercent(change.queries, change.previousQueries)} (${count(change.previousQueries)} → ${count(change.queries)}) ` +
        `(${link(SAVED.top_scanners)})`,
    );
  }
  // The chart's spike, and what is behind it.
  const spike = costSpike(input.daily ?? [], input.anomalies ?? []);
  if (spike !== undefined)
    lines.push(
      costSpikeLine(spike, { anomalies: link(SAVED.anomalies), daily: link(SAVED.usage_daily), scanners: link(SAVED.top_scanners) }),
    );
  // What could have been saved.
  const repeats =
    `${usd(avoidable.repeatCost)} for ${plural(avoidable.repeatRuns, "run")} that repeated, word for word, a query the same caller ` +
    `had run successfully in the same work group and database less than an hour before: result reuse (60-minute maximum age) ` +
    `would have answered them without scanning (${link(SAVED.cost_by_query_shape)})`;
  const cancels =
    `${usd(avoidable.cancelledCost)} billed for ${plural(avoidable.cancelledQueries, "cancelled query", "cancelled queries")}, ` +
    `which returned nothing (${link(SAVED.failed_and_cancelled)})`;
  if (avoidable.repeatCost === 0 && avoidable.cancelledCost === 0) {
    lines.push(`**Avoidable cost**: none found: no billed run repeated a query within the hour, and no cancelled query was billed`);
  } else if (avoidable.repeatCost >= avoidable.cancelledCost) {
    lines.push(`**Largest avoidable cost**: ${repeats}. Also ${cancels}`);
  } else {
    lines.push(`**Largest avoidable cost**: ${cancels}. Also ${repeats}`);
  }
  // Who holds what they do not use, and whose grants are unknown.
  lines.push(permissionGapsLine(gaps, input.accounts, { gaps: link(SAVED.permission_gaps), accounts: link(SAVED.usage_by_account) }));
  if (input.anomalies !== undefined) lines.push(anomaliesLine(input.anomalies));
  if (input.engines !== undefined) lines.push(accessByEngineLine(input.engines, link(SAVED.access_by_engine)));
  // How far to trust all of it.
  const { total, partial, missing } = input.coverage;
  lines.push(
    total === 0
      ? `**Coverage**: no region-day has any evidence (${link(SAVED.data_coverage)})`
      : partial + missing === 0
        ? `**Coverage**: all ${plural(total, "region-day")} complete (${link(SAVED.data_coverage)})`
        : `**Coverage**: ${partial} partial and ${missing} missing of ${plural(total, "region-day")}: ` +
          `figures for those days are incomplete (${link(SAVED.data_coverage)})`,
  );
  // Whether the invoice agrees, when a bill was collected; in the TB the report priced in, as the footnote states it.
  const bill = billHeadline(input.bill ?? [], auditTb(input.bill ?? []) ?? DEFAULT_TB, link(SAVED.bill_reconciliation));
  if (bill !== undefined) lines.push(bill);
  const witness = witnessHeadline(input.witness ?? [], link(SAVED.witness_disagreements));
  if (witness !== undefined) lines.push(witness);
  const accounts = accountsLine(input.accounts ?? [], link(SAVED.usage_by_account));
  if (accounts !== undefined) lines.push(accounts);
  return { drivers, tables, change, avoidable, gaps, lines };
}
