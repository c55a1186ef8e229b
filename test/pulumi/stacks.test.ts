/**
 * Both stack kinds, planned by the compiled program under Pulumi's mocks in a plain Node process
 * (as `pulumi up` runs it): resources, safe defaults, least privilege, schedules and alarms.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { SAVED_QUERIES } from "../../queries/saved";
import { EVENTS, GRANTS, HISTORY, sqlColumns, TRAILS } from "../../queries/schema/tables";
import { only, present } from "../support/defined";
import { build, ofType, oneOfType, Plan, plan, policies } from "./plan";

const MAIN = {
  "aws:region": "us-east-1",
  role: "main",
  createTrail: true,
  joinRegions: ["us-east-1", "eu-west-1"],
  workGroups: ["primary", "analysts"],
  githubRepository: "northwind/athena-audit-reports",
  historyRetentionDays: 400,
  lakeFormation: true,
};
const EXISTING_TRAIL = {
  "aws:region": "eu-west-1",
  role: "main",
  cloudTrail: {
    bucket: "org-trail-logs",
    prefix: "trails",
    organizationId: "o-abcd123456",
    accounts: ["111122223333"],
    regions: ["eu-west-1"],
  },
  kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
};
const COLLECTOR = { "aws:region": "eu-west-1", role: "collector", mainRegion: "us-east-1", bucketName: "athena-audit-main-bucket" };
/** The collector stack's own hour for its history collector (`schedules.history`), not the default 00:15. */
const HISTORY_SCHEDULE = "cron(45 0 * * ? *)";

let main: Plan;
let existingTrail: Plan;
let collector: Plan;

beforeAll(() => {
  build();
  main = plan("main", MAIN);
  existingTrail = plan("eu", EXISTING_TRAIL);
  // The live alerts, on by default, have their own tests (stacks-live.test.ts).
  collector = plan("collector", { ...COLLECTOR, liveAlerts: false, schedules: { history: HISTORY_SCHEDULE } });
});

/** The inputs of a planned Glue table that these tests read. */
interface GlueTableInputs extends Record<string, unknown> {
  name: string;
  storageDescriptor: { columns: { name: string }[] };
  partitionKeys: { name: string }[];
  parameters: Record<string, string>;
}

const functionsOf = (p: Plan) => ofType(p, "aws:lambda/function:Function");

/** The account the main stack's history collector writes as (AUDIT_ACCOUNT): the caller's. */
const historyAccount = () =>
  (
    ofType(main, "aws:lambda/function:Function").find((f) => f.name === "history")!.inputs.environment as {
      variables: Record<string, string>;
    }
  ).variables.AUDIT_ACCOUNT;

