/**
 * What the Pulumi AWS provider calls to create, read, update, tag and delete each resource type the
 * program plans: one entry per type, each call as botocore names the operation (`service:Operation`),
 * grouped by the resource AWS authorizes it on. The provider is a bridge of terraform-provider-aws;
 * `source` is the type's file under its internal/service/ (the calls were read there), and the
 * type's documentation is https://www.pulumi.com/registry/packages/aws/api-docs/<module>/<name>/.
 *
 * Only the calls reachable with the inputs this program sets are listed (no versioning, website,
 * VPC, layers, published versions...), tags included: the program sets none, but a stack whose
 * provider has default tags makes the provider tag and untag every resource that takes tags.
 */

/** The resource a call is authorized on, relative to the planned resource. */
export type Subject =
  /** The planned resource itself. */
  | "self"
  /** The bucket its `bucket` input names. */
  | "bucket"
  /** The role its `role` input names (a planned role, or an existing one's ARN). */
  | "role"
  /** The function its `functionName` or `function` input names. */
  | "function"
  /** The EventBridge rule its `rule` input names. */
  | "rule"
  /** The Athena work group its `workgroup` input names. */
  | "workgroup"
  /** The KMS key its `kmsKeyArn` input names, if any; the service uses it on the caller's behalf. */
  | "kmsKey"
  /** The object its `bucket` and `key` inputs name. */
  | "object"
  /** The KMS key its bucket's default encryption names, if any: S3 uses it on the caller's behalf to write an object. */
  | "bucketKey";

export interface ProviderCalls {
  source: string;
  calls: Partial<Record<Subject, string[]>>;
}

/**
 * IAM checks made as part of another call, with no operation of their own: CreateFunction and
 * UpdateFunctionConfiguration check iam:PassRole on the function's role.
 */
export const PERMISSION_ONLY = new Set(["iam:PassRole"]);

/**
 * Operations whose IAM action has another name (the Service Authorization Reference's tables of
 * actions): S3 names most bucket actions after the configuration, and a delete is a put.
 */
export const ACTION_OF: Record<string, string> = {
  "s3:HeadBucket": "s3:ListBucket",
  "s3:HeadObject": "s3:GetObject",
  "s3:GetBucketCors": "s3:GetBucketCORS",
  "s3:GetBucketAccelerateConfiguration": "s3:GetAccelerateConfiguration",
  "s3:GetBucketLifecycleConfiguration": "s3:GetLifecycleConfiguration",
  "s3:PutBucketLifecycleConfiguration": "s3:PutLifecycleConfiguration",
  "s3:DeleteBucketLifecycle": "s3:PutLifecycleConfiguration",
  "s3:GetBucketReplication": "s3:GetReplicationConfiguration",
  "s3:GetBucketEncryption": "s3:GetEncryptionConfiguration",
  "s3:PutBucketEncryption": "s3:PutEncryptionConfiguration",
  "s3:DeleteBucketEncryption": "s3:PutEncryptionConfiguration",
  "s3:GetObjectLockConfiguration": "s3:GetBucketObjectLockConfiguration",
  "s3:DeleteBucketTagging": "s3:PutBucketTagging",
  "s3:PutPublicAccessBlock": "s3:PutBucketPublicAccessBlock",
  "s3:GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
  "s3:DeletePublicAccessBlock": "s3:PutBucketPublicAccessBlock",
  "s3:DeleteBucketOwnershipControls": "s3:PutBucketOwnershipControls",
  "lambda:Invoke": "lambda:InvokeFunction",
};

/** The IAM action AWS checks for a call written as `service:Operation`. */
export function actionOf(call: string): string {
  return ACTION_OF[call] ?? call;
}

const S3_BUCKET_READ = [
  "s3:HeadBucket",
  "s3:GetBucketPolicy",
  "s3:GetBucketAcl",
  "s3:GetBucketCors",
  "s3:GetBucketWebsite",
  "s3:GetBucketVersioning",
  "s3:GetBucketAccelerateConfiguration",
  "s3:GetBucketRequestPayment",
  "s3:GetBucketLogging",
  "s3:GetBucketLifecycleConfiguration",
  "s3:GetBucketReplication",
  "s3:GetBucketEncryption",
  "s3:GetObjectLockConfiguration",
  "s3:GetBucketTagging",
];

