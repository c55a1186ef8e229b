/**
 * What the IAM contract needs from a Pulumi plan: each role's policy (all its RolePolicy documents
 * together), each function's role, environment, log group and failure queue, the catalog's tables
 * and the work group's result location, the bucket's policy and encryption. The mocks give
 * resources placeholder ARNs (`arn:aws:mock:...`); they are rewritten to the ARNs AWS would give,
 * in the policies and in the model alike, so the simulator sees real resource types.
 */
import type { Plan, PlannedResource } from "../../pulumi/plan";
import { present } from "../defined";
import { CatalogModel } from "./on-behalf";
import { PolicyDocument, Principal } from "./simulate";

export const ACCOUNT = "123456789012";
/** Sample partition values for a table location's projection placeholders. */
const SAMPLE: Record<string, string> = { region: "us-east-1", dt: "2026-11-24", workgroup: "primary", account: ACCOUNT, day: "2026/11/24" };

export interface PlannedFunction {
  name: string;
  role: string;
  environment: Record<string, string>;
  logGroupArn: string;
  failureQueueArn: string;
}

export interface PlanModel {
  /** Roles the plan creates, by resource name, keyed for the local servers by access key id = role name. */
  roles: Map<string, Principal>;
  functions: Record<string, PlannedFunction>;
  catalog?: CatalogModel;
  bucket: string;
  /** The audit's own work group (main stacks). */
  workGroup: string;
  /** Default SSE-KMS key per bucket. */
  bucketKeys: Record<string, string>;
  bucketPolicies: Record<string, PolicyDocument>;
  /** Each SNS topic's customer managed KMS key (none for SNS's AWS managed key), by topic ARN. */
  topicKeys: Record<string, string | undefined>;
  /** Objects the plan writes into its bucket (the anomaly settings), with their content. */
  objects: { key: string; content: string }[];
}

const of = (plan: Plan, type: string) => plan.resources.filter((r) => r.type === type);

/** Placeholder ARN (the mocks always name ACCOUNT) -> the ARN AWS gives that resource in `account`. */
function realArns(plan: Plan, region: string, account: string): Map<string, string> {
  const arns = new Map<string, string>();
  const mock = (r: PlannedResource) =>
    `arn:aws:mock:us-east-1:${ACCOUNT}:${present(r.type.split(":")[1], `the module of ${r.type}`)}/${r.name}`;
  for (const r of of(plan, "aws:cloudwatch/logGroup:LogGroup"))
    arns.set(mock(r), `arn:aws:logs:${region}:${account}:log-group:${String(r.inputs.name)}`);
  for (const r of of(plan, "aws:sqs/queue:Queue")) arns.set(mock(r), `arn:aws:sqs:${region}:${account}:${r.name}`);
  for (const r of of(plan, "aws:iam/role:Role")) arns.set(mock(r), `arn:aws:iam::${account}:role/${r.name}`);
  for (const r of of(plan, "aws:sns/topic:Topic")) arns.set(mock(r), `arn:aws:sns:${region}:${account}:${String(r.inputs.name)}`);
  return arns;
}

function rewrite(text: string, arns: Map<string, string>): string {
  let out = text;
  for (const [mock, real] of arns) out = out.split(mock).join(real);
  return out;
}

function tableLocation(r: PlannedResource): string {
  const parameters = (r.inputs.parameters ?? {}) as Record<string, string>;
  const template = parameters["storage.location.template"] ?? (r.inputs.storageDescriptor as { location: string }).location;
  const filled = template.replace(/\$\{(\w+)\}/g, (_, name: string) => SAMPLE[name] ?? name);
  return filled.endsWith("/") ? filled : `${filled}/`;
}