describe("main stack", () => {
  it("plans without error and outputs what the GitHub workflow needs", () => {
    expect(main.error).toBeUndefined();
    expect(main.outputs).toMatchObject({
      region: "us-east-1",
      workGroup: "athena-audit",
      database: "athena_audit",
      bucket: expect.any(String) as unknown,
      reportingRoleArn: expect.any(String) as unknown,
      billingTb: "binary",
    });
  });

  it("outputs where the lake's trail delivers, for member accounts' grants collectors", () => {
    expect(existingTrail.outputs?.lakeTrail).toEqual({ bucket: "org-trail-logs", prefix: "trails" });
  });

  it("gives the join Lambda the TB definition its costs follow (BILLING_TB)", () => {
    const join = functionsOf(main).find((f) => String(f.inputs.name).startsWith("athena-audit-join"));
    expect(join?.inputs).toMatchObject({ environment: { variables: { BILLING_TB: "binary" } } });
  });

  it("keeps every bucket private, encrypted and TLS-only", () => {
    const buckets = ofType(main, "aws:s3/bucket:Bucket");
    expect(buckets).toHaveLength(1);
    for (const type of [
      "bucketPublicAccessBlock:BucketPublicAccessBlock",
      "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "bucketPolicy:BucketPolicy",
    ]) {
      expect(ofType(main, `aws:s3/${type}`), type).toHaveLength(buckets.length);
    }
    expect(oneOfType(main, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(oneOfType(main, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs).toMatchObject({
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    });
    const bucketPolicy = policies(main).find((d) => d.resource.type === "aws:s3/bucketPolicy:BucketPolicy")!;
    expect(bucketPolicy.statements[0]).toMatchObject({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } });
  });

  it("expires query results, the live alerts' short-lived state, and history a month after the join's own retention", () => {
    const rules = oneOfType(main, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules as {
      id: string;
      expiration?: { days: number };
    }[];
    expect(rules.filter((r) => r.expiration).map((r) => [r.id, r.expiration!.days])).toEqual([
      ["query-results", 30],
      ["live-transient", 1],
      ["history", 430],
    ]);
    const eu = oneOfType(existingTrail, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules as {
      id: string;
    }[];
    expect(eu.map((r) => r.id)).not.toContain("history");
  });

  it("encrypts with the given KMS key when there is one", () => {
    const sse = oneOfType(existingTrail, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
    expect(sse.inputs).toMatchObject({
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: EXISTING_TRAIL.kmsKeyArn } }],
    });
    expect(oneOfType(existingTrail, "aws:athena/workgroup:Workgroup").inputs).toMatchObject({
      configuration: { resultConfiguration: { encryptionConfiguration: { encryptionOption: "SSE_KMS" } } },
    });
  });

  it("derives the Glue tables from the table definition, with partition projection and no crawler", () => {
    const tables = Object.fromEntries(
      ofType(main, "aws:glue/catalogTable:CatalogTable").map((t): [string, GlueTableInputs] => [
        t.inputs.name as string,
        t.inputs as GlueTableInputs,
      ]),
    );
    expect(Object.keys(tables).sort()).toEqual(["access", "billing", "cloudtrail", "events", "grants", "history", "live_alerts", "trails"]);
    const table = (name: string) => present(tables[name], `the planned ${name} table`);
    const names = (name: string) => {
      const t = table(name);
      return [...t.storageDescriptor.columns.map((c) => c.name), ...t.partitionKeys.map((c) => c.name)];
    };
    expect(names("history")).toEqual(sqlColumns(HISTORY));
    expect(names("events")).toEqual(sqlColumns(EVENTS));
    expect(names("grants")).toEqual(sqlColumns(GRANTS));
    expect(names("trails")).toEqual(sqlColumns(TRAILS));
    expect(table("history").parameters).toMatchObject({
      "projection.enabled": "true",
      "projection.workgroup.values": "primary,analysts",
      "projection.region.values": "us-east-1,eu-west-1",
      // History is keyed by account: the stack's own to begin with, the join adds the others it finds.
      "projection.account.type": "enum",
      "projection.account.values": historyAccount(),
      "storage.location.template": expect.stringMatching(
        /\/history\/account=\$\{account\}\/region=\$\{region\}\/dt=\$\{dt\}\/workgroup=\$\{workgroup\}\/$/,
      ) as unknown,
    });
    expect(table("cloudtrail").parameters).toMatchObject({
      "projection.day.format": "yyyy/MM/dd",
      "storage.location.template": expect.stringMatching(
        /\/cloudtrail\/AWSLogs\/\$\{account\}\/CloudTrail\/\$\{region\}\/\$\{day\}$/,
      ) as unknown,
    });
    expect(ofType(main, "aws:glue/crawler:Crawler")).toEqual([]);
  });

  it("creates the history table with the configured work groups, then leaves the list to the join", () => {
    const ignored = Object.fromEntries(
      ofType(main, "aws:glue/catalogTable:CatalogTable").map((t) => [t.inputs.name as string, t.ignoreChanges ?? []]),
    );
    // The join adds work groups and accounts it finds in history, and accounts it finds in grants:
    // a later `pulumi up` must not take them back.
    expect(ignored).toEqual({
      history: ['parameters["projection.workgroup.values"]', 'parameters["projection.account.values"]'],
      cloudtrail: [],
      events: [],
      access: [],
      grants: ['parameters["projection.account.values"]'],
      trails: ['parameters["projection.account.values"]'],
      billing: [],
      live_alerts: [],
    });
    const join = policies(main).find((d) => d.resource.type === "aws:iam/rolePolicy:RolePolicy" && d.resource.name === "join")!.statements;
    const updates = join.filter((s) => s.Action.includes("glue:UpdateTable"));
    expect(updates).toEqual([
      {
        Sid: "ProjectPartitions",
        Effect: "Allow",
        Action: ["glue:UpdateTable"],
        Resource: [
          "arn:aws:glue:us-east-1:123456789012:catalog",
          "arn:aws:glue:us-east-1:123456789012:database/athena_audit",
          "arn:aws:glue:us-east-1:123456789012:table/athena_audit/history",
          "arn:aws:glue:us-east-1:123456789012:table/athena_audit/grants",
          "arn:aws:glue:us-east-1:123456789012:table/athena_audit/trails",
        ],
      },
    ]);
  });

  it("reads an organization trail where it is", () => {
    const trail = ofType(existingTrail, "aws:glue/catalogTable:CatalogTable").find((t) => t.inputs.name === "cloudtrail")!;
    expect((trail.inputs.parameters as Record<string, string>)["storage.location.template"]).toBe(
      "s3://org-trail-logs/trails/AWSLogs/o-abcd123456/${account}/CloudTrail/${region}/${day}",
    );
    expect(ofType(existingTrail, "aws:cloudtrail/trail:Trail")).toEqual([]);
  });

  it("gives the audit an enforced work group with a bytes-scanned cutoff, and every saved query as a named query", () => {
    expect(oneOfType(main, "aws:athena/workgroup:Workgroup").inputs).toMatchObject({
      name: "athena-audit",
      configuration: { enforceWorkgroupConfiguration: true, bytesScannedCutoffPerQuery: 100 * 1024 ** 3 },
    });
    expect(ofType(main, "aws:athena/namedQuery:NamedQuery").map((q) => q.inputs.name)).toEqual(
      SAVED_QUERIES.map((q) => `athena-audit ${q.title}`),
    );
  });

  it("deploys three scheduled functions and the live one on nodejs22.x with their own roles, retries, failure queues, alarms", () => {
    const fns = functionsOf(main);
    expect(fns.map((f) => f.inputs.name).sort()).toEqual([
      "athena-audit-grants-main",
      "athena-audit-history-main",
      "athena-audit-join-main",
      "athena-audit-live-main",
    ]);
    for (const f of fns) {
      // The live function judges one query an invocation (test/pulumi/stacks-live.test.ts).
      const timeout = f.name === "live" ? 60 : 900;
      expect(f.inputs).toMatchObject({ runtime: "nodejs22.x", handler: "__index.handler", timeout });
      expect(String(f.inputs.role)).toMatch(/:iam\/role\/(history|join|grants|live)$/);
    }
    expect(ofType(main, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")).toEqual([]);
    expect(
      ofType(main, "aws:cloudwatch/eventRule:EventRule")
        .map((r) => r.inputs.scheduleExpression)
        .filter((e) => e !== undefined)
        .sort(),
    ).toEqual(["cron(0 1 * * ? *)", "cron(15 0 * * ? *)", "cron(15 2 * * ? *)"]);
    // The schedules' three, and the live function's two event rules.
    expect(ofType(main, "aws:cloudwatch/eventTarget:EventTarget")).toHaveLength(5);
    expect(
      ofType(main, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig").map((c) => c.inputs.maximumRetryAttempts),
    ).toEqual([2, 2, 2, 2]);
    expect(ofType(main, "aws:cloudwatch/metricAlarm:MetricAlarm")).toHaveLength(8);
    expect(ofType(main, "aws:sqs/queue:Queue").every((q) => q.inputs.sqsManagedSseEnabled === true)).toBe(true);
  });

  it("backfills 45 days of history, joins them once it is in, and takes a first grants snapshot, once at first deployment", () => {
    const invocations = ofType(main, "aws:lambda/invocation:Invocation");
    expect(invocations.map((i) => [i.name, String(i.inputs.input)]).sort()).toEqual([
      ["grants-first-run", "{}"],
      ["history-first-run", JSON.stringify({ backfillDays: 45 })],
      // The scheduled input: every day with history not yet joined (functions/join/pending.ts).
      ["join-first-run", "{}"],
    ]);
    const join = invocations.find((i) => i.name === "join-first-run");
    expect(join?.dependsOn).toContain("aws:lambda/invocation:Invocation history-first-run");
    // The tables the join reads and writes exist before it runs.
    expect(join?.dependsOn?.filter((d) => d.startsWith("aws:glue/catalogTable:CatalogTable "))).toHaveLength(
      ofType(main, "aws:glue/catalogTable:CatalogTable").length,
    );
  });

  it("creates a multi-region trail when asked, admitted by the bucket policy for that trail only", () => {
    expect(oneOfType(main, "aws:cloudtrail/trail:Trail").inputs).toMatchObject({
      isMultiRegionTrail: true,
      enableLogFileValidation: true,
      s3KeyPrefix: "cloudtrail",
    });
    const statements = policies(main).find((d) => d.resource.type === "aws:s3/bucketPolicy:BucketPolicy")!.statements;
    expect(statements.filter((s) => s.Sid.startsWith("CloudTrail")).map((s) => s.Condition?.StringEquals?.["aws:SourceArn"])).toEqual([
      "arn:aws:cloudtrail:us-east-1:123456789012:trail/athena-audit-main",
      "arn:aws:cloudtrail:us-east-1:123456789012:trail/athena-audit-main",
    ]);
  });

  it("keeps the trail's default selectors unless asked to record the lake's object reads", () => {
    expect(oneOfType(main, "aws:cloudtrail/trail:Trail").inputs.advancedEventSelectors).toBeUndefined();
    const reads = plan("lake-reads", { ...MAIN, trailLakeReads: ["northwind-lake", "northwind-marketing-lake"] });
    expect(oneOfType(reads, "aws:cloudtrail/trail:Trail").inputs.advancedEventSelectors).toEqual([
      { name: "Management events", fieldSelectors: [{ field: "eventCategory", equals: ["Management"] }] },
      {
        name: "Lake object reads",
        fieldSelectors: [
          { field: "eventCategory", equals: ["Data"] },
          { field: "resources.type", equals: ["AWS::S3::Object"] },
          { field: "readOnly", equals: ["true"] },
          { field: "resources.ARN", startsWiths: ["arn:aws:s3:::northwind-lake/", "arn:aws:s3:::northwind-marketing-lake/"] },
        ],
      },
    ]);
    // The grants collector is told where the lake's CloudTrail is, to say which trail delivers there.
    const grants = ofType(main, "aws:lambda/function:Function").find((f) => String(f.inputs.name).includes("grants"))!;
    expect((grants.inputs.environment as { variables: Record<string, string> }).variables).toMatchObject({
      AUDIT_TRAIL_PREFIX: "cloudtrail",
    });
  });

  it("lets only the configured repository's workflows assume the reporting role, through OIDC", () => {
    expect(oneOfType(main, "aws:iam/openIdConnectProvider:OpenIdConnectProvider").inputs).toMatchObject({
      url: "https://token.actions.githubusercontent.com",
      clientIdLists: ["sts.amazonaws.com"],
    });
    const reportsRole = policies(main).find((d) => d.resource.type === "aws:iam/role:Role" && d.resource.name === "reports")!;
    const trust = only(reportsRole.statements, "statement in the reporting role's trust policy");
    expect(trust.Condition).toEqual({
      StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
      StringLike: { "token.actions.githubusercontent.com:sub": "repo:northwind/athena-audit-reports:*" },
    });
    const reporting = policies(main).find((d) => d.resource.type === "aws:iam/rolePolicy:RolePolicy" && d.resource.name === "reports")!;
    expect(reporting.statements.flatMap((s) => s.Action).sort()).toEqual(
      // Exactly what the IAM contract test (iam-contract.test.ts) sees the reporting commands need.
      [
        "athena:GetQueryExecution",
        "athena:GetQueryResults",
        "athena:StartQueryExecution",
        "athena:StopQueryExecution",
        "glue:GetDatabase",
        "glue:GetTable",
        "s3:GetBucketLocation",
        "s3:GetObject",
        "s3:GetObject",
        "s3:ListBucket",
        "s3:PutObject",
      ].sort(),
    );
  });
});

describe("least privilege", () => {
  it.each([
    ["main", () => main],
    ["existing trail", () => existingTrail],
    ["collector", () => collector],
  ])("%s: no allowed wildcard action, and `*` resources only where the API requires them", (_name, get) => {
    for (const { resource, statements } of policies(get())) {
      for (const s of statements.filter((st) => st.Effect === "Allow")) {
        for (const action of s.Action) expect(action, `${resource.name} ${s.Sid}`).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
        const resources = s.Resource === undefined ? [] : ([] as string[]).concat(s.Resource);
        for (const r of resources) {
          // Only calls AWS authorizes on "*" alone (no resource-level permissions) may name it.
          if (r === "*")
            expect(
              [
                ["athena:ListWorkGroups"],
                ["iam:GetAccountAuthorizationDetails"],
                ["lakeformation:ListPermissions"],
                ["cloudtrail:DescribeTrails"],
              ],
              `${resource.name} ${s.Sid}`,
            ).toContainEqual(s.Action);
          else expect(r, `${resource.name} ${s.Sid}`).toMatch(/^arn:aws:[a-z0-9-]+:/);
        }
      }
    }
  });

  it("reads Lake Formation only where it is enabled", () => {
    const grantsPolicyOf = (p: Plan) =>
      policies(p)
        .find((d) => d.resource.type === "aws:iam/rolePolicy:RolePolicy" && d.resource.name === "grants")!
        .statements.map((s) => s.Sid);
    expect(grantsPolicyOf(main)).toContain("ReadLakeFormation");
    expect(grantsPolicyOf(existingTrail)).not.toContain("ReadLakeFormation");
  });

  it("scopes the join's writes to the events prefix and its deletes of history to the retention setting", () => {
    const join = policies(main).find((d) => d.resource.type === "aws:iam/rolePolicy:RolePolicy" && d.resource.name === "join")!.statements;
    expect(join.find((s) => s.Sid === "WriteEventsAndAccess")?.Resource).toEqual([
      `arn:aws:s3:::${String(main.outputs!.bucket)}/athena-audit/events/*`,
      `arn:aws:s3:::${String(main.outputs!.bucket)}/athena-audit/access/*`,
    ]);
    expect(join.find((s) => s.Sid === "ExpireHistory")?.Resource).toBe(
      `arn:aws:s3:::${String(main.outputs!.bucket)}/athena-audit/history/*`,
    );
    const eu = policies(existingTrail).find(
      (d) => d.resource.type === "aws:iam/rolePolicy:RolePolicy" && d.resource.name === "join",
    )!.statements;
    expect(eu.find((s) => s.Sid === "ExpireHistory")).toBeUndefined();
    expect(eu.find((s) => s.Sid === "ReadCloudTrail")?.Resource).toBe("arn:aws:s3:::org-trail-logs/trails/AWSLogs/*");
  });
});

describe("collector stack", () => {
  it("deploys only the history collector (live alerts off), writing to the main stack's bucket", () => {
    expect(collector.error).toBeUndefined();
    expect(functionsOf(collector).map((f) => f.inputs.name)).toEqual(["athena-audit-history-collector"]);
    expect(oneOfType(collector, "aws:lambda/function:Function").inputs).toMatchObject({
      environment: { variables: { AUDIT_BUCKET: "athena-audit-main-bucket" } },
    });
    for (const type of [
      "aws:s3/bucket:Bucket",
      "aws:glue/catalogTable:CatalogTable",
      "aws:athena/workgroup:Workgroup",
      "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
    ]) {
      expect(ofType(collector, type), type).toEqual([]);
    }
    expect(ofType(collector, "aws:cloudwatch/eventRule:EventRule")).toHaveLength(1);
    expect(ofType(collector, "aws:cloudwatch/metricAlarm:MetricAlarm")).toHaveLength(2);
  });

  it("calls the history collector history: its resources, function, log group, schedule setting and output", () => {
    // The deployed resources' names: renaming any would make `pulumi up` replace it on every stack.
    expect(
      collector.resources
        .filter((r) => r.name.startsWith("history"))
        .map((r) => `${r.type} ${r.name}`)
        .sort(),
    ).toEqual(
      [
        "athena-audit:functions:AuditFunction history",
        "aws:cloudwatch/eventRule:EventRule history",
        "aws:cloudwatch/eventTarget:EventTarget history",
        "aws:cloudwatch/logGroup:LogGroup history",
        "aws:cloudwatch/metricAlarm:MetricAlarm history",
        "aws:cloudwatch/metricAlarm:MetricAlarm history-failures",
        "aws:iam/role:Role history",
        "aws:iam/rolePolicy:RolePolicy history",
        "aws:iam/rolePolicy:RolePolicy history-failures",
        "aws:lambda/function:Function history",
        "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig history",
        "aws:lambda/invocation:Invocation history-first-run",
        "aws:lambda/permission:Permission history",
        "aws:sqs/queue:Queue history-failures",
      ].sort(),
    );
    expect(ofType(collector, "aws:cloudwatch/logGroup:LogGroup").map((g) => g.inputs.name)).toEqual([
      "/aws/lambda/athena-audit-history-collector",
    ]);
    expect(ofType(collector, "aws:cloudwatch/eventRule:EventRule").map((r) => [r.name, r.inputs.scheduleExpression])).toEqual([
      ["history", HISTORY_SCHEDULE],
    ]);
    expect(collector.outputs).toMatchObject({ historyFunction: "athena-audit-history-collector" });
    expect(main.outputs).toMatchObject({ historyFunction: "athena-audit-history-main", joinFunction: "athena-audit-join-main" });
    expect(ofType(main, "aws:cloudwatch/eventRule:EventRule").find((r) => r.name === "history")?.inputs.scheduleExpression).toBe(
      "cron(15 0 * * ? *)",
    );
  });

  it("reads the bucket from the main stack through a stack reference", () => {
    const p = plan("collector-ref", {
      "aws:region": "eu-west-1",
      role: "collector",
      mainRegion: "us-east-1",
      mainStack: "northwind/athena-audit/main",
    });
    expect(ofType(p, "pulumi:pulumi:StackReference").map((r) => r.inputs.name)).toEqual(["northwind/athena-audit/main"]);
    // The history collector writes there, and the live alerts keep their state there.
    const fns = ofType(p, "aws:lambda/function:Function");
    expect(fns.map((f) => f.name).sort()).toEqual(["history", "live"]);
    for (const f of fns) expect(f.inputs).toMatchObject({ environment: { variables: { AUDIT_BUCKET: "athena-audit-main-bucket" } } });
  });

  it("uses an existing Lambda role when given one, creating none", () => {
    const p = plan("collector-role", { ...COLLECTOR, lambdaRoleArn: "arn:aws:iam::123456789012:role/audit-lambda" });
    expect(ofType(p, "aws:iam/role:Role")).toEqual([]);
    expect(ofType(p, "aws:lambda/function:Function").map((f) => f.inputs.role)).toEqual([
      "arn:aws:iam::123456789012:role/audit-lambda",
      "arn:aws:iam::123456789012:role/audit-lambda",
    ]);
  });
});

describe("configuration errors name the key, before any resource is planned", () => {
  it.each([
    [{ "aws:region": "us-east-1" }, 'athena-audit:role must be "main" or "collector"'],
    [{ "aws:region": "us-east-1", role: "main" }, "athena-audit:cloudTrail is required"],
    [{ "aws:region": "us-east-1", role: "collector", bucketName: "b-1" }, "athena-audit:mainRegion is required"],
    [
      { "aws:region": "us-east-1", role: "main", createTrail: true, joinRegions: ["us-east-1", "mars"] },
      "athena-audit:joinRegions must be a non-empty list of region names",
    ],
    [
      { "aws:region": "us-east-1", role: "main", createTrail: true, schedules: { join: "daily" } },
      "athena-audit:schedules.join must be an EventBridge schedule",
    ],
    [
      { "aws:region": "us-east-1", role: "main", createTrail: true, schedules: { joiner: "cron(15 2 * * ? *)" } },
      "athena-audit:schedules.joiner was renamed: use athena-audit:schedules.join",
    ],
    [
      { ...COLLECTOR, schedules: { collector: "cron(15 0 * * ? *)" } },
      "athena-audit:schedules.collector was renamed: use athena-audit:schedules.history",
    ],
    [{ "aws:region": "us-east-1", role: "main", createTrail: true, colour: "blue" }, "athena-audit:colour is not a setting"],
    [{ role: "main", createTrail: true }, "aws:region must be set"],
    [
      { "aws:region": "us-east-1", role: "main", createTrail: true, "athena-audti:lakeFormation": true },
      "athena-audti:lakeFormation is not in the athena-audit namespace: did you mean athena-audit:lakeFormation?",
    ],
    [
      { "aws:region": "us-east-1", role: "main", cloudTrail: { bucket: "Org_Trail", accounts: ["111122223333"], regions: ["us-east-1"] } },
      "athena-audit:cloudTrail.bucket must be an S3 bucket name",
    ],
    [
      { "aws:region": "us-east-1", role: "main", createTrail: true, schedules: { join: "cron(15 2 * * * *)" } },
      "athena-audit:schedules.join must be an EventBridge schedule (exactly one of day-of-month and day-of-week must be ?)",
    ],
    [
      { "aws:region": "us-east-1", role: "main", createTrail: true, kmsKeyArn: EXISTING_TRAIL.kmsKeyArn },
      "athena-audit:kmsKeyArn is a key in eu-west-1, but the audit bucket, its logs and functions are in us-east-1",
    ],
  ])("%j", (config, message) => {
    const p = plan("bad", config);
    expect(p.error).toContain(message);
    expect(p.resources).toEqual([]);
  });
});
