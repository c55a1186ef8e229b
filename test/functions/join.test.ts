/**
 * The daily join against s3rver and the local Athena server. The server stands in for Athena's
 * INSERT: on success it writes the partition's Parquet object; on failure it leaves an orphan file
 * behind, as Athena does, and reports FAILED.
 */
import { ACCOUNT_ID } from "../../generator/org";
import { GlueClient } from "@aws-sdk/client-glue";
import * as s3sdk from "@aws-sdk/client-s3";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { joinHandler } from "../../functions/join/handler";
import { parseJoinInput } from "../../functions/join/input";
import { joinEvents } from "../../functions/join/join";
import { expiredHistoryKeys } from "../../functions/join/retention";
import { joinConfig } from "../../functions/runtime/config";
import { SILENT_LOGGER } from "../../functions/runtime/log";
import { createS3Client } from "../../functions/runtime/s3";
import { AthenaEngine } from "../../queries/athena/engine";
import { eventsJoinParameters } from "../../queries/join/parameters";
import { positionalSql } from "../../queries/parameters";
import { eventsPartitionPrefix, historyObjectKey } from "../../core/layout";
import { cloudTrailTable, eventsTable, historyTable } from "../../pulumi/glue";
import { readSql } from "../../queries/sql-files";
import { cleanupAfterAll } from "../support/cleanup";
import { at } from "../support/defined";
import { AthenaServer, startAthenaServer } from "../support/athena-server";
import { joinedPartition, receivedParameters } from "../support/execution-parameters";
import { LocalGlueTables } from "../support/glue-tables";
import { LocalS3, startS3, useLocalAws } from "../support/s3";

const NOW = new Date("2026-11-20T03:00:00Z");
const JOIN_SQL = readSql("events_join");
let s3: LocalS3;
let athena: AthenaServer;
let restore: () => void;
/** Which (day, region) inserts fail, keyed `day region`. */
const failing = new Set<string>();
/** The audit's tables as deployed with the default settings (the history table projects `primary`). */
const glue = new LocalGlueTables().loadSpecs("athena_audit", [
  historyTable("audit-bucket", "athena-audit", ["us-east-1", "eu-west-1"], ["primary"], [ACCOUNT_ID]),
  cloudTrailTable({ bucket: "audit-bucket", prefix: "cloudtrail", accounts: ["123456789012"], regions: ["us-east-1", "eu-west-1"] }),
  eventsTable("audit-bucket", "athena-audit", ["us-east-1", "eu-west-1"]),
]);

const put = (key: string, body = "x") => s3.client.send(new s3sdk.PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: body }));

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  s3 = await startS3("audit-bucket");
  cleanUp(() => s3.close());
  athena = await startAthenaServer({
    operations: glue.operations(),
    script: (sql, parameters = []) => {
      // The access insert after each events insert (its own partition; tested in test/queries/access-join.test.ts).
      if (sql.startsWith("INSERT INTO access")) return { runningPolls: 0, bytesScanned: 0 };
      const { day, region } = joinedPartition(parameters);
      const partition = eventsPartitionPrefix(day, region);
      if (failing.has(`${day} ${region}`)) {
        return {
          runningPolls: 1,
          state: "FAILED",
          errorMessage: "HIVE_CURSOR_ERROR: Unexpected end of input stream",
          effect: async () => {
            await put(`${partition}20261120_030000_orphan_0.parquet`);
          },
        };
      }
      return {
        runningPolls: 1,
        bytesScanned: 7_340_032,
        effect: async () => {
          await put(`${partition}20261120_030000_${day}_0.parquet`, "PAR1");
        },
      };
    },
  });
  cleanUp(() => athena.close());
  restore = useLocalAws({
    AWS_ENDPOINT_URL_S3: s3.url,
    AWS_ENDPOINT_URL_ATHENA: athena.url,
    AWS_ENDPOINT_URL_GLUE: athena.url,
    AUDIT_BUCKET: "audit-bucket",
    AUDIT_WORK_GROUP: "athena-audit",
    AUDIT_DATABASE: "athena_audit",
    JOIN_REGIONS: "us-east-1,eu-west-1",
  });
  cleanUp(restore);
});
beforeEach(() => {
  failing.clear();
  athena.queries.length = 0;
});

