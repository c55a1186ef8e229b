import { defineSavedQuery } from "./query";
import { account } from "./shared-columns";
import { periodWindow } from "./windows";

export const accessByEngine = defineSavedQuery({
  name: "access_by_engine",
  title: "Access by engine",
  description:
    "Per principal and table, which engines read it (Athena, Glue ETL, EMR, Redshift Spectrum, direct S3), how often and how much.",
  parameters: periodWindow,
  columns: [
    {
      ...account,
      comment: "Athena's rows: the account whose Athena ran the queries; others: the account whose trail recorded the reads",
    },
    { name: "iam_principal_arn", type: "varchar", comment: "the IAM user or role; (unattributed) when no witness named it" },
    {
      name: "resource_kind",
      type: "varchar",
      values: ["table", "database", "prefix"],
      comment: "prefix: S3 reads outside every known table",
    },
    { name: "resource", type: "varchar", comment: "database.table, database, or bucket/first-folder" },
    {
      name: "engine",
      type: "varchar",
      comment: "athena (its queries, from events), or the access table's engine: glue-etl, emr, redshift-spectrum, cli...",
    },
    {
      name: "sources",
      type: "varchar",
      comment: "the evidence, comma-separated: events (Athena's queries), glue (catalog reads), lakeformation, s3 (object reads)",
    },
    { name: "days", type: "bigint", comment: "days with a read in the period" },
    { name: "calls", type: "bigint", comment: "Athena: queries; others: calls recorded" },
    {
      name: "objects",
      type: "bigint",
      nullable: true,
      comment: "distinct S3 objects read, summed over days; null for Athena (not recorded)",
    },
    { name: "bytes", type: "bigint", comment: "Athena: bytes its queries scanned in all; others: bytes transferred out of S3" },
    { name: "last_day", type: "varchar" },
  ],
});
