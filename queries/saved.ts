/**
 * The saved analytics queries: what each answers, the named parameters it takes for a reporting
 * period, and the columns it returns. The SQL itself lives in `queries/sql/<name>.sql`.
 *
 * One registry entry holds everything TypeScript knows about a query, so adding one means a SQL
 * file and an entry here; the pages, the findings and the tests read the entry.
 */
import { anomalyParameters, AnomalySettings, DEFAULT_ANOMALY_SETTINGS } from "./anomalies";
import { MINIMUM_MB, TB_DEFINITIONS, USD_PER_TB } from "./cost";
import { addDays, daysBetween, parseDay } from "./days";
import { QueryEngine, QueryParameters, QueryResult } from "./engine";
import { InputError } from "./errors";
import { positionalSql } from "./parameters";
import { SavedColumn } from "./saved-columns";
import { readSql } from "./sql-files";

/** A reporting period: whole UTC days, both ends included. */
export interface Period {
  from: string;
  to: string;
}

export interface SavedQueryOptions {
  /** Rows for ranked reports (top scanners, heaviest queries). */
  limit: number;
  /** The short window of the usage reports, in days (the long one is the period). */
  shortWindowDays: number;
  /** Least distinct client families for a principal to count as shared. */
  minClientFamilies: number;
  /** What the anomalies query counts as unusual (queries/anomalies.ts). */
  anomalies: AnomalySettings;
  /**
   * The accounts whose collectors the deployment expects (the main stack's `expectedAccounts`): the
   * accounts page names one from which nothing arrived. Empty: only the accounts seen are listed.
   */
  expectedAccounts: readonly string[];
}

export const DEFAULT_OPTIONS: SavedQueryOptions = {
  limit: 20,
  shortWindowDays: 30,
  minClientFamilies: 2,
  anomalies: DEFAULT_ANOMALY_SETTINGS,
  expectedAccounts: [],
};

export interface SavedQuery {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** A value for each parameter its SQL names. */
  parameters(period: Period, options: SavedQueryOptions): QueryParameters;
  /** What it returns, in order. */
  readonly columns: readonly SavedColumn[];
}

type Definition = Omit<SavedQuery, "name">;

/** The entries named by their keys, keeping their literal column types for typed rows. */
function registry<const D extends Record<string, Definition>>(
  definitions: D,
): { readonly [K in keyof D & string]: D[K] & { readonly name: K } } {
  return Object.fromEntries(Object.entries(definitions).map(([name, definition]) => [name, { ...definition, name }])) as {
    readonly [K in keyof D & string]: D[K] & { readonly name: K };
  };
}

/** The period's days, compared with the `dt` partition so Athena prunes partitions. */
const periodWindow = (p: Period) => ({ window_from: p.from, window_to: p.to });
const shortWindow = (p: Period, o: SavedQueryOptions) => {
  const start = addDays(p.to, 1 - o.shortWindowDays);
  return { short_window_from: start > p.from ? start : p.from, ...periodWindow(p) };
};

