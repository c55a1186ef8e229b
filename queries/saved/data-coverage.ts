import { defineSavedQuery } from "./query";
import { periodWindow } from "./windows";

export const dataCoverage = defineSavedQuery({
  name: "data_coverage",
  title: "Data coverage",
  description: "Which days and regions the evidence covers, and what is missing.",
  parameters: periodWindow,
  columns: [
    { name: "day", type: "varchar" },
    { name: "region", type: "varchar" },
    { name: "history_queries", type: "bigint", comment: "queries the history table holds for the day" },
    { name: "events", type: "bigint" },
    { name: "with_history", type: "bigint" },
    { name: "with_cloudtrail", type: "bigint" },
    {
      name: "unattributed",
      type: "bigint",
      comment: "queries in history no witness names (CloudTrail, or Athena's system table where read)",
    },
    {
      name: "first_unattributed",
      type: "varchar",
      nullable: true,
      comment: "one of them, the first by id: its CloudTrail record came more than a day late, or never",
    },
    {
      name: "from_system_table",
      type: "bigint",
      comment: "queries in history CloudTrail missed whose principal Athena's system table gave",
    },
    { name: "without_history", type: "bigint", comment: "CloudTrail starts with no history" },
    {
      name: "accounts_without_history",
      type: "varchar",
      nullable: true,
      comment: "the accounts of those starts, comma-separated: whose history collector is missing or failing",
    },
    { name: "gap_hours", type: "varchar", nullable: true, comment: "UTC hours with history but no CloudTrail record, `13,14`" },
    { name: "work_groups_not_joined", type: "varchar", nullable: true, comment: "work groups with history the join did not see" },
    { name: "coverage", type: "varchar", values: ["complete", "partial", "missing"] },
  ],
});
