/**
 * Issue 16, member-account collectors, as planned: the main stack's bucket policy admits the listed
 * member accounts (or the organization) to list, read and write history in their own account's
 * folder only; a collector stack planned in a member account writes as that account into the main
 * bucket; wrong settings fail naming the key.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { build, ofType, Plan, plan, policies, PolicyStatement } from "./plan";

const MEMBERS = ["210987654321", "345678901234"];
const ORG = "o-abc123defg";
const MAIN = { "aws:region": "us-east-1", role: "main", createTrail: true };
const BUCKET = "arn:aws:s3:::athena-audit-audit-members";
const OWN = "athena-audit/history/account=${aws:PrincipalAccount}/";
const WRITE = ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"];

let listed: Plan;
let organization: Plan;
let none: Plan;
let member: Plan;

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
    expect(sids(listed)).toEqual([...sids(none), "MemberAccountsListHistory", "MemberAccountsWriteHistory"]);
    expect(bucketPolicy(listed).slice(-2)).toEqual([
      {
        Sid: "MemberAccountsListHistory",
        Effect: "Allow",
        Principal: roots,
        Action: ["s3:ListBucket"],
        Resource: BUCKET,
        Condition: { StringLike: { "s3:prefix": [`${OWN}*`] } },
      },
      { Sid: "MemberAccountsWriteHistory", Effect: "Allow", Principal: roots, Action: WRITE, Resource: `${BUCKET}/${OWN}*` },
    ]);
  });

  it("admits the organization's accounts the same way, on aws:PrincipalOrgID", () => {
    const org = { StringEquals: { "aws:PrincipalOrgID": ORG } };
    expect(sids(organization)).toEqual([...sids(none), "OrganizationListHistory", "OrganizationWriteHistory"]);
    expect(bucketPolicy(organization).slice(-2)).toEqual([
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
    ]);
  });

  it("admits no other account without the settings", () => {
    expect(sids(none)).toEqual(["DenyInsecureTransport", "CloudTrailAclCheck", "CloudTrailWrite"]);
    expect(JSON.stringify(bucketPolicy(none))).not.toContain("history");
  });
});

describe("collector stack in a member account", () => {
  const history = () => ofType(member, "aws:lambda/function:Function")[0];

  it("writes history as its own account into the main bucket", () => {
    expect(member.error).toBeUndefined();
    expect(history().inputs).toMatchObject({
      environment: { variables: { AUDIT_BUCKET: "athena-audit-audit-members", AUDIT_ACCOUNT: MEMBERS[0] } },
    });
  });

  it("may list and write only its own account's folder of the main bucket", () => {
    const role = policies(member)
      .filter((d) => d.resource.type === "aws:iam/rolePolicy:RolePolicy")
      .flatMap((d) => d.statements);
    const own = `athena-audit/history/account=${MEMBERS[0]}/`;
    expect(role.find((s) => s.Sid === "ListHistory")).toMatchObject({
      Resource: BUCKET,
      Condition: { StringLike: { "s3:prefix": [`${own}*`] } },
    });
    expect(role.find((s) => s.Sid === "WriteHistory")).toMatchObject({ Action: WRITE, Resource: `${BUCKET}/${own}*` });
    expect(role.find((s) => s.Sid === "ReadHistory")?.Resource).toBe(`arn:aws:athena:eu-west-1:${MEMBERS[0]}:workgroup/*`);
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
  ])("%j", (config, message) => {
    const p = plan("bad-members", config);
    expect(p.error).toContain(message);
    expect(p.resources).toEqual([]);
  });
});
