/**
 * The checks AWS services make on the caller's behalf, declared once from AWS's documentation:
 *
 * - **Athena** runs a query with the caller's permissions (forward access sessions). To read a
 *   table it needs `glue:GetDatabase`/`glue:GetTable` on the catalog, database and table, and
 *   `s3:GetBucketLocation`, `s3:ListBucket` and `s3:GetObject` on the table's location. Tables with
 *   partition projection are not listed in Glue: no `GetPartitions` ("partition projection lets
 *   Athena avoid calling GetPartitions", Athena user guide). `INSERT INTO` a partitioned Hive table
 *   writes objects under the table's location (`s3:PutObject`) and registers the partitions it
 *   wrote (`glue:GetPartition`, `glue:BatchCreatePartition`, as in AmazonAthenaFullAccess). Results
 *   go to the work group's output location (`s3:GetBucketLocation`, `s3:PutObject`), and
 *   `GetQueryResults` reads them back (`s3:GetObject`).
 * - **S3 with SSE-KMS** encrypts with `kms:GenerateDataKey` on PutObject and CreateMultipartUpload,
 *   and decrypts with `kms:Decrypt` on GetObject and UploadPart (S3 user guide, "Using SSE-KMS").
 * - **Lambda** writes the function's logs with its execution role (`logs:CreateLogStream`,
 *   `logs:PutLogEvents` on its log group) and sends failed asynchronous invocations to the
 *   on-failure destination with it (`sqs:SendMessage`).
 */
import { present } from "../defined";
import { IamRequest } from "./simulate";

export interface TableModel {
  /** `s3://bucket/prefix/...` with projection placeholders filled with sample values. */
  location: string;
  partitioned: boolean;
}

/** What the Pulumi plan says about the catalog, the work group and the buckets' encryption. */
export interface CatalogModel {
  partition: string;
  region: string;
  account: string;
  database: string;
  tables: Record<string, TableModel>;
  /** The work group's result location (`s3://.../`) and its SSE-KMS key, if any. */
  results: { location: string; kmsKeyArn?: string };
  /** Default SSE-KMS key of each bucket that has one. */
  bucketKeys: Record<string, string>;
}

type Request = Omit<IamRequest, "principal">;

export function splitS3Url(url: string): { bucket: string; key: string } {
  const [, bucket, key] = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url) ?? [];
  if (bucket === undefined || key === undefined) throw new Error(`not an s3:// location: ${url}`);
  return { bucket, key };
}

const s3Object = (partition: string, bucket: string, key: string) => `arn:${partition}:s3:::${bucket}/${key}`;
const s3Bucket = (partition: string, bucket: string) => `arn:${partition}:s3:::${bucket}`;

/** KMS checks S3 makes for an object call on a bucket whose default encryption is SSE-KMS. */
export function s3KmsRequests(model: Pick<CatalogModel, "bucketKeys">, operation: string, bucket: string, call: string): Request[] {
  const key = model.bucketKeys[bucket];
  if (!key) return [];
  const onBehalf = `S3 (SSE-KMS) for ${call}`;
  if (operation === "PutObject" || operation === "CreateMultipartUpload")
    return [{ action: "kms:GenerateDataKey", resource: key, call, onBehalf }];
  if (operation === "GetObject" || operation === "UploadPart") return [{ action: "kms:Decrypt", resource: key, call, onBehalf }];
  return [];
}

function readLocation(model: CatalogModel, location: string, call: string, onBehalf: string): Request[] {
  const { bucket, key } = splitS3Url(location);
  return [
    { action: "s3:GetBucketLocation", resource: s3Bucket(model.partition, bucket), call, onBehalf },
    { action: "s3:ListBucket", resource: s3Bucket(model.partition, bucket), context: { "s3:prefix": key }, call, onBehalf },
    { action: "s3:GetObject", resource: s3Object(model.partition, bucket, `${key}sample-object`), call, onBehalf },
    ...s3KmsRequests(model, "GetObject", bucket, call).map((r) => ({ ...r, onBehalf })),
  ];
}

/** Tables a statement reads (after FROM/JOIN) and writes (INSERT INTO), among the catalog's tables. */
export function statementTables(sql: string, model: CatalogModel): { reads: string[]; writes: string[] } {
  const text = sql.replace(/--[^\n]*/g, " ");
  const names = (re: RegExp) =>
    [
      ...new Set([...text.matchAll(re)].map(([, name]) => present(name, "a table name").toLowerCase()).filter((t) => t in model.tables)),
    ].sort();
  const qualified = `(?:"?${model.database}"?\\.)?"?([A-Za-z_][A-Za-z0-9_]*)"?`;
  return {
    reads: names(new RegExp(`\\b(?:from|join)\\s+${qualified}`, "gi")),
    writes: names(new RegExp(`\\binsert\\s+into\\s+${qualified}`, "gi")),
  };
}

