/**
 * Named SQL parameters. The SQL files name what they take (`dt BETWEEN :window_from AND
 * :window_to`); neither engine accepts names, both accept `?` markers with the values in marker
 * order (Athena's ExecutionParameters, DuckDB's prepared statements). This binder is the one place
 * that turns one into the other, so no caller ever counts positions.
 */
import type { QueryParameter, QueryParameters } from "./engine";
import { InputError } from "../core/errors";

/**
 * String literals, quoted identifiers and comments: text in which a `:` or `?` is not a marker
 * (`'$.queryExecutionId'`, `'00:00:00'`, a comment that says `:day`). A regular-expression source,
 * so test code that emulates Athena's positional side can skip the same spans.
 */
export const LITERALS_AND_COMMENTS = String.raw`'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|/\*[\s\S]*?\*/`;

/**
 * A marker outside literals and comments: `:name`, or a bare `?`. A `:` after another `:` is
 * DuckDB's `x::varchar` cast, and one after a word character is an array slice (`a[i:j]`), so
 * neither starts a name.
 */
const TOKENS = new RegExp(`${LITERALS_AND_COMMENTS}|(?<![:\\w]):([A-Za-z_][A-Za-z0-9_]*)|\\?`, "g");

/** SQL text with string literals, quoted identifiers and comments blanked out. */
export function stripLiteralsAndComments(sql: string): string {
  return sql.replace(new RegExp(LITERALS_AND_COMMENTS, "g"), " ");
}

export interface PositionalSql {
  /** The SQL with each `:name` replaced by `?`; literals and comments as they were. */
  sql: string;
  /** The name behind each `?`, in order: a name the SQL uses twice is listed twice. */
  names: string[];
}

function where(queryName: string | undefined): string {
  return queryName ? `query ${queryName}: ` : "";
}

/** The `?` form of named SQL and the name behind each marker. Refuses bare `?` markers: they would shift every position after them. */
export function positionalSql(sql: string, queryName?: string): PositionalSql {
  const names: string[] = [];
  const text = sql.replace(TOKENS, (match, name: string | undefined) => {
    if (name !== undefined) {
      names.push(name);
      return "?";
    }
    if (match === "?") throw new InputError(`${where(queryName)}the SQL has a positional ? marker; name each parameter (:name)`);
    return match;
  });
  return { sql: text, names };
}

/** The names a SQL text takes, each once, in the order they first appear. */
export function parameterNames(sql: string): string[] {
  return [...new Set(positionalSql(sql).names)];
}

export interface BoundSql {
  sql: string;
  /** One value per `?` marker, in order. */
  values: QueryParameter[];
}

/**
 * Binds a name -> value map to named SQL. A name the SQL uses without a value, and a value whose
 * name the SQL does not use (a misspelling, or a parameter the SQL lost), both fail with the name:
 * either would otherwise surface as a wrong result or an engine error far from the cause.
 */
export function bindParameters(sql: string, parameters: QueryParameters = {}, queryName?: string): BoundSql {
  const { sql: text, names } = positionalSql(sql, queryName);
  const used = new Set(names);
  const unknown = Object.keys(parameters).filter((name) => !used.has(name));
  if (unknown.length > 0) {
    const takes = used.size > 0 ? `it takes ${[...used].map((n) => `:${n}`).join(", ")}` : "it takes none";
    throw new InputError(`${where(queryName)}the SQL has no parameter ${unknown.map((n) => `:${n}`).join(", ")} (${takes})`);
  }
  const values: QueryParameter[] = [];
  const missing = new Set<string>();
  for (const name of names) {
    const value = Object.hasOwn(parameters, name) ? parameters[name] : undefined;
    if (value === undefined) missing.add(name);
    else values.push(value);
  }
  if (missing.size > 0) throw new InputError(`${where(queryName)}no value for parameter ${[...missing].map((n) => `:${n}`).join(", ")}`);
  return { sql: text, values };
}
