/** Page models: saved-query results turned into what the templates print. Pure, so tests can pin them. */
import { AnomalySettings } from "../../core/anomaly-settings";
import { QueryResult } from "../../queries/engine";
import { Period, SAVED, SavedQuery } from "../../queries/saved";
import { SavedRow, savedRows } from "../../queries/saved-columns";
import { DEFAULT_TB, queryCostUsd, TbDefinition } from "../../core/cost";
import { coverageHeadline, coverageSummary, CoverageSummary } from "./coverage";
import { Headline, headline } from "./headline";
import { defaultPlan, PLANS } from "./plans";
import { costByNameChart, costOverTimeChart, principalLabel } from "./charts";
import { humanBytes, usd } from "./format";

export { columnLabel } from "./plans";

export interface QueryOutcome {
  query: SavedQuery;
  result: QueryResult;
}

export interface PageModel {
  name: string;
  file: string;
  title: string;
  description: string;
  period: Period;
  /** Sentences after the period: what every row shares, said once instead of in a column. */
  context: string[];
  tables: TableModel[];
  chart?: string;
  footnote: string;
}

/** A table as report.hbs prints it. */
export interface TableModel {
  /** A heading over it, on a page with more than one table. */
  title?: string;
  headers: string[];
  /** GFM's alignment row, one per column: `---:` right-aligns numbers, `---` the rest. */
  rules: string[];
  /** Cells as Markdown, already escaped. */
  rows: string[][];
  /** Lines under the table (Markdown): footnotes, long names, what the rows leave out. */
  notes: string[];
  /** What the page says instead of an empty table. */
  empty: string;
}

export interface RenderOptions {
  /** Mask literals in query text (on by default: reports reach more people than the data). */
  redact: boolean;
  /** The TB definition costs are billed with (core/cost.ts); the join must have used the same. Default binary. */
  tb?: TbDefinition;
  /** The anomaly settings the queries ran with, for the anomalies page's notes. */
  anomalies?: AnomalySettings;
}

export const DEFAULT_RENDER: RenderOptions = { redact: true };

/** Cost over time: per day for short periods, per week (then month...) so at most ~15 labels. */
function dailyChart(rows: readonly SavedRow<typeof SAVED.usage_daily>[]): string | undefined {
  return costOverTimeChart(rows.map((r) => ({ day: r.day, value: r.cost_usd })));
}

/** Every principal of the table as a horizontal bar (the largest ones and "the other n" past a dozen). */
function scannersChart(rows: readonly SavedRow<typeof SAVED.top_scanners>[]): string | undefined {
  return costByNameChart(
    rows.map((r) => ({ name: principalLabel(r.principal), value: r.cost_usd })),
    { one: "principal", source: "the table" },
  );
}

/** The pages with a chart above their table. */
const CHARTS = new Map<string, (result: QueryResult) => string | undefined>([
  [SAVED.usage_daily.name, (result) => dailyChart(savedRows(SAVED.usage_daily, result))],
  [SAVED.top_scanners.name, (result) => scannersChart(savedRows(SAVED.top_scanners, result))],
]);

/** Where the page was computed, and what its own query cost (a succeeded SELECT, billed as any other). */
export function footnote(result: QueryResult, tb: TbDefinition = DEFAULT_TB): string {
  if (!result.queryId) return "Computed on the embedded engine (DuckDB): nothing billed";
  const cost = queryCostUsd({ bytesScanned: result.bytesScanned, statementType: "DML", state: "SUCCEEDED" }, tb);
  return `This report's query scanned ${humanBytes(result.bytesScanned)} (${usd(cost)}) on Athena`;
}

export function pageModel(outcome: QueryOutcome, period: Period, options: RenderOptions = DEFAULT_RENDER): PageModel {
  const { query, result } = outcome;
  const shaped = (PLANS[query.name as keyof typeof SAVED] ?? defaultPlan)(result, period, options, query);
  return {
    name: query.name,
    file: `${query.name}.md`,
    title: query.title,
    description: query.description,
    period,
    context: shaped.context,
    tables: shaped.tables,
    chart: shaped.chart ?? CHARTS.get(query.name)?.(result),
    footnote: footnote(result, options.tb),
  };
}

export interface IndexModel {
  period: Period;
  source: string;
  totals: { queries: number; bytes: number; cost: number; principals: number; failed: number; failedCost: number };
  coverage: CoverageSummary & { headline: string };
  /** What to look at first, one line each with its links (reports/pages/headline.ts). */
  headline: Headline;
  chart?: string;
  pages: Pick<PageModel, "title" | "file" | "description">[];
}

function sum<R>(rows: readonly R[], value: (row: R) => number): number {
  return rows.reduce((total, r) => total + value(r), 0);
}

export function indexModel(outcomes: readonly QueryOutcome[], period: Period, source: string): IndexModel {
  const rowsOf = <Q extends SavedQuery>(query: Q) =>
    savedRows(query, outcomes.find((o) => o.query.name === query.name)?.result ?? { rows: [] });
  const daily = rowsOf(SAVED.usage_daily);
  const failed = rowsOf(SAVED.failed_and_cancelled);
  const coverage = rowsOf(SAVED.data_coverage);
  const principals = new Set(
    rowsOf(SAVED.usage_by_principal)
      .map((r) => r.principal)
      .filter((p) => p !== "(unattributed)"),
  );
  return {
    period,
    source,
    totals: {
      queries: sum(daily, (r) => r.queries),
      bytes: sum(daily, (r) => r.data_scanned_bytes),
      cost: sum(daily, (r) => r.cost_usd),
      principals: principals.size,
      failed: sum(failed, (r) => r.queries),
      failedCost: sum(failed, (r) => r.cost_usd),
    },
    coverage: { ...coverageSummary(coverage), headline: coverageHeadline(coverageSummary(coverage)) },
    headline: headline({
      period,
      cost: sum(daily, (r) => r.cost_usd),
      change: rowsOf(SAVED.period_change),
      tables: rowsOf(SAVED.cost_by_table),
      shapes: rowsOf(SAVED.cost_by_query_shape),
      unfinished: failed,
      gaps: rowsOf(SAVED.permission_gaps),
      coverage: coverageSummary(coverage),
      bill: rowsOf(SAVED.bill_reconciliation),
      witness: rowsOf(SAVED.witness_disagreements),
      // Only when the query ran: without it, no rows would read as "none found".
      anomalies: outcomes.some((o) => o.query.name === SAVED.anomalies.name) ? rowsOf(SAVED.anomalies) : undefined,
      accounts: rowsOf(SAVED.usage_by_account),
      engines: outcomes.some((o) => o.query.name === SAVED.access_by_engine.name) ? rowsOf(SAVED.access_by_engine) : undefined,
    }),
    chart: dailyChart(daily),
    pages: outcomes.map((o) => ({ title: o.query.title, file: `${o.query.name}.md`, description: o.query.description })),
  };
}
