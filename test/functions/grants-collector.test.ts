/**
 * The grants collector against local protocol servers: IAM (query protocol, XML, paged), Glue and
 * Athena (JSON 1.1, paged) and s3rver, with the real SDK clients pointed at them through
 * AWS_ENDPOINT_URL_IAM / _GLUE / _ATHENA / _S3. IAM answers from the real cloudsplaining dump.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GrantRow } from "../../functions/grants/rows";
import { handler } from "../../functions/grants/handler";
import { grantsObjectKey } from "../../queries/layout";
import { GRANTS } from "../../queries/schema/tables";
import { historyOperations } from "../support/athena-history";
import { AthenaServer, startAthenaServer } from "../support/athena-server";
import { IamServer, startIamServer } from "../support/iam-server";
import { LocalS3, startS3, useLocalAws } from "../support/s3";

const dump = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "cloudsplaining-example.json"), "utf8")) as Record<
  string,
  Record<string, unknown>[]
>;
// One role whose inline policy IAM cannot have meant: it must be reported, not read as "no access".
dump.RoleDetailList.push({
  Path: "/",
  RoleName: "garbled-role",
  Arn: "arn:aws:iam::200611803367:role/garbled-role",
  CreateDate: "2024-01-01T00:00:00Z",
  RolePolicyList: [{ PolicyName: "broken", PolicyDocument: "{not json" }],
  AttachedManagedPolicies: [],
});

const DATABASES: Record<string, string[]> = { sales: ["orders", "customers", "refunds"], finance: ["ledger"] };
const page = <T>(items: T[], token: unknown, size = 2) => {
  const start = Number(token ?? 0);
  return { items: items.slice(start, start + size), next: start + size < items.length ? String(start + size) : undefined };
};

let s3: LocalS3;
let iam: IamServer;
let catalog: AthenaServer;
let restore: () => void;
let lakeFormation: http.Server;
let lakeFormationCalls = 0;
const LF = [
  {
    Principal: { DataLakePrincipalIdentifier: "arn:aws:iam::200611803367:role/fp3-deny-iam-role" },
    Resource: { Database: { Name: "finance" } },
    Permissions: ["DESCRIBE"],
  },
  {
    Principal: { DataLakePrincipalIdentifier: "arn:aws:iam::200611803367:role/fp3-deny-iam-role" },
    Resource: { Table: { DatabaseName: "sales", TableWildcard: {} } },
    Permissions: ["SELECT"],
  },
  {
    Principal: { DataLakePrincipalIdentifier: "arn:aws:iam::200611803367:user/fp3-deny-iam-user" },
    Resource: { TableWithColumns: { DatabaseName: "finance", Name: "ledger", ColumnNames: ["amount"] } },
    Permissions: ["SELECT"],
  },
  { Principal: { DataLakePrincipalIdentifier: "IAM_ALLOWED_PRINCIPALS" }, Resource: { Database: { Name: "sales" } }, Permissions: ["ALL"] },
];
let rows: GrantRow[];
let summary: Awaited<ReturnType<typeof handler>>;

beforeAll(async () => {
  s3 = await startS3("audit-bucket");
  iam = await startIamServer(dump, 20);
  catalog = await startAthenaServer({
    operations: {
      ...historyOperations({ workGroups: { primary: [], analysts: [] }, workGroupPageSize: 1 }),
      "AWSGlue.GetDatabases": (input) => {
        const { items, next } = page(Object.keys(DATABASES), input.NextToken, 1);
        return [200, { DatabaseList: items.map((Name) => ({ Name, CatalogId: "200611803367" })), NextToken: next }];
      },
      "AWSGlue.GetTables": (input) => {
        const db = String(input.DatabaseName);
        const { items, next } = page(DATABASES[db] ?? [], input.NextToken);
        return [
          200,
          {
            TableList: items.map((Name) => ({
              Name,
              DatabaseName: db,
              StorageDescriptor: { Location: `s3://northwind-lake/${db}/${Name}/` },
            })),
            NextToken: next,
          },
        ];
      },
    },
  });
  // Lake Formation speaks REST-JSON: POST /ListPermissions, paged with NextToken (two entries a page).
  lakeFormation = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      lakeFormationCalls++;
      const { items, next } = page(LF, (JSON.parse(body || "{}") as { NextToken?: string }).NextToken);
      res.writeHead(req.url === "/ListPermissions" ? 200 : 404, { "content-type": "application/json" });
      res.end(JSON.stringify({ PrincipalResourcePermissions: items, NextToken: next }));
    });
  });
  await new Promise<void>((resolve) => lakeFormation.listen(0, "127.0.0.1", resolve));
  const lfUrl = `http://127.0.0.1:${(lakeFormation.address() as AddressInfo).port}`;
  restore = useLocalAws({
    AWS_ENDPOINT_URL_S3: s3.url,
    AWS_ENDPOINT_URL_IAM: iam.url,
    AWS_ENDPOINT_URL_GLUE: catalog.url,
    AWS_ENDPOINT_URL_ATHENA: catalog.url,
    AWS_ENDPOINT_URL_LAKEFORMATION: lfUrl,
    LAKE_FORMATION: "true",
    AUDIT_BUCKET: "audit-bucket",
    AUDIT_ACCOUNT: "200611803367",
  });
  summary = await handler({});
  rows = (await s3.lines(summary.key)) as unknown as GrantRow[];
});
afterAll(async () => {
  restore?.();
  await new Promise((resolve) => lakeFormation?.close(resolve));
  await catalog?.close();
  await iam?.close();
  await s3?.close();
});

const grantsOf = (name: string) => rows.filter((r) => r.principal_arn.endsWith(`/${name}`)).map((r) => `${r.grant_kind}:${r.resource}`);

describe("grants collector", () => {
  it("reads IAM, Glue and Athena page by page", () => {
    const longest = Math.max(...["UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"].map((l) => dump[l].length));
    expect(summary.apiCalls.GetAccountAuthorizationDetails).toBe(Math.ceil(longest / 20));
    expect(iam.calls).toBe(summary.apiCalls.GetAccountAuthorizationDetails);
    expect(summary.apiCalls.GetDatabases).toBe(2);
    expect(summary.apiCalls.GetTables).toBe(3);
    expect(summary.apiCalls.ListWorkGroups).toBe(2);
    expect(summary.catalog).toEqual({ workGroups: 2, databases: 2, tables: 4 });
    expect(summary.principals).toBe(44 + 79);
  });

  it("writes today's snapshot with one row per principal and grant, in the grants table's columns", () => {
    expect(summary.key).toBe(grantsObjectKey("200611803367", new Date().toISOString().slice(0, 10)));
    for (const row of rows) expect(Object.keys(row)).toEqual(GRANTS.columns.map((c) => c.name));
    expect(grantsOf("fn4-exploitableNotAction-user")).toEqual([
      "database:finance",
      "database:sales",
      "table:finance.ledger",
      "table:sales.customers",
      "table:sales.orders",
      "table:sales.refunds",
      "workgroup:analysts",
      "workgroup:primary",
    ]);
    expect(grantsOf("AWSServiceRoleForSupport")).toEqual(["database:finance", "database:sales"]);
    expect(rows.find((r) => r.principal_arn.endsWith("/fn4-exploitableNotAction-user"))?.principal_created).toBe(
      "2023-03-09T10:41:36.000Z",
    );
  });

  it("adds Lake Formation grants when enabled: database DESCRIBE, table wildcards and column grants", () => {
    expect([summary.apiCalls.ListPermissions, lakeFormationCalls]).toEqual([2, 2]);
    const lf = rows
      .filter((r) => r.access_path.startsWith("lake-formation"))
      .map((r) => `${r.principal_arn.split("/").pop() ?? ""} ${r.grant_kind}:${r.resource} ${r.access_path}`);
    expect(lf).toEqual([
      "fp3-deny-iam-role database:finance lake-formation",
      "fp3-deny-iam-role table:sales.customers lake-formation",
      "fp3-deny-iam-role table:sales.orders lake-formation",
      "fp3-deny-iam-role table:sales.refunds lake-formation",
      "fp3-deny-iam-user table:finance.ledger lake-formation (columns)",
    ]);
  });

  it("reports a principal it cannot evaluate, as a row and in the summary", () => {
    expect(summary.unevaluated.map((u) => u.principalArn)).toEqual(["arn:aws:iam::200611803367:role/garbled-role"]);
    expect(rows.filter((r) => r.grant_kind === "unevaluated")).toEqual([
      expect.objectContaining({
        principal_arn: "arn:aws:iam::200611803367:role/garbled-role",
        certainty: "unevaluated",
        note: expect.stringContaining("inline policy broken") as unknown,
      }),
    ]);
  });
});
