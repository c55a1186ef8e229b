/**
 * The live path end to end: EventBridge events, as AWS sends them, through the Lambda handler,
 * against s3rver (the state), the local Athena (GetQueryExecution), SNS and Security Hub servers,
 * with the real S3 and Athena SDK clients. Each case is worked by hand: which events, which alert.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { liveSinceKey, liveStatePrefix } from "../../core/layout";
import { handler } from "../../functions/live/handler";
import type { LiveResult } from "../../functions/live/live";
import { startAthenaServer } from "../support/athena-server";
import { cleanupAfterAll } from "../support/cleanup";
import { LocalS3, startS3, useLocalAws } from "../support/s3";
import { SecurityHubServer, startSecurityHubServer } from "../support/securityhub-server";
import { SnsServer, startSnsServer } from "../support/sns-server";

const ACCOUNT = "123456789012";
const REGION = "us-east-1";
const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:athena-audit-alerts`;
const GIB = 1024 ** 3;
const executions = new Map<string, Record<string, unknown>>();
let s3: LocalS3;
let sns: SnsServer;
let hub: SecurityHubServer;

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  s3 = await startS3("audit-bucket");
  cleanUp(() => s3.close());
  const athena = await startAthenaServer({ executions });
  cleanUp(() => athena.close());
  sns = await startSnsServer({ topics: [TOPIC], region: REGION });
  cleanUp(() => sns.close());
  hub = await startSecurityHubServer({ region: REGION });
  cleanUp(() => hub.close());
  cleanUp(
    useLocalAws({
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL_S3: s3.url,
      AWS_ENDPOINT_URL_ATHENA: athena.url,
      AWS_ENDPOINT_URL_SNS: sns.url,
      AWS_ENDPOINT_URL_SECURITYHUB: hub.url,
      AUDIT_BUCKET: "audit-bucket",
      AUDIT_ACCOUNT: ACCOUNT,
      LIVE_TOPIC_ARN: TOPIC,
      LIVE_SECURITY_HUB: "true",
      ANOMALY_SETTINGS_KEY: "settings/anomaly-settings.json",
    }),
  );
  const settings = { sensitive: ["hr"], knownBuckets: ["audit-results"], probingFailures: 5, largeScanBytes: 100 * GIB };
  await s3.client.send(new PutObject("settings/anomaly-settings.json", JSON.stringify(settings)));
  // The live path has watched for 30 days: first reads are judged.
  const since = new Date(Date.now() - 30 * 86_400_000).toISOString();
  await s3.client.send(new PutObject(liveSinceKey(liveStatePrefix("athena-audit", ACCOUNT)), JSON.stringify({ since })));
});

import { PutObjectCommand } from "@aws-sdk/client-s3";
class PutObject extends PutObjectCommand {
  constructor(key: string, body: string) {
    super({ Bucket: "audit-bucket", Key: key, Body: body });
  }
}

let sequence = 0;
/** A query id as Athena makes them, unique in the file. */
const newId = () => `0000${(++sequence).toString(16).padStart(4, "0")}-1111-2222-3333-444455556666`;

function finished(id: string, state: string, workGroup = "analysts") {
  return {
    version: "0",
    id: `e-${id}`,
    "detail-type": "Athena Query State Change",
    source: "aws.athena",
    account: ACCOUNT,
    time: new Date().toISOString(),
    region: REGION,
    resources: [],
    detail: {
      versionId: "0",
      currentState: state,
      previousState: "RUNNING",
      statementType: "DML",
      queryExecutionId: id,
      workgroupName: workGroup,
      sequenceNumber: "3",
    },
  };
}

