/**
 * The grants and trails tables' account enums kept current (issue 16): a member account's grants
 * collector writes `grants/account=<member>/` and `trails/account=<member>/`, which Athena reads only
 * once the table's `projection.account.values` lists the member. Before joining, the daily join lists the grants
 * prefix's account folders (one delimited listing) and adds any account the enum lacks, as it does
 * for history. Its code runs as the role the Pulumi program plans for it (pulumi/policies.ts),
 * against s3rver behind the IAM-aware front and a recording proxy for Glue.
 */
import * as s3sdk from "@aws-sdk/client-s3";
import { GlueClient } from "@aws-sdk/client-glue";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { joinEvents } from "../../functions/join/join";
import { keepAccountsProjected } from "../../functions/join/snapshot-accounts";
import { WorkGroupDeps } from "../../functions/join/work-groups";
import { joinConfig } from "../../functions/runtime/config";
import { Logger } from "../../functions/runtime/log";
import { accessTable, cloudTrailTable, eventsTable, grantsTable, historyTable, trailsTable } from "../../pulumi/glue";
import { joinPolicy } from "../../pulumi/policies";
import { QueryEngine, QueryParameters } from "../../queries/engine";
import { grantsObjectKey, trailsObjectKey } from "../../core/layout";
import { ACCOUNT_VALUES } from "../../core/work-groups";
import { cleanupAfterAll } from "../support/cleanup";
import { present } from "../support/defined";
import { AthenaServer, startAthenaServer } from "../support/athena-server";
import { LocalGlueTables } from "../support/glue-tables";
import { athenaAndGlueMapper } from "../support/iam/actions";
import { checkContract } from "../support/iam/contract";
import { CallLog, startRecordingProxy } from "../support/iam/recorder";
import { Principal } from "../support/iam/simulate";
import { LocalS3, startS3 } from "../support/s3";
import { captureLog } from "../support/log-capture";

const BUCKET = "athena-audit-audit-main";
const PREFIX = "athena-audit";
const DATABASE = "athena_audit";
const REGION = "us-east-1";
const MAIN = "123456789012";
const MEMBER = "210987654321";
/** A member admitted through the organization: not listed when the stack was deployed. */
const ORG_MEMBER = "345678901234";
const DAY = "2026-11-19";

const SCOPE = { partition: "aws", region: REGION, account: MAIN };
const ROLE: Principal = {
  accessKeyId: "join",
  arn: `arn:aws:iam::${MAIN}:role/join`,
  account: MAIN,
  policy: joinPolicy({
    ...SCOPE,
    bucket: BUCKET,
    prefix: PREFIX,
    workGroup: "athena-audit",
    database: DATABASE,
    trailBucket: BUCKET,
    trailPrefix: "cloudtrail",
    logGroupArn: `arn:aws:logs:${REGION}:${MAIN}:log-group:/aws/lambda/athena-audit-join-main`,
    expireHistory: false,
  }) as unknown as Principal["policy"],
};
/** The tables as a main stack listing MEMBER deploys them. */
const DEPLOYED = [
  historyTable(BUCKET, PREFIX, [REGION], ["primary"], [MAIN, MEMBER]),
  cloudTrailTable({ bucket: BUCKET, prefix: "cloudtrail", accounts: [MAIN], regions: [REGION] }),
  eventsTable(BUCKET, PREFIX, [REGION]),
  accessTable(BUCKET, PREFIX, [REGION]),
  grantsTable(BUCKET, PREFIX, [MAIN, MEMBER]),
  trailsTable(BUCKET, PREFIX, [MAIN, MEMBER]),
];

let s3: LocalS3;
let glue: LocalGlueTables;
let athena: AthenaServer;
let proxy: { url: string; close(): Promise<void> };
const calls = new CallLog();
const glueOperations: Record<string, (input: Record<string, unknown>) => [number, unknown]> = {};
const glueOperation = (name: string) => present(glueOperations[name], `the local Glue's ${name}`);

/** The join's clients, as its role. */
function deps(log: Logger = captureLog()): WorkGroupDeps {
  const credentials = { accessKeyId: "join", secretAccessKey: "local-secret" };
  return {
    s3: new s3sdk.S3Client({ endpoint: s3.url, forcePathStyle: true, region: REGION, credentials }),
    glue: new GlueClient({ endpoint: proxy.url, region: REGION, credentials }),
    config: { bucket: BUCKET, prefix: PREFIX, database: DATABASE, regions: [REGION] },
    log,
  };
}

