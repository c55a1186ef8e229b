/** The embedded steps the CLI runs: join days, run the saved queries, render reports. */
import * as path from "node:path";
import { DEFAULT_TB, TbDefinition } from "../core/cost";
import { daysBetween } from "../core/days";
import { DuckDbEngine } from "../queries/duckdb/engine";
import { EmbeddedJoinOptions, joinDayEmbedded, JoinSummary } from "../queries/join/embedded";
import { QueryEngine } from "../queries/engine";
import { InputError } from "../core/errors";
import { DEFAULT_OPTIONS, Period, SAVED_QUERIES, SavedQueryOptions } from "../queries/saved";
import { billingMismatch } from "../reports/pages/billing";
import { RenderedReport, renderReports, runSavedQueries, writeReports } from "../reports/publish";
import { codeSpan } from "../reports/channels/markdown";

export interface Progress {
  start(total: number, label: string): void;
  tick(detail: string): void;
  stop(): void;
}

export const SILENT: Progress = { start: () => undefined, tick: () => undefined, stop: () => undefined };

export async function joinDays(
  engine: DuckDbEngine,
  days: readonly string[],
  regions: readonly string[],
  progress: Progress,
  options: EmbeddedJoinOptions = {},
): Promise<JoinSummary[]> {
  const summaries: JoinSummary[] = [];
  progress.start(days.length * regions.length, "join");
  for (const day of days) {
    for (const region of regions) {
      summaries.push(await joinDayEmbedded(engine, day, region, options));
      progress.tick(`${day} ${region}`);
    }
  }
  progress.stop();
  await engine.refresh();
  return summaries;
}

export interface ReportOptions {
  /** Where the numbers come from, for the index page. */
  source: string;
  concurrency: number;
  redact: boolean;
  progress: Progress;
  /** The TB definition the pages say the costs follow; refused when the joined events were costed with another. */
  tb?: TbDefinition;
  /** The saved queries' settings (the anomaly settings among them); DEFAULT_OPTIONS when absent. */
  queryOptions?: SavedQueryOptions;
}

/** Runs every saved query for the period on `engine` and writes the Markdown pages; returns them. */
export async function reportPeriod(engine: QueryEngine, period: Period, outDir: string, options: ReportOptions): Promise<RenderedReport[]> {
  options.progress.start(SAVED_QUERIES.length, "report");
  const outcomes = await runSavedQueries(engine, period, options.queryOptions ?? DEFAULT_OPTIONS, SAVED_QUERIES, options.concurrency, (q) =>
    options.progress.tick(q.name),
  );
  options.progress.stop();
  const tb = options.tb ?? DEFAULT_TB;
  const mismatch = billingMismatch(outcomes, tb);
  if (mismatch) throw new InputError(mismatch);
  const reports = renderReports(outcomes, period, options.source, {
    redact: options.redact,
    tb,
    anomalies: (options.queryOptions ?? DEFAULT_OPTIONS).anomalies,
  });
  writeReports(reports, outDir);
  return reports;
}

export function lakeSource(engine: DuckDbEngine): string {
  return `Embedded engine (DuckDB) over the lake ${codeSpan(path.basename(engine.lake.root))}.`;
}

export function dayRange(period: Period): string[] {
  return daysBetween(period.from, period.to);
}
