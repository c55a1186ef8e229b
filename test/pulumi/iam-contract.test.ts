/**
 * The IAM contract: the code runs as each role the Pulumi plan deploys, against local servers that
 * record every call (and what AWS services do on the caller's behalf) as IAM requests, and S3
 * refuses what AWS would refuse. Every request must be allowed by that role's planned policy;
 * every allowed action must have been needed (or be justified in docs/internals/stacks-and-roles.md); removing any needed
 * action from a role must make the check fail.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import * as s3sdk from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { joinHandler } from "../../functions/join/handler";
import { handler as grantsHandler } from "../../functions/grants/handler";
import { handler as historyHandler } from "../../functions/history/handler";
import { headMetadata } from "../../functions/runtime/s3";
import { reportPeriod, SILENT } from "../../cli/pipeline";
import { AthenaEngine } from "../../queries/athena/engine";
import { addDays, dayOf } from "../../core/days";
import { eventsPartitionPrefix, historyDayPrefix, historyObjectKey } from "../../core/layout";
import { SAVED_QUERIES } from "../../queries/saved";
import { readSql } from "../../queries/sql-files";
import { sqlString } from "../../queries/duckdb/views";
import { WORK_GROUP_VALUES } from "../../core/work-groups";
import { cleanupAfterAll } from "../support/cleanup";
import { duckdbScript } from "../support/athena-duckdb";
import { catalogAthena, CatalogAthena } from "../support/athena-catalog";
import { joinedPartition } from "../support/execution-parameters";
import { ScriptedQuery } from "../support/athena-server";
import { executionsUntil } from "../support/executions";
import { checkContract, ContractReport } from "../support/iam/contract";
import { lambdaRuntimeRequests } from "../support/iam/on-behalf";
import { ACCOUNT, planModel, PlanModel, PlannedFunction } from "../support/iam/plan-model";
import { CallLog } from "../support/iam/recorder";
import { LiveRun, LIVE_SETTINGS, runLive } from "../support/iam/live-run";
import { IamRequest, PolicyDocument, Principal } from "../support/iam/simulate";
import { startWorld, World } from "../support/iam/world";
import { JoinedLake, joinedLake, tempDir } from "../support/lake";
import { only, present } from "../support/defined";
import { useLocalAws } from "../support/s3";
import { build, Plan, plan } from "./plan";

const NOW = new Date();
const TODAY = dayOf(NOW);
const YESTERDAY = addDays(TODAY, -1);
const AUDIT_KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/0b5e1d2c-0000-4000-8000-000000000001`;
const TRAIL_KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/0b5e1d2c-0000-4000-8000-000000000002`;
const TRAIL_BUCKET = "northwind-org-trail";
const { workGroups, expected } = executionsUntil(NOW, 2, 11);

interface Variant {
  name: string;
  stack: string;
  region: string;
  config: Record<string, unknown>;
  trailKeys?: Record<string, string>;
}

const VARIANTS: Variant[] = [
  {
    name: "main",
    stack: "main",
    region: "us-east-1",
    config: {
      "aws:region": "us-east-1",
      role: "main",
      createTrail: true,
      githubRepository: "northwind/audit-reports",
      anomalySettings: LIVE_SETTINGS,
    },
  },
  {
    name: "org",
    stack: "org",
    region: "us-east-1",
    config: {
      "aws:region": "us-east-1",
      role: "main",
      cloudTrail: {
        bucket: TRAIL_BUCKET,
        prefix: "org-trail",
        organizationId: "o-abc123defg",
        accounts: [ACCOUNT],
        regions: ["us-east-1"],
        kmsKeyArn: TRAIL_KEY,
      },
      kmsKeyArn: AUDIT_KEY,
      lakeFormation: true,
      historyRetentionDays: 30,
      githubRepository: "northwind/audit-reports",
      anomalySettings: LIVE_SETTINGS,
      securityHub: true,
    },
    trailKeys: { [TRAIL_BUCKET]: TRAIL_KEY },
  },
  {
    name: "collector",
    stack: "collector-eu",
    region: "eu-west-1",
    config: {
      "aws:region": "eu-west-1",
      role: "collector",
      mainRegion: "us-east-1",
      bucketName: "athena-audit-audit-org",
      kmsKeyArn: AUDIT_KEY,
    },
  },
];

/** Allowed but not exercised by these runs, each for a reason docs/internals/stacks-and-roles.md gives. */
const JUSTIFIED: Record<string, string> = {
  // lib-storage switches to a multipart upload above 5 MB; with SSE-KMS each part needs kms:Decrypt.
  "history:kms:Decrypt": "multipart uploads of history objects over 5 MB",
  "history:s3:AbortMultipartUpload": "a failed multipart upload of a history object over 5 MB is aborted",
};

