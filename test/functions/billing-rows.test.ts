/**
 * Cost Explorer answers to billing rows. The shape follows AWS's API reference for GetCostAndUsage
 * (ResultsByTime[].TimePeriod/Total/Groups[].Keys+Metrics/Estimated, amounts as decimal strings).
 * The usage-type names (`USE1-DataScannedInTB`) and the unit (`Terabytes`) are how Athena's usage
 * is commonly shown; no public raw response was found to confirm them, and the mapping does not depend on them.
 */
import * as zlib from "node:zlib";
import type { GetCostAndUsageResponse } from "@aws-sdk/client-cost-explorer";
import { describe, expect, it } from "vitest";
import { billedDays, billingObject, billingRequest, billingRows } from "../../functions/billing/rows";

const metrics = (cost: string, usage: string) => ({
  UnblendedCost: { Amount: cost, Unit: "USD" },
  UsageQuantity: { Amount: usage, Unit: "Terabytes" },
});

const PAGE_1: GetCostAndUsageResponse = {
  GroupDefinitions: [
    { Type: "DIMENSION", Key: "USAGE_TYPE" },
    { Type: "TAG", Key: "workgroup" },
  ],
  ResultsByTime: [
    {
      TimePeriod: { Start: "2026-10-01", End: "2026-10-02" },
      Total: {},
      Groups: [
        { Keys: ["USE1-DataScannedInTB", "workgroup$analysts"], Metrics: metrics("1.2345678912", "0.2469135782") },
        { Keys: ["USE1-DataScannedInTB", "workgroup$"], Metrics: metrics("0.05", "0.01") },
        { Keys: ["EUW1-DataScannedInTB", "workgroup$etl"], Metrics: metrics("3", "0.6") },
      ],
      Estimated: false,
    },
    // A day Athena billed nothing: Cost Explorer still answers it, with no groups.
    { TimePeriod: { Start: "2026-10-02", End: "2026-10-03" }, Total: {}, Groups: [], Estimated: false },
  ],
  NextPageToken: "page-2",
  DimensionValueAttributes: [],
};

const PAGE_2: GetCostAndUsageResponse = {
  ResultsByTime: [
    {
      TimePeriod: { Start: "2026-10-03", End: "2026-10-04" },
      Total: {},
      Groups: [{ Keys: ["USE1-DataScannedInTB", "workgroup$analysts"], Metrics: metrics("0.0000001", "0.00000002") }],
      Estimated: true,
    },
  ],
};

const ACCOUNT = "210987654321";

describe("billing rows from GetCostAndUsage", () => {
  it("asks for Athena, daily, both metrics, by usage type (and the work-group tag when set), End exclusive", () => {
    expect(billingRequest("2026-10-01", "2026-10-03", ACCOUNT, "workgroup", "tok")).toEqual({
      TimePeriod: { Start: "2026-10-01", End: "2026-10-04" },
      Granularity: "DAILY",
      Metrics: ["UnblendedCost", "UsageQuantity"],
      // Its own account's cost only: a management account's Cost Explorer answers for every member.
      Filter: {
        And: [{ Dimensions: { Key: "SERVICE", Values: ["Amazon Athena"] } }, { Dimensions: { Key: "LINKED_ACCOUNT", Values: [ACCOUNT] } }],
      },
      GroupBy: [
        { Type: "DIMENSION", Key: "USAGE_TYPE" },
        { Type: "TAG", Key: "workgroup" },
      ],
      NextPageToken: "tok",
    });
    expect(billingRequest("2026-10-01", "2026-10-01", ACCOUNT).GroupBy).toEqual([{ Type: "DIMENSION", Key: "USAGE_TYPE" }]);
  });

  it("turns every group of every page into a typed row, untagged cost as an unknown work group", () => {
    expect(billingRows([PAGE_1, PAGE_2], ACCOUNT)).toEqual([
      {
        day: "2026-10-01",
        usage_type: "EUW1-DataScannedInTB",
        work_group: "etl",
        unblended_cost_usd: 3,
        usage_amount: 0.6,
        usage_unit: "Terabytes",
        estimated: false,
        account_id: ACCOUNT,
      },
      {
        day: "2026-10-01",
        usage_type: "USE1-DataScannedInTB",
        work_group: null,
        unblended_cost_usd: 0.05,
        usage_amount: 0.01,
        usage_unit: "Terabytes",
        estimated: false,
        account_id: ACCOUNT,
      },
      {
        day: "2026-10-01",
        usage_type: "USE1-DataScannedInTB",
        work_group: "analysts",
        unblended_cost_usd: 1.2345678912,
        usage_amount: 0.2469135782,
        usage_unit: "Terabytes",
        estimated: false,
        account_id: ACCOUNT,
      },
      {
        day: "2026-10-03",
        usage_type: "USE1-DataScannedInTB",
        work_group: "analysts",
        unblended_cost_usd: 1e-7,
        usage_amount: 2e-8,
        usage_unit: "Terabytes",
        estimated: true,
        account_id: ACCOUNT,
      },
    ]);
    expect(billedDays([PAGE_1, PAGE_2])).toEqual(["2026-10-01", "2026-10-02", "2026-10-03"]);
  });

  it("without a tag, the work group is unknown; a group split across pages adds up", () => {
    const day = (cost: string): GetCostAndUsageResponse => ({
      ResultsByTime: [
        {
          TimePeriod: { Start: "2026-10-05", End: "2026-10-06" },
          Groups: [{ Keys: ["USE1-DataScannedInTB"], Metrics: metrics(cost, "0.1") }],
          Estimated: true,
        },
      ],
    });
    const rows = billingRows([day("0.5"), day("0.25")], ACCOUNT);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ work_group: null, unblended_cost_usd: 0.75, usage_amount: 0.2 });
  });

  it("refuses amounts it cannot read and costs not in USD, rather than mixing them in", () => {
    const bad = (cost: { Amount: string; Unit: string }): GetCostAndUsageResponse => ({
      ResultsByTime: [
        {
          TimePeriod: { Start: "2026-10-05", End: "2026-10-06" },
          Groups: [{ Keys: ["USE1-DataScannedInTB"], Metrics: { UnblendedCost: cost } }],
        },
      ],
    });
    expect(() => billingRows([bad({ Amount: "n/a", Unit: "USD" })], ACCOUNT)).toThrow(/not a number/);
    expect(() => billingRows([bad({ Amount: "1", Unit: "EUR" })], ACCOUNT)).toThrow(/EUR, not USD/);
  });

  it("writes a day as gzip JSON lines, and a day with nothing billed as an empty object", () => {
    const rows = billingRows([PAGE_1], ACCOUNT);
    const lines = zlib.gunzipSync(billingObject(rows)).toString().trimEnd().split("\n");
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(rows);
    expect(zlib.gunzipSync(billingObject([])).toString()).toBe("");
  });
});
