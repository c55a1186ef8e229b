/**
 * The history collector against s3rver and a local server speaking Athena's JSON protocol, with
 * the real SDK clients pointed at them through AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL_ATHENA.
 */
import { ACCOUNT_ID } from "../../generator/org";
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { collectHistory, CollectSummary } from "../../functions/history/collect";
import { handler } from "../../functions/history/handler";
import { parseCollectInput } from "../../functions/history/input";
import { createAthenaClient } from "../../queries/athena/engine";
import { historyCollectorConfig } from "../../functions/runtime/config";
import { SILENT_LOGGER } from "../../functions/runtime/log";
import { createS3Client } from "../../functions/runtime/s3";
import { addDays, dayOf } from "../../core/days";
import { historyObjectKey } from "../../core/layout";
import { Random } from "../../generator/random";
import { cleanupAfterAll } from "../support/cleanup";
import { at, present } from "../support/defined";
import { AthenaServer, startAthenaServer } from "../support/athena-server";
import { historyOperations, HistoryDataset } from "../support/athena-history";
import { executionsUntil } from "../support/executions";
import { LocalS3, startS3, useLocalAws } from "../support/s3";

const NOW = new Date("2026-11-20T00:40:00Z");
const YESTERDAY = addDays(dayOf(NOW), -1);
const { workGroups, expected } = executionsUntil(NOW, 47, 21, ["empty-group"]);
const generated = (workGroup: string) => present(workGroups[workGroup], `the generated ${workGroup} work group`);
// The real GetQueryExecution outputs (test/fixtures, from ../runtime/realdata), re-dated to yesterday
// noon with every other field as published: an empty QueryExecutionContext, DDL, missing fields.
const REAL = (
  JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "realdata-athena.json"), "utf8")) as {
    getQueryExecution: { queryExecution: Record<string, unknown> }[];
  }
).getQueryExecution.map(({ queryExecution }, i): Record<string, unknown> => {
  const noon = Date.parse(`${addDays(dayOf(NOW), -1)}T12:00:00Z`) / 1000 + i;
  return {
    ...queryExecution,
    WorkGroup: "primary",
    Status: { ...(queryExecution.Status as object), SubmissionDateTime: noon, CompletionDateTime: noon + 3 },
  };
});
generated("primary").push(...REAL);
for (const e of REAL)
  expected.push({
    id: String(e.QueryExecutionId),
    workGroup: "primary",
    day: addDays(dayOf(NOW), -1),
    state: "SUCCEEDED",
    finished: true,
    crossesMidnight: false,
  });
// The audit's own work group runs queries too; they must not be collected into the audit.
workGroups["athena-audit"] = [
  { ...at(generated("bi"), 0, "query of the bi work group"), QueryExecutionId: "own-query-0001", WorkGroup: "athena-audit" },
];

let s3: LocalS3;
let restore: () => void;
const servers: AthenaServer[] = [];

async function athenaServer(extra: Partial<HistoryDataset> = {}, throttle?: (op: string) => boolean): Promise<AthenaServer> {
  const server = await startAthenaServer({
    operations: historyOperations({ workGroups, listPageSize: 50, workGroupPageSize: 2, ...extra }),
    throttle,
  });
  servers.push(server);
  process.env.AWS_ENDPOINT_URL_ATHENA = server.url;
  return server;
}

function run(event: unknown): Promise<CollectSummary> {
  return collectHistory(parseCollectInput(event, NOW), {
    athena: createAthenaClient(),
    s3: createS3Client(),
    config: historyCollectorConfig(),
    log: SILENT_LOGGER,
    now: NOW,
  });
}

/** Every line in the bucket's history objects, by execution id, with the key it sits under. */
async function collected(): Promise<Map<string, { key: string; line: Record<string, unknown> }>> {
  const found = new Map<string, { key: string; line: Record<string, unknown> }>();
  for (const key of await s3.keys("athena-audit/history/")) {
    for (const line of await s3.lines(key)) {
      const id = String(line.QueryExecutionId);
      expect(found.has(id), `${id} twice`).toBe(false);
      found.set(id, { key, line });
    }
  }
  return found;
}

