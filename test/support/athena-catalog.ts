/**
 * Athena as it reads the audit's tables, for the local Athena server: each table a query names is
 * looked up in the local Glue tables (glue-tables.ts), and only the objects at the locations its
 * partition projection yields are read, from S3. As on Athena:
 *
 * - a table with `projection.enabled` reads the locations `storage.location.template` gives for
 *   the values each partition column's projection allows (an `enum` its listed values, split at
 *   commas only; a `date` the days of its range, `NOW` relative); any object elsewhere under the
 *   table's location is not read ("Athena ignores any partition metadata registered to the table";
 *   Athena user guide, "Partition projection" and "Supported types for partition projection");
 * - an `injected` column needs a static equality condition in the query, which this model does not
 *   read: such a query fails, as Athena fails one without it;
 * - objects whose names start with `_` or `.` are hidden files, never read;
 * - `INSERT INTO t <select>` writes the rows of each partition the select yields (at most 100) as
 *   one Parquet object at that partition's location, and nothing for an empty result.
 *
 * The rows come from DuckDB over copies of the objects read (the views are the embedded engine's
 * own, from the table definitions). Not modelled: partition pruning. Every projected object is
 * read, whatever the WHERE clause says, so the rows are Athena's but DataScannedInBytes (what was
 * read) is an upper bound, and every projected object must be readable.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as s3sdk from "@aws-sdk/client-s3";
import { DuckDbEngine } from "../../queries/duckdb/engine";
import {
  accessSql,
  billingSql,
  cloudTrailSql,
  eventsSql,
  grantsSql,
  historySql,
  queryExecutionsSql,
  trailsSql,
} from "../../queries/duckdb/views";
import { systemTablePrefix } from "../../core/layout";
import { stripLiteralsAndComments } from "../../queries/parameters";
import { QUERY_EXECUTIONS, systemTableSqlName } from "../../queries/schema/system-tables";
import { ScriptedQuery } from "./athena-server";
import { athenaType, cell } from "./athena-duckdb";
import { present } from "./defined";
import { namedFromPositional } from "./execution-parameters";
import { GlueTable, LocalGlueTables } from "./glue-tables";
import { tempDir } from "./lake";

/** The embedded engine's view of each audit table, over an explicit list of files. */
const VIEWS: Record<string, (files: string[]) => string> = {
  history: historySql,
  cloudtrail: cloudTrailSql,
  events: (files) => eventsSql(files),
  access: accessSql,
  grants: grantsSql,
  trails: trailsSql,
  billing: billingSql,
};

/** Athena's limit on the partitions one INSERT INTO may write. */
const MAX_INSERT_PARTITIONS = 100;

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A Java date pattern (`yyyy-MM-dd`, `yyyy/MM/dd`) as a regular expression with named year, month and day. */
function datePattern(format: string): string {
  const tokens = Object.entries({ yyyy: "(?<y>\\d{4})", MM: "(?<m>\\d{2})", dd: "(?<d>\\d{2})" });
  let out = "";
  for (let i = 0; i < format.length;) {
    const [token, pattern] = tokens.find(([t]) => format.startsWith(t, i)) ?? [];
    if (token !== undefined && pattern !== undefined) {
      out += pattern;
      i += token.length;
    } else if (/[A-Za-z]/.test(format.charAt(i))) {
      throw new Error(`date projection format ${format}: only yyyy, MM and dd are modelled`);
    } else out += escape(format.charAt(i++));
  }
  return out;
}

/** A `date` projection's range bound: `NOW`, `NOW-5YEARS`, `NOW+1DAYS`, or a date in the column's format. */
function rangeBound(bound: string, format: string, now: Date): number {
  const relative = /^NOW(?:([+-])(\d+)(YEARS|MONTHS|WEEKS|DAYS))?$/i.exec(bound.trim());
  if (relative) {
    const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const n = relative[1] ? Number(relative[2]) * (relative[1] === "-" ? -1 : 1) : 0;
    const unit = (relative[3] ?? "DAYS").toUpperCase();
    if (unit === "YEARS") at.setUTCFullYear(at.getUTCFullYear() + n);
    else if (unit === "MONTHS") at.setUTCMonth(at.getUTCMonth() + n);
    else at.setUTCDate(at.getUTCDate() + n * (unit === "WEEKS" ? 7 : 1));
    return at.getTime();
  }
  const day = parseDate(bound.trim(), format);
  if (day === undefined) throw new Error(`date projection range bound ${bound} is neither NOW-relative nor in ${format}`);
  return day;
}

