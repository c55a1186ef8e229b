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
  /** The value may be absent (null) in a row; typed rows (`RowOf`) say so. */
  readonly nullable?: boolean;
}

// Literal types (not widened to ColumnType), so a row type can be derived from a definition.
export const string = { kind: "string" } as const;
export const bigint = { kind: "bigint" } as const;
export const int = { kind: "int" } as const;
export const double = { kind: "double" } as const;
export const boolean = { kind: "boolean" } as const;
export const timestamp = { kind: "timestamp" } as const;

/** A struct from `{ Key: type }` in source-document key order. */
export function struct(fields: Record<string, ColumnType>): ColumnType {
  return { kind: "struct", fields: Object.entries(fields).map(([name, type]) => ({ name, type })) };
}

export function array<T extends ColumnType>(of: T): { readonly kind: "array"; readonly of: T } {
  return { kind: "array", of };
}

/** The TypeScript value of a column type in a JSON row (timestamps as ISO-8601 text). */
export type ValueOf<T extends ColumnType> = T extends { kind: "string" | "timestamp" }
  ? string
  : T extends { kind: "bigint" | "int" | "double" }
    ? number
    : T extends { kind: "boolean" }
      ? boolean
      : T extends { kind: "array"; of: infer O extends ColumnType }
        ? ValueOf<O>[]
        : Record<string, unknown>;

/** A row of a table whose definition kept its literal types (`as const satisfies TableDefinition`). */
export type RowOf<T extends { readonly columns: readonly Field[] }> = {
  -readonly [F in T["columns"][number] as F["name"]]: F extends { nullable: true } ? ValueOf<F["type"]> | null : ValueOf<F["type"]>;
};

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
