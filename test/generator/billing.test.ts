/**
 * The demo's bill (generator/billing.ts), reconciled on the embedded engine: a small generated lake,
 * joined, its bill_reconciliation rows held to a bill the test prices itself from the ledger's
 * main-account queries (the bill is the main account's; decimal TB, all regions, each query on its
 * event day) plus the planted cost the generator records, and the page's verdict on it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { BillingRow } from "../../functions/billing/rows";
import { generateLake } from "../../generator/generate";
import { ACCOUNT_ID } from "../../generator/org";
import { queryCostUsd } from "../../core/cost";
import { daysBetween } from "../../core/days";
import { billingFiles } from "../../queries/lake/files";
import { billingObjectKey } from "../../core/layout";
import { BILL_TOLERANCE, Period, runSavedQuery, SAVED, savedRows } from "../../queries/saved";
import { pageModel } from "../../reports/pages/model";
import { cleanupAfterAll } from "../support/cleanup";
import { expectedEvents, joinedLake, JoinedLake, tempDir } from "../support/lake";

let lake: JoinedLake;
let period: Period;
/** The test's own bill: each day's decimal-TB price of the main account's billed queries in the ledger, the planted cost added. */
let expected: Map<string, number>;

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  lake = await joinedLake({ days: 5, seed: 11 });
  cleanUp(() => lake.dispose());
  period = { from: lake.ledger.firstDay, to: lake.ledger.lastDay };
  expected = new Map(daysBetween(period.from, period.to).map((d) => [d, 0]));
  for (const q of expectedEvents(lake.ledger).filter((e) => e.account === ACCOUNT_ID)) {
    const cost = queryCostUsd({ bytesScanned: q.bytes, statementType: q.statementType, state: q.state }, "decimal");
    expected.set(q.eventDay, (expected.get(q.eventDay) ?? 0) + cost);
  }
  const { planted } = lake.ledger.bill;
  expected.set(planted.day, (expected.get(planted.day) ?? 0) + planted.costUsd);
}, 60_000);

function readBill(root: string, day: string): BillingRow[] {
  const text = zlib.gunzipSync(fs.readFileSync(path.join(root, billingObjectKey(day)))).toString();
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as BillingRow);
}

describe("the demo's bill", () => {
  it("writes one object a day, a row per region billed, priced in decimal TB from the ledger, the latest two days estimated", () => {
    const days = daysBetween(period.from, period.to);
    expect(billingFiles({ root: lake.root })).toHaveLength(days.length);
    expect(lake.ledger.bill.tb).toBe("decimal");
    for (const [i, day] of days.entries()) {
      const rows = readBill(lake.root, day);
      const estimated = i >= days.length - 2;
      expect(
        rows.reduce((sum, r) => sum + r.unblended_cost_usd, 0),
        day,
      ).toBeCloseTo(expected.get(day)!, 9);
      expect(lake.ledger.bill.days[i]).toEqual({ day, costUsd: expect.closeTo(expected.get(day)!, 9) as unknown, estimated });
      for (const r of rows) {
        expect(r).toMatchObject({ day, work_group: null, usage_unit: "Terabytes", estimated });
        // Usage in decimal TB: what it cost at $5 a TB.
        expect(r.usage_amount * 5).toBeCloseTo(r.unblended_cost_usd, 9);
      }
      const regions = day === lake.ledger.bill.planted.day ? ["APS2", "EU", "USE1"] : ["EU", "USE1"];
      expect(rows.map((r) => r.usage_type)).toEqual(regions.map((code) => `${code}-DataScannedInTB`));
    }
    // The planted cost is a real scan's price, well past the tolerance, on a day Cost Explorer no longer estimates.
    const { planted } = lake.ledger.bill;
    expect(planted).toMatchObject({ region: "ap-southeast-2", usageType: "APS2-DataScannedInTB" });
    expect(planted.costUsd).toBeGreaterThan(1);
    expect(days.slice(0, -2)).toContain(planted.day);
  });

  it("is the same for the same seed, whatever TB the ledger uses, and differs for another seed", () => {
    const bytes = (seed: number, tb: "binary" | "decimal") => {
      const root = tempDir("bill");
      try {
        const ledger = generateLake({ lake: root, days: 5, seed, tb });
        return { ledger: ledger.bill, objects: billingFiles({ root }).map((f) => fs.readFileSync(f).toString("base64")) };
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    };
    const a = bytes(11, "binary");
    expect(bytes(11, "decimal")).toEqual(a);
    expect(a.ledger).toEqual(lake.ledger.bill);
    expect(bytes(12, "binary").objects).not.toEqual(a.objects);
  });

  it("reconciles: every day fits a decimal TB but the planted one, flagged with its cost; the estimated days say so", async () => {
    const rows = savedRows(SAVED.bill_reconciliation, await runSavedQuery(lake.engine, SAVED.bill_reconciliation, period));
    const { planted } = lake.ledger.bill;
    const last = daysBetween(period.from, period.to).slice(-2);
    expect(rows.map((r) => r.day)).toEqual([...expected.keys()]);
    for (const r of rows) {
      expect(r.billed_cost_usd, r.day).toBeCloseTo(expected.get(r.day)!, 6);
      expect(r.estimated, r.day).toBe(last.includes(r.day));
      expect(r.audit_regions).toBe("eu-west-1, us-east-1");
      if (r.day === planted.day) {
        expect(r).toMatchObject({ mismatch: true, tb_fit: "neither" });
        // What the bill carries beyond the day's queries at a decimal TB is the planted cost.
        expect(Math.abs(r.billed_cost_usd! - r.decimal_cost_usd - planted.costUsd)).toBeLessThanOrEqual(BILL_TOLERANCE.usd);
        expect(r.billed_usage_types).toBe("APS2-DataScannedInTB, EU-DataScannedInTB, USE1-DataScannedInTB");
      } else {
        expect(r.mismatch, r.day).toBe(false);
        expect(["decimal", "either"], r.day).toContain(r.tb_fit);
        expect(r.billed_usage_types).toBe("EU-DataScannedInTB, USE1-DataScannedInTB");
      }
    }
  });

  it("makes the page say the bill fits decimal, not the report's binary, and name the planted day", async () => {
    const result = await runSavedQuery(lake.engine, SAVED.bill_reconciliation, period);
    const page = pageModel({ query: SAVED.bill_reconciliation, result }, period, { redact: true, tb: "binary" });
    const { planted } = lake.ledger.bill;
    const days = daysBetween(period.from, period.to).length;
    expect(page.context[0]).toMatch(
      new RegExp(`^\\*\\*The bill fits a decimal TB on ${days - 1} of ${days} billed days; 1 day does not match\\*\\*`),
    );
    expect(page.context[0]).toContain(`${planted.day} billed`);
    expect(page.context[1]).toContain("report with `--tb decimal`");
    expect(page.context[1]).toContain("without joining again");
    expect(page.tables[0]?.rows.map((r) => [r[0], r.at(-1)])).toEqual([[planted.day, "other region: APS2-DataScannedInTB¹"]]);
  });
});
