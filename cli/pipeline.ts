/** The embedded steps the CLI runs: join days, run the saved queries, render reports. */
import * as path from "node:path";
import { daysBetween } from "../queries/days";
import { DuckDbEngine } from "../queries/duckdb/engine";
import { joinDayEmbedded, JoinSummary } from "../queries/join/embedded";
import { DEFAULT_OPTIONS, Period } from "../queries/saved";
import { renderReports, writeReports } from "../reports/lib/render";
import { runSavedQueries } from "../reports/lib/run";

export interface Progress {
  start(total: number, label: string): void;
  tick(detail: string): void;
  stop(): void;
}

export const SILENT: Progress = { start: () => undefined, tick: () => undefined, stop: () => undefined };

export async function joinDays(engine: DuckDbEngine, days: readonly string[], regions: readonly string[], progress: Progress): Promise<JoinSummary[]> {
  const summaries: JoinSummary[] = [];
  progress.start(days.length * regions.length, "join");
  for (const day of days) {
    for (const region of regions) {
      summaries.push(await joinDayEmbedded(engine, day, region));
      progress.tick(`${day} ${region}`);
    }
  }
  progress.stop();
  await engine.refresh();
  return summaries;
}

export async function reportLake(engine: DuckDbEngine, period: Period, outDir: string, progress: Progress): Promise<string[]> {
  progress.start(9, "report");
  const outcomes = await runSavedQueries(engine, period, DEFAULT_OPTIONS, undefined, 1, (q) => progress.tick(q.name));
  progress.stop();
  const source = `Embedded engine (DuckDB) over the lake \`${path.basename(engine.lake.root)}\`.`;
  return writeReports(renderReports(outcomes, period, source), outDir);
}

export function dayRange(period: Period): string[] {
  return daysBetween(period.from, period.to);
}
