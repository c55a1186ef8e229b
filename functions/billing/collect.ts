/**
 * The billing collector (optional, daily): reads what AWS billed for Athena over the last few days
 * from Cost Explorer (`GetCostAndUsage`: service Amazon Athena, DAILY, UnblendedCost and
 * UsageQuantity, grouped by usage type and optionally a work-group cost allocation tag) and writes
 * one billing object per day. Recent days are read again on every run because Cost Explorer revises
 * them (`Estimated`) until the month closes; a rerun overwrites the day's object.
 *
 * Cost Explorer has one endpoint, in us-east-1, whatever region the audit runs in; each request is
 * billed by AWS (about $0.01), so one run makes one request per page.
 */
import * as ce from "@aws-sdk/client-cost-explorer";
import * as s3 from "@aws-sdk/client-s3";
import { addDays, dayOf } from "../../core/days";
import { billingObjectKey } from "../../core/layout";
import { Logger } from "../runtime/log";
import { billedDays, billingObject, billingRequest, billingRows, BillingRow } from "./rows";

/** Cost Explorer's one region. */
export const COST_EXPLORER_REGION = "us-east-1";
/** Days read back each run, ending yesterday: Cost Explorer's daily figures settle within about a day or two. */
export const DEFAULT_BILLING_DAYS = 3;

export interface BillingDeps {
  costExplorer: ce.CostExplorerClient;
  s3: s3.S3Client;
  bucket: string;
  prefix: string;
  /** The account whose Athena cost is read (its own: LINKED_ACCOUNT). */
  account: string;
  log: Logger;
  /** A cost allocation tag the work groups carry (activated in Billing): costs are split by it. */
  workGroupTag?: string;
  days?: number;
  now?: Date;
}

export interface BillingSummary {
  from: string;
  to: string;
  keys: string[];
  rows: number;
  costUsd: number;
  estimatedDays: string[];
  apiCalls: Record<string, number>;
}

export async function collectBilling(deps: BillingDeps): Promise<BillingSummary> {
  const today = dayOf(deps.now ?? new Date());
  const to = addDays(today, -1);
  const from = addDays(to, 1 - (deps.days ?? DEFAULT_BILLING_DAYS));
  const calls = { GetCostAndUsage: 0, PutObject: 0 };
  const pages: ce.GetCostAndUsageCommandOutput[] = [];
  let token: string | undefined;
  do {
    const page = await deps.costExplorer.send(
      new ce.GetCostAndUsageCommand(billingRequest(from, to, deps.account, deps.workGroupTag, token)),
    );
    calls.GetCostAndUsage++;
    pages.push(page);
    token = page.NextPageToken;
  } while (token);
  const rows = billingRows(pages, deps.account);
  const byDay = new Map<string, BillingRow[]>(billedDays(pages).map((d) => [d, []]));
  for (const row of rows) byDay.get(row.day)?.push(row);
  const keys: string[] = [];
  for (const [day, dayRows] of byDay) {
    const key = billingObjectKey(day, deps.prefix);
    await deps.s3.send(
      new s3.PutObjectCommand({ Bucket: deps.bucket, Key: key, Body: billingObject(dayRows), ContentType: "application/x-ndjson" }),
    );
    calls.PutObject++;
    keys.push(key);
  }
  const estimatedDays = [...new Set(rows.filter((r) => r.estimated).map((r) => r.day))];
  const summary: BillingSummary = {
    from,
    to,
    keys,
    rows: rows.length,
    costUsd: rows.reduce((sum, r) => sum + r.unblended_cost_usd, 0),
    estimatedDays,
    apiCalls: calls,
  };
  deps.log.info("done", { ...summary, keys: keys.length });
  return summary;
}
