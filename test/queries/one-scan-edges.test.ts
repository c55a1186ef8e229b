/**
 * Queries that read each table once and work the rest out from that one relation, at the edges
 * where that is easy to get wrong, against the generator's ledger: data_coverage on a one-day
 * period still finds a history row's query in the day before's events (called just before
 * midnight, stamped by Athena just after), and says so when that day's events are gone;
 * bill_reconciliation with a bill that names its account compares that account's events and gives
 * the other account's cost apart; witness_disagreements without Athena's system table still has
 * its summary row, of nothing compared.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BillingRow, billingObject } from "../../functions/billing/rows";
import { LedgerEntry } from "../../generator/ledger";
import { daysBetween } from "../../core/days";
import { billingObjectKey, billingTablePrefix, eventsPartitionPrefix } from "../../core/layout";
import { DEFAULT_OPTIONS, Period, runSavedQuery, SAVED, SavedQuery, SavedRow, savedRows } from "../../queries/saved";
import { cleanupAfterAll } from "../support/cleanup";
import { at } from "../support/defined";
import { expectedEvents, joinedLake, JoinedLake } from "../support/lake";

let lake: JoinedLake;
let entries: LedgerEntry[];
/** A query whose CloudTrail event is on the day before its history row, both inside the lake. */
let straddle: LedgerEntry;

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  lake = await joinedLake({ days: 8, seed: 5 });
  cleanUp(() => lake.dispose());
  entries = expectedEvents(lake.ledger);
  straddle = at(
    entries.filter((q) => q.attributed && q.eventDay < q.historyDay && q.historyDay <= lake.ledger.lastDay),
    0,
    "a query called before midnight and stamped after",
  );
});

async function run<Q extends SavedQuery>(query: Q, period: Period): Promise<SavedRow<Q>[]> {
  return savedRows(query, await runSavedQuery(lake.engine, query, period, DEFAULT_OPTIONS));
}

const sum = (items: readonly LedgerEntry[]) => items.reduce((total, q) => total + q.costUsd, 0);

describe("bill_reconciliation, with a bill that names its account", () => {
  it("compares that account's events and gives the other account's cost apart, a day without a bill too", async () => {
    const [billed, other] = lake.ledger.accounts;
    const period = { from: lake.ledger.firstDay, to: lake.ledger.lastDay };
    const days = daysBetween(period.from, period.to);
    const lastDay = at(days, days.length - 1, "the period's last day");
    fs.rmSync(path.join(lake.root, billingTablePrefix()), { recursive: true, force: true });
    // Every day but the last is billed, for an amount the check does not need.
    for (const day of days.slice(0, -1)) {
      const row: BillingRow = {
        day,
        usage_type: "USE1-DataScannedInTB",
        work_group: null,
        unblended_cost_usd: 1,
        usage_amount: 0.2,
        usage_unit: "Terabytes",
        estimated: false,
        account_id: billed ?? null,
      };
      const file = path.join(lake.root, billingObjectKey(day));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, billingObject([row]));
    }
    await lake.engine.refresh();
    const rows = await run(SAVED.bill_reconciliation, period);

    const ofDay = (day: string) => entries.filter((q) => q.eventDay === day);
    expect(sum(entries.filter((q) => q.account === other)), "the other account's queries cost something").toBeGreaterThan(0);
    expect(
      days.every((d) => ofDay(d).some((q) => q.account === billed)),
      "the billed account queried every day",
    ).toBe(true);
    expect(rows.map((r) => r.day)).toEqual(days);
    for (const r of rows) {
      const day = ofDay(r.day);
      expect(r.audit_cost_usd).toBeCloseTo(sum(day.filter((q) => q.account === billed)), 9);
      expect(r.unbilled_cost_usd).toBeCloseTo(sum(day.filter((q) => q.account !== billed)), 9);
      const regions = [...new Set(day.filter((q) => q.account === billed).map((q) => q.region))].sort();
      expect(r.audit_regions).toBe(regions.join(", "));
      expect(r.billed_cost_usd).toBe(r.day === lastDay ? null : 1);
    }
  });
});

describe("witness_disagreements without Athena's system table", () => {
  it("is its summary row alone, of nothing compared and nothing attributed", async () => {
    const rows = await run(SAVED.witness_disagreements, { from: lake.ledger.firstDay, to: lake.ledger.lastDay });
    expect(rows).toEqual([
      {
        day: null,
        region: null,
        query_execution_id: null,
        work_group: null,
        kind: "summary",
        audit_says: null,
        system_table_says: null,
        compared_queries: 0,
        attributed_by_system_table: 0,
      },
    ]);
  });
});

describe("data_coverage on a one-day period", () => {
  /** The coverage row of the straddling query's history day and region. */
  async function historyDayRow() {
    const day = straddle.historyDay;
    const rows = await run(SAVED.data_coverage, { from: day, to: day });
    expect(rows.map((r) => r.day)).toEqual(lake.ledger.regions.map(() => day));
    return rows.find((r) => r.region === straddle.region)!;
  }

  /** The ledger's queries of the history day and region whose events are on the day before. */
  const fromDayBefore = () =>
    entries.filter((q) => q.historyDay === straddle.historyDay && q.region === straddle.region && q.eventDay < q.historyDay);

  it("finds the history of a query called before midnight in the day before's events", async () => {
    const row = await historyDayRow();
    const inRegion = (q: LedgerEntry) => q.region === straddle.region;
    expect(fromDayBefore().length).toBeGreaterThan(0);
    expect(row).toMatchObject({
      history_queries: lake.ledger.queries.filter((q) => inRegion(q) && q.historyDay === straddle.historyDay).length,
      events: entries.filter((q) => inRegion(q) && q.eventDay === straddle.historyDay).length,
      work_groups_not_joined: null,
    });
  });

  it("names the work groups of those queries when the day before's events are gone", async () => {
    fs.rmSync(path.join(lake.root, eventsPartitionPrefix(straddle.eventDay, straddle.region)), { recursive: true });
    await lake.engine.refresh();
    const row = await historyDayRow();
    const workGroups = [...new Set(fromDayBefore().map((q) => q.workGroup))].sort();
    expect(row).toMatchObject({ work_groups_not_joined: workGroups.join(","), coverage: "partial" });
  });
});
