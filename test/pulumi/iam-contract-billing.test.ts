/**
 * The IAM contract for issue 14's second witnesses. The billing collector runs (handler and
 * collect.ts, real SDK clients) as the role the plan gives it, against a local Cost Explorer behind
 * a recording proxy and s3rver behind the IAM-aware front: every call must be allowed, every allowed
 * action needed, and a policy without Cost Explorer or without the billing prefix must fail. The
 * join's system-table grant is checked request by request with the IAM simulator, on and off.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { handler as billingHandler } from "../../functions/billing/handler";
import { addDays, dayOf } from "../../core/days";
import { billingObjectKey } from "../../core/layout";
import { cleanupAfterAll } from "../support/cleanup";
import { CostExplorerServer, startCostExplorerServer } from "../support/cost-explorer-server";
import { present } from "../support/defined";
import { costExplorerMapper } from "../support/iam/actions";
import { checkContract, ContractReport } from "../support/iam/contract";
import { lambdaRuntimeRequests, systemTableRequests } from "../support/iam/on-behalf";
import { ACCOUNT, planModel, PlanModel } from "../support/iam/plan-model";
import { CallLog, startRecordingProxy } from "../support/iam/recorder";
import { decide, IamRequest, PolicyDocument, Principal } from "../support/iam/simulate";
import { LocalS3, startS3, useLocalAws } from "../support/s3";
import { build, plan } from "./plan";

const REGION = "eu-west-1";
const AUDIT_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/0b5e1d2c-0000-4000-8000-000000000003`;
const YESTERDAY = addDays(dayOf(new Date()), -1);
/** A table id as S3 Tables gives one (the system table's ARN ends in it, not in its name). */
const TABLE_ID = "3f1c2b7a-9d4e-4c61-8a0b-5e2f6d7c8b90";

/** Two main stacks: billing on with SSE-KMS, a tag and system tables; billing on, plain, system tables off. */
const VARIANTS = {
  kms: {
    "aws:region": REGION,
    role: "main",
    createTrail: true,
    kmsKeyArn: AUDIT_KEY,
    collectBilling: true,
    billingWorkGroupTag: "athena-workgroup",
    systemTables: true,
  },
  plain: { "aws:region": REGION, role: "main", createTrail: true, collectBilling: true },
} as const;
type Variant = keyof typeof VARIANTS;

const models = {} as Record<Variant, PlanModel>;
const runs = {} as Record<Variant, { log: CallLog; role: Principal; extra: IamRequest[]; bucketPolicies: Record<string, PolicyDocument> }>;
const reports = {} as Record<Variant, ContractReport>;
const s3Log = new CallLog();
const principals = new Map<string, Principal>();
const bucketPolicies: Record<string, PolicyDocument> = {};
const bucketKeys: Record<string, string> = {};
let s3: LocalS3;
let costExplorer: CostExplorerServer;
const closers: { close(): Promise<void> }[] = [];

const planned = (variant: Variant, name: "billing" | "join") =>
  present(models[variant].functions[name], `the ${variant} stack's ${name} function in the plan`);

