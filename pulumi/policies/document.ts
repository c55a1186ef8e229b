/** Policy document types and the statements every role shares (logs, the audit's key), plus trust and bucket policies. */

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

export const doc = (statements: (Statement | undefined)[]): PolicyDocument => ({
  Version: "2012-10-17",
  Statement: statements.filter((s): s is Statement => s !== undefined),
});

export const logs = (s: Scope): Statement => ({
  Sid: "Logs",
  Effect: "Allow",
  Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
  Resource: `${s.logGroupArn}:*`,
});

export const kms = (s: Scope): Statement | undefined =>
  s.kmsKeyArn ? { Sid: "AuditKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: s.kmsKeyArn } : undefined;

/** For a role that only writes single-request objects: SSE-KMS needs a data key, nothing is read back, so no kms:Decrypt. */
export const kmsWriteOnly = (s: Scope): Statement | undefined =>
  s.kmsKeyArn ? { Sid: "AuditKey", Effect: "Allow", Action: ["kms:GenerateDataKey"], Resource: s.kmsKeyArn } : undefined;

export const bucketArn = (s: Pick<Scope, "partition" | "bucket">) => `arn:${s.partition}:s3:::${s.bucket}`;

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
