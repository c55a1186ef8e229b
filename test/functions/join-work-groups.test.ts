/**
 * No invisible work groups (issue 12, part 4). The daily join runs on the local Athena that reads
 * tables as Athena does (test/support/athena-catalog.ts): through the Glue table's partition
 * projection, so history in a work group the enum does not list is never read. The join's code
 * runs as the role the Pulumi program plans for it (pulumi/policies.ts), against s3rver behind the
 * IAM-aware front and a recording proxy for Athena and Glue. The lake is the generator's, with
 * CloudTrail, for two regions; the stack was deployed when the organisation had the work groups
 * `analysts`, `bi` and `primary`, and `etl` was created afterwards.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as s3sdk from "@aws-sdk/client-s3";
import { GlueClient } from "@aws-sdk/client-glue";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { generateLake, Ledger } from "../../generator/generate";
import { ACCOUNT_ID, ACCOUNTS, REGIONS } from "../../generator/org";
import { joinHandler } from "../../functions/join/handler";
import { joinEvents } from "../../functions/join/join";
import { joinConfig } from "../../functions/runtime/config";
import { createS3Client } from "../../functions/runtime/s3";
import { accessTable, cloudTrailTable, eventsTable, grantsTable, historyTable } from "../../pulumi/glue";
import { joinPolicy } from "../../pulumi/policies";
import { AthenaEngine } from "../../queries/athena/engine";
import { addDays, dayOf } from "../../core/days";
import { DuckDbEngine } from "../../queries/duckdb/engine";
import { eventsJoinParameters } from "../../queries/join/parameters";
import { eventsPartitionPrefix, historyPartitionPrefix } from "../../core/layout";
import { readSql } from "../../queries/sql-files";
import { WORK_GROUP_VALUES } from "../../core/work-groups";
import { cleanupAfterAll } from "../support/cleanup";
import { at, present } from "../support/defined";
import { catalogAthena, CatalogAthena, projectedObjects } from "../support/athena-catalog";
import { AthenaServer, startAthenaServer } from "../support/athena-server";
import { LocalGlueTables } from "../support/glue-tables";
import { athenaAndGlueMapper } from "../support/iam/actions";
import { checkContract } from "../support/iam/contract";
import { CatalogModel } from "../support/iam/on-behalf";
import { CallLog, startRecordingProxy } from "../support/iam/recorder";
import { Principal } from "../support/iam/simulate";
import { expectedEvents, tempDir } from "../support/lake";
import { eventsPartitionRows } from "../support/events-partition";
import { LocalS3, startS3, useLocalAws } from "../support/s3";
import { captureLog } from "../support/log-capture";

const BUCKET = "athena-audit-audit-main";
const PREFIX = "athena-audit";
const TRAIL_PREFIX = "cloudtrail";
const DATABASE = "athena_audit";
const JOIN_SQL = readSql("events_join");
/** Work groups the organisation had when the stack was deployed; `etl` came later. */
const DEPLOYED = ["analysts", "bi", "primary"];
const LATE = "etl";
const TODAY = dayOf(new Date());
/** The day joined: its neighbours are in the lake too. */
const DAY = addDays(TODAY, -2);

const SCOPE = { partition: "aws", region: "us-east-1", account: ACCOUNT_ID };
const ROLE: Principal = {
  accessKeyId: "join",
  arn: `arn:aws:iam::${ACCOUNT_ID}:role/join`,
  account: ACCOUNT_ID,
  policy: joinPolicy({
    ...SCOPE,
    bucket: BUCKET,
    prefix: PREFIX,
    workGroup: "athena-audit",
    database: DATABASE,
    trailBucket: BUCKET,
    trailPrefix: TRAIL_PREFIX,
    logGroupArn: `arn:aws:logs:us-east-1:${ACCOUNT_ID}:log-group:/aws/lambda/athena-audit-join-main`,
    expireHistory: false,
  }) as unknown as Principal["policy"],
};
/** Where Athena reads and writes on the role's behalf (see test/support/iam/on-behalf.ts). */
const CATALOG: CatalogModel = {
  ...SCOPE,
  database: DATABASE,
  tables: {
    history: {
      location: `s3://${BUCKET}/${historyPartitionPrefix({ account: ACCOUNT_ID, region: "us-east-1", dt: DAY, workGroup: "primary" })}`,
      partitioned: true,
    },
    cloudtrail: { location: `s3://${BUCKET}/${TRAIL_PREFIX}/AWSLogs/${ACCOUNT_ID}/CloudTrail/us-east-1/2026/11/24/`, partitioned: true },
    events: { location: `s3://${BUCKET}/${eventsPartitionPrefix(DAY, "us-east-1")}`, partitioned: true },
  },
  results: { location: `s3://${BUCKET}/${PREFIX}/query-results/` },
  bucketKeys: {},
};
const DEPLOYED_TABLES = [
  historyTable(BUCKET, PREFIX, [...REGIONS], DEPLOYED, [...ACCOUNTS]),
  cloudTrailTable({ bucket: BUCKET, prefix: TRAIL_PREFIX, accounts: [...ACCOUNTS], regions: [...REGIONS] }),
  eventsTable(BUCKET, PREFIX, [...REGIONS]),
  accessTable(BUCKET, PREFIX, [...REGIONS]),
  grantsTable(BUCKET, PREFIX, [...ACCOUNTS]),
];

