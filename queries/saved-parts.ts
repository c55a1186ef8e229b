/**
 * What the saved queries' registry entries share: the parameter builders of a reporting period,
 * the columns several queries return, and the bill's tolerance. The entries themselves are in
 * saved-usage.ts and saved-evidence.ts; the registry in saved.ts.
 */
import { MINIMUM_MB, TB_DEFINITIONS, USD_PER_TB } from "../core/cost";
import { addDays } from "../core/days";
import type { Period, SavedQuery, SavedQueryOptions } from "./saved";

/** A registry entry: everything but the name, which is its key. */
export type Definition = Omit<SavedQuery, "name">;

/** Entries as written, their literal column types kept (for typed rows) by the const type parameter. */
export function definitions<const D extends Record<string, Definition>>(entries: D): D {
  return entries;
}

/** The period's days, compared with the `dt` partition so Athena prunes partitions. */
export const periodWindow = (p: Period) => ({ window_from: p.from, window_to: p.to });
export const shortWindow = (p: Period, o: SavedQueryOptions) => {
  const start = addDays(p.to, 1 - o.shortWindowDays);
  return { short_window_from: start > p.from ? start : p.from, ...periodWindow(p) };
};

export const principal = { name: "principal", type: "varchar", comment: "caller ARN, or (unattributed)" } as const;
export const queries = { name: "queries", type: "bigint" } as const;
export const bytes = { name: "data_scanned_bytes", type: "bigint" } as const;
export const cost = { name: "cost_usd", type: "double" } as const;
export const rank = { name: "rank", type: "bigint" } as const;
export const iamPrincipal = { name: "iam_principal_arn", type: "varchar", nullable: true } as const;
export const account = {
  name: "account_id",
  type: "varchar",
  comment: "the account whose Athena ran the queries; (unknown) if none said",
} as const;
/** The short and the long window of the usage reports. */
export const shortAndLong = [
  { name: "queries_short", type: "bigint" },
  { name: "data_scanned_bytes_short", type: "bigint" },
  { name: "cost_usd_short", type: "double" },
  { name: "queries_long", type: "bigint" },
  { name: "data_scanned_bytes_long", type: "bigint" },
  { name: "cost_usd_long", type: "double" },
] as const;

/**
 * How far the bill may stray from the audit's price and still match: a cent (Cost Explorer's amounts
 * are unrounded, an invoice is in cents) plus 0.5% (AWS may round usage per line item, not per query,
 * and a query running across midnight may be billed on the other day). Twenty times smaller than the
 * 9.95% between a binary and a decimal TB, so the unit that fits is never in doubt on a day that cost
 * more than about $0.20; below that both may fit (`either`).
 */
export const BILL_TOLERANCE = { usd: 0.01, ratio: 0.005 } as const;

export const reconciliation = (p: Period) => ({
  ...periodWindow(p),
  usd_per_tb: USD_PER_TB,
  minimum_mb: MINIMUM_MB,
  binary_mb_bytes: TB_DEFINITIONS.binary.mbBytes,
  binary_tb_bytes: TB_DEFINITIONS.binary.tbBytes,
  decimal_mb_bytes: TB_DEFINITIONS.decimal.mbBytes,
  decimal_tb_bytes: TB_DEFINITIONS.decimal.tbBytes,
  tolerance_usd: BILL_TOLERANCE.usd,
  tolerance_ratio: BILL_TOLERANCE.ratio,
});
