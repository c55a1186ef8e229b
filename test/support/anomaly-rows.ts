/**
 * Hand-made rows for the anomalies query, as SQL: the events columns it reads, typed as the table
 * defines them, and any rows turned into a `SELECT … UNION ALL …` a test puts in place of a table.
 */

export type Cell = string | number | boolean | null | string[];

/** The events columns the anomalies query reads, with their DuckDB types. */
export const ANOMALY_EVENT_COLUMNS: [string, string][] = [
  ["dt", "VARCHAR"],
  ["attributed", "BOOLEAN"],
  ["in_history", "BOOLEAN"],
  ["principal_arn", "VARCHAR"],
  ["iam_principal_arn", "VARCHAR"],
  ["principal_type", "VARCHAR"],
  ["on_behalf_of", "VARCHAR"],
  ["query_execution_id", "VARCHAR"],
  ["event_time", "TIMESTAMP"],
  ["source_ip", "VARCHAR"],
  ["client_family", "VARCHAR"],
  ["referenced_tables", "VARCHAR[]"],
  ["state", "VARCHAR"],
  ["error_message", "VARCHAR"],
  ["query_text", "VARCHAR"],
  ["data_scanned_bytes", "BIGINT"],
];

const text = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** A value as a typed SQL literal. */
export function literal(value: Cell, type: string): string {
  if (value === null) return `CAST(NULL AS ${type})`;
  if (Array.isArray(value)) return `CAST([${value.map(text).join(", ")}] AS ${type})`;
  return `CAST(${typeof value === "string" ? text(value) : String(value)} AS ${type})`;
}

/** Rows as a query with the columns' names and types (a missing cell is NULL). */
export function rowsSql(columns: readonly [string, string][], rows: readonly Record<string, Cell>[]): string {
  return rows
    .map((row) => `SELECT ${columns.map(([name, type]) => `${literal(row[name] ?? null, type)} AS ${name}`).join(", ")}`)
    .join(" UNION ALL ");
}