const put = (key: string) => s3.client.send(new s3sdk.PutObjectCommand({ Bucket: BUCKET, Key: key, Body: "x" }));
const accounts = () => glue.table(DATABASE, "grants")!.Parameters[ACCOUNT_VALUES];

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  s3 = await startS3(BUCKET, { iam: { log: calls, principals: new Map([["join", ROLE]]) } });
  cleanUp(() => s3.close());
  glue = new LocalGlueTables(MAIN);
  athena = await startAthenaServer({
    // Looked up per call, so a test can stand in for one operation (a refused UpdateTable, a concurrent edit).
    operations: Object.fromEntries(
      ["AWSGlue.GetTable", "AWSGlue.UpdateTable"].map((op) => [op, (input: Record<string, unknown>) => glueOperation(op)(input)]),
    ),
    script: () => {
      throw new Error("no query runs here");
    },
  });
  cleanUp(() => athena.close());
  proxy = await startRecordingProxy({ service: "athena", target: athena.url, log: calls, map: athenaAndGlueMapper(SCOPE) });
  cleanUp(() => proxy.close());
});

beforeEach(async () => {
  glue.loadSpecs(DATABASE, DEPLOYED);
  Object.assign(glueOperations, glue.operations());
  for (const Key of await s3.keys("")) await s3.client.send(new s3sdk.DeleteObjectCommand({ Bucket: BUCKET, Key }));
  calls.calls.length = 0;
});

describe("the join keeps the grants table's account enum current", () => {
  it("adds an account whose grants appear (an organization member's first snapshot), as its planned role", async () => {
    const before = structuredClone(glue.table(DATABASE, "grants")!);
    for (const account of [MAIN, MEMBER, ORG_MEMBER]) await put(grantsObjectKey(account, DAY, PREFIX));
    const check = await keepAccountsProjected(deps(), "grants");
    expect(check).toEqual({
      found: [MAIN, MEMBER, ORG_MEMBER],
      projected: [MAIN, MEMBER, ORG_MEMBER],
      added: [ORG_MEMBER],
      unprojectable: [],
    });
    // One UpdateTable, on the grants table, that changed the account list and nothing else.
    const after = glue.table(DATABASE, "grants")!;
    expect(glue.updates.map((u) => u.name)).toEqual(["grants"]);
    expect(after.Parameters).toEqual({ ...before.Parameters, [ACCOUNT_VALUES]: [MAIN, MEMBER, ORG_MEMBER].join(",") });
    expect([after.StorageDescriptor, after.PartitionKeys, after.VersionId]).toEqual([before.StorageDescriptor, before.PartitionKeys, "1"]);
    // Every call is one the planned role allows: one delimited listing of the grants prefix, then
    // GetTable and UpdateTable on the grants table (authorized on its catalog, database and table).
    expect((await checkContract(calls, new Map([["join", ROLE]]))).denied).toEqual([]);
    const listings = calls.calls.filter((c) => c.service === "s3");
    expect(listings.map((c) => [c.operation, c.requests.map((r) => r.context?.["s3:prefix"])])).toEqual([
      ["ListObjectsV2", [`${PREFIX}/grants/`]],
    ]);
    const glueCalls = calls.calls.filter((c) => c.operation.startsWith("AWSGlue."));
    expect(new Set(glueCalls.flatMap((c) => c.requests.map((r) => `${r.action} ${r.resource}`)))).toEqual(
      new Set(
        ["glue:GetTable", "glue:UpdateTable"].flatMap((action) =>
          ["catalog", `database/${DATABASE}`, `table/${DATABASE}/grants`].map((r) => `${action} arn:aws:glue:${REGION}:${MAIN}:${r}`),
        ),
      ),
    );
  });

  it("changes nothing when the enum lists every account found, and reads no table when no grants are there", async () => {
    await put(grantsObjectKey(MAIN, DAY, PREFIX));
    await put(grantsObjectKey(MEMBER, DAY, PREFIX));
    expect(await keepAccountsProjected(deps(), "grants")).toEqual({
      found: [MAIN, MEMBER],
      projected: [MAIN, MEMBER],
      added: [],
      unprojectable: [],
    });
    expect(glue.updates).toEqual([]);
    await s3.client.send(new s3sdk.DeleteObjectCommand({ Bucket: BUCKET, Key: grantsObjectKey(MAIN, DAY, PREFIX) }));
    await s3.client.send(new s3sdk.DeleteObjectCommand({ Bucket: BUCKET, Key: grantsObjectKey(MEMBER, DAY, PREFIX) }));
    calls.calls.length = 0;
    expect(await keepAccountsProjected(deps(), "grants")).toEqual({ found: [], added: [], unprojectable: [] });
    expect(calls.calls.map((c) => c.operation)).toEqual(["ListObjectsV2"]);
  });

  it("never projects a folder that names no account, and leaves folders of the layout before accounts alone", async () => {
    await put(grantsObjectKey(ORG_MEMBER, DAY, PREFIX));
    await put(`${PREFIX}/grants/account=abc,def/dt=${DAY}/grants.json.gz`);
    await put(`${PREFIX}/grants/dt=${DAY}/grants.json.gz`);
    const log = captureLog();
    const check = await keepAccountsProjected(deps(log), "grants");
    expect(check).toMatchObject({ added: [ORG_MEMBER], unprojectable: ["abc,def"] });
    expect(accounts()).toBe([MAIN, MEMBER, ORG_MEMBER].join(","));
    expect(log.records).toEqual([expect.objectContaining({ level: "INFO", step: "grants-accounts", unprojectable: ["abc,def"] })]);
  });

  it("keeps a change someone made to the table meanwhile (UpdateTable at the version read, then read again)", async () => {
    await put(grantsObjectKey(ORG_MEMBER, DAY, PREFIX));
    let raced = false;
    const update = glueOperation("AWSGlue.UpdateTable");
    glueOperations["AWSGlue.UpdateTable"] = (input) => {
      if (!raced) {
        raced = true;
        glue.edit(DATABASE, "grants", { comment: "edited in the console while the join ran" });
      }
      return update(input);
    };
    expect((await keepAccountsProjected(deps(), "grants")).added).toEqual([ORG_MEMBER]);
    expect(glue.table(DATABASE, "grants")!.Parameters).toMatchObject({
      comment: "edited in the console while the join ran",
      [ACCOUNT_VALUES]: [MAIN, MEMBER, ORG_MEMBER].join(","),
    });
    expect(glue.updates).toHaveLength(1);
  });
});

