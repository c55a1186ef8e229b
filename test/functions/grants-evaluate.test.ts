/**
 * Grants decided by @cloud-copilot/iam-simulate from real GetAccountAuthorizationDetails dumps
 * (cloudsplaining, test/fixtures) against a small catalog, checked by hand-worked expectations.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { principalsOf, PrincipalPolicies } from "../../functions/grants/authz";
import { Catalog, evaluateGrants, Grant } from "../../functions/grants/evaluate";
import { at } from "../support/defined";

type Dump = Parameters<typeof principalsOf>[0][number];
const load = (file: string) => JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", file), "utf8")) as Dump;
const EXAMPLE = load("cloudsplaining-example.json");
const ACCOUNT = "200611803367";

const CATALOG: Catalog = {
  partition: "aws",
  region: "us-east-1",
  account: ACCOUNT,
  workGroups: ["primary", "analysts"],
  databases: ["sales", "finance"],
  tables: [
    { database: "sales", name: "orders", location: "s3://northwind-lake/sales/orders/" },
    { database: "finance", name: "ledger", location: "s3://northwind-lake/finance/ledger/" },
  ],
};
const EVERYTHING = [
  "workgroup:primary",
  "workgroup:analysts",
  "database:sales",
  "database:finance",
  "table:sales.orders",
  "table:finance.ledger",
];

let principals: PrincipalPolicies[];
let grants: Grant[];
let unevaluated: { principalArn: string; reason: string }[];

const of = (name: string, list: Grant[] = grants) =>
  list
    .filter((g) => g.principalArn.endsWith(`/${name}`))
    .map((g) => `${g.grantKind}:${g.resource}${g.certainty === "conditional" ? " (conditional)" : ""}`);
const principal = (name: string) => principals.find((p) => p.arn.endsWith(`/${name}`))!;

beforeAll(async () => {
  principals = principalsOf([EXAMPLE]);
  ({ grants, unevaluated } = await evaluateGrants(principals, CATALOG));
});

describe("grants from the cloudsplaining dump", () => {
  it("evaluates every user and role (44 + 78), none left unevaluated", () => {
    expect(principals).toHaveLength(122);
    expect(unevaluated).toEqual([]);
  });

  it("NotAction: Allow NotAction [iam:Update*, iam:Create*, iam:Attach*] on * grants everything", () => {
    expect(of("fn4-exploitableNotAction-user")).toEqual(EVERYTHING);
  });

  it("explicit deny: Allow * and Deny * (two policies) grant nothing", () => {
    expect(principal("fp2-allow-and-deny-multiple-policies-user").policies).toHaveLength(2);
    expect(of("fp2-allow-and-deny-multiple-policies-user")).toEqual([]);
  });

  it("a deny of iam:* alone grants nothing either", () => {
    expect(of("fp3-deny-iam-user")).toEqual([]);
  });

  it("AdministratorAccess (an SSO role) grants everything", () => {
    expect(of("AWSReservedSSO_AdministratorAccess_dc6414f7f2ab04fc")).toEqual(EVERYTHING);
  });

  it("AWSSupportServiceRolePolicy: glue:getDatabase and glue:getTable on * but no s3:GetObject gives databases, not tables", () => {
    expect(of("AWSServiceRoleForSupport")).toEqual(["database:sales", "database:finance"]);
  });

  it("a permission boundary limits a principal to what both allow", async () => {
    const fn4 = principal("fn4-exploitableNotAction-user");
    const bounded: PrincipalPolicies = {
      ...fn4,
      boundary: {
        id: "athena-only-boundary",
        document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "athena:*", Resource: "*" }] },
      },
    };
    const result = await evaluateGrants([bounded], CATALOG);
    expect(of("fn4-exploitableNotAction-user", result.grants)).toEqual(["workgroup:primary", "workgroup:analysts"]);
  });

  it("a grant that hangs on a condition is recorded as conditional, with its keys", async () => {
    // The dump's own condition (fn3: DateGreaterThan aws:TokenIssueTime), on Athena instead of IAM.
    const fn3 = principal("fn3-exploitableConditionConstraint-user");
    const document = at(fn3.policies, 0, "policy of fn3").document;
    const statement = at(document.Statement as Record<string, unknown>[], 0, "statement of fn3's policy");
    const conditional: PrincipalPolicies = {
      ...fn3,
      policies: [
        { id: "conditional", document: { Version: "2012-10-17", Statement: [{ ...statement, Action: "athena:StartQueryExecution" }] } },
      ],
    };
    const result = await evaluateGrants([conditional], CATALOG);
    expect(of("fn3-exploitableConditionConstraint-user", result.grants)).toEqual([
      "workgroup:primary (conditional)",
      "workgroup:analysts (conditional)",
    ]);
    expect(result.grants[0]?.conditionKeys).toEqual(["aws:TokenIssueTime"]);
    expect(of("fn3-exploitableConditionConstraint-user")).toEqual([]);
  });

  it("reads URL-encoded documents the way the JavaScript SDK v3 returns them", async () => {
    const encoded = JSON.parse(JSON.stringify(EXAMPLE)) as { Policies: { PolicyVersionList: { Document: unknown }[] }[] };
    for (const p of encoded.Policies) for (const v of p.PolicyVersionList) v.Document = encodeURIComponent(JSON.stringify(v.Document));
    const result = await evaluateGrants(principalsOf([encoded]), CATALOG);
    expect(result.grants).toEqual(grants);
  });

  it("reports a principal it cannot evaluate instead of treating it as having no access", async () => {
    const broken = principalsOf([
      {
        RoleDetailList: [
          {
            Arn: `arn:aws:iam::${ACCOUNT}:role/orphan`,
            RoleName: "orphan",
            AttachedManagedPolicies: [{ PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/missing` }],
          },
        ],
      },
    ]);
    const bad = principalsOf([
      {
        RoleDetailList: [
          {
            Arn: `arn:aws:iam::${ACCOUNT}:role/garbled`,
            RoleName: "garbled",
            RolePolicyList: [{ PolicyName: "inline", PolicyDocument: "%7Bnot-json" }],
          },
        ],
      },
    ]);
    const result = await evaluateGrants([...broken, ...bad], CATALOG);
    expect(result.grants).toEqual([]);
    expect(result.unevaluated.map((u) => [u.principalArn.split("/").pop(), u.reason.split(":")[0]])).toEqual([
      ["orphan", `managed policy arn`],
      ["garbled", "inline policy inline"],
    ]);
  });

  it("evaluates the smaller dump too, with no principal left out", async () => {
    const small = principalsOf([load("cloudsplaining-example-authz-details.json")]);
    const result = await evaluateGrants(small, CATALOG);
    expect([small.length, result.unevaluated]).toEqual([6, []]);
  });
});