/** What Athena checks with the caller's permissions to run `sql` (StartQueryExecution). */
export function athenaQueryRequests(model: CatalogModel, sql: string, queryId: string): Request[] {
  const call = `Athena StartQueryExecution ${queryId}`;
  const onBehalf = `Athena running ${queryId}`;
  const glue = (suffix: string) => `arn:${model.partition}:glue:${model.region}:${model.account}:${suffix}`;
  const { reads, writes } = statementTables(sql, model);
  // statementTables keeps only the model's tables.
  const tableModel = (table: string) => present(model.tables[table], `table ${table} in the catalog model`);
  const requests: Request[] = [];
  // Glue authorizes a table call on the catalog, the database and the table; a database call on the first two.
  const tableArns = (table: string) => [glue("catalog"), glue(`database/${model.database}`), glue(`table/${model.database}/${table}`)];
  for (const table of [...reads, ...writes]) {
    for (const resource of tableArns(table).slice(0, 2)) requests.push({ action: "glue:GetDatabase", resource, call, onBehalf });
    for (const resource of tableArns(table)) requests.push({ action: "glue:GetTable", resource, call, onBehalf });
  }
  for (const table of reads) requests.push(...readLocation(model, tableModel(table).location, call, onBehalf));
  for (const table of writes) {
    const { bucket, key } = splitS3Url(tableModel(table).location);
    requests.push({ action: "s3:PutObject", resource: s3Object(model.partition, bucket, `${key}sample-object`), call, onBehalf });
    requests.push(...s3KmsRequests(model, "PutObject", bucket, call).map((r) => ({ ...r, onBehalf })));
    if (tableModel(table).partitioned) {
      for (const action of ["glue:GetPartition", "glue:BatchCreatePartition"]) {
        for (const resource of tableArns(table)) requests.push({ action, resource, call, onBehalf });
      }
    }
  }
  const results = splitS3Url(model.results.location);
  requests.push({ action: "s3:GetBucketLocation", resource: s3Bucket(model.partition, results.bucket), call, onBehalf });
  requests.push({
    action: "s3:PutObject",
    resource: s3Object(model.partition, results.bucket, `${results.key}${queryId}.csv`),
    call,
    onBehalf,
  });
  if (model.results.kmsKeyArn) requests.push({ action: "kms:GenerateDataKey", resource: model.results.kmsKeyArn, call, onBehalf });
  return requests.filter((r, i, all) => all.findIndex((o) => o.action === r.action && o.resource === r.resource) === i);
}

/** What Athena checks with the caller's permissions to hand back results (GetQueryResults). */
export function athenaResultRequests(model: CatalogModel, queryId: string): Request[] {
  const call = `Athena GetQueryResults ${queryId}`;
  const onBehalf = `Athena reading the results of ${queryId}`;
  const { bucket, key } = splitS3Url(model.results.location);
  return [
    { action: "s3:GetObject", resource: s3Object(model.partition, bucket, `${key}${queryId}.csv`), call, onBehalf },
    ...(model.results.kmsKeyArn ? [{ action: "kms:Decrypt", resource: model.results.kmsKeyArn, call, onBehalf }] : []),
  ];
}

/** What the Lambda service does with the function's execution role on every invocation. */
export function lambdaRuntimeRequests(fn: { name: string; logGroupArn: string; failureQueueArn: string }): Request[] {
  const onBehalf = `Lambda running ${fn.name}`;
  return [
    {
      action: "logs:CreateLogStream",
      resource: `${fn.logGroupArn}:log-stream:2026/11/24/[$LATEST]sample`,
      call: `${fn.name} logs`,
      onBehalf,
    },
    { action: "logs:PutLogEvents", resource: `${fn.logGroupArn}:log-stream:2026/11/24/[$LATEST]sample`, call: `${fn.name} logs`, onBehalf },
    { action: "sqs:SendMessage", resource: fn.failureQueueArn, call: `${fn.name} failed asynchronous invocation`, onBehalf },
  ];
}

/** Athena's system table, as a query names it: `"s3tablescatalog/aws-athena"."metadata"."query_executions"`. */
export const SYSTEM_TABLE = { tableBucket: "aws-athena", namespace: "metadata", table: "query_executions" };

/**
 * What reading Athena's system table checks with the caller's permissions. System tables are S3
 * Tables (Iceberg) in the service-managed `aws-athena` table bucket, read through the
 * `s3tablescatalog` federated Glue catalog (Athena user guide, "Use Athena system tables"): Glue
 * authorizes the catalog, the namespace as a database and the table at every level of the path,
 * S3 Tables the bucket, namespace and table reads (a table's ARN ends in its id, not its name), and
 * Lake Formation vends the credentials for the table's data (GetDataAccess, on "*").
 */
export function systemTableRequests(scope: { partition: string; region: string; account: string }, tableId: string): Request[] {
  const glue = `arn:${scope.partition}:glue:${scope.region}:${scope.account}`;
  const bucket = `arn:${scope.partition}:s3tables:${scope.region}:${scope.account}:bucket/${SYSTEM_TABLE.tableBucket}`;
  const catalog = `s3tablescatalog/${SYSTEM_TABLE.tableBucket}`;
  const call = `Athena reading "${catalog}"."${SYSTEM_TABLE.namespace}"."${SYSTEM_TABLE.table}"`;
  const onBehalf = "Athena running a query on the system table";
  const catalogs = [`${glue}:catalog`, `${glue}:catalog/s3tablescatalog`, `${glue}:catalog/${catalog}`];
  const database = `${glue}:database/${catalog}/${SYSTEM_TABLE.namespace}`;
  const table = `${glue}:table/${catalog}/${SYSTEM_TABLE.namespace}/${SYSTEM_TABLE.table}`;
  const requests: [string, string][] = [
    ...catalogs.map((c): [string, string] => ["glue:GetCatalog", c]),
    ...[...catalogs, database].map((r): [string, string] => ["glue:GetDatabase", r]),
    ...[...catalogs, database, table].map((r): [string, string] => ["glue:GetTable", r]),
    ["s3tables:GetTableBucket", bucket],
    ["s3tables:GetNamespace", bucket],
    ...["s3tables:GetTable", "s3tables:GetTableMetadataLocation", "s3tables:GetTableData"].map((a): [string, string] => [
      a,
      `${bucket}/table/${tableId}`,
    ]),
    ["lakeformation:GetDataAccess", "*"],
  ];
  return requests.map(([action, resource]) => ({ action, resource, call, onBehalf }));
}