const principal = { name: "principal", type: "varchar", comment: "caller ARN, or (unattributed)" } as const;
const queries = { name: "queries", type: "bigint" } as const;
const bytes = { name: "data_scanned_bytes", type: "bigint" } as const;
const cost = { name: "cost_usd", type: "double" } as const;
const rank = { name: "rank", type: "bigint" } as const;
const iamPrincipal = { name: "iam_principal_arn", type: "varchar", nullable: true } as const;
const account = {
  name: "account_id",
  type: "varchar",
  comment: "the account whose Athena ran the queries; (unknown) if none said",
} as const;
/** The short and the long window of the usage reports. */
const shortAndLong = [
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

const reconciliation = (p: Period) => ({
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

/** Every saved query by name, in the order the reports list them. */
export const SAVED = registry({
  top_scanners: {
    title: "Top scanners",
    description: "Principals ranked by what their queries cost.",
    parameters: (p, o) => ({ ...periodWindow(p), limit: o.limit }),
    columns: [
      principal,
      account,
      iamPrincipal,
      { name: "principal_type", type: "varchar", nullable: true },
      queries,
      { name: "failed_or_cancelled", type: "bigint" },
      bytes,
      cost,
      { name: "largest_query_bytes", type: "bigint" },
      rank,
    ],
  },
  heaviest_queries: {
    title: "Heaviest queries",
    description: "The single queries that scanned the most.",
    parameters: (p, o) => ({ ...periodWindow(p), limit: o.limit }),
    columns: [
      { name: "query_execution_id", type: "varchar" },
      { name: "event_time", type: "timestamp", nullable: true },
      principal,
      { name: "work_group", type: "varchar", nullable: true },
      { name: "database_name", type: "varchar", nullable: true },
      { name: "state", type: "varchar", nullable: true },
      bytes,
      { ...cost, nullable: true },
      { name: "total_execution_ms", type: "bigint", nullable: true },
      { name: "query_text", type: "varchar", nullable: true },
      { name: "region", type: "varchar" },
      { ...account, nullable: true },
      rank,
    ],
  },
  usage_daily: {
    title: "Usage over time",
    description: "Queries, principals, bytes and cost per day.",
    parameters: periodWindow,
    columns: [
      { name: "day", type: "varchar" },
      queries,
      { name: "principals", type: "bigint" },
      { name: "failed_or_cancelled", type: "bigint" },
      bytes,
      cost,
    ],
  },
  usage_by_principal: {
    title: "Usage by principal",
    description: "Each principal's use over the short and the long window.",
    parameters: shortWindow,
    columns: [principal, ...shortAndLong, { name: "last_active_day", type: "varchar" }],
  },
  usage_by_workgroup: {
    title: "Usage by work group",
    description: "Each work group's use over the short and the long window.",
    parameters: shortWindow,
    columns: [
      { name: "work_group", type: "varchar", comment: "or (unknown)" },
      account,
      ...shortAndLong,
      { name: "principals_long", type: "bigint" },
    ],
  },
  period_change: {
    title: "Change on the previous period",
    description: "Each IAM user's and role's queries and cost in the period and in the previous period of the same length.",
    // The previous period: as many days as the period, just before it.
    parameters: (p) => ({ previous_from: addDays(p.from, -daysBetween(p.from, p.to).length), ...periodWindow(p) }),
    columns: [
      { name: "iam_principal_arn", type: "varchar", comment: "the IAM user or role (a role's sessions together), or (unattributed)" },
      { ...queries, comment: "in the period" },
      { ...cost, comment: "in the period" },
      { name: "previous_queries", type: "bigint", comment: "in the previous period" },
      { name: "previous_cost_usd", type: "double", comment: "in the previous period" },
      {
        name: "first_active_day",
        type: "varchar",
        comment: "the principal's first day with events in the two periods; the earliest of all rows is where the evidence starts",
      },
      { name: "last_active_day", type: "varchar" },
    ],
  },
  cost_by_table: {
    title: "Cost by table",
    description: "What reading each table cost; a query that read several tables is split evenly between them.",
    parameters: (p, o) => ({ ...periodWindow(p), limit: o.limit }),
    columns: [
      {
        name: "table_name",
        type: "varchar",
        comment: "database.table; (no table) for queries that named none; (other tables) past the limit",
      },
      { ...account, comment: "the account whose catalog holds the table; (all) for (other tables)" },
      { ...cost, comment: "even share: a query that read n tables gives each 1/n of its cost; the rows add up to the period's cost" },
      { ...bytes, type: "double", comment: "even share, as the cost (fractional bytes)" },
      { ...queries, comment: "queries that read the table" },
      { name: "shared_queries", type: "bigint", comment: "of those, the ones that read other tables too (their cost split)" },
      { name: "principals", type: "bigint", comment: "distinct callers CloudTrail named; unattributed queries not counted" },
    ],
  },
  cost_by_query_shape: {
    title: "Cost by query shape",
    description: "Queries that differ only in their values, grouped: runs, bytes, cost, and what result reuse did and could have saved.",
    parameters: (p, o) => ({ ...periodWindow(p), limit: o.limit }),
    columns: [
      {
        name: "query_shape",
        type: "varchar",
        comment: "lower-cased, comments dropped, literals masked ('?', ?), white space folded; (no query text), (other shapes)",
      },
      { name: "runs", type: "bigint" },
      { name: "principals", type: "bigint", comment: "distinct callers CloudTrail named; unattributed runs not counted" },
      bytes,
      { name: "bytes_per_run", type: "bigint", comment: "mean, rounded up" },
      cost,
      { name: "reused_runs", type: "bigint", comment: "runs Athena answered from an earlier result (reuse was on for them)" },
      {
        name: "repeat_runs",
        type: "bigint",
        comment:
          "billed runs that result reuse (60-minute maximum age) would have answered: same text, caller and context, within the hour",
      },
      { name: "repeat_cost_usd", type: "double", comment: "what the repeat runs were billed" },
    ],
  },
  principal_profiles: {
    title: "Principal profiles",
    description: "Humans and services: how each IAM user or role reaches Athena, and what it reads.",
    parameters: periodWindow,
    columns: [
      iamPrincipal,
      { name: "principal_type", type: "varchar", nullable: true },
      { name: "kind", type: "varchar", values: ["human", "service"] },
      { name: "callers", type: "bigint" },
      { name: "client_families", type: "varchar", comment: "comma-separated, sorted" },
      { name: "work_groups", type: "varchar" },
      { name: "databases", type: "varchar" },
      queries,
      bytes,
      cost,
      { name: "first_active_day", type: "varchar" },
      { name: "last_active_day", type: "varchar" },
    ],
  },
  shared_principals: {
    title: "Shared principals",
    description: "Service users and roles that several applications use.",
    parameters: (p, o) => ({ ...periodWindow(p), min_client_families: o.minClientFamilies }),
    columns: [
      iamPrincipal,
      { name: "client_families", type: "bigint" },
      { name: "client_family_list", type: "varchar" },
      { name: "source_networks", type: "bigint", comment: "IPv4 /24s, or the AWS service calling" },
      { name: "source_network_list", type: "varchar" },
      { name: "user_agents", type: "bigint" },
      queries,
      cost,
    ],
  },
  failed_and_cancelled: {
    title: "Failed and cancelled queries",
    description: "Cancelled queries are billed for what they scanned; failed ones are free but took time. By error type and principal.",
    parameters: periodWindow,
    columns: [
      { name: "state", type: "varchar", values: ["CANCELLED", "FAILED"] },
      {
        name: "error_category",
        type: "varchar",
        nullable: true,
        comment: "system, user or other (Athena's ErrorCategory); none if cancelled",
      },
      { name: "error_type", type: "bigint", nullable: true, comment: "Athena's ErrorType code (see its error catalog)" },
      principal,
      queries,
      bytes,
      { ...cost, comment: "billed: what cancelled queries scanned; failed queries are free" },
      { name: "engine_execution_ms", type: "bigint", comment: "summed over the queries" },
      { name: "total_execution_ms", type: "bigint", comment: "summed over the queries" },
      { name: "example_error", type: "varchar", nullable: true, comment: "one message of this error type" },
    ],
  },
  permission_gaps: {
    title: "Permission gaps",
    description: "Grants each principal holds but did not use in the period, and how sure that is.",
    parameters: periodWindow,
    // One row per principal and unused grant: the findings the reports and the issue sync consume.
    columns: [
      { name: "principal_arn", type: "varchar" },
      { name: "principal_type", type: "varchar" },
      {
        ...account,
        nullable: true,
        comment: "the account whose IAM holds the grant (its grants snapshot); a findings file may leave it out (the ARN names it)",
      },
      { name: "grant_kind", type: "varchar", values: ["workgroup", "database", "table"] },
      { name: "resource", type: "varchar", comment: "`primary`, `finance`, `finance.ledger`" },
      { name: "access_path", type: "varchar", comment: "how the principal holds it: `iam`, `iam (conditional)`, `lake-formation`" },
      { name: "last_used", type: "varchar", nullable: true, comment: "YYYY-MM-DD; null if never in the evidence" },
      { name: "principal_queries", type: "bigint", comment: "the principal's own use of Athena in the window" },
      { name: "principal_last_active", type: "varchar", nullable: true },
      { name: "window_from", type: "varchar" },
      { name: "window_to", type: "varchar" },
      {
        name: "confidence",
        type: "varchar",
        values: ["high", "medium", "low"],
        comment: "high: every day complete for the grant and no unattributed query touched it; low: one did, or the principal is new",
      },
      { name: "reason", type: "varchar", comment: "why this confidence, in words" },
    ],
  },
  usage_by_account: {
    title: "Usage by account",
    description: "Each account of the organization: what its queries cost, who ran them, and how whole its evidence is.",
    parameters: (p, o) => ({ ...periodWindow(p), expected_accounts: o.expectedAccounts.join(",") }),
    columns: [
      account,
      cost,
      bytes,
      queries,
      { name: "principals", type: "bigint", comment: "IAM users and roles a witness named" },
      { name: "work_groups", type: "bigint" },
      { name: "regions", type: "bigint" },
      { name: "with_history", type: "bigint", comment: "queries the account's history collectors recorded" },
      { name: "unattributed", type: "bigint", comment: "queries in history no witness names" },
      { name: "without_history", type: "bigint", comment: "CloudTrail starts with no history: the account's collector missed them" },
      { name: "history_days", type: "bigint", comment: "days with history in the period" },
      { name: "last_history_day", type: "varchar", nullable: true },
      { name: "grants_day", type: "varchar", nullable: true, comment: "the account's last grants snapshot on or before the period's end" },
      { name: "granted_principals", type: "bigint", comment: "principals in that snapshot" },
      { name: "expected", type: "boolean", comment: "the deployment lists the account (expectedAccounts)" },
      {
        name: "evidence",
        type: "varchar",
        values: ["complete", "partial", "no history", "nothing arrived", "no queries"],
        comment:
          "no history: CloudTrail saw queries but no history arrived; nothing arrived: neither queries nor grants; " +
          "partial: some queries lack history or a witness; no queries: grants but no query in the period",
      },
    ],
  },
  data_coverage: {
    title: "Data coverage",
    description: "Which days and regions the evidence covers, and what is missing.",
    parameters: periodWindow,
    columns: [
      { name: "day", type: "varchar" },
      { name: "region", type: "varchar" },
      { name: "history_queries", type: "bigint", comment: "queries the history table holds for the day" },
      { name: "events", type: "bigint" },
      { name: "with_history", type: "bigint" },
      { name: "with_cloudtrail", type: "bigint" },
      {
        name: "unattributed",
        type: "bigint",
        comment: "queries in history no witness names (CloudTrail, or Athena's system table where read)",
      },
      {
        name: "from_system_table",
        type: "bigint",
        comment: "queries in history CloudTrail missed whose principal Athena's system table gave",
      },
      { name: "without_history", type: "bigint", comment: "CloudTrail starts with no history" },
      { name: "gap_hours", type: "varchar", nullable: true, comment: "UTC hours with history but no CloudTrail record, `13,14`" },
      { name: "work_groups_not_joined", type: "varchar", nullable: true, comment: "work groups with history the join did not see" },
      { name: "coverage", type: "varchar", values: ["complete", "partial", "missing"] },
    ],
  },
  bill_reconciliation: {
    title: "Reconciliation with the bill",
    description: "Per day, the audit's cost against what Cost Explorer says AWS billed for Athena, and which TB definition fits.",
    parameters: reconciliation,
    columns: [
      { name: "day", type: "varchar" },
      { name: "audit_cost_usd", type: "double", comment: "the events table's cost_usd, summed" },
      { name: "billed_cost_usd", type: "double", nullable: true, comment: "Cost Explorer's UnblendedCost for Athena; null without a bill" },
      { name: "difference_usd", type: "double", nullable: true, comment: "billed minus audit" },
      {
        name: "ratio",
        type: "double",
        nullable: true,
        comment: "billed over audit; about 1.0995 when the bill counts decimal TB and the audit binary",
      },
      { name: "binary_cost_usd", type: "double", comment: "the day's billed queries priced with a 2^40-byte TB" },
      { name: "decimal_cost_usd", type: "double", comment: "the same priced with a 10^12-byte TB" },
      { name: "tb_fit", type: "varchar", nullable: true, values: ["binary", "decimal", "either", "neither"] },
      { name: "mismatch", type: "boolean", nullable: true, comment: "no TB definition explains the bill within the tolerance" },
      { name: "estimated", type: "boolean", nullable: true, comment: "Cost Explorer still estimates the day; null without a bill" },
      {
        name: "audit_regions",
        type: "varchar",
        nullable: true,
        comment: "regions of the day's events, comma-separated; null without events",
      },
      {
        name: "billed_usage_types",
        type: "varchar",
        nullable: true,
        comment: "the bill's usage types (region code first, e.g. USE1-DataScannedInTB), comma-separated; null without a bill",
      },
      {
        name: "unbilled_cost_usd",
        type: "double",
        comment: "the day's cost in accounts the bill does not cover (another account's Cost Explorer bills them); not compared",
      },
    ],
  },
  witness_disagreements: {
    title: "Second witness: disagreements",
    description: "Queries where Athena's system table names another principal than CloudTrail, or other tables than the SQL parser found.",
    parameters: periodWindow,
    columns: [
      { name: "day", type: "varchar", nullable: true, comment: "null on the summary row" },
      { name: "region", type: "varchar", nullable: true },
      { name: "query_execution_id", type: "varchar", nullable: true },
      { name: "work_group", type: "varchar", nullable: true },
      { name: "kind", type: "varchar", values: ["principal", "tables_missed_by_parser", "tables_not_witnessed", "summary"] },
      { name: "audit_says", type: "varchar", nullable: true, comment: "CloudTrail's principal, or the tables the parser found" },
      { name: "system_table_says", type: "varchar", nullable: true, comment: "the system table's principal, or its tables" },
      { name: "compared_queries", type: "bigint", nullable: true, comment: "summary row: queries the system table saw in the period" },
      {
        name: "attributed_by_system_table",
        type: "bigint",
        nullable: true,
        comment: "summary row: queries whose principal only the system table gave",
      },
    ],
  },
  anomalies: {
    title: "Anomalies",
    description: "Activity unusual for the principal: volume, first reads, new origins and hours, probing, exfiltration shapes.",
    parameters: (p, o) => anomalyParameters(p, o.anomalies),
    columns: [
      { name: "day", type: "varchar" },
      { name: "principal_arn", type: "varchar", comment: "the IAM user or role (the events' iam_principal_arn)" },
      { name: "kind", type: "varchar", values: ["volume", "reach", "origin", "time", "probing", "exfiltration"] },
      {
        name: "subject",
        type: "varchar",
        comment:
          "what is unusual: bytes or queries (volume); a database or table (reach); network or client:<family> (origin); " +
          "an hour HH (time); the failures' resources (probing); s3://bucket or select-star:<table> (exfiltration)",
      },
      { name: "measured", type: "double", comment: "the day's bytes or queries; the failures in the hour; bytes scanned; else queries" },
      { name: "baseline", type: "double", nullable: true, comment: "volume: the median of the principal's previous days" },
      { name: "spread", type: "double", nullable: true, comment: "volume: the median absolute deviation of those days" },
      { name: "score", type: "double", comment: "how far from normal, to rank findings of a kind" },
      { name: "severity", type: "varchar", values: ["high", "medium", "low"] },
      { name: "queries", type: "bigint", comment: "queries behind the finding" },
      { name: "example_query_id", type: "varchar", nullable: true },
      { name: "human", type: "boolean", comment: "the principal showed a person's signs before the day (principal_profiles' rule)" },
      { name: "coverage", type: "varchar", values: ["complete", "partial"], comment: "partial: the day has queries no witness attributed" },
    ],
  },
});

export const SAVED_QUERIES: readonly SavedQuery[] = Object.values(SAVED);

export function savedQuery(name: string): SavedQuery {
  const found = SAVED_QUERIES.find((q) => q.name === name);
  if (!found) throw new InputError(`no saved query named ${name}; known: ${SAVED_QUERIES.map((q) => q.name).join(", ")}`);
  return found;
}

/** The query's SQL as written, with named parameters: what the engines run. */
export function savedQuerySql(query: SavedQuery): string {
  return readSql(query.name);
}

/**
 * The text of the query's Athena named query. Athena takes no named parameters, so it is the `?`
 * form, headed by a comment listing the parameters in the order the console asks for them.
 */
export function namedQuerySql(query: SavedQuery): string {
  const { sql, names } = positionalSql(savedQuerySql(query), query.name);
  if (names.length === 0) return sql;
  const order = names.map((name, i) => `--   ${i + 1}. ${name}`);
  return [`-- Parameters, in the order the console asks for them (text in quotes: '2026-10-31'):`, ...order, sql].join("\n");
}

/** Runs a saved query for a period on an engine. */
export function runSavedQuery(
  engine: QueryEngine,
  query: SavedQuery,
  period: Period,
  options: SavedQueryOptions = DEFAULT_OPTIONS,
): Promise<QueryResult> {
  return engine.run(savedQuerySql(query), query.parameters(period, options), query.name);
}

/** The period of `days` days ending on `to`, validated. */
export function periodEnding(to: string, days: number): Period {
  parseDay(to, "period end");
  if (!Number.isInteger(days) || days < 1) throw new InputError(`days must be a whole number of at least 1, got ${days}`);
  return { from: addDays(to, 1 - days), to };
}
