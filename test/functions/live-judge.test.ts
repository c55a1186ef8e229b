/**
 * The live rules and messages, worked by hand: the daily detector's patterns (checked to be the
 * SQL's own text), the rolling 60-minute window, first reads only once the state has watched long
 * enough, and messages that fit SNS's and Security Hub's limits with the longest query Athena takes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { AnomalySettings, DEFAULT_ANOMALY_SETTINGS } from "../../core/anomaly-settings";
import { findingsImporter, snsPublisher } from "../../functions/live/aws-calls";
import { alertMessage, alertSubject, asffFinding, LiveAlert, plainText, SNS_MESSAGE_BYTES } from "../../functions/live/deliver";
import type { Finished, Started } from "../../functions/live/events";
import * as judge from "../../functions/live/judge";
import { cleanupAfterAll } from "../support/cleanup";
import { SecurityHubServer, startSecurityHubServer } from "../support/securityhub-server";
import { SnsServer, startSnsServer } from "../support/sns-server";

const SQL = fs.readFileSync(path.join(__dirname, "../../queries/sql/anomalies.sql"), "utf8");
const SETTINGS: AnomalySettings = { ...DEFAULT_ANOMALY_SETTINGS, sensitive: ["hr", "sales.cards"], knownBuckets: ["results"] };
const MIN = 60_000;
const T0 = Date.UTC(2026, 9, 5, 9, 0);

describe("the live rules", () => {
  it("use the daily detector's patterns as the SQL writes them", () => {
    for (const p of [judge.WRITE_STATEMENT, judge.WRITE_LOCATION, judge.UNFILTERED_STAR, judge.PROBE_ERROR, judge.PROBE_EXCEPT])
      expect(SQL, p).toContain(`'${p}'`);
  });

  it("count failures in any 60 minutes, not per clock hour", () => {
    // 09:40 ... 10:20: five within 40 minutes, across 10:00.
    const burst = [40, 50, 60, 70, 80].map((m) => T0 + m * MIN);
    expect(judge.burstAround(burst, burst[4]!)).toEqual({ count: 5, from: burst[0], to: burst[4] });
    // Arriving out of order, the first one's window still holds all five.
    expect(judge.burstAround(burst, burst[0]!).count).toBe(5);
    // Four an hour, evenly: any 60 minutes [s, s + 60) holds four.
    const steady = Array.from({ length: 24 }, (_, i) => T0 + i * 15 * MIN);
    expect(Math.max(...steady.map((t) => judge.burstAround(steady, t).count))).toBe(4);
    // 09:00 and 10:00 are 60 minutes apart: not within the same 60 minutes.
    expect(judge.burstAround([T0, T0 + 60 * MIN], T0 + 60 * MIN).count).toBe(1);
  });

  it("tell probing failures from other failures as the SQL does", () => {
    const e = (errorMessage: string, state = "FAILED"): judge.Execution => ({ queryId: "q", sql: "", state, bytes: 0, errorMessage });
    expect(judge.isProbe(e("TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.hr.x' does not exist"))).toBe(true);
    expect(judge.isProbe(e("Access Denied: not authorized to perform glue:GetTable"))).toBe(true);
    expect(judge.isProbe(e("COLUMN_NOT_FOUND: line 1:8: Column 'x' cannot be resolved (TABLE_NOT_FOUND)"))).toBe(false);
    expect(judge.isProbe(e("SYNTAX_ERROR: line 1:1"))).toBe(false);
    expect(judge.isProbe(e("Access Denied", "CANCELLED"))).toBe(false);
  });

  it("find the bucket of an UNLOAD or CTAS outside the known ones", () => {
    expect(judge.foreignWrite("unload (select 1) to 's3://Other/x'", SETTINGS)).toBe("Other");
    expect(judge.foreignWrite("CREATE TABLE t WITH (external_location='s3://away/p/') AS SELECT 1", SETTINGS)).toBe("away");
    expect(judge.foreignWrite("UNLOAD (SELECT 1) TO 's3://results/x'", SETTINGS)).toBeUndefined();
    expect(judge.foreignWrite("SELECT 's3://away/'", SETTINGS)).toBeUndefined();
  });

  it("say a first read only once the state has watched minHistoryDays, and of sensitive resources only", () => {
    const e: judge.Execution = { queryId: "q", sql: "SELECT 1", state: "SUCCEEDED", bytes: 10, errorMessage: "" };
    const tables = ["hr.people", "sales.cards", "sales.orders"];
    const state = (sinceDays: number): judge.PrincipalState => ({
      failureTimes: [],
      probingAlertTimes: [],
      seenBefore: new Set(["sales.cards"]),
      since: new Date(T0 - sinceDays * 86_400_000).toISOString(),
    });
    expect(judge.judge(e, tables, T0, state(14), SETTINGS, T0)).toEqual([
      expect.objectContaining({ kind: "reach", severity: "high", subject: "hr", measured: 1 }),
    ]);
    expect(judge.judge(e, tables, T0, state(13.9), SETTINGS, T0)).toEqual([]);
    expect(judge.judge({ ...e, state: "FAILED" }, tables, T0, state(30), SETTINGS, T0)).toEqual([]);
  });
});

const finished: Finished = {
  half: "finished",
  queryId: "q-1",
  state: "SUCCEEDED",
  workGroup: "wg\u202e1",
  account: "123456789012",
  region: "us-east-1",
  time: "2026-10-05T09:00:00.000Z",
};
const started: Started = {
  half: "started",
  queryId: "q-1",
  principal: `arn:aws:iam::123456789012:role/${"r".repeat(120)}\nPrincipal: forged`,
  caller: "arn:aws:sts::123456789012:assumed-role/r/s",
  time: "2026-10-05T09:00:00.000Z",
  account: "123456789012",
  region: "us-east-1",
};
/** The longest query Athena takes (262,144 bytes), of what grows most when escaped: control characters in a quoted name. */
const LONGEST = `SELECT "${"\u0001é".repeat((262_144 - 16) / 3)}" FROM t`;
const alert = (sql: string): LiveAlert => ({
  finding: {
    kind: "exfiltration",
    severity: "high",
    subject: "s3://x",
    measured: 1,
    sentence: "Wrote query results to s3://x, outside the account's known buckets.",
  },
  started,
  finished,
  execution: { queryId: "q-1", sql, state: "SUCCEEDED", bytes: 5, errorMessage: "" },
  at: "2026-10-05T09:05:00.000Z",
});

