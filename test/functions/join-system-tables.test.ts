/**
 * The daily join on Athena with the system table as its second witness (issue 14, part 1): the join
 * Lambda's code runs `INSERT INTO events` of the join SQL with the system-table witness, on the local
 * Athena that reads the audit's tables through their Glue definitions and the account's
 * `"s3tablescatalog/aws-athena"."metadata"."query_executions"` when the account enabled it. The lake
 * is the generator's: a CloudTrail outage on the day joined, after the day system tables were enabled.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as s3sdk from "@aws-sdk/client-s3";
import { GlueClient } from "@aws-sdk/client-glue";
import { beforeAll, describe, expect, it } from "vitest";
import { generateLake, Ledger } from "../../generator/generate";
import { ACCOUNT_ID, ACCOUNTS, REGIONS } from "../../generator/org";
import { joinEvents } from "../../functions/join/join";
import { joinConfig } from "../../functions/runtime/config";
import { Logger } from "../../functions/runtime/log";
import { createS3Client } from "../../functions/runtime/s3";
import { accessTable, cloudTrailTable, eventsTable, grantsTable, historyTable } from "../../pulumi/glue";
import { AthenaEngine } from "../../queries/athena/engine";
import { addDays, daysBetween, dayOf } from "../../core/days";
import { DuckDbEngine } from "../../queries/duckdb/engine";
import { joinSqlTexts } from "../../queries/join/sql";
import { systemTablePrefix } from "../../core/layout";
import { QUERY_EXECUTIONS } from "../../queries/schema/system-tables";
import { cleanupAfterAll } from "../support/cleanup";
import { catalogAthena, CatalogAthena } from "../support/athena-catalog";
import { AthenaServer, startAthenaServer } from "../support/athena-server";
import { LocalGlueTables } from "../support/glue-tables";
import { expectedEvents, expectedPrincipal, tempDir } from "../support/lake";
import { eventsPartitionRows } from "../support/events-partition";
import { LocalS3, startS3, useLocalAws } from "../support/s3";

const BUCKET = "athena-audit-audit-main";
const PREFIX = "athena-audit";
const TRAIL_PREFIX = "cloudtrail";
const DATABASE = "athena_audit";
const END = addDays(dayOf(new Date()), -1);
const WORK_GROUPS = ["analysts", "bi", "etl", "primary"];
const SILENT: Logger = { info: () => undefined, error: () => undefined };

let lakeRoot: string;
let ledger: Ledger;
let s3: LocalS3;
let duck: DuckDbEngine;
let restore: () => void;
const servers: { close(): Promise<void> }[] = [];

/** Every file of a local folder, as keys relative to it. */
function keysUnder(root: string): string[] {
  return fs
    .readdirSync(root, { recursive: true, encoding: "utf8" })
    .filter((f) => fs.statSync(path.join(root, f)).isFile())
    .map((f) => f.split(path.sep).join("/"));
}

/** A local Athena over the bucket, with or without the account's system table. */
async function localAthena(
  systemTable: readonly string[] | undefined,
  tablesAccessedFields?: readonly string[],
): Promise<{ url: string; catalog: CatalogAthena }> {
  const glue = new LocalGlueTables(ACCOUNT_ID);
  glue.loadSpecs(DATABASE, [
    historyTable(BUCKET, PREFIX, [...REGIONS], WORK_GROUPS, [...ACCOUNTS]),
    cloudTrailTable({ bucket: BUCKET, prefix: TRAIL_PREFIX, accounts: [...ACCOUNTS], regions: [...REGIONS] }),
    eventsTable(BUCKET, PREFIX, [...REGIONS]),
    accessTable(BUCKET, PREFIX, [...REGIONS]),
    grantsTable(BUCKET, PREFIX, [...ACCOUNTS]),
  ]);
  const catalog = await catalogAthena({ glue, database: DATABASE, s3: s3.client, systemTable, tablesAccessedFields });
  const server: AthenaServer = await startAthenaServer({ operations: glue.operations(), script: catalog.script });
  servers.push(catalog, server);
  return { url: server.url, catalog };
}

async function join(day: string | readonly string[], athenaUrl: string, log: Logger = SILENT) {
  process.env.AWS_ENDPOINT_URL_ATHENA = athenaUrl;
  process.env.AWS_ENDPOINT_URL_GLUE = athenaUrl;
  const config = { ...joinConfig(), systemTables: true };
  const engine = new AthenaEngine({ workGroup: config.workGroup, database: config.database, pollMs: 2, maxPollMs: 5 });
  return joinEvents(typeof day === "string" ? [day] : day, {
    engine,
    s3: createS3Client(),
    glue: new GlueClient({}),
    config: { ...config, regions: ["us-east-1"] },
    ...joinSqlTexts({ systemTables: config.systemTables }),
    log,
  });
}

/** The events partition's rows in S3, by query id. */
async function eventsIn(day: string, region: string) {
  return new Map((await eventsPartitionRows(s3, duck, day, region)).map((r) => [String(r.query_execution_id), r]));
}

