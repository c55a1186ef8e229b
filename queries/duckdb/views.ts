/**
 * DuckDB views over a lake's files, derived from the table definitions, so the saved SQL sees the
 * same tables, columns and partition keys as on Athena.
 */
import { CLOUDTRAIL_FOLDER_PATTERN } from "../../core/layout";
import { QUERY_EXECUTIONS } from "../schema/system-tables";
import { ACCESS, BILLING, CLOUDTRAIL, EVENTS, GRANTS, HISTORY, LIVE_ALERTS, TableDefinition, TRAILS } from "../schema/tables";
import { duckType, sqlName } from "../schema/types";

export function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function fileList(files: readonly string[]): string {
  return `[${files.map(sqlString).join(", ")}]`;
}

function columnsSpec(table: Pick<TableDefinition, "columns">): string {
  return `{${table.columns.map((c) => `${sqlString(c.name)}: ${sqlString(duckType(c.type, c.json))}`).join(", ")}}`;
}

/** A typed view body with no rows, for a table that has no files yet. */
export function emptyTableSql(table: Pick<TableDefinition, "columns"> & Partial<Pick<TableDefinition, "partitionKeys">>): string {
  const columns = [
    ...table.columns.map((c) => `CAST(NULL AS ${duckType(c.type, c.json)}) AS ${sqlName(c)}`),
    ...(table.partitionKeys ?? []).map((p) => `CAST(NULL AS VARCHAR) AS ${p.name}`),
  ];
  return `SELECT ${columns.join(", ")} WHERE false`;
}

export function historySql(files: readonly string[]): string {
  if (files.length === 0) return emptyTableSql(HISTORY);
  const columns = HISTORY.columns.map((c) => `"${c.name}" AS ${sqlName(c)}`);
  return `SELECT ${columns.join(", ")}, account, region, dt, workgroup
FROM read_json(${fileList(files)}, columns = ${columnsSpec(HISTORY)}, format = 'newline_delimited', records = true,
  hive_partitioning = true, hive_types_autocast = false, maximum_object_size = 67108864)`;
}

/** The partition keys of CloudTrail, from each file's path (the trail's own folder layout). */
function cloudTrailPartitions(): string {
  return CLOUDTRAIL.partitionKeys
    .map((p, i) => `regexp_extract(filename, ${sqlString(CLOUDTRAIL_FOLDER_PATTERN)}, ${i + 1}) AS ${p.name}`)
    .join(", ");
}

/**
 * CloudTrail records one per line, as the embedded join's reader writes them for a day, in folders
 * named like the trail's (so the path still gives account, region and day).
 */
export function cloudTrailLinesSql(files: readonly string[]): string {
  if (files.length === 0) return emptyTableSql(CLOUDTRAIL);
  const columns = CLOUDTRAIL.columns.map((c) => `"${c.name}" AS ${sqlName(c)}`);
  return `SELECT ${columns.join(", ")}, ${cloudTrailPartitions()}
FROM (
  SELECT * REPLACE (replace(filename, '\\', '/') AS filename)
  FROM read_json(${fileList(files)}, columns = ${columnsSpec(CLOUDTRAIL)}, format = 'newline_delimited', records = true,
    filename = true, maximum_object_size = 67108864)
)`;
}

export function cloudTrailSql(files: readonly string[]): string {
  if (files.length === 0) return emptyTableSql(CLOUDTRAIL);
  const recordType = duckType({ kind: "struct", fields: CLOUDTRAIL.columns });
  const columns = CLOUDTRAIL.columns.map((c) => `record."${c.name}" AS ${sqlName(c)}`);
  return `SELECT ${columns.join(", ")}, ${cloudTrailPartitions()}
FROM (
  SELECT unnest("Records") AS record, replace(filename, '\\', '/') AS filename
  FROM read_json(${fileList(files)}, columns = {'Records': ${sqlString(`${recordType}[]`)}}, format = 'unstructured',
    filename = true, maximum_object_size = 1073741824)
)`;
}

function parquetSource(files: readonly string[]): string {
  return `read_parquet(${fileList(files)}, hive_partitioning = true, union_by_name = true,
  hive_types = {'dt': 'VARCHAR', 'region': 'VARCHAR'})`;
}

/** The statement that lists which columns the events files actually have. */
export function eventsColumnsProbe(files: readonly string[]): string {
  return `DESCRIBE SELECT * FROM ${parquetSource(files)}`;
}

/**
 * A Parquet table's view (events, access). Columns the files lack (written before a column was
 * added) read as NULL, as Athena reads them, so old partitions keep working after an upgrade.
 */
function parquetTableSql(table: TableDefinition, files: readonly string[], present?: ReadonlySet<string>): string {
  if (files.length === 0) return emptyTableSql(table);
  const columns = [
    ...table.columns.map((c) => (!present || present.has(sqlName(c)) ? sqlName(c) : `CAST(NULL AS ${duckType(c.type)}) AS ${sqlName(c)}`)),
    ...table.partitionKeys.map((p) => p.name),
  ];
  return `SELECT ${columns.join(", ")}
FROM ${parquetSource(files)}`;
}

export function eventsSql(files: readonly string[], present?: ReadonlySet<string>): string {
  return parquetTableSql(EVENTS, files, present);
}

export function accessSql(files: readonly string[]): string {
  return parquetTableSql(ACCESS, files);
}

/** A JSON-lines table partitioned by `account=` and `dt=` (a snapshot an account a day), its columns from `table`. */
function accountSnapshotSql(table: TableDefinition, files: readonly string[]): string {
  if (files.length === 0) return emptyTableSql(table);
  const columns = table.columns.map((c) => `"${c.name}" AS ${sqlName(c)}`);
  return `SELECT ${columns.join(", ")}, account, dt
FROM read_json(${fileList(files)}, columns = ${columnsSpec(table)}, format = 'newline_delimited', records = true,
  hive_partitioning = true, hive_types_autocast = false)`;
}

export function grantsSql(files: readonly string[]): string {
  return accountSnapshotSql(GRANTS, files);
}

export function trailsSql(files: readonly string[]): string {
  return accountSnapshotSql(TRAILS, files);
}

/** The live alerts' log: one plain JSON object a file, partitioned as grants are. */
export function liveAlertsSql(files: readonly string[]): string {
  return accountSnapshotSql(LIVE_ALERTS, files);
}

export function billingSql(files: readonly string[]): string {
  if (files.length === 0) return emptyTableSql(BILLING);
  const columns = BILLING.columns.map((c) => `"${c.name}" AS ${sqlName(c)}`);
  return `SELECT ${columns.join(", ")}, dt
FROM read_json(${fileList(files)}, columns = ${columnsSpec(BILLING)}, format = 'newline_delimited', records = true,
  hive_partitioning = true, hive_types_autocast = false)`;
}

/**
 * A local copy of Athena's query_executions system table (gzip JSON lines, snake_case keys as the
 * table's columns), for the attached catalog the embedded engine names as Athena does.
 */
export function queryExecutionsSql(files: readonly string[]): string {
  if (files.length === 0) return emptyTableSql(QUERY_EXECUTIONS);
  const columns = QUERY_EXECUTIONS.columns.map((c) => `"${c.name}" AS ${sqlName(c)}`);
  return `SELECT ${columns.join(", ")}
FROM read_json(${fileList(files)}, columns = ${columnsSpec(QUERY_EXECUTIONS)}, format = 'newline_delimited', records = true,
  hive_partitioning = false)`;
}
