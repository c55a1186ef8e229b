/**
 * The embedded engine: DuckDB over a local lake folder, with the audit's tables as views and the
 * compatibility macros installed, so the saved Athena SQL runs unchanged. A table's files are listed
 * and its view bound only when a query names it.
 */
import { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { ColumnInfo, QueryEngine, QueryParameters, QueryResult, Row, Value } from "../engine";
import { defined } from "../../core/checks";
import { QueryFailedError } from "../../core/errors";
import {
  accessFiles,
  assertLake,
  billingFiles,
  cloudTrailFiles,
  eventsFiles,
  grantsFiles,
  liveAlertsFiles,
  trailsFiles,
  LakeLocation,
  systemTableFiles,
} from "../lake/files";
import { CheckedFiles, warningLines } from "../lake/checked";
import { CheckedHistory } from "../lake/history-view";
import { bindParameters, LITERALS_AND_COMMENTS } from "../parameters";
import { QUERY_EXECUTIONS, systemTableSqlName } from "../schema/system-tables";
import { TableName, TABLES } from "../schema/tables";
import { COMPAT_MACROS, SESSION_SETTINGS, toDuckDbSql } from "./compat";
import {
  accessSql,
  billingSql,
  cloudTrailSql,
  eventsColumnsProbe,
  eventsSql,
  grantsSql,
  historySql,
  liveAlertsSql,
  queryExecutionsSql,
  trailsSql,
} from "./views";

/** Converts DuckDB's JS values to the engine-neutral cell form. */
function toValue(value: unknown, type: string): Value {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Date) return type === "DATE" ? value.toISOString().slice(0, 10) : value.toISOString();
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? Number(v) : v));
}

/** The lake's tables, from their definitions: each is a view over its files, defined when a query names it. */
const LAKE_TABLES = Object.values(TABLES).map((t) => ({ name: t.name, named: new RegExp(`\\b${t.name}\\b`, "i") }));
const LITERALS = new RegExp(LITERALS_AND_COMMENTS, "g");
/** Athena's system table, named in full (`"s3tablescatalog/aws-athena"."metadata"."query_executions"`). */
const SYSTEM_TABLE_NAMED = new RegExp(
  `"${QUERY_EXECUTIONS.catalog}"\\s*\\.\\s*"?${QUERY_EXECUTIONS.schema}"?\\s*\\.\\s*"?${QUERY_EXECUTIONS.name}\\b`,
  "i",
);

/**
 * The SQL's code and quoted identifiers (`"events"` names a table), without string literals and
 * comments: saved queries say "CloudTrail" and "history" in both, and binding those views at 100k
 * files costs seconds. The parameter binder reads the same spans the same way.
 */
function codeOf(sql: string): string {
  return sql.replace(LITERALS, (span) => (span.startsWith('"') ? span : " "));
}

/**
 * The lake views live in their own schema, on the search path of the engine's connection only: a
 * scoped connection sees its temp views and main (the macros), never a lake-wide view it was not
 * given, whether or not the engine has bound one.
 */
const LAKE_SCHEMA = "lake";

export interface EngineOptions {
  /** Where a warning line goes (a history record skipped, naming its file and line); none by default. */
  warn?: (line: string) => void;
}

export class DuckDbEngine implements QueryEngine {
  readonly kind = "duckdb" as const;
  /** Lake views defined since the last refresh (or being defined), by table. */
  private readonly views = new Map<TableName | "query_executions", Promise<void>>();
  /** History is read through the join's checks, never raw (lake/history-view.ts). */
  private readonly history: CheckedHistory;
  /** What reading the lake's history for the last history view skipped (absent until a query names history). */
  historyCheck: CheckedFiles | undefined;

  private constructor(
    readonly lake: LakeLocation,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly options: EngineOptions,
  ) {
    this.history = new CheckedHistory(lake);
  }

  /**
   * Opens a lake folder (which must exist). Nothing is listed yet: listing and binding the whole
   * lake costs seconds and a gigabyte at 100k files, and many commands read one table or none.
   */
  static async open(lake: LakeLocation, options: EngineOptions = {}): Promise<DuckDbEngine> {
    assertLake(lake);
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    await prepareSession(connection);
    // Macros go to main before the search path changes, so scoped connections see them too.
    for (const macro of COMPAT_MACROS) await connection.run(macro);
    await connection.run(`CREATE SCHEMA ${LAKE_SCHEMA}`);
    // Athena's system table, in a catalog named as S3 Tables names it, so the same SQL reads it here.
    await connection.run(`ATTACH ':memory:' AS "${QUERY_EXECUTIONS.catalog}"`);
    await connection.run(`CREATE SCHEMA "${QUERY_EXECUTIONS.catalog}".${QUERY_EXECUTIONS.schema}`);
    await connection.run(`SET search_path = 'main,${LAKE_SCHEMA}'`);
    return new DuckDbEngine(lake, instance, connection, options);
  }

  /** Forgets which files the lake holds (after a join wrote a partition, say): the next query re-lists them. */
  refresh(): Promise<void> {
    this.views.clear();
    return Promise.resolve();
  }

  async run(sql: string, parameters: QueryParameters = {}, queryName?: string): Promise<QueryResult> {
    const code = codeOf(sql);
    await Promise.all(LAKE_TABLES.filter((t) => t.named.test(code)).map((t) => this.lakeView(t.name)));
    if (SYSTEM_TABLE_NAMED.test(code)) await this.bindSystemTable();
    return runOn(this.connection, sql, parameters, queryName);
  }

  /**
   * Binds the local copy of Athena's system table (an empty table when the lake has none), before a
   * scoped connection's SQL names it: the attached catalog is the instance's, shared by every connection.
   */
  bindSystemTable(): Promise<void> {
    return this.lakeView("query_executions");
  }

