/** Athena's result cells are text; this turns them into typed values by the column's type. */
import type { ColumnInfo as AthenaColumn, Datum } from "@aws-sdk/client-athena";
import { ColumnInfo, Value } from "../engine";
import { InputError } from "../../core/errors";
import { defined } from "../../core/checks";
import { BoundSql, LITERALS_AND_COMMENTS } from "../parameters";

export function columnsOf(metadata: readonly AthenaColumn[] | undefined): ColumnInfo[] {
  return (metadata ?? []).map((c) => ({ name: c.Label ?? c.Name ?? "", type: (c.Type ?? "varchar").toLowerCase() }));
}

/** `2024-01-02 03:04:05.678` (Athena, UTC) to `2024-01-02T03:04:05.678Z`. */
function isoTimestamp(text: string): string {
  const [date, time = "00:00:00"] = splitOnce(text, " ");
  const [hms, fraction = ""] = splitOnce(time, ".");
  return `${date}T${hms}.${(fraction + "000").slice(0, 3)}Z`;
}

/** The text before the first `separator`, and the text after it when there is one. */
function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + separator.length)];
}

export function toValue(text: string | undefined, type: string): Value {
  if (text === undefined) return null;
  switch (type) {
    case "tinyint":
    case "smallint":
    case "integer":
    case "int":
    case "bigint":
    case "double":
    case "float":
    case "real":
    case "decimal":
      return Number(text);
    case "boolean":
      return text === "true";
    case "timestamp":
      return isoTimestamp(text);
    default:
      return text;
  }
}

export function rowOf(data: readonly Datum[], columns: readonly ColumnInfo[]): Record<string, Value> {
  const row: Record<string, Value> = {};
  columns.forEach((c, i) => (row[c.name] = toValue(data[i]?.VarCharValue, c.type.replace(/\(.*$/, ""))));
  return row;
}

/** Whether a row is the header Athena puts first in a SELECT's results. */
export function isHeaderRow(data: readonly Datum[], columns: readonly ColumnInfo[]): boolean {
  return data.length === columns.length && columns.every((c, i) => data[i]?.VarCharValue === c.name);
}

/** A parameter as Athena's ExecutionParameters want it: the literal's SQL text. */
export function toAthenaLiteral(value: string | number): string {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new InputError(`parameter ${value} is not a finite number`);
    return String(value);
  }
  return `'${value.replace(/'/g, "''")}'`;
}

/** Athena's limit on each ExecutionParameters member, in characters (its API model: min 1, max 1024). */
export const EXECUTION_PARAMETER_MAX = 1024;

/**
 * A string parameter as literals of at most `max` characters each: the value cut into pieces whose
 * literal text (quotes doubled) fits, so a list of 200 accounts travels as several parameters and
 * the SQL joins them again (`? || ? || ?`). A piece never ends inside a doubled quote.
 */
export function literalPieces(value: string, max = EXECUTION_PARAMETER_MAX): string[] {
  const pieces: string[] = [];
  let piece = "";
  let length = 2; // the piece's two quotes
  for (const char of value) {
    const size = char === "'" ? 2 : char.length;
    if (length + size > max) {
      pieces.push(`'${piece.replace(/'/g, "''")}'`);
      piece = "";
      length = 2;
    }
    piece += char;
    length += size;
  }
  pieces.push(`'${piece.replace(/'/g, "''")}'`);
  return pieces;
}

/**
 * Bound SQL and its values as Athena takes them: each value a literal within Athena's limit, a
 * longer string split over several markers joined by `||` in the SQL (in parentheses, so the
 * concatenation binds as the one value did). Markers are the `?` outside literals and comments.
 */
export function athenaExecution(bound: BoundSql, max = EXECUTION_PARAMETER_MAX): { sql: string; parameters: string[] } {
  const literals = bound.values.map((value) => (typeof value === "string" ? literalPieces(value, max) : [toAthenaLiteral(value)]));
  let marker = 0;
  const sql = bound.sql.replace(new RegExp(`${LITERALS_AND_COMMENTS}|\\?`, "g"), (match) => {
    if (match !== "?") return match;
    const pieces = defined(literals[marker++], "a value for each ? marker of the bound SQL");
    return pieces.length === 1 ? "?" : `(${pieces.map(() => "?").join(" || ")})`;
  });
  return { sql, parameters: literals.flat() };
}
