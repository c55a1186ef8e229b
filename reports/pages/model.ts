/**
 * Page models: saved-query results turned into what the templates print, a page per query (its
 * module found in ./registry.ts) and the index. Pure, so tests can pin them.
 */
import { DEFAULT_TB, queryCostUsd, TbDefinition } from "../../core/cost";
import { QueryResult } from "../../queries/engine";
import { Period, SAVED, SavedQuery, savedRows } from "../../queries/saved";
import { coverageHeadline, coverageSummary, CoverageSummary } from "./data-coverage-page";
import { humanBytes, usd } from "./format";
import { Headline, headline } from "./headline";
import { totals } from "./principal-costs";
import { pageOf } from "./registry";
import { DEFAULT_RENDER, PageModel, QueryOutcome, RenderOptions } from "./types";
import { dailyChart } from "./usage-daily-page";

/** Where the page was computed, and what its own query cost (a succeeded SELECT, billed as any other). */
export function footnote(result: QueryResult, tb: TbDefinition = DEFAULT_TB): string {
  if (!result.queryId) return "Computed on the embedded engine (DuckDB): nothing billed";
  const cost = queryCostUsd({ bytesScanned: result.bytesScanned, statementType: "DML", state: "SUCCEEDED" }, tb);
  return `This report's query scanned ${humanBytes(result.bytesScanned)} (${usd(cost)}) on Athena`;
}

export function pageModel(outcome: QueryOutcome, period: Period, options: RenderOptions = DEFAULT_RENDER): PageModel {
  const { query, result } = outcome;
  const shaped = pageOf(query.name)(result, period, options, query);
  return {
    name: query.name,
    file: `${query.name}.md`,
    title: query.title,
    description: query.description,
    period,
    context: shaped.context,
    tables: shaped.tables,
    chart: shaped.chart,
    footnote: footnote(result, options.tb),
  };
}

export interface IndexModel {
  period: Period;
  source: string;
  totals: {
    queries: number;
    bytes: number;
    cost: number;
    /** Attributed IAM users and roles, and their sessions, with queries in the period. */
    principals: number;
    sessions: number;
    failed: number;
    failedCost: number;
  };
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
  const scanners = rowsOf(SAVED.top_scanners);
  return {
    period,
    source,
    totals: {
      queries: sum(daily, (r) => r.queries),
      bytes: sum(daily, (r) => r.data_scanned_bytes),
      cost: sum(daily, (r) => r.cost_usd),
      principals: totals(scanners).principals,
      sessions: totals(scanners).sessions,
      failed: sum(failed, (r) => r.queries),
      failedCost: sum(failed, (r) => r.cost_usd),
    },
    coverage: { ...coverageSummary(coverage), headline: coverageHeadline(coverageSummary(coverage)) },
    headline: headline({
      period,
      cost: sum(daily, (r) => r.cost_usd),
      daily,
      scanners,
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
