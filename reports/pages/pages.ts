/** Page models: saved-query results turned into what the templates print. Pure, so tests can pin them. */
import { QueryResult, Row } from "../../queries/engine";
import { DEFAULT_OPTIONS, Period, SAVED, SavedQuery } from "../../queries/saved";
import { SavedRow, savedRows } from "../../queries/saved-columns";
import { DEFAULT_TB, queryCostUsd, TbDefinition } from "../../queries/cost";
import { coverageCalendar, coverageHeadline, coverageSummary, CoverageSummary } from "./coverage";
import { redactSql } from "./redact";
import { formatByColumn, humanBytes, mermaidXyChart, shortArn, usd } from "./format";

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
  headers: string[];
  rows: string[][];
  chart?: string;
  footnote: string;
}

/** Any saved query's column name: a label for a column no query returns fails to compile. */
type SavedColumnName = (typeof SAVED)[keyof typeof SAVED]["columns"][number]["name"];

const LABELS: Partial<Record<SavedColumnName, string>> = {
  data_scanned_bytes: "Scanned",
  cost_usd: "Cost",
  iam_principal_arn: "IAM principal",
  principal_arn: "Principal",
  failed_or_cancelled: "Failed/cancelled",
  largest_query_bytes: "Largest query",
  query_execution_id: "Query id",
  total_execution_ms: "Run time",
  engine_execution_ms: "Engine time",
  queries_short: `Queries (last ${DEFAULT_OPTIONS.shortWindowDays} d)`,
  data_scanned_bytes_short: `Scanned (last ${DEFAULT_OPTIONS.shortWindowDays} d)`,
  cost_usd_short: `Cost (last ${DEFAULT_OPTIONS.shortWindowDays} d)`,
  queries_long: "Queries (period)",
  data_scanned_bytes_long: "Scanned (period)",
  cost_usd_long: "Cost (period)",
  principals_long: "Principals (period)",
};

export function columnLabel(name: string): string {
  return LABELS[name as SavedColumnName] ?? name.charAt(0).toUpperCase() + name.slice(1).replace(/_/g, " ");
}

export interface RenderOptions {
  /** Mask literals in query text (on by default: reports reach more people than the data). */
  redact: boolean;
  /** The TB definition costs are billed with (queries/cost.ts); the join must have used the same. Default binary. */
  tb?: TbDefinition;
}

export const DEFAULT_RENDER: RenderOptions = { redact: true };

function shown(name: string, value: Row[string], options: RenderOptions): string {
  if (name === "query_text" && typeof value === "string" && options.redact) return formatByColumn(name, redactSql(value));
  return name.includes("principal") && typeof value === "string" ? formatByColumn(name, shortArn(value)) : formatByColumn(name, value);
}

function dailyChart(rows: readonly SavedRow<typeof SAVED.usage_daily>[]): string | undefined {
  if (rows.length === 0) return undefined;
  return mermaidXyChart({
    title: "Cost per day (USD)",
    xLabels: rows.map((r) => r.day.slice(5)),
    yTitle: "USD",
    series: rows.map((r) => r.cost_usd),
    kind: "line",
  });
}

function scannersChart(rows: readonly SavedRow<typeof SAVED.top_scanners>[]): string | undefined {
  if (rows.length === 0) return undefined;
  const top = rows.slice(0, 10);
  return mermaidXyChart({
    title: "Cost by principal (USD), top 10",
    xLabels: top.map((r) => shortArn(r.principal).split("/").pop() ?? ""),
    yTitle: "USD",
    series: top.map((r) => r.cost_usd),
    kind: "bar",
  });
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

/** Coverage shows only its exceptions, in words, under a calendar of every region-day. */
function coveragePage(result: QueryResult): Pick<PageModel, "headers" | "rows" | "chart"> {
  const rows = savedRows(SAVED.data_coverage, result);
  const summary = coverageSummary(rows);
  return {
    headers: ["Day", "Region", "Coverage", "What is missing"],
    rows: summary.exceptions.map((e) => [e.day, e.region, e.coverage, e.detail]),
    chart: `${coverageHeadline(summary)}.\n\n${coverageCalendar(rows)}`,
  };
}

export function pageModel(outcome: QueryOutcome, period: Period, options: RenderOptions = DEFAULT_RENDER): PageModel {
  const { query, result } = outcome;
  if (query.name === SAVED.data_coverage.name) {
    return {
      name: query.name,
      file: `${query.name}.md`,
      title: query.title,
      description: query.description,
      period,
      ...coveragePage(result),
      footnote: footnote(result, options.tb),
    };
  }
  const columns = result.columns.map((c) => c.name);
  return {
    name: query.name,
    file: `${query.name}.md`,
    title: query.title,
    description: query.description,
    period,
    headers: columns.map(columnLabel),
    rows: result.rows.map((row) => columns.map((c) => shown(c, row[c], options))),
    chart: CHARTS.get(query.name)?.(result),
    footnote: footnote(result, options.tb),
  };
}

export interface IndexModel {
  period: Period;
  source: string;
  totals: { queries: number; bytes: number; cost: number; principals: number; failed: number; failedCost: number };
  coverage: CoverageSummary & { headline: string };
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
    chart: dailyChart(daily),
    pages: outcomes.map((o) => ({ title: o.query.title, file: `${o.query.name}.md`, description: o.query.description })),
  };
}
