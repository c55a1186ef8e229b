/**
 * Lambda entry point of the live alerts: one EventBridge event a call, "Athena Query State Change"
 * or CloudTrail's StartQueryExecution (see ./events.ts). Answers what it did; throws only when
 * S3, Athena, SNS or Security Hub failed, so Lambda retries the event.
 */
import * as athena from "@aws-sdk/client-athena";
import { anomalySettings, AnomalySettings, DEFAULT_ANOMALY_SETTINGS } from "../../core/anomaly-settings";
import { readEnvironment, LIVE_ENVIRONMENT } from "../../core/environment";
import { InputError } from "../../core/errors";
import { lambdaHandler } from "../runtime/handler";
import { createS3Client } from "../runtime/s3";
import * as calls from "./aws-calls";
import { handleLiveEvent } from "./live";
import { LiveState } from "./state";

const RETRY = { retryMode: "adaptive", maxAttempts: 8 } as const;

let settingsCache: Promise<AnomalySettings> | undefined;
// One client each per container, made at the first alert (./aws-calls.ts).
const publishers = new Map<string, (subject: string, message: string) => Promise<string>>();
let importer: ((findings: readonly object[]) => Promise<void>) | undefined;

async function readSettings(state: LiveState, where: string, key: string): Promise<AnomalySettings> {
  const text = await state.read(key);
  if (text === undefined) throw new InputError(`no anomaly settings at ${where}`);
  return anomalySettings(JSON.parse(text), `anomaly settings ${where}`);
}

export const handler = lambdaHandler("live-alerts", async (event: unknown, log) => {
  const config = readEnvironment(LIVE_ENVIRONMENT, process.env);
  const s3 = createS3Client();
  const state = new LiveState(s3, config.bucket, config.prefix, config.account);
  // One read of the settings per container: a change reaches the next cold start.
  const settings = () =>
    (settingsCache ??= config.settingsKey
      ? readSettings(state, `s3://${config.bucket}/${config.settingsKey}`, config.settingsKey)
      : Promise.resolve(DEFAULT_ANOMALY_SETTINGS)).catch((error: unknown) => {
      settingsCache = undefined;
      throw error;
    });
  // SNS answers in the topic's region; Security Hub in the function's, where the finding is.
  let publish = publishers.get(config.topicArn);
  if (publish === undefined) {
    publish = calls.snsPublisher(config.topicArn, { ...RETRY, region: config.topicArn.split(":")[3] });
    publishers.set(config.topicArn, publish);
  }
  const importFindings = config.securityHub ? (importer ??= calls.findingsImporter(RETRY)) : undefined;
  const result = await handleLiveEvent(event, {
    state,
    athena: new athena.AthenaClient(RETRY),
    settings,
    publish,
    importFindings,
    partition: config.topicArn.split(":")[1] ?? "aws",
    log,
  });
  log.info("done", { ...result });
  return result;
});
