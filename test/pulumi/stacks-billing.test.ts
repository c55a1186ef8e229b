/**
 * Issue 14's settings in the main stack's plan: the billing table (always), the optional billing
 * collector (`collectBilling`, `billingWorkGroupTag`, `schedules.billing`) and the join's read of
 * Athena's system tables (`systemTables`), each on and off, and their configuration errors.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { systemTableSqlName } from "../../queries/schema/system-tables";
import { BILLING, sqlColumns } from "../../queries/schema/tables";
import { build, ofType, Plan, plan, PlannedResource, policies, PolicyStatement } from "./plan";

const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const BASE = { "aws:region": "us-east-1", role: "main", createTrail: true, githubRepository: "northwind/athena-audit-reports" };
const ON = { ...BASE, kmsKeyArn: KEY, collectBilling: true, billingWorkGroupTag: "athena-workgroup", systemTables: true };

let off: Plan;
let on: Plan;
let untagged: Plan;

beforeAll(() => {
  build();
  off = plan("off", BASE);
  on = plan("on", ON);
  untagged = plan("untagged", { ...BASE, collectBilling: true, schedules: { billing: "cron(30 13 * * ? *)" } });
});

const fn = (p: Plan, name: string): PlannedResource | undefined => ofType(p, "aws:lambda/function:Function").find((f) => f.name === name);
const env = (p: Plan, name: string) => (fn(p, name)?.inputs.environment as { variables: Record<string, string> }).variables;
const rolePolicy = (p: Plan, name: string): PolicyStatement[] =>
  policies(p).find((d) => d.resource.type === "aws:iam/rolePolicy:RolePolicy" && d.resource.name === name)!.statements;
const named = (p: Plan, type: string, name: string) => ofType(p, type).filter((r) => r.name === name || r.name.startsWith(`${name}-`));

describe("the billing table", () => {
  it.each([
    ["off", () => off],
    ["on", () => on],
  ])("is deployed with the collector %s, derived from the table definition with a projected dt", (_name, get) => {
    expect(get().error).toBeUndefined();
    const table = ofType(get(), "aws:glue/catalogTable:CatalogTable").find((t) => t.inputs.name === "billing")!;
    const inputs = table.inputs as {
      storageDescriptor: { columns: { name: string }[]; location: string; serDeInfo: { serializationLibrary: string } };
      partitionKeys: { name: string }[];
      parameters: Record<string, string>;
    };
    expect([...inputs.storageDescriptor.columns.map((c) => c.name), ...inputs.partitionKeys.map((c) => c.name)]).toEqual(
      sqlColumns(BILLING),
    );
    expect(inputs.storageDescriptor.serDeInfo.serializationLibrary).toBe("org.openx.data.jsonserde.JsonSerDe");
    const bucket = String(get().outputs!.bucket);
    expect(inputs.storageDescriptor.location).toBe(`s3://${bucket}/athena-audit/billing/`);
    expect(inputs.parameters).toMatchObject({
      "projection.enabled": "true",
      "projection.dt.type": "date",
      "projection.dt.format": "yyyy-MM-dd",
      "storage.location.template": `s3://${bucket}/athena-audit/billing/dt=\${dt}/`,
    });
    expect(table.ignoreChanges ?? []).toEqual([]);
  });

  it.each([
    ["off", () => off],
    ["on", () => on],
  ])("is readable by the reporting role with the collector %s (bill_reconciliation)", (_name, get) => {
    const reporting = rolePolicy(get(), "reports");
    expect(reporting.find((s) => s.Sid === "Catalog")?.Resource).toContain(
      "arn:aws:glue:us-east-1:123456789012:table/athena_audit/billing",
    );
    expect(reporting.find((s) => s.Sid === "ReadAuditTables")?.Resource).toContain(
      `arn:aws:s3:::${String(get().outputs!.bucket)}/athena-audit/billing/*`,
    );
  });
});

describe("the billing collector", () => {
  it("is absent by default, and the outputs say so", () => {
    expect(fn(off, "billing")).toBeUndefined();
    for (const type of ["aws:iam/role:Role", "aws:cloudwatch/eventRule:EventRule", "aws:cloudwatch/logGroup:LogGroup"])
      expect(named(off, type, "billing"), type).toEqual([]);
    expect(off.outputs).toMatchObject({ collectBilling: false, billingFunction: null });
  });

  it("when on: a function of its own on nodejs22.x, run daily at midday UTC, once at first deployment", () => {
    expect(on.outputs).toMatchObject({ collectBilling: true, billingFunction: "athena-audit-billing-on" });
    expect(fn(on, "billing")?.inputs).toMatchObject({ name: "athena-audit-billing-on", runtime: "nodejs22.x", handler: "__index.handler" });
    expect(String(fn(on, "billing")?.inputs.role)).toMatch(/:iam\/role\/billing$/);
    expect(named(on, "aws:cloudwatch/eventRule:EventRule", "billing").map((r) => r.inputs.scheduleExpression)).toEqual([
      "cron(0 12 * * ? *)",
    ]);
    expect(named(on, "aws:cloudwatch/metricAlarm:MetricAlarm", "billing")).toHaveLength(2);
    expect(named(on, "aws:lambda/invocation:Invocation", "billing").map((i) => i.inputs.input)).toEqual(["{}"]);
    expect(named(untagged, "aws:cloudwatch/eventRule:EventRule", "billing").map((r) => r.inputs.scheduleExpression)).toEqual([
      "cron(30 13 * * ? *)",
    ]);
  });

  it("gets the bucket, the prefix and the work-group tag only when one is set", () => {
    const bucket = String(on.outputs!.bucket);
    // Its own account: the bill it asks Cost Explorer for is that account's (LINKED_ACCOUNT).
    const account = "123456789012";
    expect(env(on, "billing")).toEqual({
      AUDIT_BUCKET: bucket,
      AUDIT_PREFIX: "athena-audit",
      AUDIT_ACCOUNT: account,
      BILLING_WORK_GROUP_TAG: "athena-workgroup",
    });
    expect(env(untagged, "billing")).toEqual({
      AUDIT_BUCKET: String(untagged.outputs!.bucket),
      AUDIT_PREFIX: "athena-audit",
      AUDIT_ACCOUNT: account,
    });
  });

  it("may ask Cost Explorer, write the billing prefix only, with a data key of the audit's key, and log", () => {
    const bucket = String(on.outputs!.bucket);
    expect(rolePolicy(on, "billing").map(({ Sid, Action, Resource }) => ({ Sid, Action, Resource }))).toEqual([
      { Sid: "ReadCosts", Action: ["ce:GetCostAndUsage"], Resource: "*" },
      { Sid: "WriteBilling", Action: ["s3:PutObject"], Resource: `arn:aws:s3:::${bucket}/athena-audit/billing/*` },
      { Sid: "Logs", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: expect.stringMatching(/:\*$/) as unknown },
      { Sid: "AuditKey", Action: ["kms:GenerateDataKey"], Resource: KEY },
    ]);
    expect(rolePolicy(untagged, "billing").map((s) => s.Sid)).toEqual(["ReadCosts", "WriteBilling", "Logs"]);
  });
});

describe("system tables", () => {
  const SYSTEM_ACTIONS = /^(s3tables:|lakeformation:GetDataAccess$|glue:GetCatalog$)/;
  const actions = (statements: PolicyStatement[]) => statements.flatMap((s) => s.Action);

  it("off by default: SYSTEM_TABLES=false for the join, nothing of the grant in any role", () => {
    expect(env(off, "join").SYSTEM_TABLES).toBe("false");
    expect(off.outputs).toMatchObject({ systemTables: false });
    for (const { resource, statements } of policies(off))
      expect(
        actions(statements).filter((a) => SYSTEM_ACTIONS.test(a)),
        resource.name,
      ).toEqual([]);
    expect(rolePolicy(off, "join").some((s) => ([] as string[]).concat(s.Resource ?? []).some((r) => r.includes("s3tablescatalog")))).toBe(
      false,
    );
  });

  it("the join's serialized closure carries the SQL with the system table as witness only when on", () => {
    const closure = (p: Plan) => {
      const found = p.archives!.find((a) => a.name === "join")!;
      return fs.readFileSync(path.join(found.dir, "__index.js"), "utf8");
    };
    // The SQL is captured as a JSON string in the closure: the name's quotes appear escaped.
    const named = JSON.stringify(systemTableSqlName()).slice(1, -1);
    expect(closure(on)).toContain(named);
    expect(closure(off)).not.toContain(named);
    expect(closure(off)).toContain("witness:begin");
  });

  it("on: SYSTEM_TABLES=true, and the join alone may read query_executions in the aws-athena table bucket", () => {
    expect(env(on, "join").SYSTEM_TABLES).toBe("true");
    expect(on.outputs).toMatchObject({ systemTables: true });
    const glue = "arn:aws:glue:us-east-1:123456789012";
    const bucket = "arn:aws:s3tables:us-east-1:123456789012:bucket/aws-athena";
    expect(rolePolicy(on, "join").filter((s) => s.Sid.startsWith("SystemTable"))).toEqual([
      {
        Sid: "SystemTableCatalog",
        Effect: "Allow",
        Action: ["glue:GetCatalog", "glue:GetDatabase", "glue:GetTable"],
        Resource: [
          `${glue}:catalog`,
          `${glue}:catalog/s3tablescatalog`,
          `${glue}:catalog/s3tablescatalog/aws-athena`,
          `${glue}:database/s3tablescatalog/aws-athena/metadata`,
          `${glue}:table/s3tablescatalog/aws-athena/metadata/query_executions`,
        ],
      },
      { Sid: "SystemTableBucket", Effect: "Allow", Action: ["s3tables:GetTableBucket", "s3tables:GetNamespace"], Resource: bucket },
      {
        Sid: "SystemTableData",
        Effect: "Allow",
        Action: ["s3tables:GetTable", "s3tables:GetTableMetadataLocation", "s3tables:GetTableData"],
        Resource: `${bucket}/table/*`,
      },
      { Sid: "SystemTableAccess", Effect: "Allow", Action: ["lakeformation:GetDataAccess"], Resource: "*" },
    ]);
    for (const { resource, statements } of policies(on).filter((d) => d.resource.name !== "join"))
      expect(
        actions(statements).filter((a) => SYSTEM_ACTIONS.test(a)),
        resource.name,
      ).toEqual([]);
  });

  it("with everything on: no allowed wildcard action, and `*` resources only where the API requires them", () => {
    // The same rule as stacks.test.ts, with this two calls that AWS authorizes on "*".
    const star = [
      ["athena:ListWorkGroups"],
      ["iam:GetAccountAuthorizationDetails"],
      ["lakeformation:ListPermissions"],
      ["ce:GetCostAndUsage"],
      ["lakeformation:GetDataAccess"],
      ["cloudtrail:DescribeTrails"],
    ];
    for (const { resource, statements } of policies(on)) {
      for (const s of statements.filter((st) => st.Effect === "Allow")) {
        for (const action of s.Action) expect(action, `${resource.name} ${s.Sid}`).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
        for (const r of s.Resource === undefined ? [] : ([] as string[]).concat(s.Resource)) {
          if (r === "*") expect(star, `${resource.name} ${s.Sid}`).toContainEqual(s.Action);
          else expect(r, `${resource.name} ${s.Sid}`).toMatch(/^arn:aws:[a-z0-9-]+:/);
        }
      }
    }
  });
});

describe("configuration errors name the key", () => {
  it.each([
    [{ ...BASE, collectBilling: "yes" }, "athena-audit:collectBilling must be true or false"],
    [{ ...BASE, systemTables: "on" }, "athena-audit:systemTables must be true or false"],
    [
      { ...BASE, billingWorkGroupTag: "athena-workgroup" },
      "athena-audit:billingWorkGroupTag has no effect unless athena-audit:collectBilling",
    ],
    [{ ...BASE, collectBilling: true, billingWorkGroupTag: "aws:createdBy" }, "athena-audit:billingWorkGroupTag must be a tag key"],
    [{ ...BASE, collectBilling: true, billingWorkGroupTag: "team#1" }, "athena-audit:billingWorkGroupTag must be a tag key"],
    [{ ...BASE, collectBilling: true, schedules: { billing: "daily" } }, "athena-audit:schedules.billing must be an EventBridge schedule"],
    [
      { "aws:region": "eu-west-1", role: "collector", mainRegion: "us-east-1", bucketName: "athena-audit-main", collectBilling: true },
      "athena-audit:collectBilling applies to the main stack only",
    ],
  ])("%j", (config, message) => {
    const p = plan("bad", config);
    expect(p.error).toContain(message);
    expect(p.resources).toEqual([]);
  });
});
