/**
 * IAM policy documents, as pure functions of names and ARNs: named actions only, resources scoped
 * to the audit's bucket prefixes, work group, database and tables. `*` appears only where the API
 * has no resource-level permissions (athena:ListWorkGroups).
 */
import { cloudTrailRoot, eventsTablePrefix, grantsTablePrefix, historyTablePrefix } from "../queries/layout";

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: Statement[];
}

export interface Statement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Action: string[];
  Resource: string | string[];
  Principal?: Record<string, string | string[]>;
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface Scope {
  partition: string;
  region: string;
  account: string;
  bucket: string;
  prefix: string;
  kmsKeyArn?: string;
  logGroupArn: string;
}

const doc = (statements: (Statement | undefined)[]): PolicyDocument => ({
  Version: "2012-10-17",
  Statement: statements.filter((s): s is Statement => s !== undefined),
});

const logs = (s: Scope): Statement => ({
  Sid: "Logs",
  Effect: "Allow",
  Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
  Resource: `${s.logGroupArn}:*`,
});

const kms = (s: Scope): Statement | undefined =>
  s.kmsKeyArn ? { Sid: "AuditKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: s.kmsKeyArn } : undefined;

const bucketArn = (s: Pick<Scope, "partition" | "bucket">) => `arn:${s.partition}:s3:::${s.bucket}`;

/** The history collector: read every work group's history, write history objects. */
export function collectorPolicy(s: Scope): PolicyDocument {
  return doc([
    // Listing the history prefix first tells the collector which objects exist: without
    // s3:ListBucket, S3 answers 403 (not 404) for a key that is not there yet.
    {
      Sid: "ListHistory",
      Effect: "Allow",
      Action: ["s3:ListBucket"],
      Resource: bucketArn(s),
      Condition: { StringLike: { "s3:prefix": [`${historyTablePrefix(s.prefix)}*`] } },
    },
    { Sid: "ListWorkGroups", Effect: "Allow", Action: ["athena:ListWorkGroups"], Resource: "*" },
    {
      Sid: "ReadHistory",
      Effect: "Allow",
      Action: ["athena:ListQueryExecutions", "athena:BatchGetQueryExecution"],
      Resource: `arn:${s.partition}:athena:${s.region}:${s.account}:workgroup/*`,
    },
    {
      Sid: "WriteHistory",
      Effect: "Allow",
      Action: ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"],
      Resource: `${bucketArn(s)}/${historyTablePrefix(s.prefix)}*`,
    },
    logs(s),
    kms(s),
  ]);
}

export interface AthenaScope extends Scope {
  workGroup: string;
  database: string;
  trailBucket: string;
  trailPrefix: string;
  /** The key an existing trail encrypts its log files with (SSE-KMS), if any. */
  trailKmsKeyArn?: string;
  /** Delete joined history past its retention. */
  expireHistory: boolean;
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

/** The daily join: keep history's work groups projected, run the join in the audit's work group, replace events partitions. */
export function joinPolicy(s: AthenaScope): PolicyDocument {
  const trail = `arn:${s.partition}:s3:::${s.trailBucket}`;
  return doc([
    runQueries(s),
    glueRead(s, ["history", "cloudtrail", "events"]),
    {
      Sid: "ListSources",
      Effect: "Allow",
      Action: ["s3:ListBucket", "s3:GetBucketLocation"],
      Resource: [...new Set([bucketArn(s), trail])],
    },
    { Sid: "ReadHistory", Effect: "Allow", Action: ["s3:GetObject"], Resource: `${bucketArn(s)}/${historyTablePrefix(s.prefix)}*` },
    { Sid: "ReadCloudTrail", Effect: "Allow", Action: ["s3:GetObject"], Resource: `${trail}/${cloudTrailRoot(s.trailPrefix)}*` },
    {
      Sid: "WriteEvents",
      Effect: "Allow",
      Action: ["s3:PutObject", "s3:DeleteObject"],
      Resource: `${bucketArn(s)}/${eventsTablePrefix(s.prefix)}*`,
    },
    // Before joining, the join adds work groups found in history to the history table's enum
    // projection (GetTable is in "Catalog"): Athena reads no folder the enum does not list.
    { Sid: "ProjectWorkGroups", Effect: "Allow", Action: ["glue:UpdateTable"], Resource: glueArns(s, ["history"]) },
    // INSERT INTO a partitioned table registers the partitions it wrote.
    {
      Sid: "RegisterEventsPartitions",
      Effect: "Allow",
      Action: ["glue:GetPartition", "glue:BatchCreatePartition"],
      Resource: glueArns(s, ["events"]),
    },
    results(s),
    s.trailKmsKeyArn && s.trailKmsKeyArn !== s.kmsKeyArn
      ? { Sid: "TrailKey", Effect: "Allow", Action: ["kms:Decrypt"], Resource: s.trailKmsKeyArn }
      : undefined,
    s.expireHistory
      ? { Sid: "ExpireHistory", Effect: "Allow", Action: ["s3:DeleteObject"], Resource: `${bucketArn(s)}/${historyTablePrefix(s.prefix)}*` }
      : undefined,
    logs(s),
    kms(s),
  ]);
}

/** The grants collector: read IAM in one sweep, the Glue catalog and work groups; write grants snapshots. */
export function grantsPolicy(s: Scope & { lakeFormation: boolean }): PolicyDocument {
  const glue = `arn:${s.partition}:glue:${s.region}:${s.account}`;
  return doc([
    // Neither call supports resource-level permissions: AWS requires "*".
    { Sid: "ReadIam", Effect: "Allow", Action: ["iam:GetAccountAuthorizationDetails"], Resource: "*" },
    { Sid: "ListWorkGroups", Effect: "Allow", Action: ["athena:ListWorkGroups"], Resource: "*" },
    {
      Sid: "ReadCatalog",
      Effect: "Allow",
      Action: ["glue:GetDatabases", "glue:GetTables"],
      Resource: [`${glue}:catalog`, `${glue}:database/*`, `${glue}:table/*/*`],
    },
    { Sid: "WriteGrants", Effect: "Allow", Action: ["s3:PutObject"], Resource: `${bucketArn(s)}/${grantsTablePrefix(s.prefix)}*` },
    s.lakeFormation ? { Sid: "ReadLakeFormation", Effect: "Allow", Action: ["lakeformation:ListPermissions"], Resource: "*" } : undefined,
    logs(s),
    kms(s),
  ]);
}

/** The reporting role the GitHub workflow assumes: run the audit's queries and read their results. */
export function reportingPolicy(s: Omit<AthenaScope, "logGroupArn" | "expireHistory" | "trailBucket" | "trailPrefix">): PolicyDocument {
  const scope = { ...s, logGroupArn: "", expireHistory: false, trailBucket: s.bucket, trailPrefix: "" };
  return doc([
    runQueries(scope),
    // History too: data_coverage counts what history holds beside what the join made of it.
    glueRead(scope, ["events", "grants", "history"]),
    { Sid: "ListAudit", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: bucketArn(s) },
    {
      Sid: "ReadAuditTables",
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: [
        `${bucketArn(s)}/${eventsTablePrefix(s.prefix)}*`,
        `${bucketArn(s)}/${grantsTablePrefix(s.prefix)}*`,
        `${bucketArn(s)}/${historyTablePrefix(s.prefix)}*`,
      ],
    },
    results(scope),
    kms(scope),
  ]);
}

/** Trust for GitHub Actions OIDC: only workflows of `repository`, only for AWS STS. */
export function githubTrust(providerArn: string, repository: string): PolicyDocument {
  return doc([
    {
      Sid: "GitHubActions",
      Effect: "Allow",
      Action: ["sts:AssumeRoleWithWebIdentity"],
      Principal: { Federated: providerArn },
      Resource: [],
      Condition: {
        StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
        StringLike: { "token.actions.githubusercontent.com:sub": `repo:${repository}:*` },
      },
    },
  ]);
}

export function lambdaTrust(): PolicyDocument {
  return doc([
    { Sid: "Lambda", Effect: "Allow", Action: ["sts:AssumeRole"], Principal: { Service: "lambda.amazonaws.com" }, Resource: [] },
  ]);
}

/** Bucket policy: refuse any request not made over TLS. */
export function tlsOnlyBucketPolicy(bucketArnValue: string, extra: Statement[] = []): PolicyDocument {
  return doc([
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: ["s3:*"],
      Resource: [bucketArnValue, `${bucketArnValue}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
    ...extra,
  ]);
}

/** Trust policies have no Resource: drop the empty placeholder before serialising. */
export function toJson(policy: PolicyDocument): string {
  return JSON.stringify({
    ...policy,
    Statement: policy.Statement.map((s) => (Array.isArray(s.Resource) && s.Resource.length === 0 ? { ...s, Resource: undefined } : s)),
  });
}
