/**
 * Findings as the issue sync reads them: rows of a saved query (its declared snake_case columns) or
 * entries of a findings file (the same names in camelCase), checked column by column. The query's
 * declared columns (queries/saved/) define each family's shape, so a column added there is a field
 * of its findings.
 */
import * as fs from "node:fs";
import { InputError } from "../../core/errors";
import { camelCase, CamelRow, SavedColumn } from "../../queries/saved";
import { wordList } from "../pages/format";

/** One cell, checked against its declared column; `where` and the column name say what is wrong. */
function checked(column: SavedColumn, value: unknown, where: string): unknown {
  if (column.nullable && (value === null || value === undefined)) return null;
  if (column.type === "bigint" || column.type === "double") {
    // A missing count reads as none (a hand-written findings file may leave it out).
    const n = Number(value ?? 0);
    if (!Number.isFinite(n)) throw new Error(`${where}: ${column.name} must be a number, got ${JSON.stringify(value)}`);
    return n;
  }
  if (column.type === "boolean") {
    if (typeof value !== "boolean") throw new Error(`${where}: ${column.name} must be true or false, got ${JSON.stringify(value)}`);
    return value;
  }
  if (typeof value !== "string" || value === "") throw new Error(`${where}: ${column.name} must be text, got ${JSON.stringify(value)}`);
  if (column.values && !column.values.includes(value)) {
    throw new Error(`${where}: ${column.name} must be ${wordList(column.values, "or")}, got ${JSON.stringify(value)}`);
  }
  return value;
}

interface Declared {
  readonly columns: readonly SavedColumn[];
}

/** A row of `query` (snake_case) or a findings-file entry (camelCase), checked; names what is wrong. */
export function toFinding<Q extends Declared>(query: Q, row: Record<string, unknown>, where: string): CamelRow<Q> {
  const finding: Record<string, unknown> = {};
  for (const column of query.columns) {
    const key = camelCase(column.name);
    finding[key] = checked(column, row[key] ?? row[column.name], where);
  }
  return finding as CamelRow<Q>;
}

/** A findings file: a JSON array of entries, each checked; errors name the file, the entry and the field. */
export function readFindingsFile<F>(file: string, to: (row: Record<string, unknown>, where: string) => F): F[] {
  let rows: unknown;
  try {
    rows = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new InputError(`${file}: ${(error as Error).message}`);
  }
  if (!Array.isArray(rows)) throw new InputError(`${file}: expected a JSON array of findings`);
  return rows.map((row, i) => {
    const where = `${file}[${i}]`;
    if (typeof row !== "object" || row === null || Array.isArray(row)) throw new InputError(`${where}: expected an object`);
    try {
      return to(row as Record<string, unknown>, where);
    } catch (error) {
      throw new InputError((error as Error).message);
    }
  });
}
