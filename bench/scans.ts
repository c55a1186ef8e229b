/**
 * Benchmark (not a test): what each saved query reads on Athena for a weekly report over a year-long
 * lake (3 regions, 20 accounts). Runs every saved query through the Athena engine against the local
 * Athena, parses each statement it sends with a Trino grammar, and prints per query and table the
 * scans (a WITH query counted at each reference, as Trino inlines it), the partitions they read,
 * those the window and the query's documented lookback require, and the ratio; then the totals per
 * table against the target (read at most 1.2× required).
 *   npm run bench:scans -- [lastDay]      (default 2026-10-31)
 * Bundled by esbuild, not compiled by tsc: the parser's modules import folders, which Node refuses.
 * The bundle sits two folders below the project, as the CLI's does, so it finds the saved SQL.
 */
import { parseDay } from "../core/days";
import { DEFAULT_OPTIONS, periodEnding } from "../queries/saved";
import { ratio, simulatedLake, statementFigures, TableFigures, totalsByTable } from "../test/support/athena-scans";
import { sentStatements } from "../test/support/athena-statements";

const TARGET_RATIO = 1.2;

function printTable(rows: string[][]): void {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  for (const row of rows)
    console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  "));
}

async function main(): Promise<void> {
  const lastDay = parseDay(process.argv[2] ?? "2026-10-31", "last day");
  const period = periodEnding(lastDay, 7);
  const lake = simulatedLake(lastDay);
  console.log(
    `Weekly report ${period.from}..${period.to}; lake: ${lake.days.length} days, ${lake.regions.length} regions, ` +
      `${lake.accounts.length} accounts, ${lake.workGroups.length} work groups (history)\n`,
  );
  const statements = await sentStatements(period);
  const started = performance.now();
  const figures: TableFigures[] = statements.flatMap((s) => statementFigures(s.query, s.sql, period, DEFAULT_OPTIONS, lake));
  const parseMs = performance.now() - started;
  const header = ["query", "table", "scans", "partitions read", "required", "ratio"];
  printTable([header, ...figures.map((f) => [f.query, f.table, String(f.scans), String(f.read), String(f.required), ratio(f)])]);
  console.log("");
  const totals = totalsByTable(figures);
  printTable([
    ["table", "scans", "partitions read", "required", "ratio", `target ≤ ${TARGET_RATIO}×`],
    ...totals.map((t) => [
      t.table,
      String(t.scans),
      String(t.read),
      String(t.required),
      ratio(t),
      t.read <= TARGET_RATIO * t.required ? "met" : "NOT met",
    ]),
  ]);
  const anomalies = figures.find((f) => f.query === "anomalies" && f.table === "events");
  console.log(`\nanomalies scans events ${anomalies?.scans ?? 0} times (target ≤ 2)`);
  console.log(`${statements.length} statements parsed and counted in ${(parseMs / 1000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
