/**
 * Athena's own system table of finished queries, the audit's second witness of who ran what and
 * what it read. Athena writes it (an Iceberg table in the service-managed `aws-athena` S3 Tables
 * bucket) once an account enables system tables; the audit only reads it. Columns as Athena's user
 * guide lists them ("query_executions"); the field names of `tables_accessed`' elements other than
 * `catalog_name` and `database_name` are not documented, `table_name` is assumed (the join reads
 * principals only where Athena cannot resolve it: functions/join/join.ts).
 */
import { array, Field, string, struct, timestamp } from "./types";

export interface SystemTableDefinition {
  readonly name: "query_executions";
  /** The catalog as Athena names it, `"<catalog>"."<schema>"."<name>"` in SQL. */
  readonly catalog: string;
  readonly schema: string;
  readonly description: string;
  readonly columns: readonly Field[];
}

export const QUERY_EXECUTIONS: SystemTableDefinition = {
  name: "query_executions",
  catalog: "s3tablescatalog/aws-athena",
  schema: "metadata",
  description: "one row per finished Athena query (SUCCEEDED, FAILED, CANCELLED), written by Athena itself",
  columns: [
    { name: "query_execution_id", type: string },
    { name: "work_group_name", type: string, comment: "a partition column (with the day of submission_date_time)" },
    { name: "account_id", type: string },
    { name: "region_name", type: string },
    { name: "query_string", type: string },
    { name: "execution_parameters", type: array(string), nullable: true },
    { name: "principal_arn", type: string, comment: "the IAM principal that submitted the query; may be a session ARN" },
    { name: "catalog_name", type: string, nullable: true },
    { name: "database_name", type: string, nullable: true },
    { name: "submission_date_time", type: timestamp, comment: "UTC" },
    {
      name: "tables_accessed",
      type: array(struct({ catalog_name: string, database_name: string, table_name: string })),
      nullable: true,
      comment: "what Athena says the query read; `table_name` assumed (undocumented)",
    },
  ],
};

/** The table's fully qualified SQL name, as the saved SQL writes it. */
export function systemTableSqlName(table: SystemTableDefinition = QUERY_EXECUTIONS): string {
  return `"${table.catalog}"."${table.schema}"."${table.name}"`;
}