/** The day of the generator's second outage, which falls after system tables were enabled. */
const outageDay = () =>
  daysBetween(ledger.systemTablesFrom, ledger.lastDay).find((d) =>
    ledger.queries.some((q) => q.eventDay === d && q.region === "us-east-1" && !q.attributed && q.witness),
  )!;

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  lakeRoot = tempDir("system-tables");
  cleanUp(() => fs.rmSync(lakeRoot, { recursive: true, force: true }));
  ledger = generateLake({ lake: lakeRoot, days: 4, seed: 5, endDay: END, trailPrefix: TRAIL_PREFIX });
  s3 = await startS3(BUCKET);
  cleanUp(() => s3.close());
  cleanUp(async () => {
    for (const server of servers) await server.close();
  });
  const systemFolder = systemTablePrefix(QUERY_EXECUTIONS);
  for (const key of keysUnder(lakeRoot).filter((k) => !k.startsWith(systemFolder))) {
    await s3.client.send(new s3sdk.PutObjectCommand({ Bucket: BUCKET, Key: key, Body: fs.readFileSync(path.join(lakeRoot, key)) }));
  }
  duck = await DuckDbEngine.open({ root: lakeRoot });
  cleanUp(() => duck.close());
  restore = useLocalAws({
    AWS_ENDPOINT_URL_S3: s3.url,
    AUDIT_BUCKET: BUCKET,
    AUDIT_PREFIX: PREFIX,
    AUDIT_WORK_GROUP: "athena-audit",
    AUDIT_DATABASE: DATABASE,
    JOIN_REGIONS: "us-east-1",
  });
  cleanUp(restore);
}, 120_000);

describe("the join on Athena with the system table as second witness", () => {
  it("attributes the queries CloudTrail missed during the outage from the system table", async () => {
    const day = outageDay();
    expect(day, "an outage after system tables were enabled").toBeDefined();
    const files = keysUnder(lakeRoot)
      .filter((k) => k.startsWith(systemTablePrefix(QUERY_EXECUTIONS)))
      .map((k) => path.join(lakeRoot, k));
    const athena = await localAthena(files);
    const summary = await join(day, athena.url);
    expect(summary.failed).toBe(0);
    const rows = await eventsIn(day, "us-east-1");
    const expected = expectedEvents(ledger).filter((q) => q.eventDay === day && q.region === "us-east-1");
    expect(rows.size).toBe(expected.length);
    const missed = expected.filter((q) => !q.attributed);
    expect(missed.length, "CloudTrail missed some of the day's queries").toBeGreaterThan(0);
    for (const q of expected) {
      const want = expectedPrincipal(q, true);
      const row = rows.get(q.id);
      expect([row?.principal_arn, row?.iam_principal_arn, row?.principal_source], q.id).toEqual([want.arn, want.iam, want.source]);
    }
  });

  it("fails the partition loudly, naming the catalog, in an account that never enabled system tables", async () => {
    const athena = await localAthena(undefined);
    await expect(join(outageDay(), athena.url)).rejects.toThrow(
      new RegExp(`${outageDay()} us-east-1: Athena query FAILED: CATALOG_NOT_FOUND: Catalog 's3tablescatalog/aws-athena' not found`),
    );
    expect(await eventsIn(outageDay(), "us-east-1")).toEqual(new Map());
  });

  it("keeps the system table's principals, names the missing field once, fails no day, without table_name", async () => {
    const day = outageDay();
    const files = keysUnder(lakeRoot)
      .filter((k) => k.startsWith(systemTablePrefix(QUERY_EXECUTIONS)))
      .map((k) => path.join(lakeRoot, k));
    // The fields AWS documents, and no more.
    const athena = await localAthena(files, ["catalog_name", "database_name"]);
    const errors: { message: string; fields: Record<string, unknown> }[] = [];
    const log: Logger = { info: () => undefined, error: (message, fields = {}) => void errors.push({ message, fields }) };
    const days = [addDays(day, -1), day];
    const summary = await join(days, athena.url, log);
    expect(summary.failed).toBe(0);
    expect(summary.witnessMissingField).toBe("table_name");
    expect(errors.map((e) => [e.message, e.fields.field])).toEqual([["system-table-field-missing", "tables_accessed[].table_name"]]);
    for (const d of days) {
      const rows = await eventsIn(d, "us-east-1");
      const expected = expectedEvents(ledger).filter((q) => q.eventDay === d && q.region === "us-east-1");
      expect(rows.size, d).toBe(expected.length);
      for (const q of expected) {
        const want = expectedPrincipal(q, true);
        const row = rows.get(q.id);
        expect([row?.principal_arn, row?.iam_principal_arn, row?.principal_source, row?.witnessed_tables ?? null], q.id).toEqual([
          want.arn,
          want.iam,
          want.source,
          null,
        ]);
      }
    }
  });
});
