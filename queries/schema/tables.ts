/**
 * The one definition of every table the audit reads or writes. Glue tables (Pulumi), the embedded
 * engine's views, the writers and the tests derive their columns from here; nothing else names a
 * column list.
 */
import { array, bigint, boolean, double, Field, int, jsonText, string, struct, timestamp } from "./types";

export type TableName = "history" | "cloudtrail" | "events" | "access" | "grants" | "trails" | "billing" | "live_alerts";

export interface PartitionKey {
  readonly name: string;
  /** How the value is spelled in the key, e.g. `yyyy-MM-dd`. */
  readonly format: string;
}

export interface TableDefinition {
  readonly name: TableName;
  readonly description: string;
  /** `json-lines`: JSON, a record a line (gzip, but for live_alerts' small objects); `cloudtrail`: gzip `{"Records":[...]}`; `parquet`. */
  readonly format: "json-lines" | "cloudtrail" | "parquet";
  readonly columns: readonly Field[];
  readonly partitionKeys: readonly PartitionKey[];
}

const athenaError = struct({
  ErrorCategory: int,
  ErrorType: int,
  Retryable: boolean,
  ErrorMessage: string,
});

/** One Athena `QueryExecution` a line, as the API returns it, plus the collector's `Audit`. */
export const HISTORY: TableDefinition = {
  name: "history",
  description: "Athena query history, one QueryExecution per line as GetQueryExecution returns it",
  format: "json-lines",
  columns: [
    { name: "QueryExecutionId", type: string },
    { name: "Query", type: string },
    { name: "StatementType", type: string },
    { name: "SubstatementType", type: string },
    {
      name: "ResultConfiguration",
      type: struct({
        OutputLocation: string,
        EncryptionConfiguration: struct({ EncryptionOption: string, KmsKey: string }),
        ExpectedBucketOwner: string,
        AclConfiguration: struct({ S3AclOption: string }),
      }),
    },
    {
      name: "ResultReuseConfiguration",
      type: struct({
        ResultReuseByAgeConfiguration: struct({ Enabled: boolean, MaxAgeInMinutes: int }),
      }),
    },
    { name: "QueryExecutionContext", type: struct({ Database: string, Catalog: string }) },
    {
      name: "Status",
      type: struct({
        State: string,
        StateChangeReason: string,
        SubmissionDateTime: string,
        CompletionDateTime: string,
        AthenaError: athenaError,
      }),
    },
    {
      name: "Statistics",
      type: struct({
        EngineExecutionTimeInMillis: bigint,
        DataScannedInBytes: bigint,
        DataManifestLocation: string,
        TotalExecutionTimeInMillis: bigint,
        QueryQueueTimeInMillis: bigint,
        ServicePreProcessingTimeInMillis: bigint,
        QueryPlanningTimeInMillis: bigint,
        ServiceProcessingTimeInMillis: bigint,
        ResultReuseInformation: struct({ ReusedPreviousResult: boolean }),
        DpuCount: double,
      }),
    },
    {
      name: "EngineVersion",
      type: struct({ SelectedEngineVersion: string, EffectiveEngineVersion: string }),
    },
    { name: "ExecutionParameters", type: array(string) },
    // `WorkGroup` stays in each line but is read through the `workgroup` partition key: Glue
    // column names are case-insensitive, so a data column of that name would clash with it.
    {
      name: "Audit",
      comment: "what the collector adds: where and when it read the record, tables referenced",
      type: struct({
        Region: string,
        CollectedAt: string,
        Source: string,
        ReferencedTables: array(string),
        ReferencedDatabases: array(string),
        ParseError: string,
      }),
    },
  ],
  partitionKeys: [
    { name: "account", format: "12-digit id of the account whose Athena ran the queries" },
    { name: "region", format: "AWS region name" },
    { name: "dt", format: "yyyy-MM-dd, UTC day of Status.SubmissionDateTime" },
    { name: "workgroup", format: "Athena work group name" },
  ],
};

const sessionIssuer = struct({
  type: string,
  principalId: string,
  arn: string,
  accountId: string,
  userName: string,
});