function deps(overrides: Partial<Parameters<typeof joinEvents>[1]> = {}) {
  const config = joinConfig();
  return {
    engine: new AthenaEngine({ workGroup: config.workGroup, database: config.database, pollMs: 5, maxPollMs: 10 }),
    s3: createS3Client(),
    glue: new GlueClient({}),
    config,
    joinSql: JOIN_SQL,
    accessSql: readSql("access_join"),
    log: SILENT_LOGGER,
    now: NOW,
    ...overrides,
  };
}

describe("daily join", () => {
  it("replaces each (day, region) partition with the output of one INSERT INTO events of the join SQL", async () => {
    const stale = `${eventsPartitionPrefix("2026-11-18", "us-east-1")}old-run_0.parquet`;
    await put(stale);
    const summary = await joinEvents(["2026-11-18", "2026-11-19"], deps());
    expect(summary.partitions.map((p) => [p.day, p.region, p.objectsWritten, p.error])).toEqual([
      ["2026-11-18", "us-east-1", 1, undefined],
      ["2026-11-18", "eu-west-1", 1, undefined],
      ["2026-11-19", "us-east-1", 1, undefined],
      ["2026-11-19", "eu-west-1", 1, undefined],
    ]);
    expect(summary.partitions[0]?.objectsReplaced).toBe(1);
    expect(await s3.keys(eventsPartitionPrefix("2026-11-18", "us-east-1"))).toEqual([
      `${eventsPartitionPrefix("2026-11-18", "us-east-1")}20261120_030000_2026-11-18_0.parquet`,
    ]);
    const first = at(athena.queries, 0, "query started");
    // Athena takes `?` markers: the named SQL arrives in that form, each name's value at each of its markers.
    expect(first.sql).toBe(`INSERT INTO events\n${positionalSql(JOIN_SQL).sql}`);
    expect(first.sql).not.toMatch(/:day\b|:region\b/);
    expect(receivedParameters(JOIN_SQL, first.parameters)).toEqual(eventsJoinParameters("2026-11-18", "us-east-1"));
    expect(first.parameters?.filter((p) => p === "'us-east-1'")).toHaveLength(3);
    expect([first.workGroup, first.database]).toEqual(["athena-audit", "athena_audit"]);
  });

  it("bills in the TB definition BILLING_TB names: decimal units reach the INSERT's parameters", async () => {
    const config = joinConfig({ ...process.env, BILLING_TB: "decimal" });
    expect(config.tb).toBe("decimal");
    await joinEvents(["2026-11-18"], deps({ config }));
    const sent = receivedParameters(JOIN_SQL, at(athena.queries, 0, "query started").parameters);
    expect(sent).toEqual(eventsJoinParameters("2026-11-18", "us-east-1", "decimal"));
    expect([sent.billing_tb_bytes, sent.billing_mb_bytes]).toEqual([10 ** 12, 10 ** 6]);
    expect(() => joinConfig({ ...process.env, BILLING_TB: "metric" })).toThrow(/BILLING_TB must be binary or decimal, got "metric"/);
  });

  it("leaves a failed partition empty, finishes the others, and fails the run naming the day and region", async () => {
    failing.add("2026-11-17 eu-west-1");
    await put(`${eventsPartitionPrefix("2026-11-17", "eu-west-1")}previous_0.parquet`);
    const run = joinEvents(["2026-11-17"], deps());
    await expect(run).rejects.toThrow(/events join failed for 1 of 2 partition\(s\): 2026-11-17 eu-west-1: .*HIVE_CURSOR_ERROR/);
    expect(await s3.keys(eventsPartitionPrefix("2026-11-17", "eu-west-1"))).toEqual([]);
    expect(await s3.keys(eventsPartitionPrefix("2026-11-17", "us-east-1"))).toHaveLength(1);
  });

  it("starts no partition without time for it: the days left are pending, not failed, and no history expires", async () => {
    const old = historyObjectKey({ account: ACCOUNT_ID, region: "us-east-1", dt: "2026-07-01", workGroup: "primary" });
    await put(old);
    await put(`${eventsPartitionPrefix("2026-07-01", "us-east-1")}part_0.parquet`);
    // Lambda's clock: room for the first partition, then less than the reserve.
    const left = [600_000, 30_000];
    const summary = await joinEvents(
      ["2026-11-16", "2026-11-17"],
      deps({ config: { ...joinConfig(), historyRetentionDays: 30 }, remainingMs: () => left.shift() ?? 0 }),
    );
    expect(summary.partitions.map((p) => [p.day, p.region])).toEqual([["2026-11-16", "us-east-1"]]);
    expect([summary.failed, summary.pending, summary.historyObjectsExpired]).toEqual([0, ["2026-11-16", "2026-11-17"], 0]);
    expect(await s3.keys("athena-audit/history/")).toContain(old);
    for (const key of [old, `${eventsPartitionPrefix("2026-07-01", "us-east-1")}part_0.parquet`])
      await s3.client.send(new s3sdk.DeleteObjectCommand({ Bucket: s3.bucket, Key: key }));
  });

  it("deletes history past the retention only for days already joined", async () => {
    const old = historyObjectKey({ account: ACCOUNT_ID, region: "us-east-1", dt: "2026-08-01", workGroup: "primary" });
    const oldNotJoined = historyObjectKey({ account: ACCOUNT_ID, region: "us-east-1", dt: "2026-08-02", workGroup: "primary" });
    const recent = historyObjectKey({ account: ACCOUNT_ID, region: "us-east-1", dt: "2026-11-10", workGroup: "primary" });
    for (const key of [old, oldNotJoined, recent]) await put(key);
    await put(`${eventsPartitionPrefix("2026-08-01", "us-east-1")}part_0.parquet`);
    await put(`${eventsPartitionPrefix("2026-11-10", "us-east-1")}part_0.parquet`);
    const summary = await joinEvents(["2026-11-19"], deps({ config: { ...joinConfig(), historyRetentionDays: 30 } }));
    expect(summary.historyObjectsExpired).toBe(1);
    expect(await s3.keys("athena-audit/history/")).toEqual([oldNotJoined, recent].sort());
  });

  it("works out expiry from keys alone", () => {
    const keys = [
      "p/history/region=r/dt=2026-01-01/workgroup=a/history.json.gz",
      "p/history/region=r/dt=2026-03-01/workgroup=a/history.json.gz",
    ];
    expect(expiredHistoryKeys(keys, new Set(["2026-01-01", "2026-03-01"]), "2026-03-15", 30)).toEqual([keys[0]]);
  });

  it.each([
    [{ day: "2026-11-20" }, "is not over yet"],
    [{ from: "2026-11-10" }, "from and to go together"],
    [{ day: "2026-11-10", from: "2026-11-01", to: "2026-11-02" }, "give day or from/to"],
    [{ region: "us-east-1" }, "unknown input key(s) region"],
  ])("refuses %j", (event, message) => {
    expect(() => parseJoinInput(event, NOW)).toThrow(message);
  });

  it("runs as a Lambda handler with the SQL captured as a value, joining yesterday by default", async () => {
    const summary = await joinHandler({ joinSql: JOIN_SQL, accessSql: readSql("access_join") })({ day: "2026-11-15" });
    expect(summary.partitions.map((p) => p.region)).toEqual(["us-east-1", "eu-west-1"]);
    expect(parseJoinInput({}, NOW)).toEqual(["2026-11-19"]);
  });
});
