/** The audit bucket: private, encrypted, TLS-only, with results and (optionally) history expiring. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { historyTablePrefix, liveTransientRoot } from "../../core/layout";
import { Statement, tlsOnlyBucketPolicy, toJson } from "../policies";
import { PRODUCT } from "../../core/names";

export interface AuditStorageArgs {
  /** An existing bucket to use as it is (the stack does not change its settings). */
  existingBucketName?: string;
  prefix: string;
  kmsKeyArn?: string;
  /** Days to keep history objects; undefined keeps them. */
  historyExpirationDays?: number;
  /** Extra bucket-policy statements (a trail's delivery, member accounts' collectors), given the bucket's ARN. */
  extraStatements?: (bucketArn: string) => Statement[];
}

export class AuditStorage extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;
  /** Resources that must exist before others write to the bucket (its policy). */
  readonly ready: pulumi.Resource[] = [];

  constructor(name: string, args: AuditStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super(`${PRODUCT}:storage:AuditStorage`, name, {}, opts);
    if (args.existingBucketName) {
      this.bucketName = pulumi.output(args.existingBucketName);
      this.bucketArn = pulumi.interpolate`arn:aws:s3:::${args.existingBucketName}`;
      this.registerOutputs({ bucketName: this.bucketName });
      return;
    }
    const bucket = new aws.s3.Bucket(name, { forceDestroy: false }, { parent: this });
    new aws.s3.BucketPublicAccessBlock(
      name,
      {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      { parent: this },
    );
    // Owner-enforced: objects member accounts' collectors write are owned by this account, no ACLs.
    new aws.s3.BucketOwnershipControls(name, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, { parent: this });
    new aws.s3.BucketServerSideEncryptionConfiguration(
      name,
      {
        bucket: bucket.id,
        rules: [
          {
            applyServerSideEncryptionByDefault: args.kmsKeyArn
              ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn }
              : { sseAlgorithm: "AES256" },
            bucketKeyEnabled: args.kmsKeyArn !== undefined,
          },
        ],
      },
      { parent: this },
    );
    const rules: aws.types.input.s3.BucketLifecycleConfigurationRule[] = [
      { id: "query-results", status: "Enabled", filter: { prefix: `${args.prefix}/query-results/` }, expiration: { days: 30 } },
      {
        id: "abort-uploads",
        status: "Enabled",
        filter: { prefix: `${args.prefix}/` },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
      },
    ];
    // The live alerts' short-lived state (a query's halves, claims, recent failures): read for a day at most.
    rules.push({ id: "live-transient", status: "Enabled", filter: { prefix: liveTransientRoot(args.prefix) }, expiration: { days: 1 } });
    if (args.historyExpirationDays) {
      rules.push({
        id: "history",
        status: "Enabled",
        filter: { prefix: historyTablePrefix(args.prefix) },
        expiration: { days: args.historyExpirationDays },
      });
    }
    new aws.s3.BucketLifecycleConfiguration(name, { bucket: bucket.id, rules }, { parent: this });
    const policy = new aws.s3.BucketPolicy(
      name,
      {
        bucket: bucket.id,
        policy: bucket.arn.apply((arn) => toJson(tlsOnlyBucketPolicy(arn, args.extraStatements?.(arn) ?? []))),
      },
      { parent: this },
    );
    this.ready.push(policy);
    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
    this.registerOutputs({ bucketName: this.bucketName });
  }
}
