/**
 * Column types of the audit's tables, written once and rendered for each consumer:
 * Glue/Hive type strings for the catalog, DuckDB type strings for the embedded views.
 */

export type ScalarKind = "string" | "bigint" | "int" | "double" | "boolean" | "timestamp";

export type ColumnType =
  | { readonly kind: ScalarKind }
  | { readonly kind: "struct"; readonly fields: readonly Field[] }
  | { readonly kind: "array"; readonly of: ColumnType };

export interface Field {
  /** Name as it appears in the source document (JSON key); Glue and SQL use it lower-cased. */
  readonly name: string;
  readonly type: ColumnType;
  /** Read as raw JSON text (CloudTrail's free-form request/response documents). */
  readonly json?: boolean;
  readonly comment?: string;
}

export const string: ColumnType = { kind: "string" };
export const bigint: ColumnType = { kind: "bigint" };
export const int: ColumnType = { kind: "int" };
export const double: ColumnType = { kind: "double" };
export const boolean: ColumnType = { kind: "boolean" };
export const timestamp: ColumnType = { kind: "timestamp" };

/** A struct from `{ Key: type }` in source-document key order. */
export function struct(fields: Record<string, ColumnType>): ColumnType {
  return { kind: "struct", fields: Object.entries(fields).map(([name, type]) => ({ name, type })) };
}

export function array(of: ColumnType): ColumnType {
  return { kind: "array", of };
}

/** Free-form JSON document, stored as its JSON text. */
export function jsonText(name: string, comment?: string): Field {
  return { name, type: string, json: true, comment };
}

/** The SQL name of a field: lower-case, as Glue stores it and as the saved SQL spells it. */
export function sqlName(field: Pick<Field, "name">): string {
  return field.name.toLowerCase();
}

const GLUE_SCALARS: Record<ScalarKind, string> = {
  string: "string",
  bigint: "bigint",
  int: "int",
  double: "double",
  boolean: "boolean",
  timestamp: "timestamp",
};

/** Hive type string for a Glue column, e.g. `struct<state:string,athenaerror:struct<...>>`. */
export function glueType(type: ColumnType): string {
  switch (type.kind) {
    case "struct":
      return `struct<${type.fields.map((f) => `${sqlName(f)}:${glueType(f.type)}`).join(",")}>`;
    case "array":
      return `array<${glueType(type.of)}>`;
    default:
      return GLUE_SCALARS[type.kind];
  }
}

const DUCK_SCALARS: Record<ScalarKind, string> = {
  string: "VARCHAR",
  bigint: "BIGINT",
  int: "INTEGER",
  double: "DOUBLE",
  boolean: "BOOLEAN",
  timestamp: "TIMESTAMP",
};

/**
 * DuckDB type string for reading a source document. Struct keys keep the document's spelling
 * (DuckDB matches JSON keys by it); SQL then reaches them case-insensitively, like Athena does.
 */
export function duckType(type: ColumnType, json = false): string {
  if (json) return "JSON";
  switch (type.kind) {
    case "struct":
      return `STRUCT(${type.fields.map((f) => `"${f.name}" ${duckType(f.type, f.json)}`).join(", ")})`;
    case "array":
      return `${duckType(type.of)}[]`;
    default:
      return DUCK_SCALARS[type.kind];
  }
}

/** Every dotted path a type offers below a column (`status.athenaerror.errormessage`, ...). */
export function fieldPaths(name: string, type: ColumnType): string[] {
  const paths = [name];
  if (type.kind === "struct") {
    for (const f of type.fields) paths.push(...fieldPaths(`${name}.${sqlName(f)}`, f.type));
  }
  return paths;
}
