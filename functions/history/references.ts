/**
 * The tables and databases a query references, parsed with node-sql-parser's Athena dialect.
 * Unqualified names resolve against the query's database; CTE names are not tables. A query that
 * does not parse keeps the parser's reason instead.
 *
 * The dialect does not read catalog-qualified names (`"awsdatacatalog"."sales"."orders"`), which
 * Athena accepts and federated catalogs require: a query that fails to parse is tried again with
 * each `catalog.database.table` after FROM, JOIN, INTO or TABLE cut to `database.table`. A table of
 * the default Glue catalog (`awsdatacatalog`) is then `database.table`, as an unqualified one; a
 * table of another catalog keeps it (`catalog.database.table`), so it is never taken for a Glue
 * table of the same name.
 */
// The Athena-only build (194 KB) instead of the package entry (all dialects, ~90 MB with maps): it
// is what the Lambda archive carries.
import * as sqlParser from "node-sql-parser/build/athena";

export interface References {
  tables: string[];
  databases: string[];
  parseError?: string;
}

let parser: sqlParser.Parser | undefined;
let cache: Map<string, References> | undefined;
const CACHE_LIMIT = 5_000;

function cteNames(ast: unknown): Set<string> {
  const names = new Set<string>();
  for (const statement of Array.isArray(ast) ? ast : [ast]) {
    const withs = (statement as { with?: { name?: { value?: string } | string }[] } | null)?.with ?? [];
    for (const w of withs) {
      const name = typeof w.name === "string" ? w.name : w.name?.value;
      if (name) names.add(name.toLowerCase());
    }
  }
  return names;
}

/** The default catalog: the account's Glue Data Catalog. */
const DEFAULT_CATALOG = "awsdatacatalog";
const PART = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][\w$@-]*)`;
const QUALIFIED = new RegExp(String.raw`\b(FROM|JOIN|INTO|TABLE)(\s+)(${PART})\s*\.\s*(${PART})\s*\.\s*(${PART})`, "gi");

const unquoted = (part: string) => (part.startsWith('"') ? part.slice(1, -1).replace(/""/g, '"') : part).toLowerCase();

/** The query with catalog qualifiers cut, and the catalog each `database.table` named (lower-case). */
function withoutCatalogs(query: string): { sql: string; catalogs: Map<string, string> } {
  const catalogs = new Map<string, string>();
  const sql = query.replace(QUALIFIED, (_all, keyword: string, space: string, catalog: string, db: string, table: string) => {
    catalogs.set(`${unquoted(db)}.${unquoted(table)}`, unquoted(catalog));
    return `${keyword}${space}${db}.${table}`;
  });
  return { sql, catalogs };
}

function parse(query: string, database: string | undefined, catalogs: ReadonlyMap<string, string>): References {
  parser ??= new sqlParser.Parser();
  const ast = parser.astify(query, { database: "athena" });
  const ctes = cteNames(ast);
  const tables = new Set<string>();
  const databases = new Set<string>();
  for (const entry of parser.tableList(query, { database: "athena" })) {
    // node-sql-parser lists each table as `<statement type>::<schema or "null">::<table>`.
    const [, schema, table] = entry.split("::");
    if (schema === undefined || table === undefined) throw new Error(`the SQL parser listed a table as ${JSON.stringify(entry)}`);
    if (schema === "null" && ctes.has(table.toLowerCase())) continue;
    const databaseName = ((schema === "null" ? database : schema) ?? "").toLowerCase();
    const name = `${databaseName}.${table.toLowerCase()}`;
    const catalog = schema === "null" ? undefined : catalogs.get(name);
    tables.add(catalog === undefined || catalog === DEFAULT_CATALOG ? name : `${catalog}.${name}`);
    if (catalog === undefined || catalog === DEFAULT_CATALOG) databases.add(databaseName);
  }
  return { tables: [...tables].sort(), databases: [...databases].filter(Boolean).sort() };
}

export function queryReferences(query: string | undefined, database: string | undefined): References {
  if (!query) return { tables: [], databases: [] };
  cache ??= new Map<string, References>();
  const key = `${database ?? ""}\u0000${query}`;
  const cached = cache.get(key);
  if (cached) return cached;
  let result: References;
  try {
    result = parse(query, database, new Map());
  } catch (error) {
    const { sql, catalogs } = withoutCatalogs(query);
    try {
      if (catalogs.size === 0) throw error;
      result = parse(sql, database, catalogs);
    } catch {
      // The first reason: the query as written is what failed.
      result = { tables: [], databases: [], parseError: (error as Error).message.slice(0, 300) };
    }
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, result);
  return result;
}