function parseDate(value: string, format: string): number | undefined {
  const { y: year, m: month, d: day } = new RegExp(`^${datePattern(format)}$`).exec(value)?.groups ?? {};
  if (year === undefined || month === undefined || day === undefined) return undefined;
  const at = Date.UTC(Number(year), Number(month) - 1, Number(day));
  return new Date(at).toISOString().slice(0, 10) === `${year}-${month}-${day}` ? at : undefined;
}

/** Why the table's projection does not yield this value of `column`; undefined when it does. */
function refusal(table: GlueTable, column: string, value: string, now: Date): string | undefined {
  const p = (key: string) => table.Parameters[`projection.${column}.${key}`];
  const type = p("type")?.trim().toLowerCase();
  switch (type) {
    case "enum":
      return (p("values") ?? "").split(",").includes(value) ? undefined : `${column}=${value} is not in projection.${column}.values`;
    case "date": {
      const format = p("format") ?? "yyyy-MM-dd";
      const day = parseDate(value, format);
      const [from, to, ...more] = (p("range") ?? "").split(",").map((b) => rangeBound(b, format, now));
      if (from === undefined || to === undefined || more.length > 0) throw new Error(`projection.${column}.range must be two bounds`);
      if (day === undefined) return `${column}=${value} is not a date in ${format}`;
      if ((p("interval") ?? "1") !== "1" || (p("interval.unit") ?? "DAYS").toUpperCase() !== "DAYS")
        throw new Error(`projection.${column}: only an interval of 1 DAYS is modelled`);
      return day >= from && day <= to ? undefined : `${column}=${value} is outside projection.${column}.range`;
    }
    case "injected":
      throw new Error(
        `CONSTRAINT_VIOLATION: For the injected projected partition column ${column}, ` +
          "the WHERE clause must contain only static equality conditions, and at least one such condition must be present.",
      );
    default:
      throw new Error(`projection.${column}.type ${type ?? "(none)"} is not modelled`);
  }
}

export interface TableRead {
  /** `s3://bucket/key` of each object the query read. */
  visible: string[];
  /** Objects under the table's location that Athena did not read, each with why. */
  hidden: { url: string; reason: string }[];
}

/** Which of the objects under a table's location Athena reads, and why it leaves out the others. */
export function projectedObjects(table: GlueTable, urls: readonly string[], now: Date): TableRead {
  const location = table.StorageDescriptor.Location.replace(/\/*$/, "/");
  const keys = table.PartitionKeys.map((k) => k.Name);
  const projected = table.Parameters["projection.enabled"]?.trim().toLowerCase() === "true";
  const template =
    table.Parameters["storage.location.template"]?.replace(/\/*$/, "") ?? `${location}${keys.map((k) => `${k}=\${${k}}`).join("/")}`;
  const pattern = new RegExp(
    `^${template
      .split(/(\$\{\w+\})/)
      .map((part) => {
        const column = /^\$\{(\w+)\}$/.exec(part)?.[1];
        if (!column) return escape(part);
        const format = table.Parameters[`projection.${column}.format`];
        const value =
          table.Parameters[`projection.${column}.type`]?.trim().toLowerCase() === "date" && format ? datePattern(format) : "[^/]+";
        return `(?<${column}>${value.replace(/\(\?<[ymd]>/g, "(?:")})`;
      })
      .join("")}/(?<rest>.+)$`,
  );
  const visible: string[] = [];
  const hidden: TableRead["hidden"] = [];
  for (const url of urls) {
    const name = url.split("/").pop() ?? "";
    if (name.startsWith("_") || name.startsWith(".")) {
      hidden.push({ url, reason: "a hidden file (its name starts with _ or .)" });
      continue;
    }
    if (keys.length === 0) {
      visible.push(url);
      continue;
    }
    if (!projected) {
      hidden.push({ url, reason: "no partition is registered (the model has no Glue partitions)" });
      continue;
    }
    const groups = pattern.exec(url)?.groups;
    if (!groups) {
      hidden.push({ url, reason: "at no location storage.location.template yields" });
      continue;
    }
    const reason = keys
      .map((k) => refusal(table, k, present(groups[k], `partition column ${k} in storage.location.template`), now))
      .find((r) => r !== undefined);
    if (reason) hidden.push({ url, reason });
    else visible.push(url);
  }
  return { visible, hidden };
}

function splitUrl(url: string): { bucket: string; key: string } {
  const [, bucket, key] = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url) ?? [];
  if (bucket === undefined || key === undefined) throw new Error(`not an s3:// location: ${url}`);
  return { bucket, key };
}

/** The catalog tables a statement names after FROM or JOIN (CTE names and other words left out). */
function tablesRead(sql: string, catalog: LocalGlueTables, database: string): string[] {
  const code = stripLiteralsAndComments(sql);
  const names = [...code.matchAll(new RegExp(`\\b(?:from|join)\\s+(?:"?${database}"?\\.)?"?([A-Za-z_][A-Za-z0-9_]*)"?`, "gi"))].map(
    ([, name]) => present(name, "the table name after FROM or JOIN").toLowerCase(),
  );
  return [...new Set(names)].filter((n) => catalog.table(database, n) !== undefined).sort();
}

export interface CatalogAthena {
  /** The scripted answer for startAthenaServer: every query read through the catalog and S3. */
  script: (sql: string, parameters?: string[]) => ScriptedQuery;
  /** What each query read, in the order they started. */
  reads: Record<string, TableRead>[];
  close(): Promise<void>;
}

/** DuckDB's wording of an error Athena words otherwise, in Athena's words. */
function athenaMessage(message: string): string {
  const field = /Could not find key "([^"]+)" in struct/.exec(message)?.[1];
  if (field === undefined) return message;
  return (
    `COLUMN_NOT_FOUND: line 1:1: Column 'accessed.${field}' cannot be resolved` +
    " or requester is not authorized to access requested resources"
  );
}

