/**
 * The bill reconciliation on the embedded engine: billing rows derived from the generator's ledger
 * (each day's ledger cost, in the unit the audit used and in the other one) match every day but
 * one planted day, which must be flagged, and nothing else.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BillingRow, billingObject } from "../../functions/billing/rows";
import { LedgerEntry } from "../../generator/ledger";
import { queryCostUsd, TbDefinition } from "../../core/cost";
import { daysBetween } from "../../core/days";
import { billingObjectKey, billingTablePrefix } from "../../core/layout";
import { BILL_TOLERANCE, DEFAULT_OPTIONS, Period, runSavedQuery, SAVED, savedRows } from "../../queries/saved";
import { cleanupAfterAll } from "../support/cleanup";
import { at } from "../support/defined";
import { expectedEvents, joinedLake, JoinedLake } from "../support/lake";

let lake: JoinedLake;
let period: Period;
let entries: LedgerEntry[];

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  lake = await joinedLake({ days: 8, seed: 5 });
  cleanUp(() => lake.dispose());
  period = { from: lake.ledger.firstDay, to: lake.ledger.lastDay };
  entries = expectedEvents(lake.ledger);
});

/** What AWS would bill per day for the ledger's queries if its TB were `tb`. */
function ledgerBill(tb: TbDefinition): Map<string, number> {
  const byDay = new Map<string, number>(daysBetween(period.from, period.to).map((d) => [d, 0]));
  for (const q of entries) {
    const cost = queryCostUsd({ bytesScanned: q.bytes, statementType: q.statementType, state: q.state }, tb);
    byDay.set(q.eventDay, (byDay.get(q.eventDay) ?? 0) + cost);
  }
  return byDay;
}

/** Writes one billing object a day, the day's cost split over two usage types as Cost Explorer would. */
async function writeBill(bill: Map<string, number>): Promise<void> {
  fs.rmSync(path.join(lake.root, billingTablePrefix()), { recursive: true, force: true });
  for (const [day, cost] of bill) {
    const rows: BillingRow[] = [
      {
        day,
        usage_type: "USE1-DataScannedInTB",
        work_group: null,
        unblended_cost_usd: cost * 0.75,
        usage_amount: cost / 5,
        usage_unit: "Terabytes",
        estimated: false,
        account_id: null,
      },
      {
        day,
        usage_type: "EUW1-DataScannedInTB",
        work_group: "etl",
        unblended_cost_usd: cost * 0.25,
        usage_amount: cost / 20,
        usage_unit: "Terabytes",
        estimated: false,
        account_id: null,
      },
    ];
    const file = path.join(lake.root, billingObjectKey(day));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, billingObject(cost > 0 ? rows : []));
  }
  await lake.engine.refresh();
}

async function reconcile() {
  return savedRows(SAVED.bill_reconciliation, await runSavedQuery(lake.engine, SAVED.bill_reconciliation, period, DEFAULT_OPTIONS));
}

describe("bill_reconciliation", () => {
  it("has costly days to reconcile", () => {
    const bill = ledgerBill("binary");
    expect([...bill.values()].filter((c) => c > 1).length).toBeGreaterThan(3);
  });

  it.each(["binary", "decimal"] as const)("a bill in %s TB matches every day but the planted one, and names the unit", async (tb) => {
    const bill = ledgerBill(tb);
    const audit = ledgerBill(lake.ledger.tb);
    const days = [...bill.keys()];
    // A work group the audit never saw: 3% more than the day's bill, and a dollar.
    const planted = at(days, Math.floor(days.length / 2), "billed day");
    bill.set(planted, bill.get(planted)! * 1.03 + 1);
    await writeBill(bill);
    const rows = await reconcile();

    expect(rows.map((r) => r.day)).toEqual(days);
    expect(rows.filter((r) => r.mismatch).map((r) => r.day)).toEqual([planted]);
    for (const r of rows) {
      expect(r.audit_cost_usd).toBeCloseTo(audit.get(r.day)!, 6);
      expect(r.billed_cost_usd).toBeCloseTo(bill.get(r.day)!, 6);
      expect(r.difference_usd).toBeCloseTo(bill.get(r.day)! - audit.get(r.day)!, 6);
      // What the page reads for the likely causes: the bill's usage types, the events' regions, the estimate flag.
      expect(r).toMatchObject({
        estimated: false,
        billed_usage_types: "EUW1-DataScannedInTB, USE1-DataScannedInTB",
        audit_regions: [...lake.ledger.regions].sort().join(", "),
      });
      if (r.day === planted) {
        expect(r.tb_fit).toBe("neither");
        continue;
      }
      // Small days may fit both units; any day over the tolerance's reach names the right one.
      expect([tb, "either"]).toContain(r.tb_fit);
      if (r.audit_cost_usd > BILL_TOLERANCE.usd / 0.09) {
        expect(r.tb_fit).toBe(tb);
        const expected = tb === lake.ledger.tb ? 1 : tb === "decimal" ? 1.0995 : 1 / 1.0995;
        expect(r.ratio).toBeCloseTo(expected, 2);
      }
    }
  });

  it("a day with no bill has nulls; a billed day the audit has no events for is a mismatch", async () => {
    const bill = ledgerBill(lake.ledger.tb);
    const first = at([...bill.keys()], 0, "billed day");
    bill.delete(first);
    bill.set("2000-01-01", 2.5); // outside the period: not read
    await writeBill(bill);
    const rows = await reconcile();
    const none = rows.find((r) => r.day === first)!;
    expect(none).toMatchObject({
      billed_cost_usd: null,
      difference_usd: null,
      tb_fit: null,
      mismatch: null,
      estimated: null,
      billed_usage_types: null,
    });
    expect(none.audit_regions).toBe([...lake.ledger.regions].sort().join(", "));
    expect(rows.map((r) => r.day)).not.toContain("2000-01-01");
    expect(rows.filter((r) => r.mismatch)).toEqual([]);

    // Billed beyond the audit's last day: cost the audit cannot explain.
    const later = { from: period.from, to: "2099-12-31" };
    const file = path.join(lake.root, billingObjectKey("2099-12-30"));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(
      file,
      billingObject([
        {
          day: "2099-12-30",
          usage_type: "USE1-DataScannedInTB",
          work_group: null,
          unblended_cost_usd: 4,
          usage_amount: 0.8,
          usage_unit: "Terabytes",
          estimated: true,
          account_id: null,
        },
      ]),
    );
    await lake.engine.refresh();
    const all = savedRows(SAVED.bill_reconciliation, await runSavedQuery(lake.engine, SAVED.bill_reconciliation, later, DEFAULT_OPTIONS));
    expect(all.filter((r) => r.mismatch)).toEqual([
      expect.objectContaining({
        day: "2099-12-30",
        audit_cost_usd: 0,
        billed_cost_usd: 4,
        ratio: null,
        tb_fit: "neither",
        estimated: true,
        audit_regions: null,
        billed_usage_types: "USE1-DataScannedInTB",
      }),
    ]);
  });
});