  /**
   * Runs `work` on a separate connection where the named tables are temporary views with the given
   * bodies (e.g. only the partitions a join reads). It lists nothing: a lake table it was not given
   * does not exist there.
   */
  async withTables<T>(tables: Record<string, string>, work: (scoped: ScopedConnection) => Promise<T>): Promise<T> {
    const connection = await this.instance.connect();
    try {
      await prepareSession(connection);
      for (const [name, body] of Object.entries(tables)) await connection.run(`CREATE OR REPLACE TEMP VIEW ${name} AS ${body}`);
      return await work(new ScopedConnection(connection));
    } finally {
      connection.closeSync();
    }
  }

  close(): Promise<void> {
    this.connection.closeSync();
    this.instance.closeSync();
    this.history.dispose();
    return Promise.resolve();
  }

  /** Defines a lake view once per refresh; concurrent queries share the definition, a failed one is retried. */
  private lakeView(name: TableName | "query_executions"): Promise<void> {
    const cached = this.views.get(name);
    if (cached) return cached;
    const view = name === "query_executions" ? systemTableSqlName() : `${LAKE_SCHEMA}.${name}`;
    const defined = this.lakeViewSql(name).then(async (body) => {
      try {
        await this.connection.run(`CREATE OR REPLACE VIEW ${view} AS ${body}`);
      } catch (error) {
        // Binding can read a file (CloudTrail's first): the query that named the table fails, as the user's.
        throw new QueryFailedError(`embedded query failed: ${name} view: ${(error as Error).message}`, undefined, { cause: error });
      }
    });
    this.views.set(name, defined);
    void defined.catch(() => {
      if (this.views.get(name) === defined) this.views.delete(name);
    });
    return defined;
  }

  private async lakeViewSql(name: TableName | "query_executions"): Promise<string> {
    switch (name) {
      case "query_executions":
        return queryExecutionsSql(systemTableFiles(this.lake));
      case "history": {
        const read = await this.history.read();
        this.historyCheck = read.check;
        for (const line of warningLines("history", read.check)) this.options.warn?.(line);
        return historySql(read.outputs);
      }
      case "cloudtrail":
        return cloudTrailSql(cloudTrailFiles(this.lake));
      case "grants":
        return grantsSql(grantsFiles(this.lake));
      case "trails":
        return trailsSql(trailsFiles(this.lake));
      case "access":
        return accessSql(accessFiles(this.lake));
      case "billing":
        return billingSql(billingFiles(this.lake));
      case "live_alerts":
        return liveAlertsSql(liveAlertsFiles(this.lake));
      case "events": {
        const files = eventsFiles(this.lake);
        if (files.length === 0) return eventsSql(files);
        // Straight to the connection: the probe reads files, not views, and run() would wait on this very definition.
        const described = await runOn(this.connection, eventsColumnsProbe(files), {}, undefined);
        return eventsSql(files, new Set(described.rows.map((r) => String(r.column_name))));
      }
    }
  }
}

/** A connection with scoped tables: run SQL, and write a query's rows to a Parquet file. */
export class ScopedConnection {
  constructor(private readonly connection: DuckDBConnection) {}

  run(sql: string, parameters: QueryParameters = {}, queryName?: string): Promise<QueryResult> {
    return runOn(this.connection, sql, parameters, queryName);
  }

  /** Writes `columns` of `sql`'s rows to `file`, in one pass; returns the row count. */
  async writeParquet(
    sql: string,
    parameters: QueryParameters,
    columns: readonly string[],
    file: string,
    queryName?: string,
  ): Promise<number> {
    const bound = bindParameters(toDuckDbSql(sql), parameters, queryName);
    const path = file.replace(/'/g, "''");
    try {
      // Ordered by every column, so the same inputs give the same bytes whatever order DuckDB produced.
      const copied = await this.connection.runAndReadAll(
        // (Newlines around the query: its last line may end in a comment.)
        `COPY (SELECT ${columns.join(", ")} FROM (\n${bound.sql.replace(/;\s*$/, "")}\n) AS result ORDER BY ALL)
          TO '${path}' (FORMAT parquet, COMPRESSION zstd)`,
        bound.values,
      );
      // COPY answers with the number of rows it wrote.
      return Number(defined(copied.getRows()[0]?.[0], "the row count COPY answers with"));
    } catch (error) {
      throw new QueryFailedError(`embedded query failed: ${(error as Error).message}`, undefined, { cause: error });
    }
  }
}

async function prepareSession(connection: DuckDBConnection): Promise<void> {
  for (const setting of SESSION_SETTINGS) await connection.run(setting);
}

async function runOn(
  connection: DuckDBConnection,
  sql: string,
  parameters: QueryParameters,
  queryName: string | undefined,
): Promise<QueryResult> {
  // Bound before the try: a parameter mistake is the caller's input, not a failed query.
  const bound = bindParameters(toDuckDbSql(sql), parameters, queryName);
  let reader;
  try {
    reader = await connection.runAndReadAll(bound.sql, bound.values);
  } catch (error) {
    throw new QueryFailedError(`embedded query failed: ${(error as Error).message}`, undefined, { cause: error });
  }
  // DuckDB's spelling of a type (`DATE`) for the values; lower case in the result's columns.
  const fields = reader.columnNames().map((name, i) => ({ name, type: reader.columnType(i).toString() }));
  const columns: ColumnInfo[] = fields.map(({ name, type }) => ({ name, type: type.toLowerCase() }));
  const rows: Row[] = reader.getRowsJS().map((cells) => {
    const row: Row = {};
    fields.forEach(({ name, type }, i) => (row[name] = toValue(cells[i], type)));
    return row;
  });
  return { columns, rows, bytesScanned: 0 };
}
