/**
 * Lambda entry point of the daily join (main region, daily after the collectors). Input: `{}` (the
 * scheduled run: yesterday, the day before again, and every earlier day whose history was never
 * joined; see pending.ts), `{ "day": "YYYY-MM-DD" }` or `{ "from", "to" }` (those days only); the
 * regions come from JOIN_REGIONS.
 */
import * as glue from "@aws-sdk/client-glue";
import * as athenaEngine from "../../queries/athena/engine";
import * as joinQueries from "../../queries/join/sql";
import * as config from "../runtime/config";
import { LambdaContext, lambdaHandler } from "../runtime/handler";
import * as s3 from "../runtime/s3";
import * as input from "./input";
import * as join from "./join";

/** Builds the handler around the join's SQL texts (events, access), so a packager can capture them as values. */
export function joinHandler(sql: joinQueries.JoinSqlTexts): (event: unknown, context?: LambdaContext) => Promise<join.JoinEventsSummary> {
  return lambdaHandler("join", async (event: unknown, log, context) => {
    const asked = input.parseJoinInput(event, new Date());
    const settings = config.joinConfig();
    const engine = new athenaEngine.AthenaEngine({
      workGroup: settings.workGroup,
      database: settings.database,
      timeoutMs: settings.queryTimeoutMs,
    });
    try {
      const clients = { s3: s3.createS3Client(), glue: new glue.GlueClient({ retryMode: "adaptive", maxAttempts: 8 }) };
      const remainingMs = context && (() => context.getRemainingTimeInMillis());
      const deps: join.JoinDeps = { engine, ...clients, config: settings, ...sql, log, remainingMs };
      const days = input.isScheduled(event) ? await join.scheduledJoinDays(asked, deps) : asked;
      return await join.joinEvents(days, deps);
    } finally {
      await engine.close();
    }
  });
}

/** The entry point outside Pulumi: the SQL follows SYSTEM_TABLES, read when the function runs. */
export const handler = (event: unknown, context?: LambdaContext) =>
  joinHandler(joinQueries.joinSqlTexts({ systemTables: config.joinConfig().systemTables }))(event, context);
