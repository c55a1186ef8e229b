/**
 * The tables and databases a query references, parsed with node-sql-parser's Athena dialect.
 * Unqualified names resolve against the query's database; CTE names are not tables. A query that
 * does not parse keeps the parser's reason instead.
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

export function queryReferences(query: string | undefined, database: string | undefined): References {
  if (!query) return { tables: [], databases: [] };
  parser ??= new sqlParser.Parser();
  cache ??= new Map<string, References>();
  const key = `${database ?? ""}\u0000${query}`;
  const cached = cache.get(key);
  if (cached) return cached;
  let result: References;
  try {
    const ast = parser.astify(query, { database: "athena" });
    const ctes = cteNames(ast);
    const tables = new Set<string>();
    for (const entry of parser.tableList(query, { database: "athena" })) {
      const [, schema, table] = entry.split("::");
      if (schema === "null" && ctes.has(table.toLowerCase())) continue;
      const db = schema === "null" ? database : schema;
      tables.add(`${(db ?? "").toLowerCase()}.${table.toLowerCase()}`);
    }
    const sorted = [...tables].sort();
    result = { tables: sorted, databases: [...new Set(sorted.map((t) => t.split(".")[0]).filter(Boolean))] };
  } catch (error) {
    result = { tables: [], databases: [], parseError: (error as Error).message.slice(0, 300) };
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, result);
  return result;
}
