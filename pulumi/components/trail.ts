/** A multi-region CloudTrail trail for accounts that have none, delivering into the audit bucket. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { cloudTrailRoot } from "../../queries/layout";
import { PRODUCT, TRAIL_PREFIX } from "../../queries/names";
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

export class AuditTrail extends pulumi.ComponentResource {
  readonly trailArn: pulumi.Output<string>;

  constructor(name: string, args: { bucketName: pulumi.Input<string>; kmsKeyArn?: string }, opts?: pulumi.ComponentResourceOptions) {
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
      },
      { parent: this },
    );
    this.trailArn = trail.arn;
    this.registerOutputs({ trailArn: this.trailArn });
  }
}
