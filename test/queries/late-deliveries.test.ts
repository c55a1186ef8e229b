/**
 * CloudTrail delivers "typically within 5 minutes", not within a bound. On the embedded engine, the
 * join of day D reads the next day's folder whole, so a record delivered up to a day late still
 * names its query in D's partition (the case: a query at 23:59:59 whose history says
 * 00:00:00.3 the next day, delivered at 03:30); one delivered later leaves its query unattributed,
 * and the coverage query names the day, the region and the query.
 */
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays } from "../../core/days";
import { DuckDbEngine } from "../../queries/duckdb/engine";
import { joinDayEmbedded } from "../../queries/join/embedded";
import { runSavedQuery, SAVED, savedRows } from "../../queries/saved";
import { coverageDetail } from "../../reports/pages/data-coverage-page";
import { only } from "../support/defined";
import { tempDir } from "../support/lake";
import { ANALYST, LATE_REGION, lateQueries, writeLateHistory, writeLateRecord } from "../support/late-lake";

const DAY = "2026-11-10";
const QUERIES = lateQueries(DAY);

let root: string;
let engine: DuckDbEngine;

beforeAll(async () => {
  root = tempDir("late");
  const all = Object.values(QUERIES);
  writeLateHistory(root, all);
  for (const q of all) writeLateRecord(root, q);
  engine = await DuckDbEngine.open({ root });
  for (const day of [DAY, addDays(DAY, 1)]) await joinDayEmbedded(engine, day, LATE_REGION);
  await engine.refresh();
});
afterAll(async () => {
  await engine.close();
  fs.rmSync(root, { recursive: true, force: true });
});

async function eventsOf(day: string) {
  const result = await engine.run("SELECT query_execution_id, principal_arn, attributed FROM events WHERE dt = :day ORDER BY 1", { day });
  return result.rows.map((r) => [r.query_execution_id, r.principal_arn, r.attributed]);
}

describe("late CloudTrail deliveries on the embedded join", () => {
  it("puts the straddling query and the day-late one in their day's partition, named; the two-days-late one unattributed", async () => {
    expect(await eventsOf(DAY)).toEqual([
      [QUERIES.dayLate.id, ANALYST, true],
      [QUERIES.onTime.id, ANALYST, true],
      [QUERIES.straddle.id, ANALYST, true],
      [QUERIES.twoDaysLate.id, null, false],
    ]);
    // The straddling query belongs to its CloudTrail event's day, not its history's.
    expect(await eventsOf(addDays(DAY, 1))).toEqual([]);
  });

  it("names the query whose record came too late in the day's coverage", async () => {
    const coverage = await runSavedQuery(engine, SAVED.data_coverage, { from: DAY, to: DAY });
    const row = only(savedRows(SAVED.data_coverage, coverage), "the day's coverage row");
    expect(row).toMatchObject({
      day: DAY,
      region: LATE_REGION,
      unattributed: 1,
      first_unattributed: QUERIES.twoDaysLate.id,
      coverage: "partial",
    });
    const notes = `no CloudTrail at all 11:00–12:00 UTC; without a principal: ${QUERIES.twoDaysLate.id}`;
    expect(coverageDetail(row)).toBe(`1 of 4 queries in history has no CloudTrail record (${notes})`);
  });
});
