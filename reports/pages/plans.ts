/**
 * Each page's table plan: which columns a saved query's rows become, in what order and alignment,
 * and what moves out of the table into its notes or the page header, so every page fits GitHub's
 * 1,012 px. A query without a plan gets `defaultPlan`.
 */
import { QueryResult, Row } from "../../queries/engine";
import { DEFAULT_OPTIONS, Period, SAVED, SavedQuery } from "../../queries/saved";
import { savedRows } from "../../queries/saved-columns";
import { coverageCalendar, CoverageException, coverageHeadline, coverageSummary } from "./coverage";
import { reconciliationPlan } from "./reconciliation";
import { redactSql } from "./redact";
import { Column, RIGHT, table } from "./table";
import { witnessPlan } from "./witness";
import { anomaliesPlan } from "./anomalies";
import { accountColumn, accountsPlan } from "./accounts";
import { permissionGapsPlan } from "./permission-gaps";
import { accessByEnginePlan } from "./access-by-engine";
import { codeSpan, count, duration, formatByColumn, humanBytes, instant, markdownText, namesNote, PrincipalNames, usd } from "./format";
import type { PageModel, RenderOptions } from "./pages";

/** Any saved query's column name: a label for a column no query returns fails to compile. */
type SavedColumnName = (typeof SAVED)[keyof typeof SAVED]["columns"][number]["name"];

const LABELS: Partial<Record<SavedColumnName, string>> = {
  data_scanned_bytes: "Scanned",
  cost_usd: "Cost",
  iam_principal_arn: "IAM principal",
  principal_arn: "Principal",
  failed_or_cancelled: "Failed or cancelled",
  largest_query_bytes: "Largest query",
  query_execution_id: "Query id",
  total_execution_ms: "Run time",
  engine_execution_ms: "Engine time",
  queries_short: `Queries (last ${DEFAULT_OPTIONS.shortWindowDays} d)`,
  data_scanned_bytes_short: `Scanned (last ${DEFAULT_OPTIONS.shortWindowDays} d)`,
  cost_usd_short: `Cost (last ${DEFAULT_OPTIONS.shortWindowDays} d)`,
  queries_long: "Queries (period)",
  data_scanned_bytes_long: "Scanned (period)",
  cost_usd_long: "Cost (period)",
  principals_long: "Principals (period)",
};

