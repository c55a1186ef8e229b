/**
 * The live alerts' function (functions/live/handler.ts) as the IAM contract runs it: EventBridge
 * events as AWS sends them, through the planned role, against the world's S3 front, Athena (the
 * queries by id), SNS and Security Hub. One series makes every call the function can make: a query
 * judged from either event first, the state's first write (`since.json`), a first read of a
 * sensitive database once the learning period is over, a probing burst (the failures listed), and
 * a publish that fails (the claims deleted again) then succeeds on the retry.
 */
import * as s3sdk from "@aws-sdk/client-s3";
import { vi } from "vitest";
import { liveSinceKey, liveStatePrefix } from "../../../core/layout";
import type { LiveResult } from "../../../functions/live/live";
import { useLocalAws } from "../s3";
import { CallLog } from "./recorder";
import { World, LiveServers } from "./world";

/** What the main stacks are configured with (`anomalySettings`), so that each rule can fire. */
export const LIVE_SETTINGS = { sensitive: ["hr"], knownBuckets: ["northwind-results"], probingFailures: 2 };

export interface LiveRunInput {
  world: World;
  bucket: string;
  prefix?: string;
  account: string;
  region: string;
  /** The variant's endpoints, its SNS and Security Hub, and the log its calls land in. */
  env: Record<string, string>;
  live: LiveServers;
  log: CallLog;
  /** The planned function's environment. */
  environment: Record<string, string>;
  /** The access key id naming the planned role in the world. */
  accessKeyId: string;
  /** A prefix making this run's query ids unique in the world (hex digits). */
  idPrefix: string;
}

export interface LiveRun {
  /** The alerts of each query, `kind severity`, in the order the series ran them. */
  alerts: string[][];
  /** The error the call with the failed publish ended in; undefined when it did not fail. */
  failedPublish?: string;
  /** Set when a call failed that should not have (a refusal by S3, say). */
  error?: string;
  /** Messages SNS took, findings Security Hub holds. */
  published: number;
  findings: number;
  /** The calls the role made: `service operation`. */
  calls: Set<string>;
}

const finished = (id: string, account: string, region: string, state: string) => ({
  version: "0",
  id: `e-${id}`,
  "detail-type": "Athena Query State Change",
  source: "aws.athena",
  account,
  time: new Date().toISOString(),
  region,
  resources: [],
  detail: { versionId: "0", currentState: state, previousState: "RUNNING", queryExecutionId: id, workgroupName: "analysts" },
});

const started = (id: string, account: string, region: string, role: string, at: string) => ({
  version: "0",
  id: `t-${id}`,
  "detail-type": "AWS API Call via CloudTrail",
  source: "aws.athena",
  account,
  time: at,
  region,
  resources: [],
  detail: {
    eventVersion: "1.09",
    userIdentity: {
      type: "AssumedRole",
      arn: `arn:aws:sts::${account}:assumed-role/${role}/session`,
      accountId: account,
      sessionContext: { sessionIssuer: { type: "Role", arn: `arn:aws:iam::${account}:role/${role}`, accountId: account, userName: role } },
    },
    eventTime: at,
    eventSource: "athena.amazonaws.com",
    eventName: "StartQueryExecution",
    awsRegion: region,
    sourceIPAddress: "203.0.113.7",
    responseElements: { queryExecutionId: id },
    eventType: "AwsApiCall",
    recipientAccountId: account,
  },
});

interface Query {
  sql: string;
  state: "SUCCEEDED" | "FAILED";
  role: string;
  error?: string;
  trailFirst?: boolean;
}