function started(id: string, role: string, eventTime: string) {
  return {
    version: "0",
    id: `t-${id}`,
    "detail-type": "AWS API Call via CloudTrail",
    source: "aws.athena",
    account: ACCOUNT,
    time: eventTime,
    region: REGION,
    resources: [],
    detail: {
      eventVersion: "1.09",
      userIdentity: {
        type: "AssumedRole",
        principalId: "AROAEXAMPLE:carol",
        arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/carol`,
        accountId: ACCOUNT,
        sessionContext: {
          sessionIssuer: {
            type: "Role",
            principalId: "AROAEXAMPLE",
            arn: `arn:aws:iam::${ACCOUNT}:role/${role}`,
            accountId: ACCOUNT,
            userName: role,
          },
        },
      },
      eventTime,
      eventSource: "athena.amazonaws.com",
      eventName: "StartQueryExecution",
      awsRegion: REGION,
      sourceIPAddress: "203.0.113.7",
      userAgent: "aws-cli/2.15.0",
      requestParameters: { queryString: "***OMITTED***", workGroup: "analysts" },
      responseElements: { queryExecutionId: id },
      requestID: `r-${id}`,
      eventID: `ev-${id}`,
      readOnly: false,
      eventType: "AwsApiCall",
      managementEvent: true,
      recipientAccountId: ACCOUNT,
      eventCategory: "Management",
    },
  };
}

function register(id: string, sql: string, state: "SUCCEEDED" | "FAILED" | "CANCELLED", bytes: number, error?: string) {
  executions.set(id, {
    QueryExecutionId: id,
    Query: sql,
    StatementType: "DML",
    QueryExecutionContext: { Database: "sales", Catalog: "AwsDataCatalog" },
    WorkGroup: "analysts",
    Status: {
      State: state,
      SubmissionDateTime: 1790000000,
      CompletionDateTime: 1790000060,
      ...(error
        ? { StateChangeReason: error, AthenaError: { ErrorCategory: 2, ErrorType: 1100, Retryable: false, ErrorMessage: error } }
        : {}),
    },
    Statistics: { DataScannedInBytes: bytes, EngineExecutionTimeInMillis: 1000 },
  });
}

/** Runs a query's two events in the given order; the result of the last. */
async function run(id: string, role: string, at: string, order: "athena-first" | "trail-first" = "athena-first"): Promise<LiveResult> {
  const events = [
    finished(id, String(executions.get(id)?.Status && (executions.get(id)?.Status as { State: string }).State)),
    started(id, role, at),
  ];
  if (order === "trail-first") events.reverse();
  const first = await handler(events[0]);
  expect(first.outcome).toBe("waiting");
  return handler(events[1]);
}

const alertsFor = (id: string) => sns.published.filter((p) => p.message.includes(`Query: ${id} `));

describe("the live path", () => {
  it("alerts once on an UNLOAD to a bucket outside the known ones, with the events in either order", async () => {
    for (const order of ["athena-first", "trail-first"] as const) {
      const id = newId();
      register(
        id,
        "UNLOAD (SELECT * FROM sales.orders WHERE region = 'EU') TO 's3://exfil-bucket/out/' WITH (format = 'PARQUET')",
        "SUCCEEDED",
        3 * GIB,
      );
      const result = await run(id, "reporting-app", new Date().toISOString(), order);
      expect(result.alerts).toEqual([{ kind: "exfiltration", severity: "high", subject: "s3://exfil-bucket" }]);
      const [alert] = alertsFor(id);
      expect(alertsFor(id)).toHaveLength(1);
      expect(alert?.subject).toBe("Athena Exfiltration (high) by reporting-app");
      expect(alert?.message).toContain("Wrote query results to s3://exfil-bucket, outside the account's known buckets.");
      expect(alert?.message).toContain(`Principal: arn:aws:iam::${ACCOUNT}:role/reporting-app`);
      expect(alert?.message).toContain("Scanned: 3.0 GiB (3,221,225,472 bytes)");
      expect(alert?.message).toContain(`https://${REGION}.console.aws.amazon.com/athena/home?region=${REGION}#/query-editor/history/${id}`);
      // Redacted: the literal and the location are masked.
      expect(alert?.message).toContain("UNLOAD (SELECT * FROM sales.orders WHERE region = '?') TO '?' WITH (format = '?')");
      expect(alert?.message).not.toContain("EU");
      const finding = hub.findings.get(`athena-audit/live/${REGION}/${id}/exfiltration`);
      expect(finding).toMatchObject({ AwsAccountId: ACCOUNT, Severity: { Label: "HIGH" }, GeneratorId: "athena-audit-live-exfiltration" });
    }
    expect(hub.failed).toEqual([]);
  });

  it("does not alert twice for a duplicate of either event", async () => {
    const id = newId();
    register(id, "CREATE TABLE tmp.copy WITH (external_location = 's3://other-bucket/x/') AS SELECT * FROM sales.orders", "SUCCEEDED", GIB);
    await run(id, "etl", new Date().toISOString());
    expect(alertsFor(id)).toHaveLength(1);
    const again = await handler(finished(id, "SUCCEEDED"));
    const trailAgain = await handler(started(id, "etl", new Date().toISOString()));
    expect([again.outcome, trailAgain.outcome]).toEqual(["judged", "judged"]);
    expect([again.alerts, trailAgain.alerts]).toEqual([[], []]);
    expect(alertsFor(id)).toHaveLength(1);
  });

  it("writes to a known bucket and small or filtered SELECT *s raise nothing", async () => {
    const quiet = [
      ["UNLOAD (SELECT 1) TO 's3://audit-results/x/'", 200 * GIB],
      ["SELECT * FROM sales.orders WHERE day = '2026-10-01'", 200 * GIB],
      ["SELECT * FROM sales.orders", 99 * GIB],
    ] as const;
    for (const [sql, bytes] of quiet) {
      const id = newId();
      register(id, sql, "SUCCEEDED", bytes);
      expect((await run(id, "analyst", new Date().toISOString())).alerts).toEqual([]);
    }
  });

  it("alerts on a large unfiltered SELECT * the first time a principal runs it", async () => {
    const ids = [newId(), newId()];
    for (const id of ids) register(id, "select * from sales.orders o;", "SUCCEEDED", 150 * GIB);
    expect((await run(ids[0]!, "bi-tool", new Date().toISOString())).alerts).toEqual([
      { kind: "exfiltration", severity: "medium", subject: "select-star:sales.orders" },
    ]);
    expect((await run(ids[1]!, "bi-tool", new Date().toISOString())).alerts).toEqual([]);
    expect(alertsFor(ids[0]!)[0]?.message).toContain("An unfiltered SELECT * of sales.orders scanned 150.0 GiB");
  });

  it("alerts on the first read of a sensitive database, once per principal", async () => {
    const [a, b, c] = [newId(), newId(), newId()];
    register(a, "SELECT name FROM hr.salaries", "SUCCEEDED", GIB);
    register(b, "SELECT name FROM hr.people", "SUCCEEDED", GIB);
    register(c, "SELECT name FROM hr.salaries", "SUCCEEDED", GIB);
    expect((await run(a, "new-role", new Date().toISOString())).alerts).toEqual([{ kind: "reach", severity: "high", subject: "hr" }]);
    expect((await run(b, "new-role", new Date().toISOString())).alerts).toEqual([]);
    expect((await run(c, "other-role", new Date().toISOString())).alerts).toEqual([{ kind: "reach", severity: "high", subject: "hr" }]);
  });

  it("finds 5 access-denied failures within 60 minutes across a clock-hour boundary, once", async () => {
    // 09:40, 09:50, 10:00, 10:10, 10:20: three in one clock hour, two in the next; then a sixth at 10:25.
    const minutes = [40, 50, 60, 70, 80, 85];
    const results: LiveResult[] = [];
    const ids: string[] = [];
    for (const m of minutes) {
      const id = newId();
      ids.push(id);
      register(id, "SELECT * FROM hr.salaries", "FAILED", 0, "Access Denied: Insufficient Lake Formation permission(s) on hr.salaries");
      const at = new Date(Date.UTC(2026, 9, 5, 9, 0) + m * 60_000).toISOString();
      results.push(await run(id, "prober", at));
    }
    expect(results.map((r) => r.alerts.map((a) => a.kind))).toEqual([[], [], [], [], ["probing"], []]);
    expect(alertsFor(ids[4]!)[0]?.message).toContain("5 access-denied or not-found failures within 60 minutes (09:40 to 10:20 UTC)");
  });

  it("leaves 4 failures an hour for 6 hours to the daily detector", async () => {
    const results: LiveResult[] = [];
    for (let i = 0; i < 24; i++) {
      const id = newId();
      register(id, "SELECT * FROM finance.ledger", "FAILED", 0, "TABLE_NOT_FOUND: Table 'finance.ledger' does not exist");
      const at = new Date(Date.UTC(2026, 9, 6, 0, 0) + i * 15 * 60_000).toISOString();
      results.push(await run(id, "slow-prober", at));
    }
    expect(results.flatMap((r) => r.alerts)).toEqual([]);
  });

  it("undoes its claims when SNS refuses, so Lambda's retry alerts", async () => {
    const id = newId();
    register(id, "SELECT salary FROM hr.salaries", "SUCCEEDED", GIB);
    await handler(finished(id, "SUCCEEDED"));
    process.env.LIVE_TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:gone`;
    await expect(handler(started(id, "retried-role", new Date().toISOString()))).rejects.toThrow("Topic does not exist");
    process.env.LIVE_TOPIC_ARN = TOPIC;
    expect((await handler(started(id, "retried-role", new Date().toISOString()))).alerts).toEqual([
      { kind: "reach", severity: "high", subject: "hr" },
    ]);
    expect(alertsFor(id)).toHaveLength(1);
  });

  it("ignores events it is not for, and queries not finished", async () => {
    expect(
      (
        await handler({
          "detail-type": "Athena Query State Change",
          source: "aws.athena",
          account: ACCOUNT,
          region: REGION,
          time: new Date().toISOString(),
          detail: { currentState: "RUNNING", queryExecutionId: newId() },
        })
      ).outcome,
    ).toBe("ignored");
    const failedCall = started(newId(), "x", new Date().toISOString());
    (failedCall.detail as Record<string, unknown>).responseElements = null;
    expect((await handler(failedCall)).outcome).toBe("ignored");
  });
});
