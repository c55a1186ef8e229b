/** Roles that run queries in the audit's work group: the daily join and the reporting role. */
import {
  accessTablePrefix,
  billingTablePrefix,
  cloudTrailRoot,
  eventsTablePrefix,
  grantsTablePrefix,
  historyTablePrefix,
  liveAlertsTablePrefix,
  trailsTablePrefix,
} from "../../core/layout";
import { bucketArn, doc, kms, logs, PolicyDocument, Scope, Statement } from "./document";

export interface AthenaScope extends Scope {
  workGroup: string;
  database: string;
  trailBucket: string;
  trailPrefix: string;
  /** The key an existing trail encrypts its log files with (SSE-KMS), if any. */
  trailKmsKeyArn?: string;
  /** Delete joined history past its retention. */
  expireHistory: boolean;
  /** Also read Athena's system table query_executions (see systemTableRead); off when left out. */
  systemTables?: boolean;
}

const glueArns = (s: AthenaScope, tables: string[]) => [
  `arn:${s.partition}:glue:${s.region}:${s.account}:catalog`,
  `arn:${s.partition}:glue:${s.region}:${s.account}:database/${s.database}`,
  ...tables.map((t) => `arn:${s.partition}:glue:${s.region}:${s.account}:table/${s.database}/${t}`),
];

// Athena reads the table definitions with the caller's permissions. Every audit table uses
// partition projection, so Athena never lists partitions (no glue:GetPartitions).
const glueRead = (s: AthenaScope, tables: string[]): Statement => ({
  Sid: "Catalog",
  Effect: "Allow",
  Action: ["glue:GetDatabase", "glue:GetTable"],
  Resource: glueArns(s, tables),
});

const runQueries = (s: AthenaScope): Statement => ({
  Sid: "RunQueries",
  Effect: "Allow",
  Action: ["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults", "athena:StopQueryExecution"],
  Resource: `arn:${s.partition}:athena:${s.region}:${s.account}:workgroup/${s.workGroup}`,
});

const results = (s: AthenaScope): Statement => ({
  Sid: "QueryResults",
  Effect: "Allow",
  // Athena writes each query's results here and GetQueryResults reads them back, as the caller.
  Action: ["s3:GetObject", "s3:PutObject"],
  Resource: `${bucketArn(s)}/${s.prefix}/query-results/*`,
});

/** Athena's service-managed S3 table bucket holding the system tables, and the one the audit reads. */
export const SYSTEM_TABLE_BUCKET = "aws-athena";
export const SYSTEM_TABLE = { catalog: `s3tablescatalog/${SYSTEM_TABLE_BUCKET}`, namespace: "metadata", table: "query_executions" };

/**
 * Reading `"s3tablescatalog/aws-athena"."metadata"."query_executions"`. Athena's system tables are
 * S3 Tables (Iceberg) in the `aws-athena` table bucket, which Athena reads through the
 * `s3tablescatalog` federated Glue catalog (Athena user guide, "Use Athena system tables"). So the
 * caller needs: Glue's catalog, database (the namespace) and table, each authorized on every level
 * of the path; S3 Tables' read actions, as AWS's least-privilege example for published system tables
 * lists them (the bucket and namespace calls on the table bucket, the rest on its tables, whose ARNs
 * end in a table id, hence `table/*`); and Lake Formation's credential vending for the table's data,
 * which has no resource-level permissions. Iceberg keeps partitions in its own metadata: no
 * glue:GetPartitions.
 */
export function systemTableRead(s: Pick<Scope, "partition" | "region" | "account">): Statement[] {
  const glue = `arn:${s.partition}:glue:${s.region}:${s.account}`;
  const bucket = `arn:${s.partition}:s3tables:${s.region}:${s.account}:bucket/${SYSTEM_TABLE_BUCKET}`;
  return [
    {
      Sid: "SystemTableCatalog",
      Effect: "Allow",
      Action: ["glue:GetCatalog", "glue:GetDatabase", "glue:GetTable"],
      Resource: [
        `${glue}:catalog`,
        `${glue}:catalog/s3tablescatalog`,
        `${glue}:catalog/${SYSTEM_TABLE.catalog}`,
        `${glue}:database/${SYSTEM_TABLE.catalog}/${SYSTEM_TABLE.namespace}`,
        `${glue}:table/${SYSTEM_TABLE.catalog}/${SYSTEM_TABLE.namespace}/${SYSTEM_TABLE.table}`,
      ],
    },
    { Sid: "SystemTableBucket", Effect: "Allow", Action: ["s3tables:GetTableBucket", "s3tables:GetNamespace"], Resource: bucket },
    {
      Sid: "SystemTableData",
      Effect: "Allow",
      Action: ["s3tables:GetTable", "s3tables:GetTableMetadataLocation", "s3tables:GetTableData"],
      Resource: `${bucket}/table/*`,
    },
    { Sid: "SystemTableAccess", Effect: "Allow", Action: ["lakeformation:GetDataAccess"], Resource: "*" },
  ];
}

