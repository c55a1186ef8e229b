/**
 * Lambda entry point of the history collector (one per region). Input: `{}` (yesterday, UTC),
 * `{ "day": "YYYY-MM-DD" }`, `{ "from", "to" }` or `{ "backfillDays": N }`, with optional
 * `workGroups` and `force`. A failure is thrown, so Lambda retries and alarms see it.
 */
import * as athenaEngine from "../../queries/athena/engine";
import * as config from "../runtime/config";
import { lambdaHandler } from "../runtime/handler";
import * as s3 from "../runtime/s3";
import * as collect from "./collect";
import * as input from "./input";

export const handler = lambdaHandler("history-collector", (event: unknown, log) =>
  collect.collectHistory(input.parseCollectInput(event, new Date()), {
    athena: athenaEngine.createAthenaClient(),
    s3: s3.createS3Client(),
    config: config.historyCollectorConfig(),
    log,
  }),
);
