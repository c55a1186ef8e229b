/**
 * The billing collector against a local server speaking Cost Explorer's JSON 1.1 protocol and
 * s3rver, with the real SDK clients pointed at them through AWS_ENDPOINT_URL_COST_EXPLORER / _S3.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { handler } from "../../functions/billing/handler";
import { COST_EXPLORER_REGION, DEFAULT_BILLING_DAYS } from "../../functions/billing/collect";
import { BillingRow } from "../../functions/billing/rows";
import { addDays, dayOf } from "../../core/days";
import { billingObjectKey } from "../../core/layout";
import { cleanupAfterAll } from "../support/cleanup";
import { CostExplorerServer, startCostExplorerServer } from "../support/cost-explorer-server";
import { LocalS3, startS3, useLocalAws } from "../support/s3";

let s3: LocalS3;
let ce: CostExplorerServer;
let restore: () => void;
let summary: Awaited<ReturnType<typeof handler>>;
const yesterday = addDays(dayOf(new Date()), -1);
const quiet = addDays(yesterday, -1);

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  s3 = await startS3("audit-bucket");
  cleanUp(() => s3.close());
  ce = await startCostExplorerServer(
    (day) =>
      day === quiet
        ? []
        : [
            {
              Keys: ["USE1-DataScannedInTB", "athena-workgroup$analysts"],
              Metrics: { UnblendedCost: { Amount: "1.25", Unit: "USD" }, UsageQuantity: { Amount: "0.25", Unit: "Terabytes" } },
            },
            {
              Keys: ["USE1-DataScannedInTB", "athena-workgroup$"],
              Metrics: {
                UnblendedCost: { Amount: "0.0048828125", Unit: "USD" },
                UsageQuantity: { Amount: "0.0009765625", Unit: "Terabytes" },
              },
            },
          ],
    (day) => day === yesterday,
  );
  cleanUp(() => ce.close());
  restore = useLocalAws({
    AWS_REGION: "eu-west-1", // the function's region: Cost Explorer is asked in us-east-1 regardless
    AWS_ENDPOINT_URL_S3: s3.url,
    AWS_ENDPOINT_URL_COST_EXPLORER: ce.url,
    AUDIT_BUCKET: "audit-bucket",
    AUDIT_ACCOUNT: "210987654321",
    BILLING_WORK_GROUP_TAG: "athena-workgroup",
  });
  cleanUp(restore);
  summary = await handler({});
});

describe("billing collector", () => {
  it("asks Cost Explorer for Athena's daily cost by usage type and work-group tag, following every page", () => {
    expect(ce.requests.length).toBe(DEFAULT_BILLING_DAYS);
    expect(summary.apiCalls).toEqual({ GetCostAndUsage: DEFAULT_BILLING_DAYS, PutObject: DEFAULT_BILLING_DAYS });
    for (const r of ce.requests) {
      expect(r.target).toBe("AWSInsightsIndexService.GetCostAndUsage");
      expect(r.body).toMatchObject({
        TimePeriod: { Start: addDays(yesterday, 1 - DEFAULT_BILLING_DAYS), End: addDays(yesterday, 1) },
        Granularity: "DAILY",
        Metrics: ["UnblendedCost", "UsageQuantity"],
        Filter: {
          And: [
            { Dimensions: { Key: "SERVICE", Values: ["Amazon Athena"] } },
            { Dimensions: { Key: "LINKED_ACCOUNT", Values: ["210987654321"] } },
          ],
        },
        GroupBy: [
          { Type: "DIMENSION", Key: "USAGE_TYPE" },
          { Type: "TAG", Key: "athena-workgroup" },
        ],
      });
    }
    expect(ce.requests.map((r) => r.body.NextPageToken)).toEqual([undefined, quiet, yesterday]);
    // Signed for Cost Explorer's one region, not the function's.
    for (const r of ce.requests) expect(r.authorization).toContain(`/${COST_EXPLORER_REGION}/ce/aws4_request`);
  });

  it("writes one gzip JSON-lines object per day, an empty one for a day with nothing billed", async () => {
    expect(await s3.keys("athena-audit/billing/")).toEqual(
      [0, 1, 2].map((i) => billingObjectKey(addDays(yesterday, i - DEFAULT_BILLING_DAYS + 1))).sort(),
    );
    expect(summary.rows).toBe(2 * (DEFAULT_BILLING_DAYS - 1));
    expect(summary.estimatedDays).toEqual([yesterday]);
    const rows = (await s3.lines(billingObjectKey(yesterday))) as unknown as BillingRow[];
    expect(rows).toEqual([
      {
        day: yesterday,
        usage_type: "USE1-DataScannedInTB",
        work_group: null,
        unblended_cost_usd: 0.0048828125,
        usage_amount: 0.0009765625,
        usage_unit: "Terabytes",
        estimated: true,
        account_id: "210987654321",
      },
      {
        day: yesterday,
        usage_type: "USE1-DataScannedInTB",
        work_group: "analysts",
        unblended_cost_usd: 1.25,
        usage_amount: 0.25,
        usage_unit: "Terabytes",
        estimated: true,
        account_id: "210987654321",
      },
    ]);
    expect((await s3.bytes(billingObjectKey(quiet))).length).toBeGreaterThan(0);
  });
});
