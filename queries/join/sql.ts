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
}

const WITNESS_BLOCK = /^[ \t]*-- witness:begin[\s\S]*?^[ \t]*-- witness:end[^\n]*$/m;

/** Puts `witnessSql` (a SELECT of query_execution_id, account_id, principal_arn, tables_read) in the join's witness CTE. */
export function withWitness(joinSql: string, witnessSql: string): string {
  if (!WITNESS_BLOCK.test(joinSql)) throw new AuditError("events_join.sql has no `-- witness:begin` ... `-- witness:end` block");
  // A function, so `$` in the SQL is not read as a replacement pattern.
  return joinSql.replace(WITNESS_BLOCK, () => witnessSql.trim());
}

/** The access join's SQL text: reads of the lake by every engine but Athena's own query runs. */
export function accessJoinSql(): string {
  return readSql("access_join");
}

export function eventsJoinSql(options: JoinSqlOptions = {}): string {
  const joinSql = readSql("events_join");
  return options.systemTables ? withWitness(joinSql, readSql("system_witness")) : joinSql;
}
