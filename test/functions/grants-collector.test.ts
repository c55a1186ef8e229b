/**
 * The grants collector against local protocol servers: IAM (query protocol, XML, paged), Glue and
 * Athena (JSON 1.1, paged), CloudTrail (JSON 1.1, requests checked against botocore's model) and
 * s3rver, with the real SDK clients pointed at them through AWS_ENDPOINT_URL_IAM / _GLUE / _ATHENA /
 * _CLOUDTRAIL / _S3. IAM answers from the real cloudsplaining dump.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { GrantRow } from "../../functions/grants/rows";
import { handler } from "../../functions/grants/handler";
import { grantsObjectKey } from "../../core/layout";
import { GRANTS, TRAILS } from "../../queries/schema/tables";
import { TrailRow } from "../../functions/grants/trail-rows";
import { trailsObjectKey } from "../../core/layout";
import { cleanupAfterAll } from "../support/cleanup";
import { present } from "../support/defined";
import { historyOperations } from "../support/athena-history";
import { CloudTrailServer, startCloudTrailServer } from "../support/cloudtrail-server";
import { AthenaServer, startAthenaServer } from "../support/athena-server";
import { IamServer, startIamServer } from "../support/iam-server";
import { LocalS3, startS3, useLocalAws } from "../support/s3";

const DUMP_LISTS = ["UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"] as const;
const dump = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "cloudsplaining-example.json"), "utf8")) as Record<
  (typeof DUMP_LISTS)[number],
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
let cloudTrail: CloudTrailServer;
let trails: TrailRow[];
const ACCOUNT = "200611803367";
const TODAY = new Date().toISOString().slice(0, 10);
/**
 * The account's own trail (basic selectors, the CLI documentation's example), an organization trail
 * from the management account, a stopped one.
 */
const OWN = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/audit-trail`;
const ORG = "arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail";
const STOPPED = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/old-trail`;
const trail = (arn: string, fields: Record<string, unknown>) => ({
  TrailARN: arn,
  Name: present(arn.split("/")[1], `the trail's name in ${arn}`),
  HomeRegion: present(arn.split(":")[3], `the region in ${arn}`),
  IncludeGlobalServiceEvents: true,
  LogFileValidationEnabled: true,
  ...fields,
});

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  s3 = await startS3("audit-bucket");
  cleanUp(() => s3.close());
  iam = await startIamServer(dump, 20);
  cleanUp(() => iam.close());
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
  cleanUp(() => catalog.close());
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
  cleanUp(() => new Promise((resolve) => lakeFormation.close(resolve)));
  const lfUrl = `http://127.0.0.1:${(lakeFormation.address() as AddressInfo).port}`;
  cloudTrail = await startCloudTrailServer([
    {
      trail: trail(OWN, { S3BucketName: "trail-bucket", S3KeyPrefix: "audit", IsMultiRegionTrail: true, IsOrganizationTrail: false }),
      isLogging: true,
      selectors: { EventSelectors: [{ IncludeManagementEvents: true, DataResources: [], ReadWriteType: "All" }] },
    },
    {
      trail: trail(ORG, { S3BucketName: "org-bucket", IsMultiRegionTrail: true, IsOrganizationTrail: true }),
      isLogging: true,
      selectors: {},
      fails: { GetEventSelectors: "TrailNotFoundException" },
    },
    {
      trail: trail(STOPPED, { S3BucketName: "trail-bucket", S3KeyPrefix: "audit/", IsMultiRegionTrail: false, IsOrganizationTrail: false }),
      isLogging: false,
      selectors: {
        AdvancedEventSelectors: [
          {
            Name: "writes",
            FieldSelectors: [
              { Field: "eventCategory", Equals: ["Management"] },
              { Field: "readOnly", Equals: ["false"] },
            ],
          },
          {
            Name: "lake reads",
            FieldSelectors: [
              { Field: "eventCategory", Equals: ["Data"] },
              { Field: "resources.type", Equals: ["AWS::S3::Object"] },
              { Field: "readOnly", Equals: ["true"] },
              { Field: "resources.ARN", StartsWith: ["arn:aws:s3:::northwind-lake/"] },
            ],
          },
        ],
      },
    },
  ]);
  cleanUp(() => cloudTrail.close());
  restore = useLocalAws({
    AWS_ENDPOINT_URL_S3: s3.url,
    AWS_ENDPOINT_URL_IAM: iam.url,
    AWS_ENDPOINT_URL_GLUE: catalog.url,
    AWS_ENDPOINT_URL_ATHENA: catalog.url,
    AWS_ENDPOINT_URL_LAKEFORMATION: lfUrl,
    AWS_ENDPOINT_URL_CLOUDTRAIL: cloudTrail.url,
    LAKE_FORMATION: "true",
    AUDIT_BUCKET: "audit-bucket",
    AUDIT_ACCOUNT: ACCOUNT,
    AUDIT_TRAIL_BUCKET: "trail-bucket",
    AUDIT_TRAIL_PREFIX: "audit",
  });
  cleanUp(restore);
  summary = await handler({});
  rows = (await s3.lines(summary.key)) as unknown as GrantRow[];
  trails = (await s3.lines(trailsObjectKey(ACCOUNT, TODAY))) as unknown as TrailRow[];
});