/** CloudTrail management events, read where the trail writes them (columns as AWS documents). */
export const CLOUDTRAIL: TableDefinition = {
  name: "cloudtrail",
  description: "CloudTrail log files in the trail's own layout",
  format: "cloudtrail",
  columns: [
    { name: "eventVersion", type: string },
    {
      name: "userIdentity",
      type: struct({
        type: string,
        principalId: string,
        arn: string,
        accountId: string,
        invokedBy: string,
        accessKeyId: string,
        userName: string,
        onBehalfOf: struct({ userId: string, identityStoreArn: string }),
        sessionContext: struct({
          attributes: struct({ mfaAuthenticated: string, creationDate: string }),
          sessionIssuer,
          sourceIdentity: string,
        }),
      }),
    },
    { name: "eventTime", type: string },
    { name: "eventSource", type: string },
    { name: "eventName", type: string },
    { name: "awsRegion", type: string },
    { name: "sourceIPAddress", type: string },
    { name: "userAgent", type: string },
    { name: "errorCode", type: string },
    { name: "errorMessage", type: string },
    jsonText("requestParameters"),
    jsonText("responseElements"),
    jsonText("additionalEventData"),
    { name: "requestID", type: string },
    { name: "eventID", type: string },
    { name: "readOnly", type: string },
    { name: "resources", type: array(struct({ arn: string, accountId: string, type: string })) },
    { name: "eventType", type: string },
    { name: "apiVersion", type: string },
    { name: "recipientAccountId", type: string },
    jsonText("serviceEventDetails"),
    { name: "sharedEventID", type: string },
    { name: "vpcEndpointId", type: string },
    { name: "eventCategory", type: string },
  ],
  partitionKeys: [
    { name: "account", format: "12-digit account id" },
    { name: "region", format: "AWS region name" },
    { name: "day", format: "yyyy/MM/dd, the folder CloudTrail delivered the file to" },
  ],
};

/** History joined with CloudTrail: who ran each query and what it scanned. */
export const EVENTS: TableDefinition = {
  name: "events",
  description: "one row per Athena query: principal from CloudTrail, statistics from history",
  format: "parquet",
  columns: [
    { name: "event_time", type: timestamp, comment: "StartQueryExecution time (submission time when unattributed)" },
    { name: "account_id", type: string },
    { name: "principal_arn", type: string, comment: "caller ARN as CloudTrail shows it; null when unattributed" },
    { name: "iam_principal_arn", type: string, comment: "the IAM user or role holding the permissions" },
    { name: "principal_type", type: string, comment: "IAMUser, AssumedRole, Root, ..." },
    { name: "session_issuer_arn", type: string },
    { name: "user_name", type: string, comment: "IAM user name, or the assumed-role session name" },
    { name: "on_behalf_of", type: string, comment: "IAM Identity Center user id" },
    { name: "source_ip", type: string },
    { name: "user_agent", type: string },
    { name: "client_family", type: string, comment: "console, jdbc, odbc, quicksight, glue, cli, sdk, other, unknown" },
    { name: "query_execution_id", type: string },
    { name: "work_group", type: string },
    { name: "catalog_name", type: string },
    { name: "database_name", type: string },
    { name: "referenced_tables", type: array(string), comment: "database.table the query read, parsed from its SQL by the collector" },
    { name: "query_text", type: string, comment: "from Athena history, never from CloudTrail" },
    { name: "statement_type", type: string },
    { name: "substatement_type", type: string },
    { name: "state", type: string },
    { name: "error_category", type: int },
    { name: "error_type", type: int },
    { name: "error_message", type: string },
    { name: "data_scanned_bytes", type: bigint },
    {
      name: "cost_usd",
      type: double,
      comment:
        "Athena's billing rules (core/cost.ts) in the join's TB: failed, DDL and zero-byte queries 0; else $5/TB, rounded up to the MB, " +
        "10 MB minimum. Reports price the queries with cost_usd > 0 again, in their own TB",
    },
    { name: "engine_execution_ms", type: bigint },
    { name: "queue_ms", type: bigint },
    { name: "planning_ms", type: bigint },
    { name: "total_execution_ms", type: bigint },
    { name: "result_reused", type: boolean },
    { name: "submitted_at", type: timestamp },
    { name: "completed_at", type: timestamp },
    { name: "engine_version", type: string },
    {
      name: "attributed",
      type: boolean,
      comment: "a witness named the principal: CloudTrail, or Athena's system table where CloudTrail did not",
    },
    { name: "in_history", type: boolean, comment: "Athena history had the execution (bytes known)" },
    {
      name: "principal_source",
      type: string,
      comment: "cloudtrail or system_table: which witness named the principal; null when none did",
    },
    {
      name: "witness_principal_arn",
      type: string,
      comment: "the principal Athena's system table names (when it is read), whoever CloudTrail named",
    },
    {
      name: "witnessed_tables",
      type: array(string),
      comment: "database.table the system table says the query read (lower-case); null without a system-table row",
    },
  ],
  partitionKeys: [
    { name: "dt", format: "yyyy-MM-dd, UTC day of event_time" },
    { name: "region", format: "AWS region name" },
  ],
};

/**
 * Reads of the lake outside Athena's own queries, from the trail, aggregated: one row per (day,
 * region, account, principal, engine, source, resource). Glue Data Catalog reads and Lake
 * Formation's data-access grants are management events; S3 object reads are data events, recorded
 * only where the trail selects the bucket. Calls Athena makes while running a query are left out:
 * the events table already holds that query.
 */
