import * as fs from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { joinDayEmbedded } from "../../queries/join/embedded";
import { eventsPartitionPrefix } from "../../core/layout";
import { cleanupAfterAll } from "../support/cleanup";
import { at } from "../support/defined";
import { expectedEvents, joinedLake, JoinedLake } from "../support/lake";

let lake: JoinedLake;

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  lake = await joinedLake({ days: 8, seed: 7 });
  cleanUp(() => lake.dispose());
});

async function eventsById() {
  const result = await lake.engine.run("SELECT * FROM events");
  return new Map(result.rows.map((r) => [String(r.query_execution_id), r]));
}

describe("daily join on the embedded engine", () => {
  it("writes exactly one row for every generated query, in the partition of its event day", async () => {
    const expected = expectedEvents(lake.ledger);
    const result = await lake.engine.run("SELECT query_execution_id, dt, region FROM events");
    expect(result.rows).toHaveLength(expected.length);
    const ids = new Set(result.rows.map((r) => r.query_execution_id));
    expect(ids.size).toBe(expected.length);
    const rows = await eventsById();
    for (const q of expected) {
      const row = rows.get(q.id);
      expect(row, q.id).toBeDefined();
      expect([row?.dt, row?.region]).toEqual([q.eventDay, q.region]);
    }
  });

  it("attributes every query to the principal that ran it, with its bytes and cost from history", async () => {
    const rows = await eventsById();
    for (const q of expectedEvents(lake.ledger)) {
      const row = rows.get(q.id)!;
      expect(
        {
          principal: row.principal_arn,
          iam: row.iam_principal_arn,
          family: row.client_family,
          ip: row.source_ip,
          state: row.state,
          bytes: row.data_scanned_bytes,
          workGroup: row.work_group,
          tables: row.referenced_tables,
          attributed: row.attributed,
        },
        q.id,
      ).toEqual({
        principal: q.principalArn,
        iam: q.iamPrincipalArn,
        family: q.clientFamily,
        ip: q.sourceIp,
        state: q.state,
        bytes: q.bytes,
        workGroup: q.workGroup,
        tables: JSON.stringify(q.tables),
        attributed: q.attributed,
      });
      expect(row.cost_usd as number).toBeCloseTo(q.costUsd, 12);
      expect(row.submitted_at).toBe(q.submittedAt);
    }
  });

  it("writes the cost Athena bills for each state and statement type: failed and DDL free, cancelled billed", async () => {
    const rows = await eventsById();
    const kinds = new Map<string, { queries: number; scanned: number; ledger: number; joined: number }>();
    for (const q of expectedEvents(lake.ledger)) {
      const kind = `${q.state} ${q.statementType}`;
      const k = kinds.get(kind) ?? { queries: 0, scanned: 0, ledger: 0, joined: 0 };
      k.queries++;
      k.scanned += q.bytes;
      k.ledger += q.costUsd;
      k.joined += rows.get(q.id)!.cost_usd as number;
      kinds.set(kind, k);
    }
    for (const [kind, k] of kinds) expect(k.joined, kind).toBeCloseTo(k.ledger, 9);
    // Failed queries scanned data and pay nothing; cancelled ones pay for theirs; DDL pays nothing.
    expect(kinds.get("FAILED DML")?.scanned).toBeGreaterThan(0);
    expect(kinds.get("FAILED DML")?.joined).toBe(0);
    expect(kinds.get("CANCELLED DML")?.joined).toBeGreaterThan(0);
    expect(kinds.get("SUCCEEDED DDL")?.joined).toBe(0);
    expect(kinds.get("SUCCEEDED DML")?.joined).toBeGreaterThan(0);
  });

  it.each([
    ["midnight-crossing", (q: JoinedLake["ledger"]["queries"][number]) => q.midnightCrossing],
    ["event before midnight, submission after", (q: JoinedLake["ledger"]["queries"][number]) => q.straddle],
    ["late-delivered CloudTrail file", (q: JoinedLake["ledger"]["queries"][number]) => q.lateDelivered],
    ["***OMITTED*** query string", (q: JoinedLake["ledger"]["queries"][number]) => q.textForm === "omitted"],
    ["old `query` key", (q: JoinedLake["ledger"]["queries"][number]) => q.textForm === "query"],
  ])("attributes %s queries", async (_label, pick) => {
    const cases = expectedEvents(lake.ledger).filter((q) => q.attributed && pick(q));
    expect(cases.length).toBeGreaterThan(0);
    const rows = await eventsById();
    for (const q of cases) {
      expect(rows.get(q.id)?.principal_arn, q.id).toBe(q.principalArn);
      expect(rows.get(q.id)?.data_scanned_bytes, q.id).toBe(q.bytes);
    }
  });

  it("takes query text from history even when CloudTrail omitted it", async () => {
    const rows = await eventsById();
    const omitted = expectedEvents(lake.ledger).filter((q) => q.textForm === "omitted");
    for (const q of omitted) expect(rows.get(q.id)?.query_text, q.id).not.toBe("***OMITTED***");
    expect(omitted.every((q) => typeof rows.get(q.id)?.query_text === "string")).toBe(true);
  });

  it("keeps history rows no CloudTrail record names, with the principal unknown and the bytes counted", async () => {
    const gaps = expectedEvents(lake.ledger).filter((q) => !q.attributed);
    expect(gaps.length).toBeGreaterThan(0);
    const rows = await eventsById();
    for (const q of gaps) {
      const row = rows.get(q.id)!;
      expect([row.principal_arn, row.attributed, row.in_history, row.dt]).toEqual([null, false, true, q.historyDay]);
      expect(row.data_scanned_bytes).toBe(q.bytes);
    }
    const unattributed = lake.summaries.reduce((n, s) => n + s.unattributed, 0);
    expect(unattributed).toBe(gaps.length);
  });

  it("ignores StartQueryExecution calls that failed (errorCode, no query started)", () => {
    expect(lake.ledger.failedCalls).toBeGreaterThan(0);
    // Every row is accounted for by the ledger above; failed calls add none.
    expect(lake.summaries.reduce((n, s) => n + s.withoutHistory, 0)).toBe(0);
  });

  it("gives the same rows when a day is joined again, and leaves one file in the partition", async () => {
    const day = lake.ledger.firstDay;
    const region = at(lake.ledger.regions, 0, "region in the ledger");
    const snapshot = async () =>
      (await lake.engine.run("SELECT * FROM events WHERE dt = :day AND region = :region ORDER BY query_execution_id", { day, region }))
        .rows;
    const before = await snapshot();
    const summary = await joinDayEmbedded(lake.engine, day, region);
    await lake.engine.refresh();
    expect(summary.rows).toBe(before.length);
    expect(await snapshot()).toEqual(before);
    const partition = `${lake.root}/${eventsPartitionPrefix(day, region)}`;
    expect(fs.readdirSync(partition)).toEqual(["part-00000.parquet"]);
  });
});
