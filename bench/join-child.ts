/**
 * One run of the join benchmark, in its own process so its peak RSS is the join's alone: opens a
 * fresh DuckDbEngine on the lake, joins the day, and reports the times and `maxRSS` to the parent.
 *   node join-child.js <lake> <day> <region>
 */
import { DuckDbEngine } from "../queries/duckdb/engine";
import { joinDayEmbedded, JoinSummary } from "../queries/join/embedded";

export interface JoinRun {
  openMs: number;
  joinMs: number;
  /** CPU time (user + system, every thread of the process) of open and join, ms. */
  cpuMs: number;
  summary: JoinSummary;
  /** Peak resident set of this process, bytes. */
  maxRss: number;
}

async function main(): Promise<void> {
  const [lake, day, region] = process.argv.slice(2);
  if (lake === undefined || day === undefined || region === undefined) throw new Error("usage: node join-child.js <lake> <day> <region>");
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const engine = await DuckDbEngine.open({ root: lake });
  const opened = performance.now();
  try {
    const summary = await joinDayEmbedded(engine, day, region);
    const cpu = process.cpuUsage(cpuStart);
    const run: JoinRun = {
      openMs: opened - started,
      joinMs: performance.now() - opened,
      cpuMs: (cpu.user + cpu.system) / 1000,
      summary,
      maxRss: 0,
    };
    run.maxRss = process.resourceUsage().maxRSS * 1024;
    process.send?.(run);
  } finally {
    await engine.close();
  }
}

void main();
