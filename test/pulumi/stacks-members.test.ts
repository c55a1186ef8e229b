/**
 * Issue 16, member-account collectors, as planned: the main stack's bucket policy admits the listed
 * member accounts (or the organization) to list, read and write history in their own account's
 * folder only, and to put grants snapshots in their own grants folder only; a collector stack
 * planned in a member account (with `collectGrants`) writes its history and grants as that account
 * into the main bucket; the main stack names the accounts it expects; wrong settings fail naming the key.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { build, ofType, Plan, plan, policies, PolicyStatement } from "./plan";

const MEMBERS = ["210987654321", "345678901234"] as const;
const ORG = "o-abc123defg";
const MAIN = { "aws:region": "us-east-1", role: "main", createTrail: true };
const BUCKET = "arn:aws:s3:::athena-audit-audit-members";
const OWN = "athena-audit/history/account=${aws:PrincipalAccount}/";
const OWN_GRANTS = "athena-audit/grants/account=${aws:PrincipalAccount}/";
const OWN_TRAILS = "athena-audit/trails/account=${aws:PrincipalAccount}/";
const WRITE = ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"];
/** The mocks' deploying account (test/pulumi/run-program.cjs), the main stacks' own. */
const MAIN_ACCOUNT = "123456789012";
const COLLECTOR = { "aws:region": "eu-west-1", role: "collector", mainRegion: "us-east-1", bucketName: "b-1" };

let listed: Plan;
let organization: Plan;
let none: Plan;
let member: Plan;
let referring: Plan;

beforeAll(() => {
  build();
  listed = plan("members", { ...MAIN, memberAccounts: MEMBERS });
  organization = plan("members", { ...MAIN, organizationId: ORG });
  none = plan("members", MAIN);
  member = plan("member-collector", {
    "aws:region": "eu-west-1",
    role: "collector",
    mainRegion: "us-east-1",
    bucketName: "athena-audit-audit-members",
    "mock:account": MEMBERS[0],
    // The member's one collector stack that collects its grants, at its own hour.
    collectGrants: true,
    schedules: { grants: "cron(30 1 * * ? *)" },
  });
  referring = plan("member-referring", {
    "aws:region": "eu-west-1",
    role: "collector",
    mainRegion: "us-east-1",
    mainStack: "northwind/athena-audit/main",
    "mock:account": MEMBERS[0],
    collectGrants: true,
  });
});

const bucketPolicy = (p: Plan): PolicyStatement[] =>
  policies(p).find((d) => d.resource.type === "aws:s3/bucketPolicy:BucketPolicy")!.statements;
const sids = (p: Plan) => bucketPolicy(p).map((s) => s.Sid);

