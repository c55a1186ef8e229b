import { defineSavedQuery } from "./query";
import { account } from "./shared-columns";
import { lastUsedWindow } from "./windows";

export const permissionGaps = defineSavedQuery({
  name: "permission_gaps",
  title: "Permission gaps",
  description: "Grants each principal holds but did not use in the period, and how sure that is.",
  parameters: lastUsedWindow,
  // One row per principal and unused grant: the findings the reports and the issue sync consume.
  columns: [
    { name: "principal_arn", type: "varchar" },
    { name: "principal_type", type: "varchar" },
    {
      name: "principal_created",
      type: "varchar",
      nullable: true,
      comment: "YYYY-MM-DD IAM created it (the grants snapshot's); null if the snapshot does not say",
    },
    {
      ...account,
      nullable: true,
      comment: "the account whose IAM holds the grant (its grants snapshot); a findings file may leave it out (the ARN names it)",
    },
    { name: "grant_kind", type: "varchar", values: ["workgroup", "database", "table"] },
    { name: "resource", type: "varchar", comment: "`primary`, `finance`, `finance.ledger`" },
    { name: "access_path", type: "varchar", comment: "how the principal holds it: `iam`, `iam (conditional)`, `lake-formation`" },
    {
      name: "last_used",
      type: "varchar",
      nullable: true,
      comment: "YYYY-MM-DD; null if not used within the lookback (last_used_from to window_to): older use is not read",
    },
    {
      name: "last_used_by",
      type: "varchar",
      nullable: true,
      comment:
        "the engine of that last use: athena, or another engine's reads (the access table: glue-etl, emr, redshift-spectrum, cli...)",
    },
    {
      name: "last_used_from",
      type: "varchar",
      nullable: true,
      comment:
        "the lookback's first day: lastUsedLookbackDays days ending on window_to, or window_from when earlier; " +
        "null only in a findings file that leaves it out",
    },
    { name: "principal_queries", type: "bigint", comment: "the principal's own use of Athena in the window" },
    { name: "principal_last_active", type: "varchar", nullable: true },
    {
      name: "principal_other_calls",
      type: "bigint",
      comment: "the principal's reads through every other engine in the window (the access table's calls)",
    },
    { name: "principal_other_engines", type: "varchar", nullable: true, comment: "those engines, comma-separated" },
    { name: "principal_other_last_active", type: "varchar", nullable: true },
    { name: "window_from", type: "varchar" },
    { name: "window_to", type: "varchar" },
    {
      name: "confidence",
      type: "varchar",
      values: ["high", "medium", "low"],
      comment: "high: every day complete for the grant and no unattributed query touched it; low: one did, or the principal is new",
    },
    { name: "reason", type: "varchar", comment: "why this confidence, in words" },
  ],
});