/** `account`: the account the stack was planned in (`mock:account`; ACCOUNT by default). */
export function planModel(plan: Plan, region: string, extraBucketKeys: Record<string, string> = {}, account = ACCOUNT): PlanModel {
  const arns = realArns(plan, region, account);
  const bucket = String(plan.outputs?.bucket);
  const roles = new Map<string, Principal>();
  for (const role of of(plan, "aws:iam/role:Role")) {
    const statements = of(plan, "aws:iam/rolePolicy:RolePolicy")
      .filter((p) => String(p.inputs.role).replace(/-id$/, "") === role.name)
      .flatMap((p) => (JSON.parse(rewrite(String(p.inputs.policy), arns)) as PolicyDocument).Statement);
    roles.set(role.name, {
      accessKeyId: role.name,
      arn: `arn:aws:iam::${account}:role/${role.name}`,
      account,
      policy: { Version: "2012-10-17", Statement: statements },
    });
  }
  const functions: Record<string, PlannedFunction> = {};
  for (const fn of of(plan, "aws:lambda/function:Function")) {
    const logGroup = of(plan, "aws:cloudwatch/logGroup:LogGroup").find((l) => l.name === fn.name)!;
    functions[fn.name] = {
      name: String(fn.inputs.name),
      role: String(fn.inputs.role).split("/").pop()!,
      // With the topic's real ARN, as the function is given it.
      environment: Object.fromEntries(
        Object.entries((fn.inputs.environment as { variables: Record<string, string> }).variables).map(([k, v]) => [k, rewrite(v, arns)]),
      ),
      logGroupArn: `arn:aws:logs:${region}:${account}:log-group:${String(logGroup.inputs.name)}`,
      failureQueueArn: `arn:aws:sqs:${region}:${account}:${fn.name}-failures`,
    };
  }
  const bucketKeys: Record<string, string> = { ...extraBucketKeys };
  for (const sse of of(plan, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")) {
    const [rule] = sse.inputs.rules as { applyServerSideEncryptionByDefault: { kmsMasterKeyId?: string } }[];
    const kmsKey = rule?.applyServerSideEncryptionByDefault.kmsMasterKeyId;
    if (kmsKey) bucketKeys[bucket] = kmsKey;
  }
  const bucketPolicies: Record<string, PolicyDocument> = {};
  for (const p of of(plan, "aws:s3/bucketPolicy:BucketPolicy"))
    bucketPolicies[bucket] = JSON.parse(rewrite(String(p.inputs.policy), arns)) as PolicyDocument;
  const topicKeys = Object.fromEntries(
    of(plan, "aws:sns/topic:Topic").map((t) => {
      const key = t.inputs.kmsMasterKeyId;
      return [
        `arn:aws:sns:${region}:${account}:${String(t.inputs.name)}`,
        typeof key === "string" && key.startsWith("arn:") ? key : undefined,
      ];
    }),
  );
  const objects = of(plan, "aws:s3/bucketObjectv2:BucketObjectv2")
    .filter((o) => typeof o.inputs.content === "string")
    .map((o) => ({ key: String(o.inputs.key), content: String(o.inputs.content) }));
  const database = of(plan, "aws:glue/catalogDatabase:CatalogDatabase")[0];
  const workGroup = of(plan, "aws:athena/workgroup:Workgroup")[0];
  const catalog: CatalogModel | undefined =
    database && workGroup
      ? (() => {
          const result = (
            workGroup.inputs.configuration as {
              resultConfiguration: { outputLocation: string; encryptionConfiguration?: { kmsKeyArn?: string } };
            }
          ).resultConfiguration;
          return {
            partition: "aws",
            region,
            account,
            database: String(database.inputs.name),
            tables: Object.fromEntries(
              of(plan, "aws:glue/catalogTable:CatalogTable").map((t) => [
                String(t.inputs.name),
                { location: tableLocation(t), partitioned: ((t.inputs.partitionKeys ?? []) as unknown[]).length > 0 },
              ]),
            ),
            results: { location: result.outputLocation, kmsKeyArn: result.encryptionConfiguration?.kmsKeyArn },
            bucketKeys,
          };
        })()
      : undefined;
  const auditWorkGroup = plan.outputs?.workGroup;
  return {
    roles,
    functions,
    catalog,
    bucket,
    workGroup: typeof auditWorkGroup === "string" ? auditWorkGroup : "",
    bucketKeys,
    bucketPolicies,
    topicKeys,
    objects,
  };
}