/** A column's header: its label, or its name in words (`repeat_cost_usd` -> `Repeat cost`). */
export function columnLabel(name: string): string {
  const label = LABELS[name as SavedColumnName];
  if (label !== undefined) return label;
  const words = name
    .replace(/_usd$/, "")
    .replace(/data_scanned_bytes/, "scanned")
    .replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The period's length in days, both ends included. */
function periodDays(period: Period): number {
  return Math.round((Date.parse(`${period.to}T00:00:00Z`) - Date.parse(`${period.from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** CloudTrail's `userIdentity.type` in words. */
const PRINCIPAL_TYPES: Record<string, string> = {
  IAMUser: "IAM user",
  AssumedRole: "assumed role",
  FederatedUser: "federated user",
  Root: "root",
  AWSService: "AWS service",
  AWSAccount: "AWS account",
  IdentityCenterUser: "Identity Center user",
};
const principalType = (type: string | null) => (type === null ? "" : (PRINCIPAL_TYPES[type] ?? markdownText(type)));

/** Query text as a code span, its values masked unless redaction is off. */
function queryText(value: string | null, options: RenderOptions): string {
  return codeSpan(value === null ? null : options.redact ? redactSql(value) : value);
}

/** `Cost (90 d)` and `Cost (last 30 d)`, or only the first when the short window is the whole period. */
function windows(period: Period): { long: string; short?: string; context: string[] } {
  const days = periodDays(period);
  const shortDays = DEFAULT_OPTIONS.shortWindowDays;
  if (shortDays >= days) {
    return { long: `${days} d`, context: [`The last ${shortDays} days cover the whole period, so only the period is shown.`] };
  }
  return { long: `${days} d`, short: `last ${shortDays} d`, context: [] };
}

export type Shaped = Pick<PageModel, "context" | "tables"> & Partial<Pick<PageModel, "chart">>;
export type Plan = (result: QueryResult, period: Period, options: RenderOptions, query: SavedQuery) => Shaped;

/**
 * Each page's columns: the name first, then its numbers (right-aligned, the cost first), then text;
 * at most seven, so a table fits GitHub's 1,012 px. What would repeat on every row, long ids and
 * names' long forms go to the page's header or to notes under the table.
 */
/** Cost and bytes over the long window, and over the short one when the period has one. */
interface Windowed {
  cost_usd_long: number;
  cost_usd_short: number;
  data_scanned_bytes_long: number;
  data_scanned_bytes_short: number;
}

function windowedCostAndBytes<R extends Windowed>(w: { long: string; short?: string }): Column<R>[] {
  return [
    { label: `Cost (${w.long})`, right: RIGHT, cell: (r) => usd(r.cost_usd_long) },
    ...(w.short ? [{ label: `Cost (${w.short})`, right: RIGHT, cell: (r: R) => usd(r.cost_usd_short) }] : []),
    { label: `Scanned (${w.long})`, right: RIGHT, cell: (r) => humanBytes(r.data_scanned_bytes_long) },
    ...(w.short ? [{ label: `Scanned (${w.short})`, right: RIGHT, cell: (r: R) => humanBytes(r.data_scanned_bytes_short) }] : []),
  ];
}

export const PLANS: { readonly [K in keyof typeof SAVED]?: Plan } = {
  top_scanners: (result) => {
    const rows = savedRows(SAVED.top_scanners, result);
    const names = new PrincipalNames(rows.map((r) => r.principal));
    // The IAM principal column repeated the role of each session (`Role/session`); the rank is the row order.
    // Past seven columns with the account: the largest query gives way (Heaviest queries has it).
    const account = accountColumn(rows, (r) => r.account_id);
    const columns: Column<(typeof rows)[number]>[] = [
      { label: "Principal", cell: (r) => names.cell(r.principal) },
      { label: "Cost", right: RIGHT, cell: (r) => usd(r.cost_usd) },
      { label: "Scanned", right: RIGHT, cell: (r) => humanBytes(r.data_scanned_bytes) },
      { label: "Queries", right: RIGHT, cell: (r) => count(r.queries) },
      { label: "Failed or cancelled", right: RIGHT, cell: (r) => count(r.failed_or_cancelled) },
      ...(account.length === 0
        ? [{ label: "Largest query", right: RIGHT, cell: (r: (typeof rows)[number]) => humanBytes(r.largest_query_bytes) }]
        : []),
      ...account,
      { label: "Type", cell: (r) => principalType(r.principal_type) },
    ];
    return { context: [], tables: [table(rows, columns, { notes: namesNote(names) })] };
  },

  heaviest_queries: (result, _period, options) => {
    const rows = savedRows(SAVED.heaviest_queries, result);
    const names = new PrincipalNames(rows.map((r) => r.principal));
    const cost = (r: (typeof rows)[number]) => {
      const amount = r.cost_usd === null ? "unknown" : usd(r.cost_usd);
      return !r.state || r.state === "SUCCEEDED" ? amount : `${amount} (${markdownText(r.state.toLowerCase())})`;
    };
    const where = (r: (typeof rows)[number]) =>
      [r.database_name, r.work_group === null ? null : `(${r.work_group})`].filter((part) => part !== null).join(" ");
    const main = table(
      rows,
      [
        { label: "#", right: RIGHT, cell: (r) => count(r.rank) },
        { label: "Scanned", right: RIGHT, cell: (r) => humanBytes(r.data_scanned_bytes) },
        { label: "Cost", right: RIGHT, cell: cost },
        { label: "Run time", right: RIGHT, cell: (r) => (r.total_execution_ms === null ? "" : duration(r.total_execution_ms)) },
        { label: "Principal", cell: (r) => names.cell(r.principal) },
        { label: "Database (work group)", cell: (r) => markdownText(where(r)) },
        { label: "Query", cell: (r) => queryText(r.query_text, options) },
      ],
      { notes: namesNote(names) },
    );
    // The 36-character ids and the start times, by row number: what it takes to look a query up.
    const ids = table(
      rows,
      [
        { label: "#", right: RIGHT, cell: (r) => count(r.rank) },
        { label: "Query id", cell: (r) => codeSpan(r.query_execution_id) },
        { label: "Started (UTC)", cell: (r) => (r.event_time === null ? "" : instant(r.event_time)) },
        { label: "Region", cell: (r) => markdownText(r.region) },
        ...accountColumn(rows, (r) => r.account_id),
      ],
      { title: "Query ids" },
    );
    return { context: [], tables: rows.length === 0 ? [main] : [main, ids] };
  },

  usage_daily: (result) => {
    const rows = savedRows(SAVED.usage_daily, result);
    const columns: Column<(typeof rows)[number]>[] = [
      { label: "Day", cell: (r) => markdownText(r.day) },
      { label: "Cost", right: RIGHT, cell: (r) => usd(r.cost_usd) },
      { label: "Scanned", right: RIGHT, cell: (r) => humanBytes(r.data_scanned_bytes) },
      { label: "Queries", right: RIGHT, cell: (r) => count(r.queries) },
      { label: "Principals", right: RIGHT, cell: (r) => count(r.principals) },
      { label: "Failed or cancelled", right: RIGHT, cell: (r) => count(r.failed_or_cancelled) },
    ];
    return { context: [], tables: [table(rows, columns)] };
  },

  usage_by_principal: (result, period) => {
    const rows = savedRows(SAVED.usage_by_principal, result);
    const names = new PrincipalNames(rows.map((r) => r.principal));
    const w = windows(period);
    // The short window's query count is left out: its cost and bytes say whether a principal went quiet.
    const columns: Column<(typeof rows)[number]>[] = [
      { label: "Principal", cell: (r) => names.cell(r.principal) },
      ...windowedCostAndBytes<(typeof rows)[number]>(w),
      { label: `Queries (${w.long})`, right: RIGHT, cell: (r) => count(r.queries_long) },
      { label: "Last active", cell: (r) => markdownText(r.last_active_day) },
    ];
    return { context: w.context, tables: [table(rows, columns, { notes: namesNote(names) })] };
  },

  usage_by_workgroup: (result, period) => {
    const rows = savedRows(SAVED.usage_by_workgroup, result);
    const w = windows(period);
    const account = accountColumn(rows, (r) => r.account_id);
    const columns: Column<(typeof rows)[number]>[] = [
      { label: "Work group", cell: (r) => markdownText(r.work_group) },
      ...windowedCostAndBytes<(typeof rows)[number]>(w),
      { label: `Queries (${w.long})`, right: RIGHT, cell: (r) => count(r.queries_long) },
      // Past seven columns with the account and both windows: the principals give way (Usage by account has them).
      ...(w.short && account.length > 0
        ? []
        : [{ label: `Principals (${w.long})`, right: RIGHT, cell: (r: (typeof rows)[number]) => count(r.principals_long) }]),
      ...account,
    ];
    return { context: w.context, tables: [table(rows, columns)] };
  },

  cost_by_table: (result) => {
    const rows = savedRows(SAVED.cost_by_table, result);
    const columns: Column<(typeof rows)[number]>[] = [
      { label: "Table name", cell: (r) => markdownText(r.table_name) },
      { label: "Cost", right: RIGHT, cell: (r) => usd(r.cost_usd) },
      { label: "Scanned", right: RIGHT, cell: (r) => humanBytes(r.data_scanned_bytes) },
      { label: "Queries", right: RIGHT, cell: (r) => count(r.queries) },
      { label: "Shared queries", right: RIGHT, cell: (r) => count(r.shared_queries) },
      { label: "Principals", right: RIGHT, cell: (r) => count(r.principals) },
      ...accountColumn(rows, (r) => r.account_id),
    ];
    return { context: [], tables: [table(rows, columns)] };
  },

  principal_profiles: (result) => {
    const rows = savedRows(SAVED.principal_profiles, result);
    const names = new PrincipalNames(rows.map((r) => r.iam_principal_arn));
    const kind = (r: (typeof rows)[number]) => {
      const type = r.principal_type === "IAMUser" ? "user" : r.principal_type === "AssumedRole" ? "role" : principalType(r.principal_type);
      return `${[r.kind, type].filter(Boolean).join(" ")} · ${markdownText(r.client_families)}`;
    };
    const columns: Column<(typeof rows)[number]>[] = [
      { label: "IAM principal", cell: (r) => names.cell(r.iam_principal_arn) },
      { label: "Cost", right: RIGHT, cell: (r) => usd(r.cost_usd) },
      { label: "Scanned", right: RIGHT, cell: (r) => humanBytes(r.data_scanned_bytes) },
      { label: "Queries", right: RIGHT, cell: (r) => count(r.queries) },
      { label: "Callers", right: RIGHT, cell: (r) => count(r.callers) },
      { label: "Kind · clients", cell: kind },
      { label: "Databases (work groups)", cell: (r) => `${markdownText(r.databases)} (${markdownText(r.work_groups)})` },
    ];
    // When each was active: the same two days on most rows, so said once, with the exceptions.
    const span = (r: (typeof rows)[number]) => `${r.first_active_day} to ${r.last_active_day}`;
    const spans = new Map<string, number>();
    for (const r of rows) spans.set(span(r), (spans.get(span(r)) ?? 0) + 1);
    const usual = [...spans].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
    const others = rows.filter((r) => span(r) !== usual);
    const context =
      usual === undefined ? [] : [`${others.length === 0 ? "Each" : "Unless noted below, each"} was active from ${markdownText(usual)}.`];
    const notes = [
      ...(others.length === 0
        ? []
        : [`Active otherwise: ${others.map((r) => `${names.cell(r.iam_principal_arn)} from ${markdownText(span(r))}`).join("; ")}.`]),
      ...namesNote(names),
    ];
    return { context, tables: [table(rows, columns, { notes })] };
  },

  shared_principals: (result) => {
    const rows = savedRows(SAVED.shared_principals, result);
    const names = new PrincipalNames(rows.map((r) => r.iam_principal_arn));
    // The counts are the lists' lengths; a list cut short by the query says how long it was.
    const list = (items: string, n: number) => {
      const shown = items.split(",").filter((item) => item.trim() !== "").length;
      return `${markdownText(items, 200)}${shown < n ? ` (${count(n)} in all)` : ""}`;
    };
    const columns: Column<(typeof rows)[number]>[] = [
      { label: "IAM principal", cell: (r) => names.cell(r.iam_principal_arn) },
      { label: "Cost", right: RIGHT, cell: (r) => usd(r.cost_usd) },
      { label: "Queries", right: RIGHT, cell: (r) => count(r.queries) },
      { label: "User agents", right: RIGHT, cell: (r) => count(r.user_agents) },
      { label: "Client families", cell: (r) => list(r.client_family_list, r.client_families) },
      { label: "Source networks", cell: (r) => list(r.source_network_list, r.source_networks) },
    ];
    return { context: [], tables: [table(rows, columns, { notes: namesNote(names) })] };
  },

  failed_and_cancelled: (result) => {
    const rows = savedRows(SAVED.failed_and_cancelled, result);
    const names = new PrincipalNames(rows.map((r) => r.principal));
    type R = (typeof rows)[number];
    const cancelled = rows.filter((r) => r.state === "CANCELLED");
    const failed = rows.filter((r) => r.state === "FAILED");
    const principal: Column<R> = { label: "Principal", cell: (r) => names.cell(r.principal) };
    const cost: Column<R> = { label: "Cost", right: RIGHT, cell: (r) => usd(r.cost_usd) };
    const scanned: Column<R> = { label: "Scanned", right: RIGHT, cell: (r) => humanBytes(r.data_scanned_bytes) };
    const queries: Column<R> = { label: "Queries", right: RIGHT, cell: (r) => count(r.queries) };
    const engine: Column<R> = { label: "Engine time", right: RIGHT, cell: (r) => duration(r.engine_execution_ms) };
    const run: Column<R> = { label: "Run time", right: RIGHT, cell: (r) => duration(r.total_execution_ms) };
    const error: Column<R> = {
      label: "Error type",
      cell: (r) =>
        [r.error_type === null ? null : String(r.error_type), r.error_category === null ? null : `(${r.error_category})`]
          .filter(Boolean)
          .join(" "),
    };
    const example: Column<R> = { label: "Example error", cell: (r) => markdownText(r.example_error, 300) };
    // Failed queries are free: their cost column would say $0.00 on every row, unless one is not.
    const failedCost = failed.some((r) => r.cost_usd !== 0) ? [cost] : [];
    return {
      context: [],
      tables: [
        table(cancelled, [principal, cost, scanned, queries, engine, run], {
          title: "Cancelled: billed for what they scanned",
          empty: "None in this period.",
        }),
        table(failed, [principal, ...failedCost, run, engine, queries, scanned, error, example], {
          title: "Failed: free, but they took time",
          empty: "None in this period.",
          notes: namesNote(names),
        }),
      ],
    };
  },

  permission_gaps: permissionGapsPlan,

  data_coverage: (result) => {
    // Only the exceptions, in words, under a calendar of every region-day.
    const rows = savedRows(SAVED.data_coverage, result);
    const summary = coverageSummary(rows);
    const columns: Column<CoverageException>[] = [
      { label: "Day", cell: (e) => markdownText(e.day) },
      { label: "Region", cell: (e) => markdownText(e.region) },
      { label: "Coverage", cell: (e) => markdownText(e.coverage) },
      { label: "What is missing", cell: (e) => markdownText(e.detail, 400) },
    ];
    return {
      context: [],
      chart: `${coverageHeadline(summary)}.\n\n${coverageCalendar(rows)}`,
      tables: [table(summary.exceptions, columns, { empty: "Every region-day is complete." })],
    };
  },

  usage_by_account: accountsPlan,
  bill_reconciliation: reconciliationPlan,
  witness_disagreements: witnessPlan,
  anomalies: anomaliesPlan,
  access_by_engine: accessByEnginePlan,
};

const NUMERIC_TYPES = /^(?:bigint|integer|int|smallint|tinyint|hugeint|double|real|float|decimal)/;

/**
 * A page without a plan (a new saved query): every column, the first as the name, then the numbers
 * (right-aligned), then the rest; principals shown short, query text redacted, query shapes as code.
 * Types come from the query's declared columns, which both engines return alike.
 */
export function defaultPlan(result: QueryResult, _period: Period, options: RenderOptions, query: SavedQuery): Shaped {
  const declared = new Map(query.columns.map((c) => [c.name, c.type as string]));
  const [first, ...rest] = result.columns.map((c) => ({ name: c.name, type: declared.get(c.name) ?? c.type }));
  const numeric = (c: { name: string; type: string }) => NUMERIC_TYPES.test(c.type) && !c.name.endsWith("_type");
  const ordered = first === undefined ? [] : [first, ...rest.filter(numeric), ...rest.filter((c) => !numeric(c))];
  const principalColumns = ordered.filter((c) => c.name.includes("principal") && !numeric(c)).map((c) => c.name);
  const names = new PrincipalNames(result.rows.flatMap((row) => principalColumns.map((c) => row[c])));
  const cell = (name: string, value: Row[string]) => {
    if (name === "query_text") return queryText(typeof value === "string" ? value : null, options);
    // Already normalised (values masked) by its query.
    if (name === "query_shape") return codeSpan(value);
    return principalColumns.includes(name) ? names.cell(value) : formatByColumn(name, value);
  };
  const columns: Column<Row>[] = ordered.map((c) => ({
    label: columnLabel(c.name),
    right: numeric(c),
    cell: (row) => cell(c.name, row[c.name]),
  }));
  return { context: [], tables: [table(result.rows, columns, { notes: namesNote(names) })] };
}
