/** The commands that run the history collector's and the daily join's code against real AWS (credentials and region from the SDK chain). */
import { GlueClient } from "@aws-sdk/client-glue";
import { Command } from "commander";
import { parseJoinInput } from "../functions/join/input";
import { joinEvents } from "../functions/join/join";
import { collectHistory } from "../functions/history/collect";
import { parseCollectInput } from "../functions/history/input";
import { accountCollectorConfig, joinConfig } from "../functions/runtime/config";
import { jsonLogger, Logger } from "../functions/runtime/log";
import { createS3Client } from "../functions/runtime/s3";
import { AthenaEngine, createAthenaClient } from "../queries/athena/engine";
import { accessJoinSql, eventsJoinSql } from "../queries/join/sql";
import { logJson, logLine } from "../core/output/log";
import { day, NUMBER_FLAGS, progressBar } from "./options";

/** JSON step logs on stderr when output is piped; a terminal gets the progress bar instead. */
function cliLogger(service: string): Logger {
  return jsonLogger(service, (line) => {
    if (!process.stderr.isTTY) console.error(logLine(line));
  });
}

/** Command-line options as a Lambda input: options not given are left out. */
function definedOnly(options: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}

/** `--day`, or `--from` with `--to`, as both Lambdas take them. */
function withDayOptions(command: Command): Command {
  return command
    .option("--day <day>", "one UTC day (default: yesterday)", day)
    .option("--from <day>", "first day of a range", day)
    .option("--to <day>", "last day of a range", day);
}

interface DayOptions {
  day?: string;
  from?: string;
  to?: string;
}

export function registerAwsCommands(program: Command): void {
  withDayOptions(program.command("collect-history"))
    .description("copy Athena query history into the audit bucket (the collector Lambda's code, your AWS credentials)")
    .option("--backfill-days <n>", "the last N days (at most 45)", NUMBER_FLAGS.backfillDays)
    .option("--work-group <name...>", "only these work groups")
    .option("--force", "rewrite objects even when unchanged")
    .action(async (o: DayOptions & { backfillDays?: number; workGroup?: string[]; force?: boolean }) => {
      const event = { day: o.day, from: o.from, to: o.to, backfillDays: o.backfillDays, workGroups: o.workGroup, force: o.force };
      const request = parseCollectInput(definedOnly(event), new Date());
      const progress = progressBar();
      const summary = await collectHistory(request, {
        athena: createAthenaClient(),
        s3: createS3Client(),
        config: accountCollectorConfig(),
        log: cliLogger("history-collector"),
        onWorkGroup: (name, done, total) => {
          if (done === 1) progress.start(total, "work groups");
          progress.tick(name);
          if (done === total) progress.stop();
        },
      });
      console.log(logJson(summary, 2));
    });

  withDayOptions(program.command("join-events"))
    .description("join history with CloudTrail into the events table on Athena (the join Lambda's code)")
    .action(async (o: DayOptions) => {
      const days = parseJoinInput(definedOnly(o), new Date());
      const config = joinConfig();
      const progress = progressBar();
      progress.start(days.length * config.regions.length, "partitions");
      const engine = new AthenaEngine({ workGroup: config.workGroup, database: config.database, timeoutMs: config.queryTimeoutMs });
      try {
        const summary = await joinEvents(days, {
          engine,
          s3: createS3Client(),
          glue: new GlueClient({ retryMode: "adaptive", maxAttempts: 8 }),
          config,
          joinSql: eventsJoinSql({ systemTables: config.systemTables }),
          accessSql: accessJoinSql(),
          log: cliLogger("join"),
          onPartition: (d, region) => progress.tick(`${d} ${region}`),
        });
        console.log(logJson(summary, 2));
      } finally {
        progress.stop();
        await engine.close();
      }
    });
}
