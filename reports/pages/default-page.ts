/**
 * The page of a saved query whose rows read well as they are (a new query until it has its own
 * module, or a test's own): every column, the first as the name, then the
 * numbers (right-aligned), then the rest; principals shown short, query text redacted, query
 * shapes as code. Types come from the query's declared columns, which both engines return alike.
 */
import { Row } from "../../queries/engine";
import { DEFAULT_OPTIONS, SAVED } from "../../queries/saved";
import { queryText } from "./columns";
import { codeSpan, formatByColumn, namesNote, PrincipalNames } from "./format";
import { Column, table } from "./table";
import type { Page } from "./types";

/** Any saved query's column name: a label for a column no query returns fails to compile. */
type SavedColumnName = (typeof SAVED)[keyof typeof SAVED]["columns"][number]["name"];

const LABELS: Partial<Record<SavedColumnName, string>> = {
  data_scanned_bytes: "Scanned",
  cost_usd: "Cost",
  iam_principal_arn: "IAM principal",
  principal_arn: "Principal",
  failed_or_cancelled: "Failed or cancelled",
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

const NUMERIC_TYPES = /^(?:bigint|integer|int|smallint|tinyint|hugeint|double|real|float|decimal)/;

export const defaultPage: Page = (result, _period, options, query) => {
  const declared = new Map(query.columns.map((c) => [c.name, c.type as string]));
  const [first, ...rest] = result.columns.map((c) => ({ name: c.name, type: declared.get(c.name) ?? c.type }));
  const numeric = (c: { name: string; type: string }) => NUMERIC_TYPES.test(c.type) && !c.name.endsWith("_type");
  const ordered = first === undefined ? [] : [first, ...rest.filter(numeric), ...rest.filter((c) => !numeric(c))];
  const principalColumns = ordered.filter((c) => c.name.includes("principal") && !numeric(c)).map((c) => c.name);
  // Both engines give every row each column of the result; a cell without one shows empty, as NULL.
  const names = new PrincipalNames(result.rows.flatMap((row) => principalColumns.map((c) => row[c] ?? null)));
  const cell = (name: string, value: Row[string]) => {
    if (name === "query_text") return queryText(typeof value === "string" ? value : null, options);
    // Already normalised (values masked) by its query.
    if (name === "query_shape") return codeSpan(value);
    return principalColumns.includes(name) ? names.cell(value) : formatByColumn(name, value);
  };
  const columns: Column<Row>[] = ordered.map((c) => ({
    label: columnLabel(c.name),
    right: numeric(c),
    cell: (row) => cell(c.name, row[c.name] ?? null),
  }));
  return { context: [], tables: [table(result.rows, columns, { notes: namesNote(names) })] };
};
