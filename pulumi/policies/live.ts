/** The live alerts' role: read the finished query, keep its small state, publish the alert. */
import { liveAlertsAccountPrefix, liveStatePrefix, liveTransientPrefix } from "../../core/layout";
import { bucketArn, doc, kms, logs, PolicyDocument, Scope } from "./document";

export interface LiveScope extends Scope {
  topicArn: string;
  securityHub: boolean;
  /** The key of the anomaly settings object the main stack writes. */
  settingsKey: string;
}

export function livePolicy(s: LiveScope): PolicyDocument {
  // What it keeps (when it began watching, each principal's first reads), and what the bucket expires a day on.
  const folders = [liveStatePrefix(s.prefix, s.account), liveTransientPrefix(s.prefix, s.account)];
  return doc([
    {
      Sid: "ReadQuery",
      Effect: "Allow",
      Action: ["athena:GetQueryExecution"],
      Resource: `arn:${s.partition}:athena:${s.region}:${s.account}:workgroup/*`,
    },
    // Listing tells "not there yet" (404) from "not allowed" (403), and finds a principal's recent failures.
    {
      Sid: "ListState",
      Effect: "Allow",
      Action: ["s3:ListBucket"],
      Resource: bucketArn(s),
      Condition: { StringLike: { "s3:prefix": folders.map((f) => `${f}*`) } },
    },
    // A query's halves, the alerts claimed (and released when sending failed), failures and reads.
    {
      Sid: "KeepState",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      Resource: folders.map((f) => `${bucketArn(s)}/${f}*`),
    },
    // The alerts' log (table live_alerts): one object per alert sent, never read back, in its own account's folder.
    {
      Sid: "LogAlerts",
      Effect: "Allow",
      Action: ["s3:PutObject"],
      Resource: `${bucketArn(s)}/${liveAlertsAccountPrefix(s.account, s.prefix)}*`,
    },
    { Sid: "ReadSettings", Effect: "Allow", Action: ["s3:GetObject"], Resource: `${bucketArn(s)}/${s.settingsKey}` },
    { Sid: "Alert", Effect: "Allow", Action: ["sns:Publish"], Resource: s.topicArn },
    s.securityHub
      ? {
          Sid: "Findings",
          Effect: "Allow",
          Action: ["securityhub:BatchImportFindings"],
          // A finding is imported through the account's own default product.
          Resource: `arn:${s.partition}:securityhub:${s.region}:${s.account}:product/${s.account}/default`,
        }
      : undefined,
    logs(s),
    // The state objects (SSE-KMS), and the topic when the audit's key encrypts it.
    kms(s),
  ]);
}
