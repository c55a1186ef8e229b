/**
 * Bucket-policy statements that admit member accounts' collectors to the main bucket: exactly what
 * they do, each account only in its own folders. The history collector lists, then reads and
 * writes its `history/account=<id>/`; the grants collector (`collectGrants`) only puts its daily
 * snapshots under `grants/account=<id>/` and `trails/account=<id>/`; the live alerts (`liveAlerts`)
 * keep their state in `live/account=<id>/`, log each alert sent under `live_alerts/account=<id>/`
 * and read the main stack's anomaly settings object.
 */
import {
  anomalySettingsKey,
  grantsAccountPrefix,
  historyAccountPrefix,
  liveAlertsAccountPrefix,
  liveStatePrefix,
  liveTransientPrefix,
  trailsAccountPrefix,
} from "../../core/layout";
import { Statement } from "./document";

export interface Members {
  /** Listed member accounts (12-digit ids). */
  accounts: string[];
  /** Every account of this organization, when set. */
  organizationId?: string;
}

// IAM fills this in with the calling principal's account: one statement keeps every member in its
// own folder, whichever account it is (iam-simulate resolves it in Resource and in conditions).
const PRINCIPAL_ACCOUNT = "${aws:PrincipalAccount}";

function admit(sid: string, bucketArn: string, prefix: string, who: Pick<Statement, "Principal" | "Condition">): Statement[] {
  const own = historyAccountPrefix(PRINCIPAL_ACCOUNT, prefix);
  // The live state it keeps, and its short-lived keys, which the bucket expires after a day.
  const live = [liveStatePrefix(prefix, PRINCIPAL_ACCOUNT), liveTransientPrefix(prefix, PRINCIPAL_ACCOUNT)];
  return [
    {
      Sid: `${sid}ListHistory`,
      Effect: "Allow",
      Principal: who.Principal,
      Action: ["s3:ListBucket"],
      Resource: bucketArn,
      Condition: { ...who.Condition, StringLike: { "s3:prefix": [`${own}*`] } },
    },
    {
      Sid: `${sid}WriteHistory`,
      Effect: "Allow",
      Principal: who.Principal,
      Action: ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"],
      Resource: `${bucketArn}/${own}*`,
      ...(who.Condition ? { Condition: who.Condition } : {}),
    },
    // One PutObject a day per snapshot (functions/grants/collect.ts): no listing, no reading back, no multipart upload.
    {
      Sid: `${sid}WriteGrants`,
      Effect: "Allow",
      Principal: who.Principal,
      Action: ["s3:PutObject"],
      Resource: [
        `${bucketArn}/${grantsAccountPrefix(PRINCIPAL_ACCOUNT, prefix)}*`,
        `${bucketArn}/${trailsAccountPrefix(PRINCIPAL_ACCOUNT, prefix)}*`,
      ],
      ...(who.Condition ? { Condition: who.Condition } : {}),
    },
    // The live alerts' state (functions/live/state.ts): listing tells a key not there yet (404) from
    // a refusal, and finds a principal's recent failures; claims are deleted again when an alert
    // could not be sent.
    {
      Sid: `${sid}ListLive`,
      Effect: "Allow",
      Principal: who.Principal,
      Action: ["s3:ListBucket"],
      Resource: bucketArn,
      Condition: { ...who.Condition, StringLike: { "s3:prefix": live.map((f) => `${f}*`) } },
    },
    {
      Sid: `${sid}KeepLive`,
      Effect: "Allow",
      Principal: who.Principal,
      Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      Resource: live.map((f) => `${bucketArn}/${f}*`),
      ...(who.Condition ? { Condition: who.Condition } : {}),
    },
    // The live alerts' log (table live_alerts): one object per alert sent, never read back.
    {
      Sid: `${sid}LogLiveAlerts`,
      Effect: "Allow",
      Principal: who.Principal,
      Action: ["s3:PutObject"],
      Resource: `${bucketArn}/${liveAlertsAccountPrefix(PRINCIPAL_ACCOUNT, prefix)}*`,
      ...(who.Condition ? { Condition: who.Condition } : {}),
    },
    // The main stack's anomaly settings, the one object outside its folders a member reads.
    {
      Sid: `${sid}ReadSettings`,
      Effect: "Allow",
      Principal: who.Principal,
      Action: ["s3:GetObject"],
      Resource: `${bucketArn}/${anomalySettingsKey(prefix)}`,
      ...(who.Condition ? { Condition: who.Condition } : {}),
    },
  ];
}

/**
 * The statements for `members` (none when there are none). The bucket is BucketOwnerEnforced: what
 * a member writes is owned by the main account, so the join and the reports read it like their own.
 */
export function memberStatements(bucketArn: string, prefix: string, members: Members): Statement[] {
  const partition = /^arn:([^:]+):/.exec(bucketArn)?.[1] ?? "aws";
  return [
    ...(members.accounts.length > 0
      ? admit("MemberAccounts", bucketArn, prefix, {
          Principal: { AWS: members.accounts.map((id) => `arn:${partition}:iam::${id}:root`) },
        })
      : []),
    // {"AWS": "*"} is the same as "*" in a bucket policy; the organization condition narrows it.
    ...(members.organizationId
      ? admit("Organization", bucketArn, prefix, {
          Principal: { AWS: "*" },
          Condition: { StringEquals: { "aws:PrincipalOrgID": members.organizationId } },
        })
      : []),
  ];
}
