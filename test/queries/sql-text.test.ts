/**
 * The saved SQL as text: it parses under the Athena dialect of node-sql-parser, every column it
 * names exists in the table definitions, and the join writes the events columns in their order.
 */
import { Parser } from "node-sql-parser";
import { describe, expect, it } from "vitest";
import { eventsJoinParameters } from "../../queries/join/parameters";
import { parameterNames, positionalSql, stripLiteralsAndComments } from "../../queries/parameters";
import { DEFAULT_OPTIONS, SAVED_QUERIES, savedQuerySql } from "../../queries/saved";
import { QUERY_EXECUTIONS, systemTableSqlName } from "../../queries/schema/system-tables";
import { EVENTS, sqlColumns, TABLES } from "../../queries/schema/tables";
import { ColumnType, Field, fieldPaths, sqlName } from "../../queries/schema/types";
import { readSql, savedSqlNames } from "../../queries/sql-files";
import { present } from "../support/defined";

const parser = new Parser();

const KEYWORDS = `select from where and or not as with join full outer left inner cross on group by order having
  case when then else end is null in between like distinct over partition desc asc limit union all true false
  cast varchar double bigint integer date timestamp interval day unnest rows unbounded preceding array`.split(/\s+/);
const FUNCTIONS = `count sum max min coalesce nullif greatest ceil lower replace substr row_number count_if bool_or
  json_extract_scalar from_iso8601_timestamp regexp_extract regexp_replace array_join array_sort array_agg sequence strpos
  split_part hour abs split transform min_by filter contains date_diff regexp_like approx_percentile length lpad upper
  starts_with slice max_by array_distinct dense_rank`.split(/\s+/);

/** The fields of an array's struct elements, which a lambda's variable names (`accessed.table_name`). */
function elementFields(type: ColumnType): string[] {
  if (type.kind !== "array") return [];
  return type.of.kind === "struct" ? type.of.fields.flatMap((f: Field) => fieldPaths(sqlName(f), f.type)) : elementFields(type.of);
}

/** Every path a query may name: columns, struct fields below them, partition keys, table names, Athena's system table. */
const PATHS = new Set<string>([
  ...Object.keys(TABLES),
  ...[...Object.values(TABLES), { ...QUERY_EXECUTIONS, partitionKeys: [] }].flatMap((t) => [
    ...t.columns.flatMap((c) => [...fieldPaths(sqlName(c), c.type), ...elementFields(c.type)]),
    ...t.partitionKeys.map((p) => p.name),
  ]),
]);

/** Names the SQL defines itself: `AS alias`, CTE names, `AS t (col)`, and `FROM table alias`. */
function definedNames(sql: string): Set<string> {
  const names = new Set<string>();
  for (const [, alias, column] of sql.matchAll(/\bas\s+([a-z_][a-z0-9_]*)(?:\s*\(\s*([a-z_][a-z0-9_]*)\s*\))?/gi)) {
    names.add(present(alias, "the name after AS").toLowerCase());
    if (column) names.add(column.toLowerCase());
  }
  // CTE names (`name AS (`) and lambda parameters (`name ->`).
  for (const pattern of [/\b([a-z_][a-z0-9_]*)\s+as\s*\(/gi, /\b([a-z_][a-z0-9_]*)\s*->/gi])
    for (const [, name] of sql.matchAll(pattern)) names.add(present(name, `the name ${String(pattern)} matched`).toLowerCase());
  return names;
}

function unknownNames(sql: string): string[] {
  // Parameters are not columns: checked against the text Athena runs, with `?` in their place.
  const text = stripLiteralsAndComments(positionalSql(sql).sql).toLowerCase();
  const defined = definedNames(text);
  const known = (name: string) => PATHS.has(name) || defined.has(name) || KEYWORDS.includes(name) || FUNCTIONS.includes(name);
  const unknown: string[] = [];
  for (const chain of text.match(/[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*/g) ?? []) {
    const [first, ...rest] = chain.split(".");
    const head = present(first, `the first name of ${chain}`);
    const below = rest.join(".");
    // `name`, `column.field...`, or `alias.column.field...` / `table.column` / `alias.defined_name`.
    const ok =
      rest.length === 0
        ? known(chain)
        : PATHS.has(chain) || ((defined.has(head) || head in TABLES) && (PATHS.has(below) || (rest.length === 1 && defined.has(below))));
    if (!ok) unknown.push(chain);
  }
  return [...new Set(unknown)];
}

describe("saved SQL text", () => {
  // The grammar reads `:name` as a parameter (it has no `?`), so the files parse as written, except
  // for the system table's three-part name, which the grammar does not read: it stands in as one name.
  it.each(savedSqlNames())("%s parses under node-sql-parser's Athena dialect", (name) => {
    const sql = readSql(name).replace(systemTableSqlName(), QUERY_EXECUTIONS.name);
    expect(() => parser.astify(sql, { database: "athena" })).not.toThrow();
  });

  it.each(savedSqlNames())("%s names only columns the table definitions have", (name) => {
    expect(unknownNames(readSql(name))).toEqual([]);
  });

  it("catches a misspelled column (the check can fail)", () => {
    expect(unknownNames("SELECT e.statistics.datascanedinbytes, principal_arnn FROM events AS e")).toEqual([
      "e.statistics.datascanedinbytes",
      "principal_arnn",
    ]);
  });

  it.each(SAVED_QUERIES.map((q) => [q.name, q] as const))(
    "%s is given a value for exactly the parameters its SQL names",
    (_name, query) => {
      const given = Object.keys(query.parameters({ from: "2026-01-01", to: "2026-03-31" }, DEFAULT_OPTIONS));
      expect(given.sort()).toEqual(parameterNames(savedQuerySql(query)).sort());
    },
  );

  it("the join is given a value for exactly the parameters its SQL names, its region once for three markers", () => {
    const sql = readSql("events_join");
    expect(Object.keys(eventsJoinParameters("2026-01-01", "us-east-1")).sort()).toEqual(parameterNames(sql).sort());
    expect(positionalSql(sql).names.filter((n) => n === "region")).toHaveLength(3);
  });

  it.each(savedSqlNames())("%s explains no parameter by its position", (name) => {
    expect(readSql(name)).not.toMatch(/--.*\b(parameters?:|positional)/i);
    expect(positionalSql(readSql(name)).names.length).toBeGreaterThan(0);
  });

  it("the join selects exactly the events columns, partition keys last, in the table's order", () => {
    const ast = parser.astify(readSql("events_join"), { database: "athena" });
    const select = (Array.isArray(ast) ? ast[0] : ast) as unknown as {
      columns: { as: string | null; expr: { type: string; column?: string | { expr?: { value?: string } } } }[];
    };
    // A column selected bare keeps its name; any other is named by its alias.
    const name = (c: (typeof select.columns)[number]) => {
      const column = c.expr.type === "column_ref" ? c.expr.column : undefined;
      return c.as ?? (typeof column === "string" ? column : column?.expr?.value) ?? null;
    };
    expect(select.columns.map(name)).toEqual(sqlColumns(EVENTS));
  });
});
