/**
 * How the embedded join reads the access join's records changes nothing it finds: the reader keeps
 * only the fields access_join.sql reads, in a lane of their own, and leaves Athena's own catalog and
 * object reads unparsed, told by the bytes CloudTrail writes after the event name. The same SQL run
 * on the whole records, straight from the gzip files, must give the same rows.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Caller } from "../../generator/cloudtrail";
import { getObjectRecord, glueReadRecord } from "../../generator/engine-records";
import { ACCOUNT_ID, actorsOf } from "../../generator/org";
import { Random } from "../../generator/random";
import { addDays } from "../../core/days";
import { DuckDbEngine } from "../../queries/duckdb/engine";
import { cloudTrailSql, grantsSql } from "../../queries/duckdb/views";
import { joinDayEmbedded, JoinSummary } from "../../queries/join/embedded";
import { accessJoinParameters } from "../../queries/join/parameters";
import { accessJoinSql } from "../../queries/join/sql";
import { grantsObjectKey } from "../../core/layout";
import { cloudTrailFiles, grantsFiles } from "../../queries/lake/files";
import { ACCESS } from "../../queries/schema/tables";
import { cleanupAfterAll } from "../support/cleanup";
import { tempDir } from "../support/lake";
import { writeCloudTrail, writeGzip } from "../support/write-lake";

const REGION = "us-east-1";
const DAY = "2026-11-10";
const ATHENA = "athena.amazonaws.com";

interface Fixture {
  record: Record<string, unknown>;
}
const fixtures = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "cloudtrail-engines.json"), "utf8")) as Fixture[];

/** Generated reads in CloudTrail's own key order: Athena's for a query, a user's own, and a disguised one. */
function generated(): Record<string, unknown>[] {
  const rng = new Random(7);
  const actor = actorsOf(ACCOUNT_ID).find((a) => a.clients.length > 0);
  if (!actor) throw new Error("no actor");
  const own: Caller = { actor, session: actor.sessions?.[0], userAgent: "aws-cli/2.15.0 Python/3.11", sourceIp: "198.51.100.7" };
  const viaAthena: Caller = { ...own, userAgent: ATHENA, sourceIp: ATHENA };
  const at = new Date(`${DAY}T05:00:00Z`);
  const call = { region: REGION, at };
  const disguised = getObjectRecord({ ...call, caller: own, bucket: "lake-bucket", key: "sales/orders/x.parquet", bytes: 9 }, rng);
  // Athena's address inside the request, not where CloudTrail puts the caller's: a read like any other.
  disguised.requestParameters = { sourceIPAddress: ATHENA, ...(disguised.requestParameters as object) };
  return [
    glueReadRecord({ ...call, caller: viaAthena, eventName: "GetTable", table: "sales.orders", invokedBy: ATHENA }, rng),
    getObjectRecord({ ...call, caller: viaAthena, bucket: "lake-bucket", key: "sales/orders/a.parquet", bytes: 5, invokedBy: ATHENA }, rng),
    glueReadRecord({ ...call, caller: own, eventName: "GetPartitions", table: "sales.orders" }, rng),
    getObjectRecord({ ...call, caller: own, bucket: "lake-bucket", key: "sales/orders/b.parquet", bytes: 70, invokedBy: undefined }, rng),
    disguised,
  ].map((r) => ({ ...r }));
}

let root: string;
let engine: DuckDbEngine;
let summary: JoinSummary;

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  root = tempDir("access-reading");
  cleanUp(() => fs.rmSync(root, { recursive: true, force: true }));
  const published = fixtures.map((f, i) => ({
    ...f.record,
    eventTime: `${DAY}T03:${String(i).padStart(2, "0")}:00Z`,
    awsRegion: REGION,
    eventID: `f-${i}`,
  }));
  writeCloudTrail(root, ACCOUNT_ID, REGION, `${DAY}T06:00:00Z`, published);
  // A file of its own, laid out as CloudTrail writes (the fast path reads it; a file it is unsure of is read whole).
  writeCloudTrail(root, ACCOUNT_ID, REGION, `${DAY}T06:05:00Z`, generated(), "TESTFILE0000002");
  const grant = { principal_arn: "arn:aws:iam::123456789012:role/x", principal_type: "role", principal_created: null, access_path: "iam" };
  const location = { ...grant, grant_kind: "table", resource: "sales.orders", certainty: "allowed", condition_keys: [], note: null };
  writeGzip(
    path.join(root, grantsObjectKey(ACCOUNT_ID, DAY)),
    `${JSON.stringify({ ...location, location: "s3://lake-bucket/sales/orders/" })}\n`,
  );
  engine = await DuckDbEngine.open({ root });
  cleanUp(() => engine.close());
  summary = await joinDayEmbedded(engine, DAY, REGION);
  await engine.refresh();
});

const columns = ACCESS.columns.map((c) => c.name).join(", ");
const ordered = `ORDER BY ${columns}`;

describe("the access join's reading", () => {
  it("finds from the kept fields, with Athena's own calls unparsed, exactly what the SQL finds in the whole records", async () => {
    const lake = { root };
    const days = [addDays(DAY, -1), DAY, addDays(DAY, 1)];
    const whole = await engine.withTables(
      { cloudtrail: cloudTrailSql(cloudTrailFiles(lake, { region: REGION, days })), grants: grantsSql(grantsFiles(lake)) },
      (scoped) => scoped.run(`SELECT ${columns} FROM (${accessJoinSql()}) AS joined ${ordered}`, accessJoinParameters(DAY, REGION)),
    );
    const kept = await engine.run(`SELECT ${columns} FROM access ${ordered}`);
    expect(summary.access).toBe(whole.rows.length);
    expect(kept.rows).toEqual(whole.rows);
    // The comparison has something to find: other engines' reads, and the disguised one among them.
    expect(whole.rows.length).toBeGreaterThan(5);
    expect(whole.rows.some((r) => r.engine === "cli" && r.resource === "sales.orders" && Number(r.objects) === 2)).toBe(true);
    expect(whole.rows.some((r) => r.engine === "athena")).toBe(false);
  });

  it("counts every record of the file, parsed or not", () => {
    expect(summary.cloudTrail.records).toBe(fixtures.length + 5);
    expect(summary.cloudTrail.skippedRecords).toBe(0);
  });
});