export const ACCESS = {
  name: "access",
  description: "reads of the lake by every engine but Athena's own query runs: Glue catalog, Lake Formation, S3 objects",
  format: "parquet",
  columns: [
    { name: "account_id", type: string, comment: "the account whose trail recorded the call (recipientAccountId)" },
    { name: "principal_arn", type: string, comment: "caller ARN as CloudTrail shows it" },
    { name: "iam_principal_arn", type: string, comment: "the IAM user or role holding the permissions (a session's issuer)" },
    { name: "principal_type", type: string, comment: "IAMUser, AssumedRole, AWSService, ..." },
    {
      name: "engine",
      type: string,
      comment:
        "glue-etl, emr, redshift-spectrum, sagemaker, lake-formation (S3 reads with its credentials), other-service, " +
        "cli, sdk, console, unknown",
    },
    { name: "client", type: string, nullable: true, comment: "the user agent, cut to 200 characters" },
    { name: "source", type: string, comment: "glue (catalog reads), lakeformation (GetDataAccess), s3 (object reads)" },
    { name: "actions", type: array(string), comment: "the event names, sorted" },
    { name: "resource_kind", type: string, comment: "table, database, or prefix (an S3 read outside every known table location)" },
    { name: "resource", type: string, comment: "database.table, database, or bucket/first-folder" },
    { name: "calls", type: bigint },
    { name: "objects", type: bigint, comment: "distinct S3 keys read; 0 for catalog and Lake Formation calls" },
    { name: "bytes", type: bigint, comment: "bytesTransferredOut summed; 0 when not recorded" },
    { name: "source_ips", type: array(string), comment: "the caller's addresses, sorted, at most 20" },
    { name: "first_time", type: timestamp },
    { name: "last_time", type: timestamp },
  ],
  partitionKeys: [
    { name: "dt", format: "yyyy-MM-dd, UTC day of eventTime" },
    { name: "region", format: "AWS region name" },
  ],
} as const satisfies TableDefinition;

/** What each principal may query, one row per (principal, work group | database | table, access path), a snapshot an account a day. */
export const GRANTS = {
  name: "grants",
  description: "Athena access each IAM user and role holds, evaluated from its policies with iam-simulate",
  format: "json-lines",
  columns: [
    { name: "principal_arn", type: string },
    { name: "principal_type", type: string, comment: "user or role" },
    { name: "principal_created", type: string, nullable: true, comment: "when IAM created the principal (ISO-8601)" },
    { name: "grant_kind", type: string, comment: "workgroup, database, table; unevaluated when its policies could not be evaluated" },
    { name: "resource", type: string, comment: "work group, database, or database.table" },
    { name: "access_path", type: string, comment: "iam" },
    { name: "certainty", type: string, comment: "allowed, conditional, or unevaluated" },
    { name: "condition_keys", type: array(string), comment: "what a conditional grant depends on" },
    { name: "note", type: string, nullable: true, comment: "why a principal could not be evaluated" },
    {
      name: "location",
      type: string,
      nullable: true,
      comment: "a table grant's table location (s3://bucket/prefix/), where its data is read; null for other grants and older snapshots",
    },
  ],
  partitionKeys: [
    { name: "account", format: "12-digit id of the account whose IAM the snapshot evaluated" },
    { name: "dt", format: "yyyy-MM-dd, the day of the snapshot" },
  ],
} as const satisfies TableDefinition;

/**
 * What each trail an account can see records, a snapshot an account a day beside its grants: whether
 * another engine's use would show in the lake at all (issue 22). Read from DescribeTrails (shadow
 * trails included, so an organization trail shows in members), GetTrailStatus and GetEventSelectors,
 * basic or advanced selectors interpreted by functions/grants/trail-selectors.ts.
 */
