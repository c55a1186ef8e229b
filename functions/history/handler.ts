/**
 * Lambda entry point of the history collector (one per region). Input: `{}` (yesterday, UTC),
 * `{ "day": "YYYY-MM-DD" }`, `{ "from", "to" }` or `{ "backfillDays": N }`, with optional
 * `workGroups` and `force`. A failure is thrown, so Lambda retries and alarms see it.
 */
import * as athenaEngine from "../../queries/athena/engine";
import * as config from "../shared/config";
import * as logging from "../shared/log";
import * as s3 from "../shared/s3";
import * as collect from "./collect";
import * as input from "./input";

export async function handler(event: unknown): Promise<collect.CollectSummary> {
  const log = logging.jsonLogger("history-collector");
  try {
    const request = input.parseCollectInput(event, new Date());
    return await collect.collectHistory(request, {
      athena: athenaEngine.createAthenaClient(),
      s3: s3.createS3Client(),
      config: config.collectorConfig(),
      log,
    });
  } catch (error) {
    log.error("failed", { reason: (error as Error).message });
    throw error;
  }
}
