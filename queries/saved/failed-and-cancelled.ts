import { defineSavedQuery } from "./query";
import { bytes, cost, principal, queries } from "./shared-columns";
import { pricedWindow } from "./windows";

export const failedAndCancelled = defineSavedQuery({
  name: "failed_and_cancelled",
  title: "Failed and cancelled queries",
  description: "Cancelled queries are billed for what they scanned; failed ones are free but took time. By error type and principal.",
  parameters: pricedWindow,
  columns: [
    { name: "state", type: "varchar", values: ["CANCELLED", "FAILED"] },
    {
      name: "error_category",
      type: "varchar",
      nullable: true,
      comment: "system, user or other (Athena's ErrorCategory); none if cancelled",
    },
    { name: "error_type", type: "bigint", nullable: true, comment: "Athena's ErrorType code (see its error catalog)" },
    principal,
    queries,
    bytes,
    { ...cost, comment: "billed: what cancelled queries scanned; failed queries are free" },
    { name: "engine_execution_ms", type: "bigint", comment: "summed over the queries" },
    { name: "total_execution_ms", type: "bigint", comment: "summed over the queries" },
    { name: "example_error", type: "varchar", nullable: true, comment: "one message of this error type" },
  ],
});