export const TRAILS = {
  name: "trails",
  description: "what each trail the account can see records: management events, excluded sources, S3 data events",
  format: "json-lines",
  columns: [
    { name: "trail_arn", type: string },
    { name: "home_region", type: string, comment: "the trail's home region" },
    { name: "multi_region", type: boolean, comment: "records every region, not its home region only" },
    { name: "organization_trail", type: boolean },
    { name: "logging", type: boolean, nullable: true, comment: "GetTrailStatus IsLogging; null when the status could not be read" },
    { name: "s3_bucket", type: string, nullable: true, comment: "where the trail delivers its files" },
    { name: "s3_prefix", type: string, nullable: true },
    {
      name: "delivers_to_lake",
      type: boolean,
      nullable: true,
      comment: "its bucket and prefix are the audit lake's CloudTrail source; null when the collector was not told the lake's",
    },
    { name: "selector_kind", type: string, nullable: true, comment: "basic or advanced; null when the selectors could not be read" },
    {
      name: "management_events",
      type: string,
      nullable: true,
      comment: "all, read-only, write-only or none; null when the selectors could not be read",
    },
    {
      name: "excluded_sources",
      type: array(string),
      comment: "management event sources left out of the read events recorded (kms.amazonaws.com, ...)",
    },
    { name: "s3_read", type: array(string), comment: "S3 object reads recorded: bucket/prefix, or * for every bucket" },
    { name: "s3_write", type: array(string), comment: "S3 object writes recorded: bucket/prefix, or * for every bucket" },
    { name: "selectors", type: string, nullable: true, comment: "GetEventSelectors' answer, as JSON text" },
    {
      name: "note",
      type: string,
      nullable: true,
      comment: "what could not be read, or the part of a selector not understood (its events not counted as recorded)",
    },
  ],
  partitionKeys: [
    { name: "account", format: "12-digit id of the account whose trails the snapshot read" },
    { name: "dt", format: "yyyy-MM-dd, the day of the snapshot" },
  ],
} as const satisfies TableDefinition;

/**
 * What AWS billed for Athena, from Cost Explorer (`GetCostAndUsage`, service Amazon Athena, daily,
 * grouped by usage type): one row per (day, usage type, work group when known). One object a billed
 * day, rewritten while Cost Explorer still revises the day.
 */
export const BILLING = {
  name: "billing",
  description: "Athena's daily cost as Cost Explorer reports it, per usage type",
  format: "json-lines",
  columns: [
    { name: "day", type: string, comment: "the billed UTC day (yyyy-MM-dd), Cost Explorer's TimePeriod.Start" },
    { name: "usage_type", type: string, comment: "Cost Explorer's USAGE_TYPE, e.g. USE1-DataScannedInTB" },
    { name: "work_group", type: string, nullable: true, comment: "when grouped by a work-group cost allocation tag; null otherwise" },
    { name: "unblended_cost_usd", type: double, comment: "UnblendedCost, in USD" },
    { name: "usage_amount", type: double, comment: "UsageQuantity" },
    { name: "usage_unit", type: string, nullable: true, comment: "UsageQuantity's unit as Cost Explorer names it" },
    { name: "estimated", type: boolean, comment: "Cost Explorer marked the day as estimated (not final)" },
    {
      name: "account_id",
      type: string,
      nullable: true,
      comment: "the account whose cost it is: the collector asks for its own account's only (LINKED_ACCOUNT); null in rows written before",
    },
  ],
  partitionKeys: [{ name: "dt", format: "yyyy-MM-dd, the billed day" }],
} as const satisfies TableDefinition;

/**
 * The alerts the live path sent (docs/live-alerts.md), one object an alert, written by the live
 * function right after it published: what lets the daily detector say "alerted live at …" instead
 * of alerting twice. Times are ISO-8601 text in UTC, as the function writes them (JSON SerDes read
 * no `…T…Z` timestamp alike), compared as text by the saved SQL.
 */
export const LIVE_ALERTS = {
  name: "live_alerts",
  description: "the alerts the live path sent, one JSON object per query and kind",
  format: "json-lines",
  columns: [
    { name: "query_execution_id", type: string },
    { name: "account_id", type: string, comment: "the account whose Athena ran the query" },
    { name: "region", type: string },
    { name: "principal_arn", type: string, comment: "the IAM user or role (the events' iam_principal_arn)" },
    { name: "kind", type: string, comment: "exfiltration, probing or reach: the anomalies query's kinds" },
    { name: "subject", type: string, comment: "as the anomalies query names it: s3://bucket, select-star:<table>, the resources" },
    { name: "severity", type: string, comment: "high or medium" },
    { name: "alerted_at", type: string, comment: "when the alert was published, ISO-8601 UTC (yyyy-MM-ddTHH:mm:ss.SSSZ)" },
    { name: "event_time", type: string, comment: "the query's StartQueryExecution time, ISO-8601 UTC (CloudTrail's eventTime)" },
  ],
  partitionKeys: [
    { name: "account", format: "12-digit id of the account whose live function sent the alert" },
    { name: "dt", format: "yyyy-MM-dd, UTC day of event_time" },
  ],
} as const satisfies TableDefinition;

export const TABLES: Readonly<Record<TableName, TableDefinition>> = {
  history: HISTORY,
  cloudtrail: CLOUDTRAIL,
  events: EVENTS,
  access: ACCESS,
  grants: GRANTS,
  trails: TRAILS,
  billing: BILLING,
  live_alerts: LIVE_ALERTS,
};

/** Column names (lower-case) of a table, partition keys last, as SQL sees them. */
export function sqlColumns(table: TableDefinition): string[] {
  return [...table.columns.map((c) => c.name.toLowerCase()), ...table.partitionKeys.map((p) => p.name)];
}
