/** Roles of the functions that copy something into the audit bucket: history, grants, billing. */
import { billingTablePrefix, grantsAccountPrefix, historyAccountPrefix, trailsAccountPrefix } from "../../core/layout";
import { bucketArn, doc, kms, kmsWriteOnly, logs, PolicyDocument, Scope } from "./document";

/** The history collector: read every work group's history, write history objects in its own account's folder only. */
export function historyPolicy(s: Scope): PolicyDocument {
  return doc([
    // Listing the history prefix first tells the collector which objects exist: without
    // s3:ListBucket, S3 answers 403 (not 404) for a key that is not there yet.
    {
      Sid: "ListHistory",
      Effect: "Allow",
      Action: ["s3:ListBucket"],
      Resource: bucketArn(s),
      Condition: { StringLike: { "s3:prefix": [`${historyAccountPrefix(s.account, s.prefix)}*`] } },
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
      Resource: `${bucketArn(s)}/${historyAccountPrefix(s.account, s.prefix)}*`,
    },
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
    // What each trail records (functions/grants/trails.ts). DescribeTrails has no resource-level
    // permissions; the other two are authorized on the trail, which may be another account's
    // organization trail, in any region.
    { Sid: "ListTrails", Effect: "Allow", Action: ["cloudtrail:DescribeTrails"], Resource: "*" },
    {
      Sid: "ReadTrails",
      Effect: "Allow",
      Action: ["cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors"],
      Resource: `arn:${s.partition}:cloudtrail:*:*:trail/*`,
    },
    {
      Sid: "WriteGrants",
      Effect: "Allow",
      Action: ["s3:PutObject"],
      Resource: [
        `${bucketArn(s)}/${grantsAccountPrefix(s.account, s.prefix)}*`,
        `${bucketArn(s)}/${trailsAccountPrefix(s.account, s.prefix)}*`,
      ],
    },
    s.lakeFormation ? { Sid: "ReadLakeFormation", Effect: "Allow", Action: ["lakeformation:ListPermissions"], Resource: "*" } : undefined,
    logs(s),
    // Two single-request PutObjects a day (functions/grants/collect.ts): a data key, no kms:Decrypt.
    kmsWriteOnly(s),
  ]);
}

/** The billing collector: ask Cost Explorer what Athena cost, write one billing object a day. */
export function billingPolicy(s: Scope): PolicyDocument {
  return doc([
    // Cost Explorer has no resource-level permissions for this call: AWS authorizes it on "*"
    // (only a request naming a billing view, which the collector never does, is checked on that view).
    { Sid: "ReadCosts", Effect: "Allow", Action: ["ce:GetCostAndUsage"], Resource: "*" },
    // One PutObject per day, overwriting: no reads, no lists, no multipart upload (objects are a few KB).
    { Sid: "WriteBilling", Effect: "Allow", Action: ["s3:PutObject"], Resource: `${bucketArn(s)}/${billingTablePrefix(s.prefix)}*` },
    logs(s),
    kmsWriteOnly(s),
  ]);
}