let world: World;
let lake: JoinedLake;
/** Athena as it reads the audit's tables (through the Glue table's projection): it runs the join's INSERT. */
let athenaReads: CatalogAthena;
/** What each variant's run recorded, and the contract's verdict on it, by variant name. */
interface Recorded {
  log: CallLog;
  roles: Map<string, Principal>;
  extra: IamRequest[];
}
const logs = new Map<string, Recorded>();
const liveRuns = new Map<string, LiveRun>();
const reports = new Map<string, ContractReport>();
let mode: "ok" | "fail" | "hang" = "ok";
let insertBucket = "";

const put = (bucket: string, key: string, body: string | Buffer = "x") =>
  world.s3.client.send(new s3sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
/** An object copied to a local file, for DuckDB to read. */
async function download(bucket: string, key: string): Promise<string> {
  const object = await world.s3.client.send(new s3sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
  const file = path.join(tempDir("contract-object"), "object");
  fs.writeFileSync(file, await object.Body!.transformToByteArray());
  return file;
}
const keysIn = async (bucket: string, prefix: string) =>
  ((await world.s3.client.send(new s3sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? []).map((o) => o.Key!);

function script(duck: (sql: string, parameters?: string[]) => ScriptedQuery) {
  return (sql: string, parameters: string[] = []): ScriptedQuery => {
    if (mode === "hang") return { runningPolls: Infinity };
    // The reports read the generated lake's events and grants.
    if (!/^INSERT INTO (events|access)\n/.test(sql)) return duck(sql, parameters);
    // The join reads what the collector wrote (history, CloudTrail, grants), as Athena would, and writes the partitions.
    if (mode === "ok") return athenaReads.script(sql, parameters);
    // A failed INSERT: an orphan object left behind, as Athena leaves one.
    const { day, region } = joinedPartition(parameters);
    const key = `${eventsPartitionPrefix(day, region)}${day}_${mode}_0`;
    const effect = async () => {
      await put(insertBucket, key, "PAR1");
    };
    return { runningPolls: 1, state: "FAILED", errorMessage: "HIVE_CURSOR_ERROR: Unexpected end of input stream", effect };
  };
}

async function asRole<T>(variant: Variant, role: string, env: Record<string, string>, run: () => Promise<T>): Promise<T> {
  const restore = useLocalAws({
    ...env,
    AWS_REGION: variant.region,
    AWS_ACCESS_KEY_ID: `${variant.name}-${role}`,
    AWS_SECRET_ACCESS_KEY: "local-secret",
  });
  try {
    return await run();
  } finally {
    restore();
  }
}

async function exercise(variant: Variant, deployed: Plan, model: PlanModel): Promise<Recorded> {
  const { env, log, live } = await world.endpoints(
    variant.name,
    { partition: "aws", region: variant.region, account: ACCOUNT },
    model.catalog,
    model.topicKeys,
  );
  const roles = new Map([...model.roles].map(([role, p]) => [`${variant.name}-${role}`, { ...p, accessKeyId: `${variant.name}-${role}` }]));
  for (const [key, principal] of roles) world.principals.set(key, principal);
  Object.assign(world.bucketKeys, model.bucketKeys);
  Object.assign(world.bucketPolicies, model.bucketPolicies);
  const extra = Object.values(model.functions).flatMap((fn) =>
    lambdaRuntimeRequests(fn).map((r) => ({ ...r, principal: `${variant.name}-${fn.role}` })),
  );
  const recorded = { log, roles, extra };
  const fn = (planned: PlannedFunction) => ({ ...env, ...planned.environment });
  const history = present(model.functions.history, `${variant.name}'s history collector in the plan`);

  // History collector: the first write of each object (nothing there yet), then a rerun over yesterday.
  const first = await asRole(variant, history.role, fn(history), () => historyHandler({ backfillDays: 2 }));
  const wanted = new Set(expected.filter((e) => e.finished && e.day === YESTERDAY).map((e) => e.workGroup));
  expect(first.objectsWritten).toBeGreaterThan(0);
  const written = await keysIn(model.bucket, historyDayPrefix({ account: ACCOUNT, region: variant.region, dt: YESTERDAY }));
  expect(written.map((k) => /workgroup=([^/]+)\//.exec(k)?.[1]).sort()).toEqual([...wanted].sort());
  const rerun = await asRole(variant, history.role, fn(history), () => historyHandler({ day: YESTERDAY }));
  expect(rerun.objectsUnchanged).toBe(wanted.size);

  // Live alerts (every stack deploys them by default).
  const liveFunction = present(model.functions.live, `${variant.name}'s live alerts in the plan`);
  liveRuns.set(
    variant.name,
    await runLive({
      world,
      bucket: model.bucket,
      account: ACCOUNT,
      region: variant.region,
      env,
      live,
      log,
      environment: fn(liveFunction),
      accessKeyId: `${variant.name}-${liveFunction.role}`,
      idPrefix: String(VARIANTS.indexOf(variant) + 1),
    }),
  );
  // This collector stack deploys the history collector only.
  const joinFunction = model.functions.join;
  if (!joinFunction) return recorded;

  // Daily join: a good day, a failed insert (orphans removed), a query that never ends (stopped).
  // The tables are as this stack deploys them: the history table projects `primary` only (the
  // default), so every other work group the collector wrote must be added by the join itself.
  world.glue.loadPlan(deployed);
  expect(world.glue.table(model.catalog!.database, "history")?.Parameters[WORK_GROUP_VALUES]).toBe("primary");
  insertBucket = model.bucket;
  const old = addDays(TODAY, -40);
  // (An empty history object: the local Athena reads every projected object, pruning none.)
  await put(model.bucket, historyObjectKey({ account: ACCOUNT, region: variant.region, dt: old, workGroup: "primary" }), zlib.gzipSync(""));
  await put(model.bucket, `${eventsPartitionPrefix(old, variant.region)}old.parquet`);
  const join = joinHandler({ joinSql: readSql("events_join"), accessSql: readSql("access_join") });
  const joined = await asRole(variant, joinFunction.role, fn(joinFunction), () => join({ day: YESTERDAY }));
  expect(joined.failed).toBe(0);
  expect(joined.workGroups.added).toEqual([...wanted].filter((w) => w !== "primary").sort());
  expect(joined.unjoinedWorkGroups).toEqual([]);
  // Every finished query of yesterday is in its partition, in its own work group, bytes and all.
  const partition = await keysIn(model.bucket, eventsPartitionPrefix(YESTERDAY, variant.region));
  const file = await download(model.bucket, only(partition, "object in yesterday's events partition"));
  const rows = await lake.engine.run(
    `SELECT query_execution_id AS id, work_group, data_scanned_bytes FROM read_parquet(${sqlString(file)})`,
  );
  const finished = expected.filter((e) => e.finished && e.day === YESTERDAY);
  expect(rows.rows.map((r) => `${String(r.id)} ${String(r.work_group)}`).sort()).toEqual(
    finished.map((e) => `${e.id} ${e.workGroup}`).sort(),
  );
  expect(rows.rows.every((r) => typeof r.data_scanned_bytes === "number")).toBe(true);
  mode = "fail";
  await expect(asRole(variant, joinFunction.role, fn(joinFunction), () => join({ day: YESTERDAY }))).rejects.toThrow(/HIVE_CURSOR_ERROR/);
  mode = "hang";
  await expect(
    asRole(variant, joinFunction.role, { ...fn(joinFunction), QUERY_TIMEOUT_MS: "1000" }, () => join({ day: YESTERDAY })),
  ).rejects.toThrow(/stopped/);
  mode = "ok";

  // Grants collector.
  const grantsFunction = present(model.functions.grants, `${variant.name}'s grants collector in the plan`);
  const grants = await asRole(variant, grantsFunction.role, fn(grantsFunction), () => grantsHandler({}));
  expect(await keysIn(model.bucket, grants.key)).toEqual([grants.key]);

  // The reporting role: every saved query on Athena, and a query stopped at its time limit.
  const period = { from: lake.ledger.firstDay, to: lake.ledger.lastDay };
  await asRole(variant, "reports", env, async () => {
    const engine = new AthenaEngine({ workGroup: model.workGroup, database: model.catalog!.database, pollMs: 2, maxPollMs: 5 });
    const pages = await reportPeriod(engine, period, tempDir("contract-report"), {
      source: "Amazon Athena",
      concurrency: 2,
      redact: true,
      progress: SILENT,
    });
    expect(pages).toHaveLength(SAVED_QUERIES.length + 1);
    mode = "hang";
    const slow = new AthenaEngine({
      workGroup: model.workGroup,
      database: model.catalog!.database,
      pollMs: 2,
      maxPollMs: 5,
      timeoutMs: 20,
    });
    await expect(slow.run("SELECT count(*) FROM events")).rejects.toThrow(/stopped/);
    mode = "ok";
  });
  return recorded;
}

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  build();
  const planned = VARIANTS.map((variant) => {
    const deployed = plan(variant.stack, variant.config);
    return { variant, deployed, model: planModel(deployed, variant.region, variant.trailKeys) };
  });
  lake = await joinedLake({ days: 3, seed: 7 });
  cleanUp(() => lake.dispose());
  world = await startWorld({
    buckets: [...new Set([...planned.map(({ model }) => model.bucket), TRAIL_BUCKET])],
    workGroups,
    lastDay: YESTERDAY,
    script: script(duckdbScript(lake.engine)),
  });
  cleanUp(() => world.close());
  athenaReads = await catalogAthena({ glue: world.glue, database: "athena_audit", s3: world.s3.client });
  cleanUp(() => athenaReads.close());
  // What each main stack writes into its bucket (the anomaly settings every stack's live alerts read).
  for (const { model } of planned) for (const o of model.objects) await put(model.bucket, o.key, o.content);
  for (const { variant, deployed, model } of planned) {
    const recorded = await exercise(variant, deployed, model);
    logs.set(variant.name, recorded);
    reports.set(variant.name, await checkContract(recorded.log, recorded.roles, recorded.extra, world.bucketPolicies));
  }
}, 300_000);

const justified = (variant: string, report: ContractReport) =>
  Object.fromEntries(
    Object.entries(report.unused)
      .map(([role, actions]): [string, string[]] => [role, actions.filter((a) => !JUSTIFIED[`${role.slice(variant.length + 1)}:${a}`])])
      .filter(([, a]) => a.length > 0),
  );

const reportOf = (variant: string) => present(reports.get(variant), `the contract report of the ${variant} stack`);

describe.each(VARIANTS.map((v) => v.name))("IAM contract, %s stack", (variant) => {
  it("allows every call the code makes and every call AWS makes on its behalf", () => {
    expect(reportOf(variant).denied).toEqual([]);
  });

  it("allows nothing that no call needed (beyond the justified list in docs/internals/stacks-and-roles.md)", () => {
    expect(justified(variant, reportOf(variant))).toEqual({});
  });
});

describe.each(VARIANTS.map((v) => v.name))("the live alerts as planned in the %s stack", (variant) => {
  const live = () => present(liveRuns.get(variant), `the live run of the ${variant} stack`);

  it("alert once per query and kind, from either event first, after a publish that failed and its retry", () => {
    expect(live().error).toBeUndefined();
    // By hand: an UNLOAD outside knownBuckets; a first read of `hr` after the learning period; two
    // access-denied failures within the hour (probingFailures 2); a first read of `hr` by another principal.
    expect(live().alerts).toEqual([["exfiltration high"], ["reach high"], [], ["probing medium"], ["reach high"]]);
    expect(live().failedPublish).toMatch(/Topic does not exist/);
    expect(live().published).toBe(4);
    // Security Hub is on in the org stack only.
    expect(live().findings).toBe(variant === "org" ? 4 : 0);
  });

  it("make every call the function can make, as its planned role", () => {
    expect(live().calls).toEqual(
      new Set([
        "s3 GetObject",
        "s3 PutObject",
        "s3 ListObjectsV2",
        "s3 DeleteObject",
        "athena AmazonAthena.GetQueryExecution",
        "sns Publish",
        ...(variant === "org" ? ["securityhub findings/import"] : []),
      ]),
    );
    // With kmsKeyArn the topic is encrypted with the audit key, which SNS then uses as the publisher.
    const sse = present(logs.get(variant), variant)
      .log.requests()
      .filter((r) => r.onBehalf?.startsWith("SNS (SSE)"))
      .map((r) => `${r.action} ${r.resource}`);
    expect(new Set(sse)).toEqual(new Set(variant === "main" ? [] : [`kms:GenerateDataKey ${AUDIT_KEY}`, `kms:Decrypt ${AUDIT_KEY}`]));
  });
});

function withoutAction(policy: PolicyDocument, action: string): PolicyDocument {
  const statements = policy.Statement.map((s) => ({ ...s, Action: (s.Action as string[]).filter((a) => a !== action) })).filter(
    (s) => s.Action.length > 0,
  );
  return { ...policy, Statement: statements };
}

describe("the contract can fail", () => {
  it.each(["main", "org"])("%s: removing any needed action from any role is caught, naming the call", async (variant) => {
    const { log, roles, extra } = present(logs.get(variant), `the calls recorded for the ${variant} stack`);
    for (const [key, role] of roles) {
      for (const action of new Set(role.policy!.Statement.flatMap((s) => s.Action as string[]))) {
        if (JUSTIFIED[`${key.slice(variant.length + 1)}:${action}`]) continue;
        const weakened = new Map(roles).set(key, { ...role, policy: withoutAction(role.policy!, action) });
        const report = await checkContract(log, weakened, extra, world.bucketPolicies);
        expect(
          report.denied.some((d) => d.startsWith(`${key}: `) && d.includes(` needs ${action} on `)),
          `${key} without ${action}`,
        ).toBe(true);
      }
    }
  });
});

describe("S3's answers for a missing key", () => {
  const probe = (name: string, actions: string[]): Principal => ({
    accessKeyId: name,
    arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
    account: ACCOUNT,
    policy: {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: actions, Resource: ["arn:aws:s3:::athena-audit-audit-main", "arn:aws:s3:::athena-audit-audit-main/*"] },
      ],
    },
  });
  const client = (key: string) =>
    new s3sdk.S3Client({
      endpoint: world.s3.url,
      forcePathStyle: true,
      region: "us-east-1",
      credentials: { accessKeyId: key, secretAccessKey: "x" },
    });

  it("answers 403 without s3:ListBucket and 404 with it, as AWS does", async () => {
    world.principals.set("probe-read", probe("probe-read", ["s3:GetObject"]));
    world.principals.set("probe-list", probe("probe-list", ["s3:GetObject", "s3:ListBucket"]));
    const status = async (key: string) =>
      client(key)
        .send(new s3sdk.HeadObjectCommand({ Bucket: "athena-audit-audit-main", Key: "athena-audit/history/nothing-here" }))
        .then(
          () => 200,
          (e: unknown) => {
            if (e instanceof s3sdk.S3ServiceException) return e.$metadata.httpStatusCode;
            throw e;
          },
        );
    expect(await status("probe-read")).toBe(403);
    expect(await status("probe-list")).toBe(404);
  });

  it("the collector's S3 helper reports a 403 as refused, never as 'not there'", async () => {
    await expect(headMetadata(client("probe-read"), "athena-audit-audit-main", "athena-audit/history/nothing-here")).rejects.toThrow(
      /403 Access Denied.*s3:GetObject/,
    );
  });
});
