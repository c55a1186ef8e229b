/**
 * The saved queries on permissions and evidence: unused grants, accounts, coverage, the bill, the
 * second witness and anomalies.
 */
import { anomalyParameters } from "./anomaly-parameters";
import { account, cost, bytes, definitions, periodWindow, queries, reconciliation } from "./saved-parts";

/** In the order the reports list them (after the usage queries). */
export const EVIDENCE_QUERIES = definitions({
  permission_gaps: {
    title: "Permission gaps",
    description: "Grants each principal holds but did not use in the period, and how sure that is.",
    parameters: periodWindow,
    // One row per principal and unused grant: the findings the reports and the issue sync consume.
    columns: [
      { name: "principal_arn", type: "varchar" },
      { name: "principal_type", type: "varchar" },
      {
        ...account,
        nullable: true,
        comment: "the account whose IAM holds the grant (its grants snapshot); a findings file may leave it out (the ARN names it)",
      },
      { name: "grant_kind", type: "varchar", values: ["workgroup", "database", "table"] },
      { name: "resource", type: "varchar", comment: "`primary`, `finance`, `finance.ledger`" },
      { name: "access_path", type: "varchar", comment: "how the principal holds it: `iam`, `iam (conditional)`, `lake-formation`" },
      { name: "last_used", type: "varchar", nullable: true, comment: "YYYY-MM-DD; null if never in the evidence" },
      {
        name: "last_used_by",
        type: "varchar",
        nullable: true,
        comment:
          "the engine of that last use: athena, or another engine's reads (the access table: glue-etl, emr, redshift-spectrum, cli...)",
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
  },
  usage_by_account: {
    title: "Usage by account",
    description: "Each account of the organization: what its queries cost, who ran them, and how whole its evidence is.",
    parameters: (p, o) => ({ ...periodWindow(p), expected_accounts: o.expectedAccounts.join(",") }),
    columns: [
      account,
      cost,
      bytes,
      queries,
      { name: "principals", type: "bigint", comment: "IAM users and roles a witness named" },
      { name: "work_groups", type: "bigint" },
      { name: "regions", type: "bigint" },
      { name: "with_history", type: "bigint", comment: "queries the account's history collectors recorded" },
      { name: "unattributed", type: "bigint", comment: "queries in history no witness names" },
      { name: "without_history", type: "bigint", comment: "CloudTrail starts with no history: the account's collector missed them" },
      { name: "history_days", type: "bigint", comment: "days with history in the period" },
      { name: "last_history_day", type: "varchar", nullable: true },
      {
        name: "grants_day",
        type: "varchar",
        nullable: true,
        comment: "the account's last grants snapshot in the period (the one permission_gaps judges); null: none in it",
      },
      {
        name: "earlier_grants_day",
        type: "varchar",
        nullable: true,
        comment: "its last grants snapshot before the period: when grants_day is null, the collector has written none since",
      },
      { name: "granted_principals", type: "bigint", comment: "principals in the period's snapshot" },
      { name: "expected", type: "boolean", comment: "the deployment lists the account (expectedAccounts)" },
      {
        name: "evidence",
        type: "varchar",
        values: ["complete", "partial", "no history", "nothing arrived", "no grants snapshot", "no queries"],
        comment:
          "no history: CloudTrail saw queries but no history arrived; nothing arrived: neither queries nor grants; " +
          "no grants snapshot: queries but no grants snapshot in the period (its permission gaps are not computed); " +
          "partial: some queries lack history or a witness; no queries: grants but no query in the period",
      },
    ],
  },
  data_coverage: {
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
  },
  bill_reconciliation: {
    title: "Reconciliation with the bill",
    description: "Per day, the audit's cost against what Cost Explorer says AWS billed for Athena, and which TB definition fits.",
    parameters: reconciliation,
    columns: [
      { name: "day", type: "varchar" },
      { name: "audit_cost_usd", type: "double", comment: "the events table's cost_usd, summed" },
      { name: "billed_cost_usd", type: "double", nullable: true, comment: "Cost Explorer's UnblendedCost for Athena; null without a bill" },
      { name: "difference_usd", type: "double", nullable: true, comment: "billed minus audit" },
      {
        name: "ratio",
        type: "double",
        nullable: true,
        comment: "billed over audit; about 1.0995 when the bill counts decimal TB and the audit binary",
      },
      { name: "binary_cost_usd", type: "double", comment: "the day's billed queries priced with a 2^40-byte TB" },
      { name: "decimal_cost_usd", type: "double", comment: "the same priced with a 10^12-byte TB" },
      { name: "tb_fit", type: "varchar", nullable: true, values: ["binary", "decimal", "either", "neither"] },
      { name: "mismatch", type: "boolean", nullable: true, comment: "no TB definition explains the bill within the tolerance" },
      { name: "estimated", type: "boolean", nullable: true, comment: "Cost Explorer still estimates the day; null without a bill" },
      {
        name: "audit_regions",
        type: "varchar",
        nullable: true,
        comment: "regions of the day's events, comma-separated; null without events",
      },
      {
        name: "billed_usage_types",
        type: "varchar",
        nullable: true,
        comment: "the bill's usage types (region code first, e.g. USE1-DataScannedInTB), comma-separated; null without a bill",
      },
      {
        name: "unbilled_cost_usd",
        type: "double",
        comment: "the day's cost in accounts the bill does not cover (another account's Cost Explorer bills them); not compared",
      },
    ],
  },
  witness_disagreements: {
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
  },
  anomalies: {
    title: "Anomalies",
    description:
      "Activity unusual for the principal: volume, first reads, new origins and hours, probing, exfiltration shapes, " +
      "direct downloads.",
    parameters: (p, o) => anomalyParameters(p, o.anomalies),
    columns: [
      { name: "day", type: "varchar" },
      { name: "principal_arn", type: "varchar", comment: "the IAM user or role (the events' iam_principal_arn)" },
      { name: "kind", type: "varchar", values: ["volume", "reach", "origin", "time", "probing", "exfiltration", "download"] },
      {
        name: "subject",
        type: "varchar",
        comment:
          "what is unusual: bytes, queries or calls (volume); a database or table (reach); network or client:<family> (origin); " +
          "an hour HH (time); the failures' resources (probing); s3://bucket or select-star:<table> (exfiltration); " +
          "the tables or bucket/folders read (download)",
      },
      {
        name: "measured",
        type: "double",
        comment:
          "the day's bytes, queries or calls; the failures in the hour; bytes scanned; bytes read (download); else queries and calls",
      },
      { name: "baseline", type: "double", nullable: true, comment: "volume, download: the median of the principal's previous days" },
      { name: "spread", type: "double", nullable: true, comment: "volume, download: the median absolute deviation of those days" },
      { name: "score", type: "double", comment: "how far from normal, to rank findings of a kind" },
      { name: "severity", type: "varchar", values: ["high", "medium", "low"] },
      { name: "queries", type: "bigint", comment: "queries behind the finding" },
      { name: "example_query_id", type: "varchar", nullable: true },
      { name: "human", type: "boolean", comment: "the principal showed a person's signs before the day (principal_profiles' rule)" },
      { name: "coverage", type: "varchar", values: ["complete", "partial"], comment: "partial: the day has queries no witness attributed" },
      {
        name: "engine",
        type: "varchar",
        comment: "the engines behind the finding, comma-separated: athena (queries), or the access table's (glue-etl, emr, cli, ...)",
      },
      { name: "calls", type: "bigint", comment: "other engines' calls behind the finding (catalog, Lake Formation, object reads)" },
      { name: "objects", type: "bigint", nullable: true, comment: "download: the S3 objects read that day" },
      { name: "baseline_objects", type: "double", nullable: true, comment: "download: the median objects read a day before" },
      {
        name: "peak",
        type: "double",
        nullable: true,
        comment: "volume, download: the busiest of the previous days (bytes, queries or calls)",
      },
      {
        name: "networks",
        type: "varchar",
        nullable: true,
        comment: "download: the networks (IPv4 /24) the reads came from, comma-separated; none for a service's workers",
      },
      { name: "new_networks", type: "varchar", nullable: true, comment: "download: those the principal never used before" },
    ],
  },
  access_by_engine: {
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
  },
});
