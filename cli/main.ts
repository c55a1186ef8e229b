#!/usr/bin/env node
/** `athena-audit`: the audit's command line: demo, join (on either engine), collect-history, migrate-accounts, report and issues sync. */
import * as path from "node:path";
import { Command } from "commander";
import { version } from "../package.json";
import { DEFAULT_PREFIX, PRODUCT } from "../core/names";
import { AuditError, InputError } from "../core/errors";
import { checkLakeNames } from "../queries/lake/safety";
import { DEFAULT_END_DAY } from "../generator/generate";
import { logLine } from "../core/output/log";
import { registerAwsCommands } from "./aws-commands";
import { registerJoinCommand } from "./join-command";
import { migrateBucket, migrateLocalLake } from "./migrate";
import { createS3Client } from "../functions/runtime/s3";
import { accountId, day, NUMBER_FLAGS, progressBar, tbOption } from "./options";
import { fail } from "./github-actions";
import { DemoOptions, runDemo } from "./pipeline";
import { registerReportCommands } from "./report-commands";
import { checkDemoLake, checkMigrateLake, checkOutputFolder, DEFAULT_DEMO_LAKE, prepareDemoLake } from "./checks";

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
  .option(
    "--days <n>",
    "days the reports cover (1 to 366); as many again are generated before them, to compare with",
    NUMBER_FLAGS.demoDays,
    90,
  )
  .option("--seed <n>", "random seed (0 to 2^31-1); the same seed gives the same lake", NUMBER_FLAGS.seed, 42)
  .option("--end <day>", "last generated day (YYYY-MM-DD)", day, DEFAULT_END_DAY)
  .addOption(tbOption())
  .option("--no-system-tables", "leave out the generated copy of Athena's system table (CloudTrail the only witness)")
  .action(async (o: DemoOptions & { force?: boolean }) => {
    const started = Date.now();
    // Both folders are checked before the lake is touched: a refusal leaves everything as it was.
    checkOutputFolder("--out", o.out);
    prepareDemoLake(o.lake, checkDemoLake(o.lake, o.force === true));
    const { pages } = await runDemo(o, progressBar(), (line) => console.error(line));
    console.log(`reports written to ${path.resolve(o.out)} (${pages.length} pages; start at ${path.join(o.out, "index.md")})`);
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
