import { defineSavedQuery } from "./query";
import { periodWindow } from "./windows";

export const witnessDisagreements = defineSavedQuery({
  name: "witness_disagreements",
  title: "Second witness: disagreements",
  description: "Queries where Athena's system table names another principal than CloudTrail, or other tables than the SQL parser found.",
  parameters: periodWindow,
  columns: [
    { name: "day", type: "varchar", nullable: true, comment: "null on the summary row" },
    { name: "region", type: "varchar", nullable: true },
    { name: "query_execution_id", type: "varchar", nullable: true },
    { name: "work_group", type: "varchar", nullable: true },
    { name: "kind", type: "varchar", values: ["principal", "tables_missed_by_parser", "tables_not_witnessed", "summary"] },
    { name: "audit_says", type: "varchar", nullable: true, comment: "CloudTrail's principal, or the tables the parser found" },
    { name: "system_table_says", type: "varchar", nullable: true, comment: "the system table's principal, or its tables" },
    { name: "compared_queries", type: "bigint", nullable: true, comment: "summary row: queries the system table saw in the period" },
    {
      name: "attributed_by_system_table",
      type: "bigint",
      nullable: true,
      comment: "summary row: queries whose principal only the system table gave",
    },
  ],
});