/** Runs the billing handler as `accessKeyId`, with the environment the plan gives the function. */
async function collectAs(variant: Variant, accessKeyId: string, ceUrl: string) {
  const restore = useLocalAws({
    ...planned(variant, "billing").environment,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: "local-secret",
    AWS_ENDPOINT_URL_S3: s3.url,
    AWS_ENDPOINT_URL_COST_EXPLORER: ceUrl,
  });
  try {
    return await billingHandler({});
  } finally {
    restore();
  }
}

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  build();
  for (const [name, config] of Object.entries(VARIANTS) as [Variant, Record<string, unknown>][])
    models[name] = planModel(plan(`billing-${name}`, config), REGION);
  const [bucket, ...more] = new Set(Object.values(models).map((m) => m.bucket));
  s3 = await startS3(present(bucket, "a bucket in the plans"), { more, iam: { log: s3Log, principals, bucketPolicies, bucketKeys } });
  cleanUp(() => s3.close());
  cleanUp(async () => {
    for (const c of closers) await c.close();
  });
  costExplorer = await startCostExplorerServer(
    () => [
      {
        Keys: ["EUW1-DataScannedInTB", "athena-workgroup$analysts"],
        Metrics: { UnblendedCost: { Amount: "0.5", Unit: "USD" }, UsageQuantity: { Amount: "0.1", Unit: "Terabytes" } },
      },
    ],
    (day) => day === YESTERDAY,
  );
  closers.push(costExplorer);
  for (const variant of Object.keys(VARIANTS) as Variant[]) {
    const model = models[variant];
    const fn = planned(variant, "billing");
    const key = `${variant}-${fn.role}`;
    const role = { ...model.roles.get(fn.role)!, accessKeyId: key };
    principals.set(key, role);
    Object.assign(bucketPolicies, model.bucketPolicies);
    Object.assign(bucketKeys, model.bucketKeys);
    const log = new CallLog();
    const proxy = await startRecordingProxy({ service: "ce", target: costExplorer.url, log, map: costExplorerMapper });
    closers.push(proxy);
    // S3 calls reach the shared front; keep this variant's in its log.
    const before = s3Log.calls.length;
    const summary = await collectAs(variant, key, proxy.url);
    for (const call of s3Log.calls.slice(before)) log.record(call);
    expect(summary.keys).toContain(billingObjectKey(YESTERDAY));
    const extra = lambdaRuntimeRequests(fn).map((r) => ({ ...r, principal: key }));
    runs[variant] = { log, role, extra, bucketPolicies: model.bucketPolicies };
    reports[variant] = await checkContract(log, new Map([[key, role]]), extra, model.bucketPolicies);
  }
}, 180_000);

function withoutAction(policy: PolicyDocument, action: string): PolicyDocument {
  const statements = policy.Statement.map((s) => ({ ...s, Action: (s.Action as string[]).filter((a) => a !== action) })).filter(
    (s) => s.Action.length > 0,
  );
  return { ...policy, Statement: statements };
}

/** The policy with the billing prefix swapped for another table's, everything else as planned. */
const elsewhere = (policy: PolicyDocument): PolicyDocument => ({
  ...policy,
  Statement: policy.Statement.map((s) =>
    typeof s.Resource === "string" ? { ...s, Resource: s.Resource.replace("/billing/", "/grants/") } : s,
  ),
});

describe.each(Object.keys(VARIANTS) as Variant[])("IAM contract, billing collector, %s stack", (variant) => {
  it("made the calls the collector makes: Cost Explorer through the proxy, one PutObject a day", () => {
    const calls = runs[variant].log.calls;
    expect(calls.filter((c) => c.service === "ce").map((c) => c.operation)).toEqual(
      Array.from({ length: 3 }, () => "AWSInsightsIndexService.GetCostAndUsage"),
    );
    expect(calls.filter((c) => c.service === "s3").map((c) => c.operation)).toEqual(["PutObject", "PutObject", "PutObject"]);
  });

  it("allows every call the collector makes and every call AWS makes on its behalf", () => {
    expect(reports[variant].denied).toEqual([]);
  });

  it("allows nothing that no call needed", () => {
    expect(reports[variant].unused).toEqual({});
  });

  it("is caught when any needed action is removed, naming the call", async () => {
    const { log, role, extra, bucketPolicies: policies } = runs[variant];
    const actions = [...new Set(role.policy!.Statement.flatMap((s) => s.Action as string[]))];
    expect(actions).toContain("ce:GetCostAndUsage");
    for (const action of actions) {
      const weakened = new Map([[role.accessKeyId, { ...role, policy: withoutAction(role.policy!, action) }]]);
      const report = await checkContract(log, weakened, extra, policies);
      expect(
        report.denied.some((d) => d.startsWith(`${role.accessKeyId}: `) && d.includes(` needs ${action} on `)),
        `without ${action}`,
      ).toBe(true);
    }
  });

  it("is caught when the policy writes another prefix than billing's", async () => {
    const { log, role, extra, bucketPolicies: policies } = runs[variant];
    const report = await checkContract(log, new Map([[role.accessKeyId, { ...role, policy: elsewhere(role.policy!) }]]), extra, policies);
    expect(report.denied.filter((d) => d.includes("needs s3:PutObject on ") && d.includes("/athena-audit/billing/dt="))).toHaveLength(3);
  });
});

