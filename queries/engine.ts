/** The one small interface both engines implement: run SQL with positional parameters. */

/** A positional `?` parameter: strings become SQL string literals, numbers numeric literals. */
export type QueryParameter = string | number;

/** A typed cell: timestamps as ISO-8601 UTC strings, dates as YYYY-MM-DD, integers as numbers. */
export type Value = string | number | boolean | null;

export type Row = Record<string, Value>;

export interface ColumnInfo {
  name: string;
  /** The engine's type name, lower-case (`varchar`, `bigint`, `double`, `timestamp`, ...). */
  type: string;
}

export interface QueryResult {
  columns: ColumnInfo[];
  rows: Row[];
  /** What the query scanned and is billed for; the embedded engine bills nothing. */
  bytesScanned: number;
  /** Athena's execution id; absent on the embedded engine. */
  queryId?: string;
}

export interface QueryEngine {
  readonly kind: "athena" | "duckdb";
  run(sql: string, parameters?: readonly QueryParameter[]): Promise<QueryResult>;
  close(): Promise<void>;
}

/** Counts the `?` markers outside string literals and comments: the parameters a SQL text takes. */
export function countParameters(sql: string): number {
  return stripLiteralsAndComments(sql).split("?").length - 1;
}

/** SQL text with string literals, quoted identifiers and comments blanked out. */
export function stripLiteralsAndComments(sql: string): string {
  return sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\/\*[\s\S]*?\*\//g, " ");
}
