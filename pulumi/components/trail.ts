/** A multi-region CloudTrail trail for accounts that have none, delivering into the audit bucket. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { cloudTrailRoot } from "../../core/layout";
import { PRODUCT, TRAIL_PREFIX } from "../../core/names";
import { Statement } from "../policies";

export { TRAIL_PREFIX };

/** Bucket-policy statements CloudTrail needs to deliver to `bucketArn`, limited to this trail. */
export function trailDeliveryStatements(bucketArn: string, trailArn: string, account: string): Statement[] {
  return [
    {
      Sid: "CloudTrailAclCheck",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: ["s3:GetBucketAcl"],
      Resource: bucketArn,
      Condition: { StringEquals: { "aws:SourceArn": trailArn } },
    },
    {
      Sid: "CloudTrailWrite",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: ["s3:PutObject"],
      Resource: `${bucketArn}/${cloudTrailRoot(TRAIL_PREFIX)}${account}/*`,
      Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trailArn } },
    },
  ];
}

/**
 * Advanced event selectors keeping every management event (what a trail records by default) and
 * adding GetObject and the other object reads of the listed buckets: the evidence of another
 * engine's, or a person's, direct reads of the lake (issue 22). Read back by
 * functions/grants/trail-selectors.ts.
 */
export function lakeReadSelectors(buckets: readonly string[], partition = "aws") {
  return [
    { name: "Management events", fieldSelectors: [{ field: "eventCategory", equals: ["Management"] }] },
    {
      name: "Lake object reads",
      fieldSelectors: [
        { field: "eventCategory", equals: ["Data"] },
        { field: "resources.type", equals: ["AWS::S3::Object"] },
        { field: "readOnly", equals: ["true"] },
        { field: "resources.ARN", startsWiths: buckets.map((b) => `arn:${partition}:s3:::${b}/`) },
      ],
    },
  ];
}

export class AuditTrail extends pulumi.ComponentResource {
  readonly trailArn: pulumi.Output<string>;

  /** `lakeReads`: buckets whose object reads are recorded too (read-only S3 data events); none keeps the default selectors. */
  constructor(
    name: string,
    args: { bucketName: pulumi.Input<string>; kmsKeyArn?: string; lakeReads?: string[]; partition?: string },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(`${PRODUCT}:trail:AuditTrail`, name, {}, opts);
    const trail = new aws.cloudtrail.Trail(
      name,
      {
        name,
        s3BucketName: args.bucketName,
        s3KeyPrefix: TRAIL_PREFIX,
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        enableLogFileValidation: true,
        kmsKeyId: args.kmsKeyArn,
        advancedEventSelectors: args.lakeReads?.length ? lakeReadSelectors(args.lakeReads, args.partition) : undefined,
      },
      { parent: this },
    );
    this.trailArn = trail.arn;
    this.registerOutputs({ trailArn: this.trailArn });
  }
}