let lakeRoot: string;
/** Regions where the late work group has history of the day joined. */
let LATE_REGIONS: string[];
let ledger: Ledger;
let s3: LocalS3;
let glue: LocalGlueTables;
let athena: AthenaServer;
let localAthena: CatalogAthena;
let duck: DuckDbEngine;
let restore: () => void;
let proxy: { url: string; close(): Promise<void> };
const calls = new CallLog();
const glueOperations: Record<string, (input: Record<string, unknown>) => [number, unknown]> = {};
const glueOperation = (name: string) => present(glueOperations[name], `the local Glue's ${name}`);

/** Every file of a local folder, as keys relative to it. */
function keysUnder(root: string): string[] {
  return fs
    .readdirSync(root, { recursive: true, encoding: "utf8" })
    .filter((f) => fs.statSync(path.join(root, f)).isFile())
    .map((f) => f.split(path.sep).join("/"));
}

/** The rows of the events partition (day, region) in S3, as the Parquet objects hold them. */
async function eventsIn(day: string, region: string): Promise<{ id: string; workGroup: string; bytes: number | null }[]> {
  const rows = await eventsPartitionRows(s3, duck, day, region, "query_execution_id, work_group, data_scanned_bytes");
  return rows.map((r) => ({
    id: String(r.query_execution_id),
    workGroup: String(r.work_group),
    bytes: r.data_scanned_bytes as number,
  }));
}

