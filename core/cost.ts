/**
 * Athena's billing rules, defined once. The generator's ledger, the report footers and the tests
 * call these functions; `queries/sql/events_join.sql` implements the same rules in SQL, taking its
 * numbers from `billingParameters`, so the join writes the same cost on Athena and on DuckDB. The
 * saved queries price again as they read the events, in the report's TB: the join's cost only says
 * whether a query is billed (> 0), and `data_scanned_bytes` what it pays for, so a report in either
 * unit reads events joined in either (docs/internals/cost-rules.md).
 *
 * What AWS's pricing page says (as quoted by several copies; the page was not reachable here):
 * $5 per TB scanned, rounded up to the nearest MB, with a 10 MB minimum per query; no charge for DDL
 * statements, for statements that manage partitions, or for failed queries; cancelled queries are
 * charged for the data scanned until they were cancelled.
 *
 * How that reads on a QueryExecution, rule by rule (`notBilledBecause` names the rule that applies):
 * 1. `Status.State` FAILED: free, whatever it scanned.
 * 2. `StatementType` DDL: free. Partition management is DDL: Athena's SQL reference lists
 *    ALTER TABLE ADD/DROP/RENAME PARTITION and MSCK REPAIR TABLE among its DDL statements, and real
 *    history reports MSCK REPAIR TABLE as StatementType DDL (../shared/realdata,
 *    misc-readmes__real_get_query_execution_outputs.json). CREATE TABLE AS SELECT is DML, and billed.
 * 3. Nothing scanned (0 bytes, or none recorded): free; there is no MB to round up. Athena's docs say
 *    the same of EXPLAIN ("do not scan any data, Athena does not charge for them"); result reuse too.
 * 4. Anything else (SUCCEEDED or CANCELLED, DML or UTILITY such as EXPLAIN ANALYZE): what it scanned,
 *    rounded up to whole MB, at least 10 MB, at $5 per TB.
 *
 * Whether a TB is 10^12 or 2^40 bytes is not stated anywhere we could read (public tools disagree), so
 * it is a setting, `TbDefinition`, and the MB follows the same unit system: 2^20 bytes with a 2^40 TB,
 * 10^6 with a 10^12 TB. The default is binary (2^40): what the product has always used.
 */
import { InputError } from "./errors";

export const USD_PER_TB = 5;
/** The least a billed query pays for, in MB. */
export const MINIMUM_MB = 10;

export const TB_DEFINITIONS = {
  binary: { tbBytes: 2 ** 40, mbBytes: 2 ** 20, text: "binary units: 1 TB = 2^40 bytes, 1 MB = 2^20 bytes" },
  decimal: { tbBytes: 10 ** 12, mbBytes: 10 ** 6, text: "decimal units: 1 TB = 10^12 bytes, 1 MB = 10^6 bytes" },
} as const;

/** What a TB (and so a MB) is in Athena's price: `binary` (2^40) or `decimal` (10^12). */
export type TbDefinition = keyof typeof TB_DEFINITIONS;

export const TB_DEFINITION_NAMES = Object.keys(TB_DEFINITIONS) as TbDefinition[];

/** Binary (2^40 bytes), what the product has always billed with. Decimal bills about 10% more for the same bytes. */
export const DEFAULT_TB: TbDefinition = "binary";

/** The setting's value, checked: `binary` or `decimal` (any case); `setting` names it in the error. */
export function parseTbDefinition(value: string | undefined, setting = "the TB definition"): TbDefinition {
  const text = value?.trim().toLowerCase();
  if (!text) return DEFAULT_TB;
  if ((TB_DEFINITION_NAMES as string[]).includes(text)) return text as TbDefinition;
  throw new InputError(`${setting} must be ${TB_DEFINITION_NAMES.join(" or ")}, got ${JSON.stringify(value)}`);
}

/** The fields of a query execution that decide its price, as history (and the events table) record them. */
export interface BillableQuery {
  /** `Statistics.DataScannedInBytes`; null or undefined when history has none. */
  bytesScanned: number | null | undefined;
  /** `StatementType`: DDL, DML or UTILITY. */
  statementType?: string | null;
  /** `Status.State`: SUCCEEDED, FAILED, CANCELLED, ... */
  state?: string | null;
}

export type FreeBecause = "failed" | "ddl" | "nothing scanned";

/** Which rule makes the query free, or undefined when it is billed for what it scanned. */
export function notBilledBecause(query: BillableQuery): FreeBecause | undefined {
  if (query.state === "FAILED") return "failed";
  if (query.statementType === "DDL") return "ddl";
  if (!query.bytesScanned || query.bytesScanned <= 0) return "nothing scanned";
  return undefined;
}

/** The bytes a billed scan pays for: whole MB, rounded up, at least the minimum. */
export function billedBytes(bytesScanned: number, tb: TbDefinition = DEFAULT_TB): number {
  const { mbBytes } = TB_DEFINITIONS[tb];
  return Math.max(Math.ceil(bytesScanned / mbBytes), MINIMUM_MB) * mbBytes;
}

/**
 * The price of a billed scan of `bytesScanned`, ignoring the free rules. The join's SQL computes
 * exactly this, in this order: ceil(bytes / MB), at least the minimum, times MB, times $ per TB, / TB.
 */
export function scanCostUsd(bytesScanned: number, tb: TbDefinition = DEFAULT_TB): number {
  return (billedBytes(bytesScanned, tb) * USD_PER_TB) / TB_DEFINITIONS[tb].tbBytes;
}

/** What Athena charges for one query execution, in USD. */
export function queryCostUsd(query: BillableQuery, tb: TbDefinition = DEFAULT_TB): number {
  return notBilledBecause(query) ? 0 : scanCostUsd(query.bytesScanned ?? 0, tb);
}

/**
 * The named parameters that carry the price, in `events_join.sql` and in every saved query that shows
 * cost: the rules stay in the SQL, the numbers come from here.
 */
export interface BillingParameters {
  billing_mb_bytes: number;
  billing_tb_bytes: number;
  billing_minimum_mb: number;
  billing_usd_per_tb: number;
}

export function billingParameters(tb: TbDefinition = DEFAULT_TB): BillingParameters {
  const { mbBytes, tbBytes } = TB_DEFINITIONS[tb];
  return { billing_mb_bytes: mbBytes, billing_tb_bytes: tbBytes, billing_minimum_mb: MINIMUM_MB, billing_usd_per_tb: USD_PER_TB };
}

/** The rules in one sentence, for every page's footnote. */
export function billingRulesText(tb: TbDefinition = DEFAULT_TB): string {
  return (
    `Costs follow Athena's billing rules: $${USD_PER_TB} per TB scanned (${TB_DEFINITIONS[tb].text}), ` +
    `each query rounded up to the MB with a ${MINIMUM_MB} MB minimum; cancelled queries are billed for what they scanned; ` +
    "failed queries, DDL (partition management included) and queries that scanned nothing are free."
  );
}