let sns: SnsServer;
let hub: SecurityHubServer;
const TOPIC = "arn:aws:sns:us-east-1:123456789012:alerts";
const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  sns = await startSnsServer({ topics: [TOPIC] });
  cleanUp(() => sns.close());
  hub = await startSecurityHubServer();
  cleanUp(() => hub.close());
});
const LOCAL = { region: "us-east-1", credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" }, maxAttempts: 1 };
/** The product's own callers, each loading its SDK client at first use, pointed at the local servers. */
const publish = (topic: string, subject: string, message: string) => snsPublisher(topic, { ...LOCAL, endpoint: sns.url })(subject, message);
const importFindings = (findings: readonly object[]) => findingsImporter({ ...LOCAL, endpoint: hub.url })(findings);

describe("the alert", () => {
  it("fits SNS with the longest query text, cut and saying so", async () => {
    expect(Buffer.byteLength(LONGEST)).toBe(262_144);
    const message = alertMessage(alert(LONGEST));
    expect(Buffer.byteLength(message)).toBeLessThanOrEqual(SNS_MESSAGE_BYTES);
    expect(Buffer.byteLength(message)).toBeGreaterThan(SNS_MESSAGE_BYTES - 64);
    // Redaction keeps a quoted name; each U+0001 shows as `[U+0001]`: 16 + 87,376 × 9 characters.
    expect(message).toMatch(/cut to its first [\d,]+ of 786,400 characters/);
    await publish(TOPIC, alertSubject(alert(LONGEST)), message);
    expect(sns.published.at(-1)?.message).toBe(message);
    // The server refuses what SNS refuses: one byte more.
    const oneByteOver = `${message}${"x".repeat(SNS_MESSAGE_BYTES + 1 - Buffer.byteLength(message))}`;
    expect(Buffer.byteLength(oneByteOver)).toBe(SNS_MESSAGE_BYTES + 1);
    await expect(publish(TOPIC, "s", oneByteOver)).rejects.toThrow("Message too long");
    await expect(publish(TOPIC, "s".repeat(100), "m")).rejects.toThrow("Subject");
  });

  it("keeps an untrusted value on its line and the subject short", () => {
    const message = alertMessage(alert("SELECT 1"));
    expect(message.split("\n").filter((l) => l.startsWith("Principal:"))).toHaveLength(1);
    expect(message).toContain("[U+000A]Principal: forged");
    expect(message).toContain("work group wg[U+202E]1");
    expect(plainText("a\u2028b\u0000\t")).toBe("a[U+2028]b[U+0000][U+0009]");
    const subject = alertSubject(alert("SELECT 1"));
    expect(subject.length).toBeLessThan(100);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
  });

  it("is an ASFF finding Security Hub imports, with every required field, even with the longest query", async () => {
    const finding = asffFinding(alert(LONGEST));
    for (const field of [
      "SchemaVersion",
      "Id",
      "ProductArn",
      "GeneratorId",
      "AwsAccountId",
      "Types",
      "CreatedAt",
      "UpdatedAt",
      "Severity",
      "Title",
      "Description",
      "Resources",
    ])
      expect(finding[field], field).toBeDefined();
    await importFindings([finding]);
    expect(hub.findings.get("athena-audit/live/us-east-1/q-1/exfiltration")).toEqual(finding);
    // The server refuses what Security Hub refuses: a finding without Types.
    const withoutTypes: Record<string, unknown> = { ...finding, Id: "other" };
    delete withoutTypes.Types;
    await expect(importFindings([withoutTypes])).rejects.toThrow("Types is required");
  });
});
