/**
 * Lambda entry point of the daily join (main region, daily after the collectors). Input: `{}`
 * (yesterday), `{ "day": "YYYY-MM-DD" }` or `{ "from", "to" }`; the regions come from JOIN_REGIONS.
 */
import * as glue from "@aws-sdk/client-glue";
import * as athenaEngine from "../../queries/athena/engine";
import * as joinQueries from "../../queries/join/sql";
import * as config from "../runtime/config";
import { lambdaHandler } from "../runtime/handler";
import * as s3 from "../runtime/s3";
import * as input from "./input";
import * as join from "./join";

/** Builds the handler around the join's SQL texts (events, access), so a packager can capture them as values. */
export function joinHandler(sql: joinQueries.JoinSqlTexts): (event: unknown) => Promise<join.JoinEventsSummary> {
  return lambdaHandler("join", async (event: unknown, log) => {
    const days = input.parseJoinInput(event, new Date());
    const settings = config.joinConfig();
    const engine = new athenaEngine.AthenaEngine({
      workGroup: settings.workGroup,
      database: settings.database,
      timeoutMs: settings.queryTimeoutMs,
    });
    try {
      const clients = { s3: s3.createS3Client(), glue: new glue.GlueClient({ retryMode: "adaptive", maxAttempts: 8 }) };
      return await join.joinEvents(days, { engine, ...clients, config: settings, ...sql, log });
    } finally {
      await engine.close();
    }
  });
}

/** The entry point outside Pulumi: the SQL follows SYSTEM_TABLES, read when the function runs. */
export const handler = (event: unknown) => joinHandler(joinQueries.joinSqlTexts({ systemTables: config.joinConfig().systemTables }))(event);