const TAGS = (service: string) => [`${service}:ListTagsForResource`, `${service}:TagResource`, `${service}:UntagResource`];

export const PROVIDER_CALLS: Record<string, ProviderCalls> = {
  // Reads the other stack's outputs from the Pulumi backend, not from AWS.
  "pulumi:pulumi:StackReference": { source: "(Pulumi)", calls: {} },
  "aws:s3/bucket:Bucket": {
    source: "s3/bucket.go",
    calls: { self: ["s3:CreateBucket", ...S3_BUCKET_READ, "s3:PutBucketTagging", "s3:DeleteBucketTagging", "s3:DeleteBucket"] },
  },
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": {
    source: "s3/bucket_public_access_block.go",
    calls: { bucket: ["s3:PutPublicAccessBlock", "s3:GetPublicAccessBlock", "s3:DeletePublicAccessBlock"] },
  },
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": {
    source: "s3/bucket_ownership_controls.go",
    calls: { bucket: ["s3:PutBucketOwnershipControls", "s3:GetBucketOwnershipControls", "s3:DeleteBucketOwnershipControls"] },
  },
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
    source: "s3/bucket_server_side_encryption_configuration.go",
    calls: { bucket: ["s3:PutBucketEncryption", "s3:GetBucketEncryption", "s3:DeleteBucketEncryption"] },
  },
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": {
    source: "s3/bucket_lifecycle_configuration.go",
    calls: { bucket: ["s3:PutBucketLifecycleConfiguration", "s3:GetBucketLifecycleConfiguration", "s3:DeleteBucketLifecycle"] },
  },
  "aws:s3/bucketPolicy:BucketPolicy": {
    source: "s3/bucket_policy.go",
    calls: { bucket: ["s3:PutBucketPolicy", "s3:GetBucketPolicy", "s3:DeleteBucketPolicy"] },
  },
  "aws:glue/catalogDatabase:CatalogDatabase": {
    source: "glue/catalog_database.go",
    calls: {
      self: [
        "glue:CreateDatabase",
        "glue:GetDatabase",
        "glue:UpdateDatabase",
        "glue:DeleteDatabase",
        "glue:GetTags",
        "glue:TagResource",
        "glue:UntagResource",
      ],
    },
  },
  "aws:glue/catalogTable:CatalogTable": {
    source: "glue/catalog_table.go",
    calls: { self: ["glue:CreateTable", "glue:GetTable", "glue:GetPartitionIndexes", "glue:UpdateTable", "glue:DeleteTable"] },
  },
  "aws:athena/workgroup:Workgroup": {
    source: "athena/workgroup.go",
    calls: {
      self: ["athena:CreateWorkGroup", "athena:GetWorkGroup", "athena:UpdateWorkGroup", "athena:DeleteWorkGroup", ...TAGS("athena")],
    },
  },
  "aws:athena/namedQuery:NamedQuery": {
    source: "athena/named_query.go",
    calls: { workgroup: ["athena:CreateNamedQuery", "athena:GetNamedQuery", "athena:DeleteNamedQuery"] },
  },
  "aws:cloudwatch/logGroup:LogGroup": {
    source: "logs/group.go",
    calls: {
      self: [
        "logs:CreateLogGroup",
        "logs:PutRetentionPolicy",
        "logs:DescribeLogGroups",
        "logs:DeleteRetentionPolicy",
        "logs:AssociateKmsKey",
        "logs:DisassociateKmsKey",
        "logs:DeleteLogGroup",
        ...TAGS("logs"),
      ],
    },
  },
  "aws:sns/topic:Topic": {
    source: "sns/topic.go",
    calls: { self: ["sns:CreateTopic", "sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:DeleteTopic", ...TAGS("sns")] },
  },
  // Uploaded with PutObject, read back with HeadObject (authorized as s3:GetObject), deleted with
  // DeleteObject; default tags travel as the upload's Tagging header and are read with GetObjectTagging.
  "aws:s3/bucketObjectv2:BucketObjectv2": {
    source: "s3/object.go",
    calls: {
      object: ["s3:PutObject", "s3:HeadObject", "s3:DeleteObject", "s3:GetObjectTagging", "s3:PutObjectTagging"],
      bucketKey: ["kms:GenerateDataKey"],
    },
  },
  "aws:cloudwatch/eventRule:EventRule": {
    source: "events/rule.go",
    calls: { self: ["events:PutRule", "events:DescribeRule", "events:DeleteRule", ...TAGS("events")] },
  },
  "aws:cloudwatch/eventTarget:EventTarget": {
    source: "events/target.go",
    calls: { rule: ["events:PutTargets", "events:ListTargetsByRule", "events:RemoveTargets"] },
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": {
    source: "cloudwatch/metric_alarm.go",
    calls: { self: ["cloudwatch:PutMetricAlarm", "cloudwatch:DescribeAlarms", "cloudwatch:DeleteAlarms", ...TAGS("cloudwatch")] },
  },
  "aws:iam/role:Role": {
    source: "iam/role.go",
    calls: {
      self: [
        "iam:CreateRole",
        "iam:GetRole",
        "iam:ListRolePolicies",
        "iam:GetRolePolicy",
        "iam:ListAttachedRolePolicies",
        "iam:UpdateRole",
        "iam:UpdateRoleDescription",
        "iam:UpdateAssumeRolePolicy",
        "iam:TagRole",
        "iam:UntagRole",
        "iam:ListInstanceProfilesForRole",
        "iam:DeleteRole",
      ],
    },
  },
  "aws:iam/rolePolicy:RolePolicy": {
    source: "iam/role_policy.go",
    calls: { role: ["iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy"] },
  },
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": {
    source: "iam/openid_connect_provider.go",
    calls: {
      self: [
        "iam:CreateOpenIDConnectProvider",
        "iam:GetOpenIDConnectProvider",
        "iam:UpdateOpenIDConnectProviderThumbprint",
        "iam:AddClientIDToOpenIDConnectProvider",
        "iam:RemoveClientIDFromOpenIDConnectProvider",
        "iam:TagOpenIDConnectProvider",
        "iam:UntagOpenIDConnectProvider",
        "iam:DeleteOpenIDConnectProvider",
      ],
    },
  },
  "aws:sqs/queue:Queue": {
    source: "sqs/queue.go",
    calls: {
      self: [
        "sqs:CreateQueue",
        "sqs:GetQueueAttributes",
        "sqs:SetQueueAttributes",
        "sqs:DeleteQueue",
        "sqs:ListQueueTags",
        "sqs:TagQueue",
        "sqs:UntagQueue",
      ],
    },
  },
  "aws:lambda/function:Function": {
    source: "lambda/function.go",
    calls: {
      self: [
        "lambda:CreateFunction",
        "lambda:GetFunction",
        "lambda:ListVersionsByFunction",
        "lambda:GetFunctionCodeSigningConfig",
        "lambda:UpdateFunctionConfiguration",
        "lambda:UpdateFunctionCode",
        "lambda:DeleteFunction",
        "lambda:TagResource",
        "lambda:UntagResource",
      ],
      role: ["iam:PassRole"],
      // Lambda encrypts the environment with the key when it is set, and decrypts it for GetFunction.
      kmsKey: ["kms:CreateGrant", "kms:Encrypt", "kms:Decrypt"],
    },
  },
  "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": {
    source: "lambda/function_event_invoke_config.go",
    calls: {
      function: ["lambda:PutFunctionEventInvokeConfig", "lambda:GetFunctionEventInvokeConfig", "lambda:DeleteFunctionEventInvokeConfig"],
    },
  },
  "aws:lambda/permission:Permission": {
    source: "lambda/permission.go",
    calls: { function: ["lambda:AddPermission", "lambda:GetPolicy", "lambda:RemovePermission"] },
  },
  "aws:lambda/invocation:Invocation": {
    source: "lambda/invocation.go",
    calls: { function: ["lambda:Invoke"] },
  },
  "aws:cloudtrail/trail:Trail": {
    source: "cloudtrail/trail.go",
    calls: {
      self: [
        "cloudtrail:CreateTrail",
        "cloudtrail:DescribeTrails",
        "cloudtrail:GetTrailStatus",
        "cloudtrail:GetEventSelectors",
        "cloudtrail:PutEventSelectors",
        "cloudtrail:StartLogging",
        "cloudtrail:UpdateTrail",
        "cloudtrail:ListTags",
        "cloudtrail:AddTags",
        "cloudtrail:RemoveTags",
        "cloudtrail:DeleteTrail",
      ],
    },
  },
};
