/** Page models: saved-query results turned into what the templates print. Pure, so tests can pin them. */
import { QueryResult, Row } from "../../queries/engine";
import { DEFAULT_OPTIONS, Period, SavedQuery } from "../../queries/saved";
import { queryCostUsd } from "../../queries/cost";
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

const LABELS: Record<string, string> = {
  data_scanned_bytes: "Scanned",
  cost_usd: "Cost",
  iam_principal_arn: "IAM principal",
  principal_arn: "Principal",
  failed_or_cancelled: "Failed/cancelled",
  largest_query_bytes: "Largest query",
  query_execution_id: "Query id",
  total_execution_ms: "Run time",
  queries_short: `Queries (last ${DEFAULT_OPTIONS.shortWindowDays} d)`,
  data_scanned_bytes_short: `Scanned (last ${DEFAULT_OPTIONS.shortWindowDays} d)`,
  cost_usd_short: `Cost (last ${DEFAULT_OPTIONS.shortWindowDays} d)`,
  queries_long: "Queries (period)",
  data_scanned_bytes_long: "Scanned (period)",
  cost_usd_long: "Cost (period)",
  principals_long: "Principals (period)",
};

export function columnLabel(name: string): string {
  return LABELS[name] ?? name.charAt(0).toUpperCase() + name.slice(1).replace(/_/g, " ");
}

export interface RenderOptions {
  /** Mask literals in query text (on by default: reports reach more people than the data). */
  redact: boolean;
}

export const DEFAULT_RENDER: RenderOptions = { redact: true };

function shown(name: string, value: Row[string], options: RenderOptions): string {
  if (name === "query_text" && typeof value === "string" && options.redact) return formatByColumn(name, redactSql(value));
  return /principal/.test(name) && typeof value === "string" ? formatByColumn(name, shortArn(value)) : formatByColumn(name, value);
}

function chartFor(name: string, rows: readonly Row[]): string | undefined {
  if (name === "usage_daily" && rows.length > 0) {
    return mermaidXyChart({
      title: "Cost per day (USD)",
      xLabels: rows.map((r) => String(r.day).slice(5)),
      yTitle: "USD",
      series: rows.map((r) => Number(r.cost_usd ?? 0)),
      kind: "line",
    });
  }
  if (name === "top_scanners" && rows.length > 0) {
    const top = rows.slice(0, 10);
    return mermaidXyChart({
      title: "Cost by principal (USD), top 10",
      xLabels: top.map((r) => shortArn(r.principal).split("/").pop() ?? ""),
      yTitle: "USD",
      series: top.map((r) => Number(r.cost_usd ?? 0)),
      kind: "bar",
    });
  }
  return undefined;
}

export function footnote(result: QueryResult): string {
  return result.queryId
    ? `This report's query scanned ${humanBytes(result.bytesScanned)} (${usd(queryCostUsd(result.bytesScanned))}) on Athena`
    : "Computed on the embedded engine (DuckDB): nothing billed";
}

export function pageModel(outcome: QueryOutcome, period: Period, options: RenderOptions = DEFAULT_RENDER): PageModel {
  const { query, result } = outcome;
  const columns = result.columns.map((c) => c.name);
  return {
    name: query.name,
    file: `${query.name}.md`,
    title: query.title,
    description: query.description,
    period,
    headers: columns.map(columnLabel),
    rows: result.rows.map((row) => columns.map((c) => shown(c, row[c], options))),
    chart: chartFor(query.name, result.rows),
    footnote: footnote(result),
  };
}

export interface IndexModel {
  period: Period;
  source: string;
  totals: { queries: number; bytes: number; cost: number; principals: number; failed: number; failedCost: number };
  coverage: { complete: number; total: number; gaps: Row[] };
  chart?: string;
  pages: Pick<PageModel, "title" | "file" | "description">[];
}

function sum(rows: readonly Row[], key: string): number {
  return rows.reduce((total, r) => total + Number(r[key] ?? 0), 0);
}

export function indexModel(outcomes: readonly QueryOutcome[], period: Period, source: string): IndexModel {
  const rowsOf = (name: string) => outcomes.find((o) => o.query.name === name)?.result.rows ?? [];
  const daily = rowsOf("usage_daily");
  const failed = rowsOf("failed_query_cost");
  const coverage = rowsOf("data_coverage");
  const principals = new Set(rowsOf("usage_by_principal").map((r) => r.principal).filter((p) => p !== "(unattributed)"));
  return {
    period,
    source,
    totals: {
      queries: sum(daily, "queries"),
      bytes: sum(daily, "data_scanned_bytes"),
      cost: sum(daily, "cost_usd"),
      principals: principals.size,
      failed: sum(failed, "queries"),
      failedCost: sum(failed, "cost_usd"),
    },
    coverage: { complete: coverage.filter((r) => r.coverage === "complete").length, total: coverage.length, gaps: coverage.filter((r) => r.coverage !== "complete") },
    chart: chartFor("usage_daily", daily),
    pages: outcomes.map((o) => ({ title: o.query.title, file: `${o.query.name}.md`, description: o.query.description })),
  };
}

