/**
 * The history collector's and the daily join's code run from the command line against real AWS
 * (credentials and region from the SDK chain): `collect-history`, and `join --engine athena`
 * (join-command.ts).
 */
import { GlueClient } from "@aws-sdk/client-glue";
import { Command } from "commander";
import { joinEvents } from "../functions/join/join";
import { collectHistory } from "../functions/history/collect";
import { parseCollectInput } from "../functions/history/input";
import { historyCollectorConfig, joinConfig } from "../functions/runtime/config";
import { jsonLogger, Logger } from "../functions/runtime/log";
import { createS3Client } from "../functions/runtime/s3";
import { AthenaEngine, createAthenaClient } from "../queries/athena/engine";
import { joinSqlTexts } from "../queries/join/sql";
import { Environment, EVERY_FUNCTION_ENVIRONMENT, HISTORY_COLLECTOR_ENVIRONMENT, JOIN_ENVIRONMENT, Variable } from "../core/environment";
import { logJson, logLine } from "../core/output/log";
import { DayOptions, definedOnly, NUMBER_FLAGS, progressBar, withDayOptions } from "./options";

/** JSON step logs on stderr when output is piped; a terminal gets the progress bar instead. */
function cliLogger(service: string): Logger {
  return jsonLogger(service, (line) => {
    if (!process.stderr.isTTY) console.error(logLine(line));
  });
}

/** The variables a command reads as its function does, for its --help. */
function environmentHelp(...environments: Environment[]): string {
  const variables = environments.flatMap((environment) => Object.values(environment));
  const width = Math.max(...variables.map((v) => v.name.length));
  const presence = (v: Variable<unknown>) => (v.required ? "required" : v.fallback === undefined ? "optional" : `default ${v.fallback}`);
  const lines = variables.map((v) => `  ${v.name.padEnd(width)}  ${presence(v)}; ${v.meaning}`);
  return ["", "Environment (docs/environment-variables.md):", ...lines].join("\n");
}

export function registerAwsCommands(program: Command): void {
  withDayOptions(program.command("collect-history"))
    .description("copy Athena query history into the audit bucket (the history collector Lambda's code, your AWS credentials)")
    .option("--backfill-days <n>", "the last N days (at most 45)", NUMBER_FLAGS.backfillDays)
    .option("--work-group <name...>", "only these work groups")
    .option("--force", "rewrite objects even when unchanged")
    .addHelpText("after", environmentHelp(HISTORY_COLLECTOR_ENVIRONMENT, EVERY_FUNCTION_ENVIRONMENT))
    .action(async (o: DayOptions & { backfillDays?: number; workGroup?: string[]; force?: boolean }) => {
      const event = { day: o.day, from: o.from, to: o.to, backfillDays: o.backfillDays, workGroups: o.workGroup, force: o.force };
      const request = parseCollectInput(definedOnly(event), new Date());
      const progress = progressBar();
      const summary = await collectHistory(request, {
        athena: createAthenaClient(),
        s3: createS3Client(),
        config: historyCollectorConfig(),
        log: cliLogger("history-collector"),
        onWorkGroup: (name, done, total) => {
          if (done === 1) progress.start(total, "work groups");
          progress.tick(name);
          if (done === total) progress.stop();
        },
      });
      console.log(logJson(summary, 2));
    });
}

/** What `join --engine athena` reads from the environment, for its --help. */
export const ATHENA_JOIN_ENVIRONMENT_HELP = environmentHelp(JOIN_ENVIRONMENT, EVERY_FUNCTION_ENVIRONMENT);

/** `join --engine athena`: the join Lambda's code over `days`, configured from the environment as the Lambda is. */
export async function joinOnAthena(days: readonly string[]): Promise<void> {
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
      ...joinSqlTexts({ systemTables: config.systemTables }),
      log: cliLogger("join"),
      onPartition: (d, region) => progress.tick(`${d} ${region}`),
    });
    console.log(logJson(summary, 2));
  } finally {
    progress.stop();
    await engine.close();
  }
}
