/**
 * Billing-table rows from Cost Explorer's `GetCostAndUsage` answers (pure: shared by the collector
 * and the tests).
 *
 * The response shape, as AWS's API reference documents it
 * (https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_ResultByTime.html, and the
 * SDK's `ResultByTime`, `Group`, `MetricValue` types): `ResultsByTime[]`, each with `TimePeriod`
 * (`Start` inclusive, `End` exclusive, `yyyy-MM-dd`), `Total` (metric name to `{Amount, Unit}`, amounts
 * as decimal strings), `Groups[]` of `{Keys, Metrics}` when grouped, and `Estimated`; pages follow
 * `NextPageToken`. Grouped by USAGE_TYPE (and optionally a tag), each group's `Keys` hold the usage
 * type, then the tag as `<tag key>$<value>` (an untagged cost has an empty value).
 */
import * as zlib from "node:zlib";
import type { GetCostAndUsageResponse, GetCostAndUsageRequest } from "@aws-sdk/client-cost-explorer";
import { addDays } from "../../core/days";
import { BILLING } from "../../queries/schema/tables";
import { RowOf } from "../../queries/schema/types";

export type BillingRow = RowOf<typeof BILLING>;

/** Cost Explorer's name for Athena in the SERVICE dimension. */
export const ATHENA_SERVICE = "Amazon Athena";
export const COST_METRIC = "UnblendedCost";
export const USAGE_METRIC = "UsageQuantity";

/**
 * The request for `account`'s Athena cost per day over [from, to] (both included), grouped by usage
 * type and, when `workGroupTag` names a cost allocation tag carried by the work groups, by that tag
 * too. Only the account's own cost: in an organization's management account Cost Explorer answers
 * for every member, whose queries the audit compares separately (or not at all).
 */
export function billingRequest(
  from: string,
  to: string,
  account: string,
  workGroupTag?: string,
  nextPageToken?: string,
): GetCostAndUsageRequest {
  return {
    TimePeriod: { Start: from, End: addDays(to, 1) },
    Granularity: "DAILY",
    Metrics: [COST_METRIC, USAGE_METRIC],
    Filter: {
      And: [{ Dimensions: { Key: "SERVICE", Values: [ATHENA_SERVICE] } }, { Dimensions: { Key: "LINKED_ACCOUNT", Values: [account] } }],
    },
    GroupBy: [{ Type: "DIMENSION", Key: "USAGE_TYPE" }, ...(workGroupTag ? [{ Type: "TAG" as const, Key: workGroupTag }] : [])],
    ...(nextPageToken ? { NextPageToken: nextPageToken } : {}),
  };
}

function amount(text: string | undefined, what: string): number {
  const value = Number(text ?? "0");
  if (!Number.isFinite(value)) throw new Error(`Cost Explorer returned a ${what} that is not a number: ${JSON.stringify(text)}`);
  return value;
}

/** `<tag key>$<value>` to the value; an empty value (untagged cost) is unknown. */
function tagValue(key: string | undefined): string | null {
  if (key === undefined) return null;
  const at = key.indexOf("$");
  const value = at < 0 ? key : key.slice(at + 1);
  return value === "" ? null : value;
}

/**
 * One row per (day, usage type, work group) from the pages of one request, sorted. A day with no
 * groups (nothing billed) gives no rows; `billedDays` says which days the answer covered.
 */
export function billingRows(pages: readonly GetCostAndUsageResponse[], account: string): BillingRow[] {
  const rows = new Map<string, BillingRow>();
  for (const page of pages) {
    for (const result of page.ResultsByTime ?? []) {
      const day = result.TimePeriod?.Start;
      if (!day) throw new Error("Cost Explorer returned a result without TimePeriod.Start");
      for (const group of result.Groups ?? []) {
        const [usageType = "(unknown)", tag] = group.Keys ?? [];
        const cost = group.Metrics?.[COST_METRIC];
        const usage = group.Metrics?.[USAGE_METRIC];
        if (cost?.Unit && cost.Unit !== "USD") throw new Error(`Cost Explorer returned ${COST_METRIC} in ${cost.Unit}, not USD`);
        const row: BillingRow = {
          day,
          usage_type: usageType,
          work_group: tagValue(tag),
          unblended_cost_usd: amount(cost?.Amount, COST_METRIC),
          usage_amount: amount(usage?.Amount, USAGE_METRIC),
          usage_unit: usage?.Unit === undefined || usage.Unit === "" ? null : usage.Unit,
          estimated: result.Estimated ?? false,
          account_id: account,
        };
        // The same group on two pages (a page break inside a day) adds up.
        const key = `${day} ${row.usage_type} ${row.work_group ?? ""}`;
        const seen = rows.get(key);
        if (seen) {
          seen.unblended_cost_usd += row.unblended_cost_usd;
          seen.usage_amount += row.usage_amount;
        } else rows.set(key, row);
      }
    }
  }
  return [...rows.values()].sort((a, b) =>
    `${a.day} ${a.usage_type} ${a.work_group ?? ""}`.localeCompare(`${b.day} ${b.usage_type} ${b.work_group ?? ""}`),
  );
}

/** The days the answer covers (each result's TimePeriod.Start), billed or not, sorted. */
export function billedDays(pages: readonly GetCostAndUsageResponse[]): string[] {
  const days = new Set<string>();
  for (const page of pages) for (const result of page.ResultsByTime ?? []) if (result.TimePeriod?.Start) days.add(result.TimePeriod.Start);
  return [...days].sort();
}

/** One day's object bytes: gzip JSON lines (possibly none: a day AWS billed nothing). */
export function billingObject(rows: readonly BillingRow[]): Buffer {
  return zlib.gzipSync(rows.map((r) => JSON.stringify(r)).join("\n") + (rows.length ? "\n" : ""));
}
