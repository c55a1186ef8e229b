/**
 * The demo's bill: what Cost Explorer would report for Athena each day, written as the billing
 * collector writes it (one gzip JSON-lines object a day, `billingObject`). It is priced from the
 * ledger's queries with core/cost.ts, never from the events table, so the reconciliation is held
 * to a truth the join did not produce.
 *
 * What the demo pretends about AWS: the bill is the main account's Cost Explorer answer, so it covers
 * the main account's queries only (generate.ts passes no others); it bills with a decimal TB (the
 * reports default to binary, so the page says which one fits and how to rerun), each query on the day
 * the audit files it (its CloudTrail event day: no day-boundary differences), one usage type per
 * region. One planted day also carries a region the audit does not collect, and the latest days are
 * still estimated.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { BillingRow, billingObject } from "../functions/billing/rows";
import { billedBytes, queryCostUsd, TB_DEFINITIONS, TbDefinition } from "../core/cost";
import { billingObjectKey } from "../core/layout";
import type { LedgerEntry } from "./ledger";
import { ACCOUNT_ID } from "./org";
import { Random } from "./random";

/** The TB the demo's AWS bills with. */
export const DEMO_BILL_TB: TbDefinition = "decimal";
/** Cost Explorer marks its latest days as estimated. */
export const ESTIMATED_DAYS = 2;
/** The region of the planted cost: the org runs no collector there, so the audit never sees it. */
export const UNCOLLECTED_REGION = "ap-southeast-2";

/** Cost Explorer's region prefix of a usage type (AWS's codes: eu-west-1 is `EU`, an older name). */
const USAGE_REGION: Readonly<Record<string, string>> = { "us-east-1": "USE1", "eu-west-1": "EU", "ap-southeast-2": "APS2" };

export function usageType(region: string): string {
  const code = USAGE_REGION[region];
  if (code === undefined) throw new Error(`no Cost Explorer region code for ${region}`);
  return `${code}-DataScannedInTB`;
}

export interface PlantedCost {
  day: string;
  region: string;
  usageType: string;
  /** What the bill carries beyond the ledger's queries that day. */
  costUsd: number;
}

/** The bill the generator wrote: what a test may assert the reconciliation against. */
export interface GeneratedBill {
  tb: TbDefinition;
  /** Each generated day's billed amount (USD), the planted cost included. */
  days: { day: string; costUsd: number; estimated: boolean }[];
  planted: PlantedCost;
}

interface Usage {
  cost: number;
  bytes: number;
}

/**
 * Writes one billing object per day of `calendar` for `queries` (one account's); `rng` is the bill's
 * own, so the rest of the lake does not depend on it. The planted cost falls on a day of `story`
 * (the days the demo reports), so the reconciliation of that period has it to find.
 */
export function writeBill(
  lake: string,
  prefix: string,
  calendar: readonly string[],
  queries: readonly LedgerEntry[],
  rng: Random,
  story: readonly string[] = calendar,
  tb: TbDefinition = DEMO_BILL_TB,
  /** false: the bill without its files. */
  write = true,
): GeneratedBill {
  const usage = new Map<string, Usage>();
  const add = (day: string, region: string, cost: number, bytes: number) => {
    const key = `${day} ${region}`;
    const seen = usage.get(key) ?? { cost: 0, bytes: 0 };
    usage.set(key, { cost: seen.cost + cost, bytes: seen.bytes + bytes });
  };
  for (const q of queries) {
    const cost = queryCostUsd({ bytesScanned: q.bytes, statementType: q.statementType, state: q.state }, tb);
    if (cost > 0) add(q.eventDay, q.region, cost, billedBytes(q.bytes, tb));
  }
  // A notebook scanning 0.3-0.8 TB in a region without a collector, on a day before the estimated ones.
  const day = rng.pick(story.slice(0, Math.max(1, story.length - ESTIMATED_DAYS)));
  const bytes = rng.int(300, 800) * 10 ** 9;
  const planted = {
    day,
    region: UNCOLLECTED_REGION,
    usageType: usageType(UNCOLLECTED_REGION),
    costUsd: queryCostUsd({ bytesScanned: bytes, statementType: "DML", state: "SUCCEEDED" }, tb),
  };
  add(day, planted.region, planted.costUsd, billedBytes(bytes, tb));

  const days = calendar.map((d, i) => {
    const estimated = i >= calendar.length - ESTIMATED_DAYS;
    // One row per region billed that day, as grouped by USAGE_TYPE; a region that cost nothing has no group.
    const rows: BillingRow[] = [...usage]
      .filter(([key]) => key.startsWith(`${d} `))
      .map(([key, u]) => ({
        day: d,
        usage_type: usageType(key.slice(d.length + 1)),
        work_group: null,
        unblended_cost_usd: u.cost,
        usage_amount: u.bytes / TB_DEFINITIONS[tb].tbBytes,
        usage_unit: "Terabytes",
        estimated,
        account_id: ACCOUNT_ID,
      }))
      .sort((a, b) => a.usage_type.localeCompare(b.usage_type));
    const file = path.join(lake, billingObjectKey(d, prefix));
    if (write) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, billingObject(rows));
    }
    return { day: d, costUsd: rows.reduce((sum, r) => sum + r.unblended_cost_usd, 0), estimated };
  });
  return { tb, days, planted };
}
