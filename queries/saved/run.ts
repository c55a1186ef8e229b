/** A saved query's SQL text, as the engines run it and as Athena's console shows it, and running it for a period. */
import { QueryEngine, QueryResult } from "../engine";
import { positionalSql } from "../parameters";
import { readSql } from "../sql-files";
import { DEFAULT_OPTIONS, Period, SavedQuery, SavedQueryOptions } from "./query";

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