describe("main stack with member accounts", () => {
  it("plans without error", () => {
    for (const p of [listed, organization, none]) expect(p.error).toBeUndefined();
  });

  it("admits the listed accounts to their own history folder only, beside the TLS and trail statements", () => {
    const roots = { AWS: MEMBERS.map((id) => `arn:aws:iam::${id}:root`) };
    expect(sids(listed)).toEqual([
      ...sids(none),
      "MemberAccountsListHistory",
      "MemberAccountsWriteHistory",
      "MemberAccountsWriteGrants",
      // The live alerts' own folder, their alert log and the settings object (test/pulumi/iam-contract-members.test.ts runs them).
      "MemberAccountsListLive",
      "MemberAccountsKeepLive",
      "MemberAccountsLogLiveAlerts",
      "MemberAccountsReadSettings",
    ]);
    expect(bucketPolicy(listed).slice(-7, -4)).toEqual([
      {
        Sid: "MemberAccountsListHistory",
        Effect: "Allow",
        Principal: roots,
        Action: ["s3:ListBucket"],
        Resource: BUCKET,
        Condition: { StringLike: { "s3:prefix": [`${OWN}*`] } },
      },
      { Sid: "MemberAccountsWriteHistory", Effect: "Allow", Principal: roots, Action: WRITE, Resource: `${BUCKET}/${OWN}*` },
      // The grants collector only puts its day's snapshots (grants, trails): no listing, no reading back.
      {
        Sid: "MemberAccountsWriteGrants",
        Effect: "Allow",
        Principal: roots,
        Action: ["s3:PutObject"],
        Resource: [`${BUCKET}/${OWN_GRANTS}*`, `${BUCKET}/${OWN_TRAILS}*`],
      },
    ]);
  });

  it("admits the organization's accounts the same way, on aws:PrincipalOrgID", () => {
    const org = { StringEquals: { "aws:PrincipalOrgID": ORG } };
    expect(sids(organization)).toEqual([
      ...sids(none),
      "OrganizationListHistory",
      "OrganizationWriteHistory",
      "OrganizationWriteGrants",
      "OrganizationListLive",
      "OrganizationKeepLive",
      "OrganizationLogLiveAlerts",
      "OrganizationReadSettings",
    ]);
    expect(bucketPolicy(organization).slice(-7, -4)).toEqual([
      {
        Sid: "OrganizationListHistory",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: ["s3:ListBucket"],
        Resource: BUCKET,
        Condition: { ...org, StringLike: { "s3:prefix": [`${OWN}*`] } },
      },
      {
        Sid: "OrganizationWriteHistory",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: WRITE,
        Resource: `${BUCKET}/${OWN}*`,
        Condition: org,
      },
      {
        Sid: "OrganizationWriteGrants",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: ["s3:PutObject"],
        Resource: [`${BUCKET}/${OWN_GRANTS}*`, `${BUCKET}/${OWN_TRAILS}*`],
        Condition: org,
      },
    ]);
  });

  it("admits no other account without the settings", () => {
    expect(sids(none)).toEqual(["DenyInsecureTransport", "CloudTrailAclCheck", "CloudTrailWrite"]);
    expect(JSON.stringify(bucketPolicy(none))).not.toMatch(/history|grants/);
  });

  it("outputs the accounts whose history and grants it expects: its own, then the listed members", () => {
    expect(listed.outputs?.expectedAccounts).toEqual([MAIN_ACCOUNT, ...MEMBERS]);
    // An organization's accounts cannot be listed in advance: only the stack's own is expected.
    expect(organization.outputs?.expectedAccounts).toEqual([MAIN_ACCOUNT]);
    expect(none.outputs?.expectedAccounts).toEqual([MAIN_ACCOUNT]);
  });

  it("projects the listed members in the grants table from the start, and leaves the list to the join", () => {
    const grants = ofType(listed, "aws:glue/catalogTable:CatalogTable").find((t) => t.inputs.name === "grants")!;
    expect((grants.inputs.parameters as Record<string, string>)["projection.account.values"]).toBe([MAIN_ACCOUNT, ...MEMBERS].join(","));
    expect(grants.ignoreChanges).toEqual(['parameters["projection.account.values"]']);
  });
});

