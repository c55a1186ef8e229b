/** The embedded steps the CLI runs: join days, run the saved queries, render reports. */
import * as path from "node:path";
import { DEFAULT_TB, TbDefinition } from "../core/cost";
import { daysBetween } from "../core/days";
import { DuckDbEngine } from "../queries/duckdb/engine";
import { EmbeddedJoinOptions, joinDayEmbedded, JoinSummary } from "../queries/join/embedded";
import { QueryEngine } from "../queries/engine";
import { DEFAULT_OPTIONS, Period, periodEnding, SAVED_QUERIES, SavedQueryOptions } from "../queries/saved";
import { RenderedReport, renderReports, runSavedQueries, writeReports } from "../reports/publish";
import { codeSpan } from "../reports/channels/markdown";
import { generateLake, Ledger } from "../generator/generate";
import { writeGrantsSnapshot } from "../generator/grants";
import { DEMO_ANOMALY_SETTINGS } from "../generator/planted-anomalies";

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
  /** The TB definition the pages price in, whatever the events were joined in (default: queryOptions' own, binary). */
  tb?: TbDefinition;
  /** The saved queries' settings (the anomaly settings among them); DEFAULT_OPTIONS when absent. */
  queryOptions?: SavedQueryOptions;
}

/** Runs every saved query for the period on `engine` and writes the Markdown pages; returns them. */
export async function reportPeriod(engine: QueryEngine, period: Period, outDir: string, options: ReportOptions): Promise<RenderedReport[]> {
  // One TB for the queries' prices and the pages' words about them.
  const tb = options.tb ?? options.queryOptions?.tb ?? DEFAULT_TB;
  const queryOptions = { ...(options.queryOptions ?? DEFAULT_OPTIONS), tb };
  options.progress.start(SAVED_QUERIES.length, "report");
  const outcomes = await runSavedQueries(engine, period, queryOptions, SAVED_QUERIES, options.concurrency, (q) =>
    options.progress.tick(q.name),
  );
  options.progress.stop();
  const reports = renderReports(outcomes, period, options.source, { redact: options.redact, tb, anomalies: queryOptions.anomalies });
  writeReports(reports, outDir);
  return reports;
}

export function lakeSource(engine: DuckDbEngine): string {
  return `Embedded engine (DuckDB) over the lake ${codeSpan(path.basename(engine.lake.root))}.`;
}

export function dayRange(period: Period): string[] {
  return daysBetween(period.from, period.to);
}

export interface DemoOptions {
  /** Folders already checked: the lake is replaced, the pages overwritten. */
  lake: string;
  out: string;
  /** Days the pages cover, ending on `end`. */
  days: number;
  seed: number;
  end: string;
  tb: TbDefinition;
  systemTables: boolean;
}

/**
 * The demo: generates the org's lake, joins every generated day and renders the pages of the last
 * `days`, with the demo's anomaly settings (generator/demo-anomaly-settings.json). `report` over the
 * lake with that file renders the same pages.
 */
export async function runDemo(
  o: DemoOptions,
  progress: Progress,
  log: (line: string) => void,
): Promise<{ ledger: Ledger; pages: RenderedReport[] }> {
  // As many days again before the period, so it has a previous period to compare with and baselines from its first day.
  const priorDays = o.days;
  progress.start(priorDays + o.days, "generate");
  const ledger = generateLake({
    lake: o.lake,
    days: o.days,
    priorDays,
    seed: o.seed,
    endDay: o.end,
    tb: o.tb,
    onDay: (d) => progress.tick(d),
  });
  progress.stop();
  const grants = await writeGrantsSnapshot(o.lake, ledger.lastDay);
  log(
    `generated ${ledger.queries.length} queries, ` +
      `${ledger.cloudTrailRecords} CloudTrail records in ${ledger.cloudTrailFiles} files, ${grants} grants`,
  );
  const engine = await DuckDbEngine.open({ root: o.lake });
  try {
    const generated = dayRange({ from: ledger.firstDay, to: ledger.lastDay });
    const joins = await joinDays(engine, generated, ledger.regions, progress, { tb: o.tb, systemTables: o.systemTables });
    log(`joined ${joins.reduce((n, s) => n + s.rows, 0)} events over ${joins.length} region-days`);
    const pages = await reportPeriod(engine, periodEnding(ledger.lastDay, o.days), o.out, {
      source: lakeSource(engine),
      concurrency: 1,
      redact: true,
      progress,
      tb: o.tb,
      queryOptions: { ...DEFAULT_OPTIONS, anomalies: DEMO_ANOMALY_SETTINGS },
    });
    return { ledger, pages };
  } finally {
    await engine.close();
  }
}