/** What the ledger says the partition must hold. */
function expectedIn(day: string, region: string) {
  return expectedEvents(ledger)
    .filter((q) => q.eventDay === day && q.region === region)
    .map((q) => ({ id: q.id, workGroup: q.workGroup, bytes: q.bytes }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

const perWorkGroup = (rows: { workGroup: string }[]) =>
  rows.reduce<Record<string, number>>((n, r) => ({ ...n, [r.workGroup]: (n[r.workGroup] ?? 0) + 1 }), {});

async function clearEvents(): Promise<void> {
  const keys = await s3.keys(`${PREFIX}/events/`);
  for (const Key of keys) await s3.client.send(new s3sdk.DeleteObjectCommand({ Bucket: BUCKET, Key }));
}

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  lakeRoot = tempDir("late-work-group");
  cleanUp(() => fs.rmSync(lakeRoot, { recursive: true, force: true }));
  ledger = generateLake({
    lake: lakeRoot,
    days: 3,
    seed: 5,
    endDay: addDays(DAY, 1),
    trailPrefix: TRAIL_PREFIX,
    deliveryWindowMinutes: 60,
  });
  LATE_REGIONS = REGIONS.filter((region) =>
    fs.existsSync(path.join(lakeRoot, historyPartitionPrefix({ account: ACCOUNT_ID, region, dt: DAY, workGroup: LATE }))),
  );
  s3 = await startS3(BUCKET, { iam: { log: calls, principals: new Map([["join", ROLE]]) } });
  cleanUp(() => s3.close());
  for (const key of keysUnder(lakeRoot)) {
    await s3.client.send(new s3sdk.PutObjectCommand({ Bucket: BUCKET, Key: key, Body: fs.readFileSync(path.join(lakeRoot, key)) }));
  }
  glue = new LocalGlueTables(ACCOUNT_ID);
  localAthena = await catalogAthena({ glue, database: DATABASE, s3: s3.client });
  cleanUp(() => localAthena.close());
  athena = await startAthenaServer({
    // Looked up per call, so a test can stand in for one operation (a refused UpdateTable, a concurrent edit).
    operations: Object.fromEntries(
      ["AWSGlue.GetTable", "AWSGlue.UpdateTable"].map((op) => [op, (input: Record<string, unknown>) => glueOperation(op)(input)]),
    ),
    script: localAthena.script,
  });
  cleanUp(() => athena.close());
  proxy = await startRecordingProxy({ service: "athena", target: athena.url, log: calls, map: athenaAndGlueMapper(SCOPE, CATALOG) });
  cleanUp(() => proxy.close());
  duck = await DuckDbEngine.open({ root: lakeRoot });
  cleanUp(() => duck.close());
  restore = useLocalAws({
    AWS_ENDPOINT_URL_S3: s3.url,
    AWS_ENDPOINT_URL_ATHENA: proxy.url,
    AWS_ENDPOINT_URL_GLUE: proxy.url,
    AWS_ACCESS_KEY_ID: "join",
    AWS_SECRET_ACCESS_KEY: "local-secret",
    AUDIT_BUCKET: BUCKET,
    AUDIT_PREFIX: PREFIX,
    AUDIT_WORK_GROUP: "athena-audit",
    AUDIT_DATABASE: DATABASE,
    JOIN_REGIONS: REGIONS.join(","),
  });
  cleanUp(restore);
}, 120_000);

beforeEach(async () => {
  // A fresh deployment: the tables as the Pulumi program creates them, nothing joined yet.
  glue.loadSpecs(DATABASE, DEPLOYED_TABLES);
  Object.assign(glueOperations, glue.operations());
  await clearEvents();
});

describe("the local Athena reads history as Athena does", () => {
  it("the generated day has queries in the late work group (the case is real)", () => {
    expect(perWorkGroup(expectedIn(DAY, "us-east-1"))[LATE]).toBeGreaterThan(10);
    expect(LATE_REGIONS).toContain("us-east-1");
  });

  it("does not read the folders of a work group the enum projection does not list; the whole-lake engine does", async () => {
    const sql =
      "SELECT workgroup, count(*) AS queries FROM history WHERE region = :region AND dt = :day GROUP BY workgroup ORDER BY workgroup";
    const engine = new AthenaEngine({ workGroup: "athena-audit", database: DATABASE, pollMs: 2, maxPollMs: 5 });
    const onAthena = await engine.run(sql, { region: "us-east-1", day: DAY });
    expect(onAthena.rows.map((r) => r.workgroup)).toEqual(DEPLOYED);
    const historyRead = present(at(localAthena.reads, -1, "query read by the local Athena").history, "the last query's read of history");
    const hidden = historyRead.hidden.filter((h) => h.url.includes(`/dt=${DAY}/`));
    expect(hidden.map((h) => [h.url.split("/").at(-2), h.reason])).toEqual([
      [`workgroup=${LATE}`, `workgroup=${LATE} is not in projection.workgroup.values`],
    ]);
    // The embedded engine lists every folder: a test on it alone could never show the defect.
    const embedded = await duck.run(sql, { region: "us-east-1", day: DAY });
    expect(embedded.rows.map((r) => r.workgroup)).toEqual([...DEPLOYED, LATE].sort());
  });

  it("before the fix, the join on Athena silently lost the late work group's queries, bytes and cost", async () => {
    // Exactly the statement the join ran before it kept the projection: INSERT INTO events of the join's SQL.
    const engine = new AthenaEngine({ workGroup: "athena-audit", database: DATABASE, pollMs: 2, maxPollMs: 5 });
    await engine.run(`INSERT INTO events\n${JOIN_SQL}`, eventsJoinParameters(DAY, "us-east-1"), "events_join");
    const rows = await eventsIn(DAY, "us-east-1");
    const expected = expectedIn(DAY, "us-east-1");
    expect(rows.filter((r) => r.workGroup !== LATE)).toEqual(expected.filter((q) => q.workGroup !== LATE));
    // Its queries survive only through CloudTrail, without bytes or cost; those CloudTrail missed are gone.
    const late = rows.filter((r) => r.workGroup === LATE);
    const lateExpected = expected.filter((q) => q.workGroup === LATE);
    expect(late.every((r) => r.bytes === null)).toBe(true);
    expect(late.length).toBeLessThanOrEqual(lateExpected.length);
    expect(lateExpected.reduce((sum, q) => sum + q.bytes, 0)).toBeGreaterThan(0);
  });
});

describe("the local Athena's projection model", () => {
  const history = () => glue.table(DATABASE, "history")!;
  const trail = () => glue.table(DATABASE, "cloudtrail")!;
  const url = (key: string) => `s3://${BUCKET}/${key}`;

  it("reads only locations the template yields, for values each column's projection allows", () => {
    const now = new Date("2026-11-20T12:00:00Z");
    const key = (dt: string, workGroup: string, file = "history.json.gz") =>
      url(`${historyPartitionPrefix({ account: ACCOUNT_ID, region: "us-east-1", dt, workGroup })}${file}`);
    const read = projectedObjects(
      history(),
      [
        key("2026-11-19", "bi"),
        key("2026-11-20", "bi"),
        key("2026-11-21", "bi"),
        key("2021-11-19", "bi"),
        key("2026-11-19", "bi", "_staging.json.gz"),
        key("2026-11-19", " bi"),
        url(`${PREFIX}/history/account=${ACCOUNT_ID}/region=us-east-1/dt=2026-11-19/stray.json.gz`),
        url(`${PREFIX}/history/account=${ACCOUNT_ID}/region=ap-south-1/dt=2026-11-19/workgroup=bi/history.json.gz`),
        // Another account's history, before the join added the account to the projection; and the
        // layout before accounts, which `athena-audit migrate-accounts` moves.
        url(`${PREFIX}/history/account=123456789012/region=us-east-1/dt=2026-11-19/workgroup=bi/history.json.gz`),
        url(`${PREFIX}/history/region=us-east-1/dt=2026-11-19/workgroup=bi/history.json.gz`),
      ],
      now,
    );
    expect(read.visible).toEqual([key("2026-11-19", "bi"), key("2026-11-20", "bi")]);
    expect(read.hidden.map((h) => h.reason)).toEqual([
      "dt=2026-11-21 is outside projection.dt.range",
      "dt=2021-11-19 is outside projection.dt.range",
      "a hidden file (its name starts with _ or .)",
      "workgroup= bi is not in projection.workgroup.values",
      "at no location storage.location.template yields",
      "region=ap-south-1 is not in projection.region.values",
      "account=123456789012 is not in projection.account.values",
      "at no location storage.location.template yields",
    ]);
    // The trail's day is `yyyy/MM/dd`: a value with slashes in it.
    const file = url(`${TRAIL_PREFIX}/AWSLogs/${ACCOUNT_ID}/CloudTrail/eu-west-1/2026/11/19/${ACCOUNT_ID}_CloudTrail_eu-west-1_x.json.gz`);
    expect(projectedObjects(trail(), [file], now).visible).toEqual([file]);
  });

  it("reads nothing of a partitioned table without projection (no partitions are registered), and refuses injected columns", () => {
    const key = url(`${historyPartitionPrefix({ account: ACCOUNT_ID, region: "us-east-1", dt: DAY, workGroup: "bi" })}history.json.gz`);
    expect(projectedObjects(history(), [key], new Date()).visible).toEqual([key]);
    glue.edit(DATABASE, "history", { "projection.enabled": "false" });
    expect(projectedObjects(history(), [key], new Date()).visible).toEqual([]);
    glue.edit(DATABASE, "history", { "projection.enabled": "true", "projection.workgroup.type": "injected" });
    expect(() => projectedObjects(history(), [key], new Date())).toThrow(/CONSTRAINT_VIOLATION/);
  });
});

describe("the daily join keeps every work group visible", () => {
  it("joins a work group created after deployment with no settings change, as its planned role", async () => {
    const before = structuredClone(glue.table(DATABASE, "history")!);
    calls.calls.length = 0;
    const summary = await joinHandler({ joinSql: JOIN_SQL, accessSql: readSql("access_join") })({ day: DAY });
    expect(summary.workGroups).toEqual({ added: [LATE], projected: [...DEPLOYED, LATE] });
    expect(summary.unjoinedWorkGroups).toEqual([]);
    for (const region of REGIONS) {
      const rows = await eventsIn(DAY, region);
      expect(rows, region).toEqual(expectedIn(DAY, region));
    }
    expect(perWorkGroup(await eventsIn(DAY, "us-east-1"))[LATE]).toBeGreaterThan(10);
    // One UpdateTable, on the history table, that changed the work-group list and nothing else.
    const after = glue.table(DATABASE, "history")!;
    expect(glue.updates.map((u) => u.name)).toEqual(["history"]);
    expect(after.Parameters).toEqual({ ...before.Parameters, [WORK_GROUP_VALUES]: "analysts,bi,primary,etl" });
    expect([after.StorageDescriptor, after.PartitionKeys, after.TableType, after.Description]).toEqual([
      before.StorageDescriptor,
      before.PartitionKeys,
      before.TableType,
      before.Description,
    ]);
    expect(after.VersionId).toBe("1");
    // Every call the join made (and Athena made for it) is one its planned role allows.
    const report = await checkContract(calls, new Map([["join", ROLE]]));
    expect(report.denied).toEqual([]);
    const glueCalls = calls.calls.filter((c) => c.operation.startsWith("AWSGlue."));
    expect(new Set(glueCalls.flatMap((c) => c.requests.map((r) => `${r.action} ${r.resource}`)))).toEqual(
      new Set(
        ["glue:GetTable", "glue:UpdateTable"].flatMap((action) =>
          ["catalog", `database/${DATABASE}`, `table/${DATABASE}/history`].map(
            (r) => `${action} arn:aws:glue:us-east-1:${ACCOUNT_ID}:${r}`,
          ),
        ),
      ),
    );
    // The listing stayed inside the history prefix: one delimited listing for the accounts, then one
    // per account, region and day read.
    const listings = calls.calls.filter((c) => c.service === "s3" && c.operation === "ListObjectsV2");
    const historyListings = listings
      .flatMap((c) => c.requests.map((r) => String(r.context?.["s3:prefix"])))
      .filter((p) => p.includes("/history/"));
    expect(historyListings.sort()).toEqual(
      [
        `${PREFIX}/history/`,
        ...ACCOUNTS.flatMap((account) =>
          REGIONS.flatMap((region) =>
            [-1, 0, 1].map((n) => `${PREFIX}/history/account=${account}/region=${region}/dt=${addDays(DAY, n)}/`),
          ),
        ),
      ].sort(),
    );
  });

  it("changes nothing on a rerun", async () => {
    await joinHandler({ joinSql: JOIN_SQL, accessSql: readSql("access_join") })({ day: DAY });
    const summary = await joinHandler({ joinSql: JOIN_SQL, accessSql: readSql("access_join") })({ day: DAY });
    expect(summary.workGroups.added).toEqual([]);
    expect(glue.updates).toHaveLength(1);
    expect(await eventsIn(DAY, "eu-west-1")).toEqual(expectedIn(DAY, "eu-west-1"));
  });

  it("keeps a change someone made to the table meanwhile (UpdateTable at the version read, then read again)", async () => {
    let raced = false;
    const update = glueOperation("AWSGlue.UpdateTable");
    glueOperations["AWSGlue.UpdateTable"] = (input) => {
      if (!raced) {
        raced = true;
        glue.edit(DATABASE, "history", { comment: "edited in the console while the join ran" });
      }
      return update(input);
    };
    const summary = await joinHandler({ joinSql: JOIN_SQL, accessSql: readSql("access_join") })({ day: DAY });
    expect(summary.workGroups.added).toEqual([LATE]);
    const table = glue.table(DATABASE, "history")!;
    expect(table.Parameters).toMatchObject({
      comment: "edited in the console while the join ran",
      [WORK_GROUP_VALUES]: "analysts,bi,primary,etl",
    });
    // The edit made version 1; the join's update at version 0 was refused, and it updated version 1.
    expect([table.VersionId, glue.updates.length]).toEqual(["2", 1]);
  });

  it("when the table cannot be extended, joins what Athena sees, names what it could not, keeps history and fails", async () => {
    glueOperations["AWSGlue.UpdateTable"] = () => [
      400,
      { __type: "AccessDeniedException", Message: `User: ${ROLE.arn} is not authorized to perform: glue:UpdateTable` },
    ];
    const log = captureLog();
    const config = joinConfig();
    const engine = new AthenaEngine({ workGroup: config.workGroup, database: config.database, pollMs: 2, maxPollMs: 5 });
    const run = joinEvents([DAY], {
      engine,
      s3: createS3Client(),
      glue: new GlueClient({}),
      config: { ...config, historyRetentionDays: 1 },
      joinSql: JOIN_SQL,
      accessSql: readSql("access_join"),
      log,
    });
    const named = LATE_REGIONS.map((region) => `${DAY} ${region}: ${LATE}`).join("; ");
    await expect(run).rejects.toThrow(`history of work group(s) that Athena could not see was not joined: ${named}`);
    await expect(run).rejects.toThrow(/glue:UpdateTable/);
    const done = log.records.find((r) => r.step === "done")!;
    expect(done.unjoinedWorkGroups).toEqual(LATE_REGIONS.map((region) => ({ day: DAY, region, workGroups: [LATE] })));
    expect(done.historyObjectsExpired).toBe(0);
    expect(log.records.find((r) => r.step === "work-groups-not-projected")).toMatchObject({ level: "ERROR", projected: DEPLOYED });
    // The other work groups are whole; the late one has only what CloudTrail knew, without bytes.
    const rows = await eventsIn(DAY, "us-east-1");
    expect(rows.filter((r) => r.workGroup !== LATE)).toEqual(expectedIn(DAY, "us-east-1").filter((q) => q.workGroup !== LATE));
    expect(rows.filter((r) => r.workGroup === LATE).every((r) => r.bytes === null)).toBe(true);
  });
});
