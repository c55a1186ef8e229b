/**
 * Whether a JSON record fits a table's columns closely enough for the engine to read it. Derived
 * from the table definition; lenient where the engines are (a string column takes any scalar).
 */
import { ColumnType, Field } from "../schema/types";

function problem(value: unknown, type: ColumnType, json: boolean | undefined, at: string): string | undefined {
  if (value === null || value === undefined || json) return undefined;
  switch (type.kind) {
    case "struct": {
      if (typeof value !== "object" || Array.isArray(value)) return `${at}: expected an object`;
      return fieldsProblem(value as Record<string, unknown>, type.fields, `${at}.`);
    }
    case "array": {
      if (!Array.isArray(value)) return `${at}: expected an array`;
      for (let i = 0; i < value.length; i++) {
        const p = problem(value[i], type.of, false, `${at}[${i}]`);
        if (p) return p;
      }
      return undefined;
    }
    case "string":
      return typeof value === "object" ? `${at}: expected text` : undefined;
    case "boolean":
      return typeof value === "boolean" ? undefined : `${at}: expected true or false`;
    default:
      return typeof value === "number" && Number.isFinite(value) ? undefined : `${at}: expected a number`;
  }
}

export function fieldsProblem(record: Record<string, unknown>, fields: readonly Field[], at = ""): string | undefined {
  for (const field of fields) {
    const p = problem(record[field.name], field.type, field.json, `${at}${field.name}`);
    if (p) return p;
  }
  return undefined;
}