/** Runs the series; the handler module is loaded afresh, so this run reads its own stack's settings object. */
export async function runLive(input: LiveRunInput): Promise<LiveRun> {
  vi.resetModules();
  const { handler } = await import("../../../functions/live/handler");
  const restore = useLocalAws({
    ...input.env,
    ...input.environment,
    AWS_REGION: input.region,
    AWS_ACCESS_KEY_ID: input.accessKeyId,
    // The SNS and Security Hub servers check the signature against the harness's secret.
    AWS_SECRET_ACCESS_KEY: "S3RVER",
  });
  const run: LiveRun = { alerts: [], published: 0, findings: 0, calls: new Set() };
  let sequence = 0;
  const start = Date.now() - 10 * 60_000;
  let last: unknown;
  /** Both events of a query (the second gets the verdict); a minute apart per query, within the hour. */
  const query = async (q: Query): Promise<LiveResult> => {
    const id = `${input.idPrefix}${(++sequence).toString(16).padStart(8 - input.idPrefix.length, "0")}-1111-2222-3333-444455556666`;
    const at = new Date(start + sequence * 60_000).toISOString();
    input.world.executions.set(id, {
      QueryExecutionId: id,
      Query: q.sql,
      StatementType: "DML",
      QueryExecutionContext: { Database: "sales", Catalog: "AwsDataCatalog" },
      WorkGroup: "analysts",
      Status: {
        State: q.state,
        SubmissionDateTime: start / 1000,
        CompletionDateTime: start / 1000 + 30,
        ...(q.error ? { StateChangeReason: q.error, AthenaError: { ErrorCategory: 2, ErrorType: 1100, ErrorMessage: q.error } } : {}),
      },
      Statistics: { DataScannedInBytes: 2 * 1024 ** 3 },
    });
    const events = [finished(id, input.account, input.region, q.state), started(id, input.account, input.region, q.role, at)];
    if (q.trailFirst) events.reverse();
    const first = await handler(events[0]);
    if (first.outcome !== "waiting") throw new Error(`the first event of ${id} was ${first.outcome}, not waiting`);
    last = events[1];
    return handler(events[1]);
  };
  const judged = async (q: Query) => run.alerts.push((await query(q)).alerts.map((a) => `${a.kind} ${a.severity}`));
  const denied = "Access Denied: Insufficient Lake Formation permission(s) on hr.salaries";
  try {
    // Principals of this run only: the state is the account's, shared by its stacks in every region.
    const role = (name: string) => `${name}-${input.idPrefix}`;
    await judged({
      sql: "UNLOAD (SELECT * FROM sales.orders) TO 's3://exfil-bucket/out/' WITH (format = 'PARQUET')",
      state: "SUCCEEDED",
      role: role("analyst"),
    });
    // The learning period over: first reads are judged from now on.
    const since = new Date(Date.now() - 30 * 86_400_000).toISOString();
    const sinceKey = liveSinceKey(liveStatePrefix(input.prefix ?? "athena-audit", input.account));
    await input.world.s3.client.send(new s3sdk.PutObjectCommand({ Bucket: input.bucket, Key: sinceKey, Body: JSON.stringify({ since }) }));
    await judged({ sql: "SELECT name FROM hr.salaries WHERE id = 7", state: "SUCCEEDED", role: role("analyst"), trailFirst: true });
    for (let i = 0; i < LIVE_SETTINGS.probingFailures; i++)
      await judged({ sql: "SELECT * FROM hr.salaries", state: "FAILED", role: role("prober"), error: denied });
    // The topic gone for a moment: the alert's and the first read's claims are undone and the call
    // fails; its retry alerts.
    const topic = input.live.topics.splice(0);
    await query({ sql: "SELECT name FROM hr.salaries", state: "SUCCEEDED", role: role("contractor") }).then(
      () => undefined,
      (error: unknown) => (run.failedPublish = (error as Error).message),
    );
    input.live.topics.push(...topic);
    run.alerts.push((await handler(last)).alerts.map((a) => `${a.kind} ${a.severity}`));
  } catch (error) {
    run.error = (error as Error).message;
  } finally {
    restore();
  }
  run.published = input.live.sns.published.length;
  run.findings = input.live.securityHub.findings.size;
  run.calls = new Set(input.log.calls.filter((c) => c.principal === input.accessKeyId).map((c) => `${c.service} ${c.operation}`));
  return run;
}
