/**
 * The other side of the binder, for the local Athena server: what it receives is positional (`?`
 * markers and ExecutionParameters as SQL literals), as on Athena. These helpers give the scripts
 * and the DuckDB stand-in values by name again, so no test reads a parameter by its position.
 */
import { QueryParameter } from "../../queries/engine";
import { LITERALS_AND_COMMENTS, positionalSql } from "../../queries/parameters";
import { readSql } from "../../queries/sql-files";
import { at } from "./defined";

/** An ExecutionParameters literal back to its value: `'it''s'` -> `it's`, `20` -> 20. */
export function fromLiteral(literal: string): QueryParameter {
  return literal.startsWith("'") ? literal.slice(1, -1).replace(/''/g, "'") : Number(literal);
}

/**
 * The values a server received for named SQL, by name: the binder's marker order for `namedSql`
 * zipped with `received`. Fails unless the counts agree and each repeated name got one value.
 */
export function receivedParameters(namedSql: string, received: readonly string[] = []): Record<string, QueryParameter> {
  const { names } = positionalSql(namedSql);
  if (names.length !== received.length)
    throw new Error(`the SQL has ${names.length} markers, the server received ${received.length} values`);
  const values: Record<string, QueryParameter> = {};
  names.forEach((name, i) => {
    const value = fromLiteral(at(received, i, `the value of :${name}`));
    if (name in values && values[name] !== value)
      throw new Error(`:${name} received both ${JSON.stringify(values[name])} and ${JSON.stringify(value)}`);
    values[name] = value;
  });
  return values;
}

/** Positional SQL as received, its markers named `:p1`, `:p2`, ... with their values: what the engines run. */
export function namedFromPositional(
  sql: string,
  received: readonly string[] = [],
): { sql: string; parameters: Record<string, QueryParameter> } {
  let n = 0;
  const named = sql.replace(new RegExp(`${LITERALS_AND_COMMENTS}|\\?`, "g"), (m) => (m === "?" ? `:p${++n}` : m));
  if (n !== received.length) throw new Error(`the SQL has ${n} markers, the server received ${received.length} values`);
  return { sql: named, parameters: Object.fromEntries(received.map((literal, i) => [`p${i + 1}`, fromLiteral(literal)])) };
}

/** The events partition a received join (`INSERT INTO events` of events_join.sql) writes: its `:day` and `:region`. */
export function joinedPartition(received: readonly string[] = []): { day: string; region: string } {
  const { day, region } = receivedParameters(readSql("events_join"), received);
  if (typeof day !== "string" || typeof region !== "string") throw new Error(`not the join's parameters: ${received.join(", ")}`);
  return { day, region };
}
