/**
 * Findings as the issue sync reads them: rows of a saved query (its declared snake_case columns) or
 * entries of a findings file (the same names in camelCase), checked column by column. The query's
 * declared columns (in queries/saved.ts) define each shape, so a column added there is a field here.
 *
 * A permission-gap finding is one grant a principal holds but did not use in the window (one row
 * per principal and grant); an anomaly is one unusual thing a principal did on one day.
 */
import * as fs from "node:fs";
import { InputError } from "../../core/errors";
import { SAVED } from "../../queries/saved";
import { camelCase, CamelRow, SavedColumn } from "../../queries/saved-columns";
import { Anomaly } from "../pages/anomaly-words";

export type PermissionGap = CamelRow<typeof SAVED.permission_gaps>;

/** Findings grouped by principal, principals and grants in a stable order. */
export function byPrincipal(findings: readonly PermissionGap[]): Map<string, PermissionGap[]> {
  const groups = new Map<string, PermissionGap[]>();
  for (const f of [...findings].sort(
    (a, b) =>
      a.principalArn.localeCompare(b.principalArn) || a.grantKind.localeCompare(b.grantKind) || a.resource.localeCompare(b.resource),
  )) {
    groups.set(f.principalArn, [...(groups.get(f.principalArn) ?? []), f]);
  }
  return groups;
}

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
    const choices = `${column.values.slice(0, -1).join(", ")} or ${column.values[column.values.length - 1]}`;
    throw new Error(`${where}: ${column.name} must be ${choices}, got ${JSON.stringify(value)}`);
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

export function toPermissionGap(row: Record<string, unknown>, where: string): PermissionGap {
  return toFinding(SAVED.permission_gaps, row, where);
}

export function toAnomaly(row: Record<string, unknown>, where: string): Anomaly {
  return toFinding(SAVED.anomalies, row, where);
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