async function snapshot(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const key of await s3.keys("athena-audit/history/")) out.set(key, (await s3.bytes(key)).toString("base64"));
  return out;
}

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  s3 = await startS3("audit-bucket");
  cleanUp(() => s3.close());
  cleanUp(() => Promise.all(servers.map((s) => s.close())));
  restore = useLocalAws({
    AWS_ENDPOINT_URL_S3: s3.url,
    AUDIT_BUCKET: "audit-bucket",
    AUDIT_WORK_GROUP: "athena-audit",
    AUDIT_ACCOUNT: ACCOUNT_ID,
  });
  cleanUp(restore);
});

describe("history collector", () => {
  let backfill: CollectSummary;
  let first: Map<string, string>;

  beforeAll(async () => {
    await athenaServer();
    backfill = await run({ backfillDays: 45 });
    first = await snapshot();
  });

  it("collects every finished execution of a 45-day backfill once, under its submission day and work group", async () => {
    const window = expected.filter((e) => e.finished && e.day >= addDays(dayOf(NOW), -45) && e.day <= YESTERDAY);
    const lines = await collected();
    expect(lines.size).toBe(window.length);
    for (const e of window) {
      expect(lines.get(e.id)?.key, e.id).toBe(
        historyObjectKey({ account: ACCOUNT_ID, region: "us-east-1", dt: e.day, workGroup: e.workGroup }),
      );
    }
    expect(backfill.apiCalls.ListWorkGroups).toBe(3); // 6 work groups, 2 a page
    expect(backfill.recordsPerDay).toEqual(
      Object.fromEntries([...new Set(window.map((e) => e.day))].sort().map((d) => [d, window.filter((e) => e.day === d).length])),
    );
  });

  it("files queries that run past midnight under the day they were submitted", async () => {
    const crossing = expected.filter((e) => e.finished && e.crossesMidnight && e.day >= addDays(dayOf(NOW), -45) && e.day <= YESTERDAY);
    expect(crossing.length).toBeGreaterThan(0);
    const lines = await collected();
    for (const e of crossing) expect(lines.get(e.id)?.key).toContain(`/dt=${e.day}/`);
  });

  it("keeps the execution as Athena returned it, with ISO timestamps and what the query references", async () => {
    const { line } = [...(await collected()).values()].find(({ line }) => String(line.Query).startsWith("SELECT region"))!;
    expect(line.Status).toMatchObject({
      SubmissionDateTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/) as unknown,
    });
    expect(line).toHaveProperty("Statistics.DataScannedInBytes");
    expect(line).toHaveProperty("EngineVersion.EffectiveEngineVersion", "Athena engine version 3");
    const database = (line.QueryExecutionContext as { Database: string }).Database;
    expect(line.Audit).toMatchObject({
      Region: "us-east-1",
      Source: "collector",
      CollectedAt: NOW.toISOString(),
      ReferencedDatabases: [database],
    });
    expect((line.Audit as { ReferencedTables: string[] }).ReferencedTables[0]).toMatch(new RegExp(`^${database}\\.`));
  });

  it("keeps real executions as published, including a DDL with an empty context", async () => {
    const lines = await collected();
    for (const real of REAL) {
      const { line } = lines.get(String(real.QueryExecutionId))!;
      expect([line.Query, line.StatementType, line.Statistics, line.ResultConfiguration]).toEqual([
        real.Query,
        real.StatementType,
        real.Statistics,
        real.ResultConfiguration,
      ]);
    }
    const ddl = lines.get("46140486-fa0a-4017-bd87-2f6b1eec0b30")!.line;
    expect([ddl.QueryExecutionContext, (ddl.Audit as { ParseError?: string }).ParseError]).toEqual([{}, expect.any(String)]);
  });

  it("skips the audit's own work group and unfinished queries, and writes nothing for an empty work group", async () => {
    const lines = await collected();
    expect(lines.has("own-query-0001")).toBe(false);
    expect(backfill.skippedWorkGroups).toEqual(["athena-audit"]);
    expect(await s3.keys("athena-audit/history/region=us-east-1/dt=2026-11-19/workgroup=empty-group/")).toEqual([]);
  });

  it("writes byte-identical objects when run again, without uploading them", async () => {
    const server = await athenaServer();
    const again = await run({ backfillDays: 45 });
    expect(await snapshot()).toEqual(first);
    expect(again.objectsWritten).toBe(0);
    expect(again.objectsUnchanged).toBe(first.size);
    expect(server.calls.ListQueryExecutions).toBeGreaterThan(0);
  });

  it("loses nothing to throttling, unprocessed ids or a listing that is only roughly newest first", async () => {
    // Adaptive retry slows the client down after each throttle (as it should against real Athena, in
    // real time), so this run covers two work groups and four days rather than the whole backfill.
    const rng = new Random(99);
    let throttled = 0;
    const server = await athenaServer({ unprocessedShare: 0.2, roughOrder: true }, () => rng.chance(0.06) && ++throttled > 0);
    const from = addDays(YESTERDAY, -3);
    await run({ from, to: YESTERDAY, workGroups: ["analysts", "bi"], force: true });
    const inScope = (key: string) => /workgroup=(analysts|bi)\//.test(key) && (/dt=([\d-]+)/.exec(key)?.[1] ?? "") >= from;
    const subset = (m: Map<string, string>) => new Map([...m].filter(([key]) => inScope(key)));
    expect(throttled, "throttles answered").toBeGreaterThanOrEqual(3);
    expect(server.calls.BatchGetQueryExecution).toBeGreaterThan(present(server.calls.ListQueryExecutions, "ListQueryExecutions calls"));
    expect(subset(await snapshot())).toEqual(subset(first));
    expect(subset(first).size).toBe(8);
  });

  it("stops paging soon after yesterday on a daily run", async () => {
    const server = await athenaServer();
    const daily = await run({});
    const since = Date.parse(`${YESTERDAY}T00:00:00Z`) - 60 * 60_000;
    // Pages a work group needs to get past yesterday (and an hour of slack), plus two quiet pages.
    const bound = Object.values(workGroups).reduce((n, executions) => {
      const recent = executions.filter((e) => (e.Status as { SubmissionDateTime: number }).SubmissionDateTime * 1000 >= since).length;
      return n + Math.floor(recent / 50) + 3;
    }, 0);
    expect(server.calls.ListQueryExecutions).toBeLessThanOrEqual(bound);
    const allPages = Object.values(workGroups).reduce((n, e) => n + Math.ceil(e.length / 50), 0);
    expect(server.calls.ListQueryExecutions).toBeLessThan(allPages / 4);
    expect(Object.keys(daily.recordsPerDay)).toEqual([YESTERDAY]);
  });

  it.each([
    [{ day: "2026-11-21" }, "is in the future"],
    [{ from: "2026-09-01", to: "2026-09-03" }, "older than the 45 days"],
    [{ backfillDays: 46 }, "backfillDays must be a whole number from 1 to 45"],
    [{ day: "yesterday" }, "day must be a calendar day"],
    [{ days: 3 }, "unknown input key(s) days"],
    [{ day: "2026-11-18", from: "2026-11-10", to: "2026-11-11" }, "give day or from/to, not both"],
    [{ day: "2026-11-18", backfillDays: 3 }, "give one of day, from/to or backfillDays"],
    [{ day: "2026-11-18", workGroups: [] }, "workGroups must be a non-empty list"],
    ["2026-11-18", "input must be a JSON object"],
  ])("refuses %j before any call", (event, message) => {
    expect(() => parseCollectInput(event, NOW)).toThrow(message);
  });

  it("fails the Lambda invocation (it throws) on bad input, having made no call", async () => {
    const server = await athenaServer();
    await expect(handler({ day: "2030-01-01" })).rejects.toThrow("is in the future");
    expect(server.calls).toEqual({});
  });
});