describe("collector stack in a member account", () => {
  const fn = (name: string) => ofType(member, "aws:lambda/function:Function").find((f) => f.name === name)!;
  const history = () => fn("history");
  const rolePolicy = (name: string) =>
    policies(member).find((d) => d.resource.type === "aws:iam/rolePolicy:RolePolicy" && d.resource.name === name)!.statements;

  it("writes history as its own account into the main bucket", () => {
    expect(member.error).toBeUndefined();
    expect(history().inputs).toMatchObject({
      environment: { variables: { AUDIT_BUCKET: "athena-audit-audit-members", AUDIT_ACCOUNT: MEMBERS[0] } },
    });
  });

  it("may list and write only its own account's folder of the main bucket", () => {
    const role = rolePolicy("history");
    const own = `athena-audit/history/account=${MEMBERS[0]}/`;
    expect(role.find((s) => s.Sid === "ListHistory")).toMatchObject({
      Resource: BUCKET,
      Condition: { StringLike: { "s3:prefix": [`${own}*`] } },
    });
    expect(role.find((s) => s.Sid === "WriteHistory")).toMatchObject({ Action: WRITE, Resource: `${BUCKET}/${own}*` });
    expect(role.find((s) => s.Sid === "ReadHistory")?.Resource).toBe(`arn:aws:athena:eu-west-1:${MEMBERS[0]}:workgroup/*`);
  });

  it("with collectGrants, collects the member's grants into its own grants folder of the main bucket, on its schedule", () => {
    expect(
      ofType(member, "aws:lambda/function:Function")
        .map((f) => f.inputs.name)
        .sort(),
    ).toEqual(["athena-audit-grants-member-collector", "athena-audit-history-member-collector", "athena-audit-live-member-collector"]);
    expect(fn("grants").inputs).toMatchObject({
      environment: {
        variables: {
          AUDIT_BUCKET: "athena-audit-audit-members",
          AUDIT_ACCOUNT: MEMBERS[0],
          AUDIT_PREFIX: "athena-audit",
          LAKE_FORMATION: "false",
          // Named by bucket, not by the main stack: where the lake's trail delivers is not known here.
          AUDIT_TRAIL_BUCKET: "",
          AUDIT_TRAIL_PREFIX: "",
        },
      },
    });
    // Named by the main stack: its `lakeTrail` output tells the member's trails snapshot which trail delivers into the lake.
    const grants = ofType(referring, "aws:lambda/function:Function").find((f) => String(f.inputs.name).startsWith("athena-audit-grants"));
    expect(grants?.inputs).toMatchObject({
      environment: {
        variables: { AUDIT_BUCKET: "athena-audit-main-bucket", AUDIT_TRAIL_BUCKET: "northwind-org-trail", AUDIT_TRAIL_PREFIX: "org-logs" },
      },
    });
    const rules = Object.fromEntries(
      ofType(member, "aws:cloudwatch/eventRule:EventRule").map((r) => [r.name, r.inputs.scheduleExpression]),
    );
    expect(rules).toEqual({ history: "cron(15 0 * * ? *)", grants: "cron(30 1 * * ? *)" });
    expect(member.outputs).toMatchObject({ collectGrants: true, grantsFunction: "athena-audit-grants-member-collector" });
  });

  it("gives the grants collector its own account's IAM, Glue catalog, work groups and trails, and puts in its own folders only", () => {
    const glue = `arn:aws:glue:eu-west-1:${MEMBERS[0]}`;
    expect(rolePolicy("grants").filter((s) => !["Logs"].includes(s.Sid))).toEqual([
      { Sid: "ReadIam", Effect: "Allow", Action: ["iam:GetAccountAuthorizationDetails"], Resource: "*" },
      { Sid: "ListWorkGroups", Effect: "Allow", Action: ["athena:ListWorkGroups"], Resource: "*" },
      {
        Sid: "ReadCatalog",
        Effect: "Allow",
        Action: ["glue:GetDatabases", "glue:GetTables"],
        Resource: [`${glue}:catalog`, `${glue}:database/*`, `${glue}:table/*/*`],
      },
      { Sid: "ListTrails", Effect: "Allow", Action: ["cloudtrail:DescribeTrails"], Resource: "*" },
      {
        Sid: "ReadTrails",
        Effect: "Allow",
        Action: ["cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors"],
        Resource: "arn:aws:cloudtrail:*:*:trail/*",
      },
      {
        Sid: "WriteGrants",
        Effect: "Allow",
        Action: ["s3:PutObject"],
        Resource: [`${BUCKET}/athena-audit/grants/account=${MEMBERS[0]}/*`, `${BUCKET}/athena-audit/trails/account=${MEMBERS[0]}/*`],
      },
    ]);
  });
});

describe("member settings errors name the key, before any resource is planned", () => {
  it.each([
    [{ ...MAIN, memberAccounts: ["12345"] }, "athena-audit:memberAccounts must be a list of distinct 12-digit account ids"],
    [{ ...MAIN, memberAccounts: "210987654321" }, "athena-audit:memberAccounts must be a list of distinct 12-digit account ids"],
    [{ ...MAIN, memberAccounts: [MEMBERS[0], MEMBERS[0]] }, "athena-audit:memberAccounts must be a list of distinct"],
    [{ ...MAIN, memberAccounts: ["123456789012"] }, "athena-audit:memberAccounts lists 123456789012, the account this stack deploys to"],
    [{ ...MAIN, organizationId: "org-1" }, "athena-audit:organizationId must be an organization id like o-abc123defg"],
    [
      {
        "aws:region": "us-east-1",
        role: "main",
        cloudTrail: { bucket: "trail-logs", accounts: ["123456789012"], regions: ["us-east-1"] },
        bucketName: "my-audit",
        memberAccounts: MEMBERS,
      },
      "athena-audit:memberAccounts needs the bucket the stack creates",
    ],
    [
      { "aws:region": "eu-west-1", role: "collector", mainRegion: "us-east-1", bucketName: "b-1", memberAccounts: MEMBERS },
      "athena-audit:memberAccounts applies to the main stack only",
    ],
    [
      { "aws:region": "eu-west-1", role: "collector", mainRegion: "us-east-1", bucketName: "b-1", organizationId: ORG },
      "athena-audit:organizationId applies to the main stack only",
    ],
    [{ ...MAIN, collectGrants: true }, "athena-audit:collectGrants applies to collector stacks only"],
    [{ ...COLLECTOR, collectGrants: "yes" }, "athena-audit:collectGrants must be true or false"],
    [
      { ...COLLECTOR, lakeFormation: true },
      "athena-audit:lakeFormation has no effect in a collector stack unless athena-audit:collectGrants",
    ],
  ])("%j", (config, message) => {
    const p = plan("bad-members", config);
    expect(p.error).toContain(message);
    expect(p.resources).toEqual([]);
  });
});