const grantsOf = (name: string) => rows.filter((r) => r.principal_arn.endsWith(`/${name}`)).map((r) => `${r.grant_kind}:${r.resource}`);

describe("grants collector", () => {
  it("reads IAM, Glue and Athena page by page", () => {
    const longest = Math.max(...DUMP_LISTS.map((l) => dump[l].length));
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

describe("trails snapshot", () => {
  const base = { excluded_sources: [], s3_read: [], s3_write: [] };
  it("reads every trail the account sees, status and selectors from each trail's home region", () => {
    expect(cloudTrail.requests).toEqual([
      "DescribeTrails us-east-1",
      `GetTrailStatus us-east-1 ${OWN}`,
      `GetEventSelectors us-east-1 ${OWN}`,
      `GetTrailStatus eu-west-1 ${ORG}`,
      `GetEventSelectors eu-west-1 ${ORG}`,
      `GetTrailStatus us-east-1 ${STOPPED}`,
      `GetEventSelectors us-east-1 ${STOPPED}`,
    ]);
    expect(summary.trails).toEqual({ key: trailsObjectKey(ACCOUNT, TODAY), trails: 3, noted: 1 });
    expect(summary.apiCalls).toMatchObject({ DescribeTrails: 1, GetTrailStatus: 3, GetEventSelectors: 3, PutObject: 2 });
  });

  it("writes one row a trail: basic and advanced selectors read, a trail it could not read noted and left unknown", () => {
    expect(trails).toEqual([
      {
        ...base,
        trail_arn: ORG,
        home_region: "eu-west-1",
        multi_region: true,
        organization_trail: true,
        logging: true,
        s3_bucket: "org-bucket",
        s3_prefix: null,
        delivers_to_lake: false,
        selector_kind: null,
        management_events: null,
        selectors: null,
        note: "GetEventSelectors failed (TrailNotFoundException: GetEventSelectors refused for " + ORG + ")",
      },
      {
        ...base,
        trail_arn: OWN,
        home_region: "us-east-1",
        multi_region: true,
        organization_trail: false,
        logging: true,
        s3_bucket: "trail-bucket",
        s3_prefix: "audit",
        delivers_to_lake: true,
        selector_kind: "basic",
        management_events: "all",
        selectors: JSON.stringify({ EventSelectors: [{ ReadWriteType: "All", IncludeManagementEvents: true, DataResources: [] }] }),
        note: null,
      },
      {
        ...base,
        trail_arn: STOPPED,
        home_region: "us-east-1",
        multi_region: false,
        organization_trail: false,
        logging: false,
        s3_bucket: "trail-bucket",
        s3_prefix: "audit/",
        delivers_to_lake: true,
        selector_kind: "advanced",
        management_events: "write-only",
        s3_read: ["northwind-lake/"],
        selectors: expect.stringContaining('"AdvancedEventSelectors"') as unknown as string,
        note: null,
      },
    ]);
    for (const row of trails) expect(Object.keys(row).sort()).toEqual(TRAILS.columns.map((c) => c.name).sort());
  });

  it("the local CloudTrail refuses a request AWS would refuse (botocore's model)", async () => {
    const post = (target: string, body: unknown) =>
      fetch(cloudTrail.url, {
        method: "POST",
        headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": target },
        body: JSON.stringify(body),
      }).then(async (r) => `${r.status} ${((await r.json()) as { __type: string }).__type}`);
    expect(await post("CloudTrail_20131101.GetEventSelectors", {})).toBe("400 ValidationException");
    expect(await post("CloudTrail_20131101.DescribeTrails", { includeShadowTrails: "yes" })).toBe("400 ValidationException");
    expect(await post("CloudTrail_20131101.GetTrailStatus", { Name: OWN, Extra: 1 })).toBe("400 ValidationException");
  });

  it("when the trails cannot be listed: the grants are written, no trails snapshot, the summary says why", async () => {
    const refusing = await startCloudTrailServer([], { describeFails: "OperationNotPermittedException" });
    const back = useLocalAws({ AWS_ENDPOINT_URL_CLOUDTRAIL: refusing.url });
    try {
      await s3.client.send(new DeleteObjectCommand({ Bucket: "audit-bucket", Key: trailsObjectKey(ACCOUNT, TODAY) }));
      const again = await handler({});
      expect(again.key).toBe(summary.key);
      expect(again.trails).toEqual({
        key: null,
        trails: 0,
        noted: 0,
        error: "DescribeTrails failed (OperationNotPermittedException: refused): no trails snapshot written",
      });
      expect(await s3.keys("athena-audit/trails/")).toEqual([]);
    } finally {
      back();
      await refusing.close();
    }
  });
});