describe("the join keeps the trails table's account enum current", () => {
  it("adds an account whose trails snapshot appears, with one listing, GetTable and UpdateTable on the trails table", async () => {
    for (const account of [MAIN, ORG_MEMBER]) await put(trailsObjectKey(account, DAY, PREFIX));
    expect(await keepAccountsProjected(deps(), "trails")).toEqual({
      found: [MAIN, ORG_MEMBER],
      projected: [MAIN, MEMBER, ORG_MEMBER],
      added: [ORG_MEMBER],
      unprojectable: [],
    });
    expect(glue.updates.map((u) => u.name)).toEqual(["trails"]);
    expect(glue.table(DATABASE, "trails")!.Parameters[ACCOUNT_VALUES]).toBe([MAIN, MEMBER, ORG_MEMBER].join(","));
    expect(glue.table(DATABASE, "grants")!.Parameters[ACCOUNT_VALUES]).toBe([MAIN, MEMBER].join(","));
    expect((await checkContract(calls, new Map([["join", ROLE]]))).denied).toEqual([]);
  });
});

describe("in the daily join", () => {
  /** Stands in for Athena: each INSERT succeeds and writes nothing. */
  const engine = (inserted: QueryParameters[]): QueryEngine => ({
    kind: "athena",
    run: (_sql, parameters = {}) => {
      inserted.push(parameters);
      return Promise.resolve({ columns: [], rows: [], bytesScanned: 0, queryId: `q-${inserted.length}` });
    },
    close: () => Promise.resolve(),
  });
  const run = (inserted: QueryParameters[], log: Logger) => {
    const { s3: s3Client, glue: glueClient } = deps(log);
    const config = joinConfig({
      AUDIT_BUCKET: BUCKET,
      AUDIT_PREFIX: PREFIX,
      AUDIT_WORK_GROUP: "athena-audit",
      AUDIT_DATABASE: DATABASE,
      JOIN_REGIONS: REGION,
    });
    return joinEvents([DAY], {
      engine: engine(inserted),
      s3: s3Client,
      glue: glueClient,
      config,
      joinSql: "SELECT 1",
      accessSql: "SELECT 1",
      log,
    });
  };

  it("reports the accounts it added", async () => {
    await put(grantsObjectKey(ORG_MEMBER, DAY, PREFIX));
    const inserted: QueryParameters[] = [];
    const summary = await run(inserted, captureLog());
    expect(summary.grantsAccounts).toEqual({ added: [ORG_MEMBER], projected: [MAIN, MEMBER, ORG_MEMBER] });
    expect(summary.trailsAccounts).toEqual({ added: [] });
    expect(inserted).toHaveLength(2); // the events insert, then the access insert
  });

  it("when the grants table cannot be extended, still joins, then fails naming why", async () => {
    await put(grantsObjectKey(ORG_MEMBER, DAY, PREFIX));
    const update = glueOperation("AWSGlue.UpdateTable");
    glueOperations["AWSGlue.UpdateTable"] = (input) =>
      (input.TableInput as { Name: string }).Name === "grants"
        ? [400, { __type: "AccessDeniedException", Message: `User: ${ROLE.arn} is not authorized to perform: glue:UpdateTable` }]
        : update(input);
    const inserted: QueryParameters[] = [];
    const log = captureLog();
    const refused = `User: ${ROLE.arn} is not authorized to perform: glue:UpdateTable`;
    await expect(run(inserted, log)).rejects.toThrow(`the grants table's account projection could not be read or extended: ${refused}`);
    expect(inserted).toHaveLength(2);
    expect(log.records.find((r) => r.step === "grants-accounts-not-projected")).toMatchObject({
      level: "ERROR",
      found: [ORG_MEMBER],
      projected: [MAIN, MEMBER],
    });
    expect(accounts()).toBe([MAIN, MEMBER].join(","));
  });
});