describe("the billing collector under a broken policy, live", () => {
  it("is refused by S3 when its role may write only elsewhere, and by nothing else", async () => {
    const role = runs.plain.role;
    const key = "plain-billing-elsewhere";
    principals.set(key, { ...role, accessKeyId: key, policy: elsewhere(role.policy!) });
    const proxy = await startRecordingProxy({ service: "ce", target: costExplorer.url, log: new CallLog(), map: costExplorerMapper });
    closers.push(proxy);
    await expect(collectAs("plain", key, proxy.url)).rejects.toThrow(/not authorized to perform: s3:PutObject/);
  });
});

describe("the join's read of Athena's system table", () => {
  const scope = { partition: "aws", region: REGION, account: ACCOUNT };
  const joinRole = (variant: Variant) => models[variant].roles.get(planned(variant, "join").role)!;
  const decisions = async (variant: Variant, requests: { action: string; resource: string }[]) =>
    Promise.all(
      requests.map(async (r) => `${r.action} ${r.resource}: ${(await decide(joinRole(variant), r)).allowed ? "allowed" : "denied"}`),
    );

  it("plans SYSTEM_TABLES for the join as the setting says", () => {
    expect(planned("kms", "join").environment.SYSTEM_TABLES).toBe("true");
    expect(planned("plain", "join").environment.SYSTEM_TABLES).toBe("false");
  });

  it("allows everything Athena checks to read query_executions when systemTables is on", async () => {
    const requests = systemTableRequests(scope, TABLE_ID);
    expect(requests.map((r) => r.action)).toEqual(expect.arrayContaining(["glue:GetTable", "s3tables:GetTableData"]));
    expect((await decisions("kms", requests)).filter((d) => d.endsWith("denied"))).toEqual([]);
  });

  it("denies the table and its data when systemTables is off", async () => {
    const glueTable = `arn:aws:glue:${REGION}:${ACCOUNT}:table/s3tablescatalog/aws-athena/metadata/query_executions`;
    const data = `arn:aws:s3tables:${REGION}:${ACCOUNT}:bucket/aws-athena/table/${TABLE_ID}`;
    expect(await decisions("plain", [{ action: "glue:GetTable", resource: glueTable }])).toEqual([`glue:GetTable ${glueTable}: denied`]);
    expect(await decisions("plain", [{ action: "s3tables:GetTableData", resource: data }])).toEqual([
      `s3tables:GetTableData ${data}: denied`,
    ]);
    // Nothing of the grant is left when off: every request Athena would make is refused.
    expect((await decisions("plain", systemTableRequests(scope, TABLE_ID))).filter((d) => d.endsWith("allowed"))).toEqual([
      // The root catalog is the audit's own database's catalog too (its "Catalog" statement).
      `glue:GetDatabase arn:aws:glue:${REGION}:${ACCOUNT}:catalog: allowed`,
      `glue:GetTable arn:aws:glue:${REGION}:${ACCOUNT}:catalog: allowed`,
    ]);
  });

  it("stays scoped when on: no other table bucket, no other table of the catalog", async () => {
    expect(
      await decisions("kms", [
        { action: "s3tables:GetTableData", resource: `arn:aws:s3tables:${REGION}:${ACCOUNT}:bucket/sales/table/${TABLE_ID}` },
        { action: "glue:GetTable", resource: `arn:aws:glue:${REGION}:${ACCOUNT}:table/s3tablescatalog/sales/metadata/orders` },
        { action: "glue:GetTable", resource: `arn:aws:glue:${REGION}:${ACCOUNT}:table/s3tablescatalog/aws-athena/metadata/other` },
      ]),
    ).toEqual([
      `s3tables:GetTableData arn:aws:s3tables:${REGION}:${ACCOUNT}:bucket/sales/table/${TABLE_ID}: denied`,
      `glue:GetTable arn:aws:glue:${REGION}:${ACCOUNT}:table/s3tablescatalog/sales/metadata/orders: denied`,
      `glue:GetTable arn:aws:glue:${REGION}:${ACCOUNT}:table/s3tablescatalog/aws-athena/metadata/other: denied`,
    ]);
  });
});
