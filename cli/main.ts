#!/usr/bin/env node
/** `athena-audit`: the audit's command line: demo, join (on either engine), collect-history, migrate-accounts, report and issues sync. */
import * as path from "node:path";
import { Command } from "commander";
import { version } from "../package.json";
import { generateLake, DEFAULT_END_DAY } from "../generator/generate";
import { writeGrantsSnapshot } from "../generator/grants";
import { DuckDbEngine } from "../queries/duckdb/engine";
import { DEFAULT_PREFIX, PRODUCT } from "../core/names";
import { TbDefinition } from "../core/cost";
import { AuditError, InputError } from "../core/errors";
import { checkLakeNames } from "../queries/lake/safety";
import { DEFAULT_OPTIONS, periodEnding } from "../queries/saved";
import { demoAnomalySettings } from "../generator/planted-anomalies";
import { logLine } from "../core/output/log";
import { registerAwsCommands } from "./aws-commands";
import { registerJoinCommand } from "./join-command";
import { migrateBucket, migrateLocalLake } from "./migrate";
import { createS3Client } from "../functions/runtime/s3";
import { accountId, day, NUMBER_FLAGS, progressBar, tbOption } from "./options";
import { fail } from "./github-actions";
import { dayRange, joinDays, lakeSource, reportPeriod } from "./pipeline";
import { registerReportCommands } from "./report-commands";
import { checkDemoLake, checkMigrateLake, checkOutputFolder, DEFAULT_DEMO_LAKE, prepareDemoLake } from "./checks";

interface DemoOptions {
  out: string;
  lake: string;
  force?: boolean;
  days: number;
  seed: number;
  end: string;
  tb: TbDefinition;
  systemTables: boolean;
}

const program = new Command()
  .name(PRODUCT)
  .version(version)
  .description("Who scanned what in your Athena data lake, what it cost, and which permissions nobody uses.");

program
  .command("demo")
  .description("generate a lake for a fictional org, join every day, and render the reports (no AWS account needed)")
  .option("--out <dir>", "where the reports go (its pages are overwritten, nothing else)", "reports/published/demo")
  .option("--lake <dir>", "where the generated lake goes: a new or empty folder, or one the demo made (replaced)", DEFAULT_DEMO_LAKE)
  .option("--force", "replace the contents of a --lake folder the demo did not make")
  .option("--days <n>", "days of history to generate (1 to 366)", NUMBER_FLAGS.demoDays, 90)
  .option("--seed <n>", "random seed (0 to 2^31-1); the same seed gives the same lake", NUMBER_FLAGS.seed, 42)
  .option("--end <day>", "last generated day (YYYY-MM-DD)", day, DEFAULT_END_DAY)
  .addOption(tbOption())
  .option("--no-system-tables", "leave out the generated copy of Athena's system table (CloudTrail the only witness)")
  .action(async (o: DemoOptions) => {
    const started = Date.now();
    // Both folders are checked before the lake is touched: a refusal leaves everything as it was.
    checkOutputFolder("--out", o.out);
    prepareDemoLake(o.lake, checkDemoLake(o.lake, o.force === true));
    const progress = progressBar();
    progress.start(o.days, "generate");
    const ledger = generateLake({ lake: o.lake, days: o.days, seed: o.seed, endDay: o.end, tb: o.tb, onDay: (d) => progress.tick(d) });
    progress.stop();
    const grants = await writeGrantsSnapshot(o.lake, ledger.lastDay);
    console.error(
      `generated ${ledger.queries.length} queries, ` +
        `${ledger.cloudTrailRecords} CloudTrail records in ${ledger.cloudTrailFiles} files, ${grants} grants`,
    );
    const engine = await DuckDbEngine.open({ root: o.lake });
    try {
      const period = periodEnding(ledger.lastDay, o.days);
      const joins = await joinDays(engine, dayRange(period), ledger.regions, progress, { tb: o.tb, systemTables: o.systemTables });
      console.error(`joined ${joins.reduce((n, s) => n + s.rows, 0)} events over ${joins.length} region-days`);
      const pages = await reportPeriod(engine, period, o.out, {
        source: lakeSource(engine),
        concurrency: 1,
        redact: true,
        progress,
        tb: o.tb,
        // The org's sensitive databases, its buckets and its announced project (generator/planted-anomalies.ts).
        queryOptions: { ...DEFAULT_OPTIONS, anomalies: demoAnomalySettings(ledger.lastDay) },
      });
      console.log(`reports written to ${path.resolve(o.out)} (${pages.length} pages; start at ${path.join(o.out, "index.md")})`);
    } finally {
      await engine.close();
    }
    console.error(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

registerJoinCommand(program);

program
  .command("migrate-accounts")
  .alias("migrate-history")
  .description("move history and grants written before they were keyed by account under --account, in a lake folder or the audit bucket")
  .requiredOption("--account <id>", "the 12-digit account whose Athena and IAM the old objects came from", accountId)
  .option("--lake <dir>", "a local lake folder")
  .option("--bucket <name>", "the audit bucket (your AWS credentials)")
  .option("--prefix <prefix>", "key prefix of the audit's tables", DEFAULT_PREFIX)
  .action(async (o: { account: string; lake?: string; bucket?: string; prefix: string }) => {
    checkLakeNames({ prefix: o.prefix });
    if (o.lake !== undefined && o.bucket === undefined) checkMigrateLake({ root: o.lake, prefix: o.prefix });
    const summary =
      o.lake !== undefined && o.bucket === undefined
        ? migrateLocalLake(o.lake, o.account, o.prefix)
        : o.bucket !== undefined && o.lake === undefined
          ? await migrateBucket(createS3Client(), o.bucket, o.account, o.prefix)
          : undefined;
    if (!summary) throw new InputError("give one of --lake DIR or --bucket NAME");
    console.log(JSON.stringify({ moved: summary.moved, conflicts: summary.conflicts.length }));
    for (const c of summary.conflicts) console.error(logLine(`warning: kept ${c.from}: ${c.to} already exists`));
    if (summary.conflicts.length > 0) process.exitCode = 1;
  });

registerAwsCommands(program);
registerReportCommands(program);

/** One line for an expected failure (ours, or AWS refusing a call); undefined for a bug. */
function expectedFailure(error: unknown): string | undefined {
  if (error instanceof AuditError) return error.message;
  // An AWS service's answer (access denied, a missing bucket, throttled past retries): what to fix is in it.
  const service = error as { $metadata?: unknown; name?: string; message?: string } | null | undefined;
  if (service?.$metadata && service.name) return `AWS answered ${service.name}: ${service.message ?? ""}`.trim();
  return undefined;
}

program.parseAsync().catch((error: unknown) => {
  const expected = expectedFailure(error);
  // Expected failures get one line that says what to fix; anything else keeps its stack for a bug report.
  // The message may quote the lake or AWS: one log line, never a workflow command.
  console.error(expected ? logLine(`${PRODUCT}: ${expected}`) : error);
  fail(expected ?? (error instanceof Error ? error.message : String(error)));
  process.exitCode = 1;
});
