/**
 * The embedded engine: DuckDB over a local lake folder, with the audit's tables as views and the
 * compatibility macros installed, so the saved Athena SQL runs unchanged.
 */
import { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { ColumnInfo, QueryEngine, QueryParameters, QueryResult, Row, Value } from "../engine";
import { QueryFailedError } from "../errors";
import { assertLake, cloudTrailFiles, eventsFiles, grantsFiles, historyFiles, LakeLocation } from "../lake/files";
import { bindParameters } from "../parameters";
import { COMPAT_MACROS, SESSION_SETTINGS } from "./compat";
import { cloudTrailSql, eventsColumnsProbe, eventsSql, grantsSql, historySql } from "./views";

/** Converts DuckDB's JS values to the engine-neutral cell form. */
function toValue(value: unknown, type: string): Value {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Date) return type === "DATE" ? value.toISOString().slice(0, 10) : value.toISOString();
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? Number(v) : v));
}

export class DuckDbEngine implements QueryEngine {
  readonly kind = "duckdb" as const;

  private constructor(
    readonly lake: LakeLocation,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  /** Opens a lake folder (which must exist) with its tables as views. */
  static async open(lake: LakeLocation): Promise<DuckDbEngine> {
    assertLake(lake);
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    await prepareSession(connection);
    for (const macro of COMPAT_MACROS) await connection.run(macro);
    const engine = new DuckDbEngine(lake, instance, connection);
    await engine.refresh();
    return engine;
  }

  /** Re-reads which files the lake holds (after a join wrote a partition, say). */
  async refresh(): Promise<void> {
    const events = eventsFiles(this.lake);
    const present =
      events.length > 0 ? new Set((await this.run(eventsColumnsProbe(events))).rows.map((r) => String(r.column_name))) : undefined;
    await this.defineViews(this.connection, {
      history: historySql(historyFiles(this.lake)),
      cloudtrail: cloudTrailSql(cloudTrailFiles(this.lake)),
      events: eventsSql(events, present),
      grants: grantsSql(grantsFiles(this.lake)),
    });
  }

  async run(sql: string, parameters: QueryParameters = {}, queryName?: string): Promise<QueryResult> {
    return runOn(this.connection, sql, parameters, queryName);
  }

  /**
   * Runs `work` on a separate connection where the named tables are temporary views with the given
   * bodies (e.g. only the partitions a join reads); the lake-wide views stay as they are.
   */
  async withTables<T>(tables: Record<string, string>, work: (scoped: ScopedConnection) => Promise<T>): Promise<T> {
    const connection = await this.instance.connect();
    try {
      await prepareSession(connection);
      await this.defineViews(connection, tables, true);
      return await work(new ScopedConnection(connection));
    } finally {
      connection.closeSync();
    }
  }

  close(): Promise<void> {
    this.connection.closeSync();
    this.instance.closeSync();
    return Promise.resolve();
  }

  private async defineViews(connection: DuckDBConnection, views: Record<string, string>, temporary = false): Promise<void> {
    for (const [name, body] of Object.entries(views)) {
      await connection.run(`CREATE OR REPLACE ${temporary ? "TEMP " : ""}VIEW ${name} AS ${body}`);
    }
  }
}

/** A connection with scoped tables: run SQL, and write a query's rows to a Parquet file. */
export class ScopedConnection {
  constructor(private readonly connection: DuckDBConnection) {}

  run(sql: string, parameters: QueryParameters = {}, queryName?: string): Promise<QueryResult> {
    return runOn(this.connection, sql, parameters, queryName);
  }

  /** Materialises `sql` and writes `columns` of its rows to `file`; returns the row count. */
  async writeParquet(
    sql: string,
    parameters: QueryParameters,
    columns: readonly string[],
    file: string,
    queryName?: string,
  ): Promise<number> {
    const bound = bindParameters(sql, parameters, queryName);
    try {
      await this.connection.run(`CREATE OR REPLACE TEMP TABLE staged AS ${bound.sql}`, bound.values);
      const path = file.replace(/'/g, "''");
      // Ordered by every column, so the same inputs give the same bytes whatever order DuckDB produced.
      await this.connection.run(
        `COPY (SELECT ${columns.join(", ")} FROM staged ORDER BY ALL) TO '${path}' (FORMAT parquet, COMPRESSION zstd)`,
      );
      const count = await this.connection.runAndReadAll("SELECT count(*) AS n FROM staged");
      return Number(count.getRowObjectsJS()[0].n);
    } catch (error) {
      throw new QueryFailedError(`embedded query failed: ${(error as Error).message}`, undefined, { cause: error });
    } finally {
      await this.connection.run("DROP TABLE IF EXISTS staged");
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
  const bound = bindParameters(sql, parameters, queryName);
  let reader;
  try {
    reader = await connection.runAndReadAll(bound.sql, bound.values);
  } catch (error) {
    throw new QueryFailedError(`embedded query failed: ${(error as Error).message}`, undefined, { cause: error });
  }
  const names = reader.columnNames();
  const types = reader.columnTypes().map((t) => t.toString());
  const columns: ColumnInfo[] = names.map((name, i) => ({ name, type: types[i].toLowerCase() }));
  const rows: Row[] = reader.getRowsJS().map((cells) => {
    const row: Row = {};
    cells.forEach((cell, i) => (row[names[i]] = toValue(cell, types[i])));
    return row;
  });
  return { columns, rows, bytesScanned: 0 };
}
