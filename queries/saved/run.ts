/** A saved query's SQL text, as the engines run it and as Athena's console shows it, and running it for a period. */
import { billingParameters, DEFAULT_TB, TB_DEFINITIONS, TbDefinition } from "../../core/cost";
import { QueryEngine, QueryResult } from "../engine";
import { LITERALS_AND_COMMENTS, positionalSql } from "../parameters";
import { readSql } from "../sql-files";
import { DEFAULT_OPTIONS, Period, SavedQuery, SavedQueryOptions } from "./query";

/** The query's SQL as written, with named parameters: what the engines run. */
export function savedQuerySql(query: SavedQuery): string {
  return readSql(query.name);
}

/** Named markers outside literals and comments, as the binder reads them. */
const MARKERS = new RegExp(`${LITERALS_AND_COMMENTS}|(?<![:\\w]):([A-Za-z_][A-Za-z0-9_]*)`, "g");

/** The SQL with the markers `numbers` names written in as numbers. */
function withNumbers(sql: string, numbers: Readonly<Record<string, number>>): string {
  return sql.replace(MARKERS, (match, name: string | undefined) =>
    name !== undefined && Object.hasOwn(numbers, name) ? String(numbers[name]) : match,
  );
}

/**
 * The text of the query's Athena named query. Athena takes no named parameters, so it is the `?`
 * form, headed by a comment listing the parameters in the order the console asks for them. The
 * price's numbers are written in, for `tb`: a query that shows cost repeats them at each price, and
 * the console would ask for each.
 */
export function namedQuerySql(query: SavedQuery, tb: TbDefinition = DEFAULT_TB): string {
  const written = withNumbers(savedQuerySql(query), { ...billingParameters(tb) });
  const { sql, names } = positionalSql(written, query.name);
  const priced = written === savedQuerySql(query) ? [] : [`-- Costs in ${TB_DEFINITIONS[tb].text}.`];
  if (names.length === 0) return [...priced, sql].join("\n");
  const order = names.map((name, i) => `--   ${i + 1}. ${name}`);
  return [`-- Parameters, in the order the console asks for them (text in quotes: '2026-10-31'):`, ...order, ...priced, sql].join("\n");
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