export async function catalogAthena(options: {
  glue: LocalGlueTables;
  database: string;
  /** The harness's S3 client: reads every bucket, unrecorded (the IAM contract models Athena's reads itself). */
  s3: s3sdk.S3Client;
  now?: () => Date;
  /**
   * The account's system table `query_executions` (gzip JSON-lines files of its rows), when the
   * account enabled system tables; without it, a query naming the table fails as on Athena.
   */
  systemTable?: readonly string[];
  /**
   * The fields of `tables_accessed`' elements in this account's system table, when they differ from
   * what QUERY_EXECUTIONS assumes (AWS documents catalog_name and database_name only).
   */
  tablesAccessedFields?: readonly string[];
}): Promise<CatalogAthena> {
  const root = tempDir("athena-catalog");
  const copies: string[] = [];
  for (const [i, file] of (options.systemTable ?? []).entries()) {
    const copy = path.join(root, systemTablePrefix(QUERY_EXECUTIONS), `part-${i}.json.gz`);
    fs.mkdirSync(path.dirname(copy), { recursive: true });
    fs.copyFileSync(file, copy);
    copies.push(copy);
  }
  const engine = await DuckDbEngine.open({ root });
  const reads: Record<string, TableRead>[] = [];
  const now = options.now ?? (() => new Date());

  const list = async (location: string): Promise<{ url: string; size: number }[]> => {
    const { bucket, key } = splitUrl(location.replace(/\/*$/, "/"));
    const objects: { url: string; size: number }[] = [];
    for await (const page of s3sdk.paginateListObjectsV2({ client: options.s3 }, { Bucket: bucket, Prefix: key })) {
      for (const o of page.Contents ?? []) objects.push({ url: `s3://${bucket}/${o.Key!}`, size: o.Size ?? 0 });
    }
    return objects;
  };

  const download = async (url: string, folder: string): Promise<string> => {
    const { bucket, key } = splitUrl(url);
    const file = path.join(folder, bucket, ...key.split("/"));
    const object = await options.s3.send(new s3sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, await object.Body!.transformToByteArray());
    return file;
  };

  const upload = async (url: string, file: string) => {
    const { bucket, key } = splitUrl(url);
    await options.s3.send(new s3sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: fs.readFileSync(file) }));
  };

  const table = (name: string): GlueTable => {
    const found = options.glue.table(options.database, name);
    if (!found) throw new Error(`TABLE_NOT_FOUND: Table 'awsdatacatalog.${options.database}.${name}' does not exist`);
    return found;
  };

  async function run(sql: string, parameters: string[], script: ScriptedQuery): Promise<void> {
    const named = namedFromPositional(sql, parameters);
    const [insertClause, insertTable] = /^\s*INSERT\s+INTO\s+"?([A-Za-z_][A-Za-z0-9_]*)"?\s*\n/i.exec(named.sql) ?? [];
    const body = insertClause === undefined ? named.sql : named.sql.slice(insertClause.length);
    const folder = fs.mkdtempSync(path.join(root, "query-"));
    try {
      const read: Record<string, TableRead> = {};
      reads.push(read);
      const views: Record<string, string> = {};
      let scanned = 0;
      for (const name of tablesRead(body, options.glue, options.database)) {
        const objects = await list(table(name).StorageDescriptor.Location);
        const tableRead = projectedObjects(
          table(name),
          objects.map((o) => o.url),
          now(),
        );
        read[name] = tableRead;
        const files: string[] = [];
        for (const url of tableRead.visible) files.push(await download(url, folder));
        scanned += objects.filter((o) => tableRead.visible.includes(o.url)).reduce((sum, o) => sum + o.size, 0);
        const view = VIEWS[name];
        if (!view) throw new Error(`the local Athena has no reader for table ${name}`);
        views[name] = view(files);
      }
      // Named in full, outside comments (the saved SQL names it so, quoted as S3 Tables names it).
      if (body.replace(/--[^\n]*/g, "").includes(systemTableSqlName())) {
        if (!options.systemTable) {
          throw new Error(
            `CATALOG_NOT_FOUND: Catalog '${QUERY_EXECUTIONS.catalog}' not found (system tables are not enabled in this account)`,
          );
        }
        await engine.bindSystemTable();
        if (options.tablesAccessedFields) {
          const fields = options.tablesAccessedFields.map((f) => `${f} := accessed.${f}`).join(", ");
          const elements = `list_transform(tables_accessed, accessed -> struct_pack(${fields}))`;
          await engine.run(
            `CREATE OR REPLACE VIEW ${systemTableSqlName()} AS SELECT * REPLACE (${elements} AS tables_accessed) ` +
              `FROM (${queryExecutionsSql(copies)})`,
          );
        }
      }
      script.bytesScanned = scanned;
      await engine.withTables(views, async (scoped) => {
        if (insertTable === undefined) {
          const result = await scoped.run(body, named.parameters);
          const columns = result.columns.map((c) => ({ name: c.name, type: athenaType(c.type) }));
          script.columns = columns;
          script.rows = result.rows.map((row) => columns.map((c) => cell(present(row[c.name], `column ${c.name} of a row`), c.type)));
          return;
        }
        const target = table(insertTable);
        const keys = target.PartitionKeys.map((k) => k.Name);
        const columns = target.StorageDescriptor.Columns.map((c) => c.Name);
        const partitions = keys.length
          ? (await scoped.run(`SELECT DISTINCT ${keys.join(", ")} FROM (\n${body}\n) AS inserted`, named.parameters)).rows
          : [{}];
        if (partitions.length > MAX_INSERT_PARTITIONS)
          throw new Error(`HIVE_TOO_MANY_OPEN_PARTITIONS: Exceeded limit of ${MAX_INSERT_PARTITIONS} open writers for partitions`);
        const location = target.StorageDescriptor.Location.replace(/\/*$/, "/");
        const template = target.Parameters["storage.location.template"];
        for (const partition of partitions) {
          const values = Object.fromEntries(keys.map((k) => [k, String(partition[k])]));
          const valueOf = (k: string) => present(values[k], `partition column ${k}`);
          const where = keys.length ? `WHERE ${keys.map((k) => `${k} = :insert_${k}`).join(" AND ")}` : "";
          const file = path.join(folder, `insert-${crypto.randomUUID()}`);
          const rows = await scoped.writeParquet(
            `SELECT * FROM (\n${body}\n) AS inserted ${where}`,
            { ...named.parameters, ...Object.fromEntries(keys.map((k) => [`insert_${k}`, String(partition[k])])) },
            columns,
            file,
          );
          if (rows === 0) continue;
          const base = template
            ? template.replace(/\$\{(\w+)\}/g, (_, k: string) => valueOf(k)).replace(/\/*$/, "/")
            : `${location}${keys.map((k) => `${k}=${valueOf(k)}/`).join("")}`;
          const stamp = now().toISOString().replace(/\D/g, "").slice(0, 14);
          await upload(`${base}${stamp.slice(0, 8)}_${stamp.slice(8)}_${crypto.randomUUID()}`, file);
        }
      });
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  }

  return {
    reads,
    script: (sql, parameters = []) => {
      const script: ScriptedQuery = { runningPolls: 1 };
      script.effect = async () => {
        try {
          await run(sql, parameters, script);
        } catch (error) {
          script.state = "FAILED";
          script.errorMessage = athenaMessage((error as Error).message);
        }
      };
      return script;
    },
    async close() {
      await engine.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