/**
 * The daily join: keep history's work groups and accounts and grants' accounts projected, run the
 * join in the audit's work group, replace events partitions.
 */
export function joinPolicy(s: AthenaScope): PolicyDocument {
  const trail = `arn:${s.partition}:s3:::${s.trailBucket}`;
  return doc([
    runQueries(s),
    // The grants table: its account enum (below), and the access join reads its table locations;
    // the trails table: its account enum.
    glueRead(s, ["history", "cloudtrail", "events", "access", "grants", "trails"]),
    {
      Sid: "ListSources",
      Effect: "Allow",
      Action: ["s3:ListBucket", "s3:GetBucketLocation"],
      Resource: [...new Set([bucketArn(s), trail])],
    },
    {
      Sid: "ReadHistoryAndGrants",
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: [`${bucketArn(s)}/${historyTablePrefix(s.prefix)}*`, `${bucketArn(s)}/${grantsTablePrefix(s.prefix)}*`],
    },
    { Sid: "ReadCloudTrail", Effect: "Allow", Action: ["s3:GetObject"], Resource: `${trail}/${cloudTrailRoot(s.trailPrefix)}*` },
    {
      Sid: "WriteEventsAndAccess",
      Effect: "Allow",
      Action: ["s3:PutObject", "s3:DeleteObject"],
      Resource: [`${bucketArn(s)}/${eventsTablePrefix(s.prefix)}*`, `${bucketArn(s)}/${accessTablePrefix(s.prefix)}*`],
    },
    // Before joining, the join adds work groups and accounts found in history to the history
    // table's enum projections, and accounts found in grants and trails to those tables' (GetTable is
    // in "Catalog"; the listings use "ListSources"): Athena reads no folder an enum does not list.
    { Sid: "ProjectPartitions", Effect: "Allow", Action: ["glue:UpdateTable"], Resource: glueArns(s, ["history", "grants", "trails"]) },
    // INSERT INTO a partitioned table registers the partitions it wrote.
    {
      Sid: "RegisterPartitions",
      Effect: "Allow",
      Action: ["glue:GetPartition", "glue:BatchCreatePartition"],
      Resource: glueArns(s, ["events", "access"]),
    },
    results(s),
    s.trailKmsKeyArn && s.trailKmsKeyArn !== s.kmsKeyArn
      ? { Sid: "TrailKey", Effect: "Allow", Action: ["kms:Decrypt"], Resource: s.trailKmsKeyArn }
      : undefined,
    s.expireHistory
      ? { Sid: "ExpireHistory", Effect: "Allow", Action: ["s3:DeleteObject"], Resource: `${bucketArn(s)}/${historyTablePrefix(s.prefix)}*` }
      : undefined,
    ...(s.systemTables ? systemTableRead(s) : []),
    logs(s),
    kms(s),
  ]);
}

/** The reporting role the GitHub workflow assumes: run the audit's queries and read their results. */
export function reportingPolicy(
  s: Omit<AthenaScope, "logGroupArn" | "expireHistory" | "trailBucket" | "trailPrefix" | "systemTables">,
): PolicyDocument {
  const scope = { ...s, logGroupArn: "", expireHistory: false, trailBucket: s.bucket, trailPrefix: "" };
  return doc([
    runQueries(scope),
    // History too: data_coverage counts what history holds beside what the join made of it; and
    // billing: bill_reconciliation sets the audit's costs against the bill.
    // trails: permission_gaps caps a finding's confidence by what the trails record.
    glueRead(scope, ["events", "access", "grants", "trails", "history", "billing", "live_alerts"]),
    { Sid: "ListAudit", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: bucketArn(s) },
    {
      Sid: "ReadAuditTables",
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: [
        `${bucketArn(s)}/${eventsTablePrefix(s.prefix)}*`,
        `${bucketArn(s)}/${accessTablePrefix(s.prefix)}*`,
        `${bucketArn(s)}/${grantsTablePrefix(s.prefix)}*`,
        `${bucketArn(s)}/${trailsTablePrefix(s.prefix)}*`,
        `${bucketArn(s)}/${historyTablePrefix(s.prefix)}*`,
        // The live alerts sent, which the anomalies page names ("alerted live at …").
        `${bucketArn(s)}/${liveAlertsTablePrefix(s.prefix)}*`,
        `${bucketArn(s)}/${billingTablePrefix(s.prefix)}*`,
      ],
    },
    results(scope),
    kms(scope),
  ]);
}
