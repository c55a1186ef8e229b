/**
 * What a saved query returns, declared: each output column's name, its type as Athena reports it,
 * and whether it can be null. Each saved query holds one list; rows typed from it let the pages,
 * the findings and the tests name a column only where TypeScript checks the name.
 */
import { QueryResult } from "../engine";

/** Athena's name for a result column's type (DuckDB's differ: the test maps them, see test/support/athena-duckdb.ts). */
export type ResultType = "varchar" | "bigint" | "double" | "boolean" | "timestamp";

export interface SavedColumn {
  readonly name: string;
  readonly type: ResultType;
  /** The query can return null here; typed rows say so, and the test checks the others never are. */
  readonly nullable?: boolean;
  /** The only values the query returns here (e.g. `high`, `low`); typed rows narrow to them. */
  readonly values?: readonly string[];
  readonly comment?: string;
}

/** The TypeScript value of one cell, as the engines return it (timestamps as ISO-8601 text). */
export type CellOf<C extends SavedColumn> =
  | (C extends { values: readonly (infer V)[] }
      ? V
      : C["type"] extends "bigint" | "double"
        ? number
        : C["type"] extends "boolean"
          ? boolean
          : string)
  | (C extends { nullable: true } ? null : never);

interface Declared {
  readonly columns: readonly SavedColumn[];
}

/** A row of a saved query, keyed by its declared column names. */
export type SavedRow<Q extends Declared> = {
  -readonly [C in Q["columns"][number] as C["name"]]: CellOf<C>;
};

/** `principal_last_active` -> `principalLastActive`, as a type. */
type Camel<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;

/** A row with camelCase keys: the shape JSON consumers (the findings file, the issue templates) use. */
export type CamelRow<Q extends Declared> = {
  -readonly [C in Q["columns"][number] as Camel<C["name"]>]: CellOf<C>;
};

export function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** A row of a saved query with camelCase keys, values as they are (the findings checker checks them: reports/issues/findings.ts). */
export function camelRow<Q extends Declared>(_query: Q, row: SavedRow<Q>): CamelRow<Q> {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [camelCase(key), value])) as CamelRow<Q>;
}

/**
 * The rows of a saved query's result, typed by its declaration. Not checked at run time: the saved
 * queries test checks on DuckDB that each query returns exactly its declared columns and types.
 */
export function savedRows<Q extends Declared>(_query: Q, result: Pick<QueryResult, "rows">): SavedRow<Q>[] {
  return result.rows as unknown as SavedRow<Q>[];
}
