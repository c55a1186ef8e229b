/**
 * A permission-gap finding: one grant a principal holds but did not use in the window, as the
 * permission_gaps query returns it (one row per principal and grant), with camelCase keys. The
 * reports, the issue sync and its template consume this shape; the query's declared columns (in
 * queries/saved.ts) define it, so a column added there is a field here.
 */
import { SAVED } from "../../queries/saved";
import { camelCase, CamelRow, SavedColumn } from "../../queries/saved-columns";

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

/**
 * A permission_gaps row (its declared snake_case columns) or a findings-file entry (the same
 * names in camelCase, as `--findings` reads them), checked; names what is wrong.
 */
export function toPermissionGap(row: Record<string, unknown>, where: string): PermissionGap {
  const gap: Record<string, unknown> = {};
  for (const column of SAVED.permission_gaps.columns) {
    const key = camelCase(column.name);
    gap[key] = checked(column, row[key] ?? row[column.name], where);
  }
  return gap as PermissionGap;
}
