/**
 * Late CloudTrail on Athena: the scheduled join (input `{}`) joins yesterday and the day before
 * again, so a record delivered after the first join of its day (the 23:59:59 query whose
 * history says 00:00:00.3 the next day, delivered at 03:30; and one a day late) names its query in
 * its day's partition by the next run. The join Lambda's code runs twice, a day apart, on the local
 * Athena that reads the bucket through the audit's Glue tables; the late files arrive in between.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as s3sdk from "@aws-sdk/client-s3";
import { GlueClient } from "@aws-sdk/client-glue";
import { beforeAll, describe, expect, it } from "vitest";
import { addDays } from "../../core/days";
import { parseJoinInput } from "../../functions/join/input";
import { joinEvents, JoinEventsSummary, scheduledJoinDays } from "../../functions/join/join";
import { joinConfig } from "../../functions/runtime/config";
import { SILENT_LOGGER } from "../../functions/runtime/log";
import { createS3Client } from "../../functions/runtime/s3";
import { ACCOUNT_ID } from "../../generator/org";
import { accessTable, cloudTrailTable, eventsTable, grantsTable, historyTable } from "../../pulumi/glue";
import { AthenaEngine } from "../../queries/athena/engine";
import { DuckDbEngine } from "../../queries/duckdb/engine";
import { joinSqlTexts } from "../../queries/join/sql";
import { catalogAthena } from "../support/athena-catalog";
import { startAthenaServer } from "../support/athena-server";
import { cleanupAfterAll } from "../support/cleanup";
import { LocalGlueTables } from "../support/glue-tables";
import { tempDir } from "../support/lake";
import { ANALYST, LATE_REGION, LateQuery, lateQueries, writeLateHistory, writeLateRecord } from "../support/late-lake";
import { eventsPartitionRows } from "../support/events-partition";
import { LocalS3, startS3, useLocalAws } from "../support/s3";

const BUCKET = "athena-audit-audit-main";
const PREFIX = "athena-audit";
const DATABASE = "athena_audit";
const DAY = "2026-11-10";
const QUERIES = lateQueries(DAY);

let root: string;
let s3: LocalS3;
let duck: DuckDbEngine;
const cleanUp = cleanupAfterAll();

/** Puts a file of the local lake folder into the bucket under the same key. */
async function upload(file: string): Promise<void> {
  const key = path.relative(root, file).split(path.sep).join("/");
  await s3.client.send(new s3sdk.PutObjectCommand({ Bucket: BUCKET, Key: key, Body: fs.readFileSync(file) }));
}

/** One scheduled run of the join at `now`, as the Lambda runs it with input `{}`. */
async function scheduledRun(now: Date): Promise<JoinEventsSummary> {
  const glue = new LocalGlueTables(ACCOUNT_ID);
  glue.loadSpecs(DATABASE, [
    historyTable(BUCKET, PREFIX, [LATE_REGION], ["primary"], [ACCOUNT_ID]),
    cloudTrailTable({ bucket: BUCKET, prefix: "", accounts: [ACCOUNT_ID], regions: [LATE_REGION] }),
    eventsTable(BUCKET, PREFIX, [LATE_REGION]),
    accessTable(BUCKET, PREFIX, [LATE_REGION]),
    grantsTable(BUCKET, PREFIX, [ACCOUNT_ID]),
  ]);
  const catalog = await catalogAthena({ glue, database: DATABASE, s3: s3.client, now: () => now });
  const server = await startAthenaServer({ operations: glue.operations(), script: catalog.script });
  try {
    process.env.AWS_ENDPOINT_URL_ATHENA = server.url;
    process.env.AWS_ENDPOINT_URL_GLUE = server.url;
    const config = joinConfig();
    const engine = new AthenaEngine({ workGroup: config.workGroup, database: config.database, pollMs: 2, maxPollMs: 5 });
    const deps = {
      engine,
      s3: createS3Client(),
      glue: new GlueClient({}),
      config,
      ...joinSqlTexts({ systemTables: false }),
      log: SILENT_LOGGER,
      now,
    };
    return await joinEvents(await scheduledJoinDays(parseJoinInput({}, now), deps), deps);
  } finally {
    await server.close();
    await catalog.close();
  }
}

/** The events partition's rows in the bucket: query id, principal, attributed. */
async function eventsIn(day: string): Promise<unknown[][]> {
  const rows = await eventsPartitionRows(s3, duck, day, LATE_REGION, "query_execution_id, principal_arn, attributed");
  return rows.map((r) => [r.query_execution_id, r.principal_arn, r.attributed]);
}

/** The run's time: 02:15 UTC, the join's default schedule, `days` after DAY. */
const runAt = (days: number) => new Date(`${addDays(DAY, days)}T02:15:00Z`);
const deliveredBefore = (q: LateQuery, now: Date) => Date.parse(q.deliveredAt) < now.getTime();

beforeAll(async () => {
  root = tempDir("late-athena");
  cleanUp(() => fs.rmSync(root, { recursive: true, force: true }));
  s3 = await startS3(BUCKET);
  cleanUp(() => s3.close());
  duck = await DuckDbEngine.open({ root: tempDir("late-duck") });
  cleanUp(() => duck.close());
  cleanUp(
    useLocalAws({
      AWS_ENDPOINT_URL_S3: s3.url,
      AUDIT_BUCKET: BUCKET,
      AUDIT_PREFIX: PREFIX,
      AUDIT_WORK_GROUP: "athena-audit",
      AUDIT_DATABASE: DATABASE,
      JOIN_REGIONS: LATE_REGION,
    }),
  );
  for (const file of writeLateHistory(root, Object.values(QUERIES))) await upload(file);
}, 60_000);

describe("the scheduled join on Athena, with CloudTrail delivered late", () => {
  it("names a late query in its day's partition by the next day's run", async () => {
    const delivered = new Set<string>();
    /** Uploads the records CloudTrail has delivered by `now`. */
    const deliverUntil = async (now: Date) => {
      for (const q of Object.values(QUERIES).filter((q) => deliveredBefore(q, now) && !delivered.has(q.id))) {
        await upload(writeLateRecord(root, q));
        delivered.add(q.id);
      }
    };

    await deliverUntil(runAt(1));
    const first = await scheduledRun(runAt(1));
    expect(first.partitions.map((p) => p.day)).toEqual([addDays(DAY, -1), DAY]);
    // At 02:15 only the on-time record is in: the others' queries have no principal yet.
    expect(await eventsIn(DAY)).toEqual([
      [QUERIES.dayLate.id, null, false],
      [QUERIES.onTime.id, ANALYST, true],
      [QUERIES.twoDaysLate.id, null, false],
    ]);

    await deliverUntil(runAt(2));
    const second = await scheduledRun(runAt(2));
    expect(second.partitions.map((p) => p.day)).toEqual([DAY, addDays(DAY, 1)]);
    expect(await eventsIn(DAY)).toEqual([
      [QUERIES.dayLate.id, ANALYST, true],
      [QUERIES.onTime.id, ANALYST, true],
      [QUERIES.straddle.id, ANALYST, true],
      // Delivered after the day's second join: unattributed, and said so by the coverage query.
      [QUERIES.twoDaysLate.id, null, false],
    ]);
    // Once, in its CloudTrail event's day.
    expect(await eventsIn(addDays(DAY, 1))).toEqual([]);
  });
});
