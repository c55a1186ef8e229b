/** The one small interface both engines implement: run SQL with named parameters. */

/** A parameter's value: strings become SQL string literals, numbers numeric literals. */
export type QueryParameter = string | number;

/** Values by the names the SQL gives them (`:window_from` -> `{ window_from: "2026-10-01" }`); see parameters.ts. */
export type QueryParameters = Readonly<Record<string, QueryParameter>>;

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
  /**
   * Runs SQL whose parameters are named (`:name`) with a value for each name. `queryName` (a saved
   * query's, say) goes into the message when a parameter is missing or not in the SQL.
   */
  run(sql: string, parameters?: QueryParameters, queryName?: string): Promise<QueryResult>;
  close(): Promise<void>;
}
