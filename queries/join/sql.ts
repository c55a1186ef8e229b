/**
 * The events join's SQL text for a setting: `events_join.sql` as it is (one witness, CloudTrail), or
 * with Athena's system table as the second witness (`system_witness.sql` in its witness CTE). The
 * text is fixed when the join is deployed or run, so the same text runs on Athena and DuckDB.
 */
import { AuditError } from "../../core/errors";
import { readSql } from "../sql-files";

export interface JoinSqlOptions {
  /** Read Athena's system table `"s3tablescatalog/aws-athena"."metadata"."query_executions"`. */
  systemTables?: boolean;
  /**
   * Read the tables each execution accessed from it (the default). Off: the witness gives principals
   * only, for an account whose system table lacks the undocumented `tables_accessed[].table_name`.
   */
  witnessTables?: boolean;
}

const WITNESS_BLOCK = /^[ \t]*-- witness:begin[\s\S]*?^[ \t]*-- witness:end[^\n]*$/m;
const TABLES_BLOCK = /^[ \t]*-- tables:begin[\s\S]*?^[ \t]*-- tables:end[^\n]*$/m;

/** Puts `witnessSql` (a SELECT of query_execution_id, account_id, principal_arn, tables_read) in the join's witness CTE. */
export function withWitness(joinSql: string, witnessSql: string): string {
  if (!WITNESS_BLOCK.test(joinSql)) throw new AuditError("events_join.sql has no `-- witness:begin` ... `-- witness:end` block");
  // A function, so `$` in the SQL is not read as a replacement pattern.
  return joinSql.replace(WITNESS_BLOCK, () => witnessSql.trim());
}

/** The system-table witness reading principals only: its tables expression replaced by NULL. */
function withoutWitnessTables(witnessSql: string): string {
  if (!TABLES_BLOCK.test(witnessSql)) throw new AuditError("system_witness.sql has no `-- tables:begin` ... `-- tables:end` block");
  return witnessSql.replace(TABLES_BLOCK, "  split(CAST(NULL AS varchar), ',') AS tables_read");
}

/** The access join's SQL text: reads of the lake by every engine but Athena's own query runs. */
export function accessJoinSql(): string {
  return readSql("access_join");
}

export function eventsJoinSql(options: JoinSqlOptions = {}): string {
  const joinSql = readSql("events_join");
  if (!options.systemTables) return joinSql;
  const witness = readSql("system_witness");
  return withWitness(joinSql, options.witnessTables === false ? withoutWitnessTables(witness) : witness);
}

/** The fields of the system table's `tables_accessed` elements the witness reads. */
const WITNESS_TABLE_FIELDS = ["table_name", "database_name"];

/**
 * The field of `tables_accessed`' elements an engine's error says it could not resolve, if the error
 * is that: Athena's `Column 'accessed.table_name' cannot be resolved`, DuckDB's `Could not find key
 * "table_name" in struct`. Any other error is the join's to report.
 */
export function missingWitnessField(message: string): string | undefined {
  const field =
    /Column '(?:[^']*\.)?([A-Za-z_]+)' cannot be resolved/.exec(message)?.[1] ??
    /Could not find key "([A-Za-z_]+)" in struct/.exec(message)?.[1];
  return field !== undefined && WITNESS_TABLE_FIELDS.includes(field) ? field : undefined;
}

/** The join's texts for a setting, as the daily join takes them (functions/join/join.ts JoinDeps). */
export interface JoinSqlTexts {
  joinSql: string;
  accessSql: string;
  joinSqlWithoutWitnessTables?: string;
}

export function joinSqlTexts(options: Pick<JoinSqlOptions, "systemTables">): JoinSqlTexts {
  return {
    joinSql: eventsJoinSql(options),
    accessSql: accessJoinSql(),
    joinSqlWithoutWitnessTables: options.systemTables ? eventsJoinSql({ ...options, witnessTables: false }) : undefined,
  };
}
