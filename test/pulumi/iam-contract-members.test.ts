/**
 * The IAM contract for issue 16's member-account collectors. The history and grants collectors
 * (handlers and collect.ts, real SDK clients) run as the roles a collector stack planned in a member
 * account (with `collectGrants`) gives them, against the local Athena, Glue, IAM and s3rver behind
 * the IAM-aware front, writing into the MAIN stack's bucket under the main stack's planned bucket
 * policy. The bucket belongs to the main account, so S3 needs both the member's identity policy and
 * the bucket policy to allow each call. Every call must be allowed with `memberAccounts` or
 * `organizationId`; without them (or without the statement admitting grants) the run is refused,
 * naming the request; and no member may touch another account's folders.
 */
import * as s3sdk from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { handler as grantsHandler } from "../../functions/grants/handler";
import { handler as historyHandler } from "../../functions/history/handler";
import { addDays, dayOf } from "../../core/days";
import {
  grantsAccountPrefix,
  grantsObjectKey,
  grantsTablePrefix,
  historyAccountPrefix,
  historyObjectKey,
  liveAlertsAccountPrefix,
  liveStatePrefix,
  liveTransientPrefix,
  trailsObjectKey,
} from "../../core/layout";
import { cleanupAfterAll } from "../support/cleanup";
import { executionsUntil } from "../support/executions";
import { checkContract, ContractReport } from "../support/iam/contract";
import { lambdaRuntimeRequests } from "../support/iam/on-behalf";
import { ACCOUNT as MAIN_ACCOUNT, planModel, PlanModel } from "../support/iam/plan-model";
import { CallLog } from "../support/iam/recorder";
import { LiveRun, LIVE_SETTINGS, runLive } from "../support/iam/live-run";
import { decide, IamRequest, PolicyDocument, Principal, resourcePolicyOf } from "../support/iam/simulate";
import { startWorld, World } from "../support/iam/world";
import { present } from "../support/defined";
import { useLocalAws } from "../support/s3";
import { build, plan } from "./plan";

const NOW = new Date();
const YESTERDAY = addDays(dayOf(NOW), -1);
const MEMBER = "210987654321";
const ORG = "o-abc123defg";
const REGION = "eu-west-1";
const MAIN = { "aws:region": "us-east-1", role: "main", createTrail: true, anomalySettings: LIVE_SETTINGS };
/** All three main stacks are planned as stack "members": one bucket name, three bucket policies. */
const BUCKET = "athena-audit-audit-members";
const { workGroups } = executionsUntil(NOW, 1, 16);

const MAINS = {
  listed: { ...MAIN, memberAccounts: [MEMBER] },
  org: { ...MAIN, organizationId: ORG },
  none: MAIN,
} as const;
type Variant = keyof typeof MAINS;

const mains = {} as Record<Variant, PlanModel>;
let member: PlanModel;
let world: World;
const runs = {} as Record<
  Variant,
  {
    log: CallLog;
    role: Principal;
    extra: IamRequest[];
    report: ContractReport;
    outcome: { written: number } | { error: string };
    /** What the member's folder held after the run. */
    keys: string[];
  }
>;

const bucketPolicyOf = (variant: Variant): PolicyDocument =>
  present(mains[variant].bucketPolicies[BUCKET], `the ${variant} main stack's policy on ${BUCKET}`);
const policyOf = (variant: Variant): Record<string, PolicyDocument> => ({ [BUCKET]: bucketPolicyOf(variant) });
const memberFunction = (name: "history" | "grants" | "live") => present(member.functions[name], `the member collector's ${name} function`);
const memberRole = (key: string, policy?: PolicyDocument, fn: "history" | "grants" | "live" = "history"): Principal => ({
  ...member.roles.get(memberFunction(fn).role)!,
  accessKeyId: key,
  // The member account belongs to the organization; only the org variant's policy looks at it.
  organizationId: ORG,
  ...(policy ? { policy } : {}),
});

/** Runs the member's collector (backfill, then a rerun of yesterday) under `variant`'s bucket policy. */
async function collect(variant: Variant) {
  world.bucketPolicies[BUCKET] = bucketPolicyOf(variant);
  // A fresh folder for each run, so each writes before it rereads (the harness key is not checked).
  for (const key of await world.s3.keys(historyAccountPrefix(MEMBER)))
    await world.s3.client.send(new s3sdk.DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
  const { env, log } = await world.endpoints(variant, { partition: "aws", region: REGION, account: MEMBER });
  const key = `${variant}-history`;
  const role = memberRole(key);
  world.principals.set(key, role);
  const restore = useLocalAws({
    ...env,
    ...memberFunction("history").environment,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: key,
    AWS_SECRET_ACCESS_KEY: "local-secret",
  });
  let outcome: { written: number } | { error: string };
  try {
    const first = await historyHandler({ backfillDays: 1 });
    const rerun = await historyHandler({ day: YESTERDAY });
    expect(rerun.objectsUnchanged).toBeGreaterThan(0);
    outcome = { written: first.objectsWritten };
  } catch (error) {
    outcome = { error: (error as Error).message };
  } finally {
    restore();
  }
  const extra = lambdaRuntimeRequests(memberFunction("history")).map((r) => ({ ...r, principal: key }));
  const report = await checkContract(log, new Map([[key, role]]), extra, policyOf(variant), world.bucketAccounts);
  runs[variant] = { log, role, extra, report, outcome, keys: await world.s3.keys(historyAccountPrefix(MEMBER)) };
}

/** The listed main stack's bucket policy without the statement admitting members' grants: history only. */
const historyOnly = (): PolicyDocument => {
  const policy = bucketPolicyOf("listed");
  return { ...policy, Statement: policy.Statement.filter((s) => s.Sid !== "MemberAccountsWriteGrants") };
};

const GRANTS_RUNS = { listed: () => bucketPolicyOf("listed"), org: () => bucketPolicyOf("org"), historyOnly } as const;
type GrantsRun = keyof typeof GRANTS_RUNS;
const grantsRuns = {} as Record<
  GrantsRun,
  {
    log: CallLog;
    role: Principal;
    extra: IamRequest[];
    report: ContractReport;
    outcome: { key: string } | { error: string };
    keys: string[];
  }
>;

/** Runs the member's grants collector once under `run`'s bucket policy (its callers are named `grants.<run>-grants`). */
async function collectGrants(run: GrantsRun) {
  const policy = GRANTS_RUNS[run]();
  world.bucketPolicies[BUCKET] = policy;
  for (const key of await world.s3.keys(grantsAccountPrefix(MEMBER)))
    await world.s3.client.send(new s3sdk.DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
  const variant = `grants.${run}`;
  const { env, log } = await world.endpoints(variant, { partition: "aws", region: REGION, account: MEMBER });
  const key = `${variant}-grants`;
  const role = memberRole(key, undefined, "grants");
  world.principals.set(key, role);
  const restore = useLocalAws({
    ...env,
    ...memberFunction("grants").environment,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: key,
    AWS_SECRET_ACCESS_KEY: "local-secret",
  });
  let outcome: { key: string } | { error: string };
  try {
    outcome = { key: (await grantsHandler({})).key };
  } catch (error) {
    outcome = { error: (error as Error).message };
  } finally {
    restore();
  }
  const extra = lambdaRuntimeRequests(memberFunction("grants")).map((r) => ({ ...r, principal: key }));
  const report = await checkContract(log, new Map([[key, role]]), extra, { [BUCKET]: policy }, world.bucketAccounts);
  grantsRuns[run] = { log, role, extra, report, outcome, keys: await world.s3.keys(grantsTablePrefix()) };
}

const liveRuns = {} as Record<Variant, { log: CallLog; role: Principal; extra: IamRequest[]; report: ContractReport; run: LiveRun }>;
const LIVE_FOLDER = liveStatePrefix("athena-audit", MEMBER);
/** Its short-lived keys, which the bucket expires after a day. */
const LIVE_TRANSIENT = liveTransientPrefix("athena-audit", MEMBER);

/** Runs the member's live alerts (functions/live) under `variant`'s bucket policy: state in the main bucket. */
async function watch(variant: Variant) {
  world.bucketPolicies[BUCKET] = bucketPolicyOf(variant);
  const { env, log, live } = await world.endpoints(
    `live.${variant}`,
    { partition: "aws", region: REGION, account: MEMBER },
    undefined,
    member.topicKeys,
  );
  const key = `live.${variant}-live`;
  const role = memberRole(key, undefined, "live");
  world.principals.set(key, role);
  const run = await runLive({
    world,
    bucket: BUCKET,
    account: MEMBER,
    region: REGION,
    env,
    live,
    log,
    environment: memberFunction("live").environment,
    accessKeyId: key,
    idPrefix: String(4 + Object.keys(MAINS).indexOf(variant)),
  });
  const extra = lambdaRuntimeRequests(memberFunction("live")).map((r) => ({ ...r, principal: key }));
  const report = await checkContract(log, new Map([[key, role]]), extra, policyOf(variant), world.bucketAccounts);
  liveRuns[variant] = { log, role, extra, report, run };
}

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  build();
  for (const [name, config] of Object.entries(MAINS) as [Variant, Record<string, unknown>][])
    mains[name] = planModel(plan("members", config), "us-east-1");
  const collector = plan("member-collector", {
    "aws:region": REGION,
    role: "collector",
    mainRegion: "us-east-1",
    bucketName: BUCKET,
    "mock:account": MEMBER,
    collectGrants: true,
  });
  member = planModel(collector, REGION, {}, MEMBER);
  world = await startWorld({
    buckets: [BUCKET],
    workGroups,
    lastDay: YESTERDAY,
    script: () => {
      throw new Error("the history collector runs no queries");
    },
  });
  cleanUp(() => world.close());
  // The bucket is the main account's: a member's call is cross-account.
  world.bucketAccounts[BUCKET] = MAIN_ACCOUNT;
  for (const variant of Object.keys(MAINS) as Variant[]) await collect(variant);
  for (const run of Object.keys(GRANTS_RUNS) as GrantsRun[]) await collectGrants(run);
  // The main stack's anomaly settings, which the member's live alerts read.
  for (const o of mains.listed.objects)
    await world.s3.client.send(new s3sdk.PutObjectCommand({ Bucket: BUCKET, Key: o.key, Body: o.content }));
  for (const variant of Object.keys(MAINS) as Variant[]) await watch(variant);
}, 180_000);

describe("the plans", () => {
  it("plan a collector in the member account that writes as that account into the main bucket", () => {
    expect(memberFunction("history").environment).toMatchObject({ AUDIT_BUCKET: BUCKET, AUDIT_ACCOUNT: MEMBER });
    expect(memberFunction("grants").environment).toMatchObject({ AUDIT_BUCKET: BUCKET, AUDIT_ACCOUNT: MEMBER });
    expect(mains.listed.bucket).toBe(BUCKET);
    expect(memberRole("x").arn).toBe(`arn:aws:iam::${MEMBER}:role/${memberFunction("history").role}`);
  });
});

describe.each(["listed", "org"] as const)("IAM contract, a member account's collector, main stack admitting it (%s)", (variant) => {
  it("writes the member's history into its own folder of the main bucket", () => {
    expect(runs[variant].outcome).toEqual({ written: expect.any(Number) as unknown });
    expect((runs[variant].outcome as { written: number }).written).toBeGreaterThan(0);
    const keys = runs[variant].keys;
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => k.startsWith(`athena-audit/history/account=${MEMBER}/region=${REGION}/`))).toBe(true);
    const s3 = runs[variant].log.calls.filter((c) => c.service === "s3").map((c) => c.operation);
    expect(new Set(s3)).toEqual(new Set(["ListObjectsV2", "PutObject", "HeadObject"]));
  });

  it("allows every call, by both the member's role and the main bucket's policy", () => {
    expect(runs[variant].report.denied).toEqual([]);
  });

  it("allows nothing no call needed but the multipart abort docs/internals/stacks-and-roles.md justifies", () => {
    expect(runs[variant].report.unused).toEqual({ [`${variant}-history`]: ["s3:AbortMultipartUpload"] });
  });
});

describe("IAM contract, a member account's collector, main stack without memberAccounts", () => {
  it("is refused live, by the bucket policy, on the first listing", () => {
    expect(runs.none.outcome).toEqual({
      error: expect.stringMatching(new RegExp(`not authorized to perform: s3:ListBucket on resource: arn:aws:s3:::${BUCKET} `)) as unknown,
    });
  });

  it("fails the contract, naming the refused request", () => {
    const day = `athena-audit/history/account=${MEMBER}/region=${REGION}/dt=${YESTERDAY}/`;
    expect(runs.none.report.denied).toEqual([
      `none-history: S3 ListObjectsV2 s3://${BUCKET}/${day} needs s3:ListBucket on arn:aws:s3:::${BUCKET} {"s3:prefix":"${day}"}: ImplicitlyDenied`,
      `none-history: s3 ListObjectsV2: User: arn:aws:iam::${MEMBER}:role/history is not authorized to perform: s3:ListBucket ` +
        `on resource: arn:aws:s3:::${BUCKET} (ImplicitlyDenied)`,
    ]);
    expect(runs.none.keys).toEqual([]);
  });

  it("fails the contract for every request of an admitted run, replayed without the member statements", async () => {
    const { log, role, extra } = runs.listed;
    const report = await checkContract(log, new Map([[role.accessKeyId, role]]), extra, policyOf("none"), world.bucketAccounts);
    const actions = new Set(report.denied.map((d) => / needs (\S+) on /.exec(d)?.[1]));
    expect(actions).toEqual(new Set(["s3:ListBucket", "s3:PutObject", "s3:GetObject"]));
  });
});

describe.each(["listed", "org"] as const)("IAM contract, a member account's grants collector, main stack admitting it (%s)", (run) => {
  it("writes the member's snapshot into its own grants folder of the main bucket, and nowhere else", () => {
    const key = grantsObjectKey(MEMBER, dayOf(NOW));
    expect(grantsRuns[run].outcome).toEqual({ key });
    expect(grantsRuns[run].keys).toEqual([key]);
    // Its own account's IAM, its region's Glue catalog and work groups, the trails it sees; a PutObject per snapshot.
    const calls = grantsRuns[run].log.calls.map((c) => `${c.service} ${c.operation}`);
    expect(new Set(calls)).toEqual(
      new Set([
        "iam GetAccountAuthorizationDetails",
        "athena AmazonAthena.ListWorkGroups",
        "athena AWSGlue.GetDatabases",
        "athena AWSGlue.GetTables",
        "cloudtrail CloudTrail_20131101.DescribeTrails",
        "cloudtrail CloudTrail_20131101.GetTrailStatus",
        "cloudtrail CloudTrail_20131101.GetEventSelectors",
        "s3 PutObject",
      ]),
    );
  });

  it("allows every call, by both the member's role and the main bucket's policy", () => {
    expect(grantsRuns[run].report.denied).toEqual([]);
  });

  it("allows nothing no call needed", () => {
    expect(grantsRuns[run].report.unused).toEqual({});
  });
});

describe("IAM contract, a member account's grants collector, bucket policy admitting history but not grants", () => {
  it("is refused live, by the bucket policy, on its one write", () => {
    const key = grantsObjectKey(MEMBER, dayOf(NOW));
    expect(grantsRuns.historyOnly.outcome).toEqual({
      error: expect.stringContaining(`not authorized to perform: s3:PutObject on resource: arn:aws:s3:::${BUCKET}/${key}`) as unknown,
    });
    expect(grantsRuns.historyOnly.keys).toEqual([]);
  });

  it("fails the contract, naming the refused request", () => {
    const key = grantsObjectKey(MEMBER, dayOf(NOW));
    expect(grantsRuns.historyOnly.report.denied).toEqual([
      `grants.historyOnly-grants: S3 PutObject s3://${BUCKET}/${key} needs s3:PutObject on arn:aws:s3:::${BUCKET}/${key}: ImplicitlyDenied`,
      `grants.historyOnly-grants: s3 PutObject: User: arn:aws:iam::${MEMBER}:role/grants is not authorized to perform: s3:PutObject ` +
        `on resource: arn:aws:s3:::${BUCKET}/${key} (ImplicitlyDenied)`,
    ]);
  });

  it("fails the contract for an admitted run's write, replayed without the grants statement", async () => {
    const { log, role, extra } = grantsRuns.listed;
    const report = await checkContract(log, new Map([[role.accessKeyId, role]]), extra, { [BUCKET]: historyOnly() }, world.bucketAccounts);
    expect(report.denied.map((d) => / needs (\S+) on (\S+): /.exec(d)?.slice(1).join(" ")).filter(Boolean)).toEqual([
      `s3:PutObject arn:aws:s3:::${BUCKET}/${grantsObjectKey(MEMBER, dayOf(NOW))}`,
      `s3:PutObject arn:aws:s3:::${BUCKET}/${trailsObjectKey(MEMBER, dayOf(NOW))}`,
    ]);
  });
});

describe("a member stays in its own folder", () => {
  const own = historyObjectKey({ account: MEMBER, region: REGION, dt: YESTERDAY, workGroup: "primary" });
  const mains_ = historyObjectKey({ account: MAIN_ACCOUNT, region: REGION, dt: YESTERDAY, workGroup: "primary" });
  const other = historyObjectKey({ account: "345678901234", region: REGION, dt: YESTERDAY, workGroup: "primary" });
  const ownGrants = grantsObjectKey(MEMBER, YESTERDAY);
  const mainGrants = grantsObjectKey(MAIN_ACCOUNT, YESTERDAY);
  const otherGrants = grantsObjectKey("345678901234", YESTERDAY);
  /** A member role whose own policy allows any S3 call on the bucket: only the bucket policy confines it. */
  const broad: PolicyDocument = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["s3:*"], Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`] }],
  };
  const verdict = async (variant: Variant, role: Principal, action: string, key?: string, prefix?: string) => {
    const resource = key ? `arn:aws:s3:::${BUCKET}/${key}` : `arn:aws:s3:::${BUCKET}`;
    const request = { action, resource, ...(prefix ? { context: { "s3:prefix": prefix } } : {}) };
    const decision = await decide(role, request, resourcePolicyOf(resource, role.account, policyOf(variant), world.bucketAccounts));
    return decision.allowed ? "allowed" : "denied";
  };

  it.each(["listed", "org"] as const)("is refused live writing into the main account's folders (%s)", async (variant) => {
    world.bucketPolicies[BUCKET] = bucketPolicyOf(variant);
    const key = `${variant}-broad`;
    world.principals.set(key, memberRole(key, broad));
    const restore = useLocalAws({ AWS_ENDPOINT_URL_S3: world.s3.url, AWS_ACCESS_KEY_ID: key, AWS_SECRET_ACCESS_KEY: "local-secret" });
    try {
      const client = new s3sdk.S3Client({ endpoint: world.s3.url, forcePathStyle: true, region: REGION });
      await expect(client.send(new s3sdk.PutObjectCommand({ Bucket: BUCKET, Key: mains_, Body: "x" }))).rejects.toThrow(
        new RegExp(`not authorized to perform: s3:PutObject on resource: arn:aws:s3:::${BUCKET}/${mains_}`),
      );
      await expect(client.send(new s3sdk.PutObjectCommand({ Bucket: BUCKET, Key: mainGrants, Body: "x" }))).rejects.toThrow(
        `not authorized to perform: s3:PutObject on resource: arn:aws:s3:::${BUCKET}/${mainGrants}`,
      );
      await client.send(new s3sdk.PutObjectCommand({ Bucket: BUCKET, Key: own, Body: "x" }));
      await client.send(new s3sdk.PutObjectCommand({ Bucket: BUCKET, Key: ownGrants, Body: "x" }));
      client.destroy();
    } finally {
      restore();
    }
  });

  it.each(["listed", "org"] as const)(
    "may not list, read or write another account's folder, whatever its role allows (%s)",
    async (variant) => {
      const role = memberRole(`${variant}-broad`, broad);
      expect(
        await Promise.all([
          verdict(variant, role, "s3:PutObject", own),
          verdict(variant, role, "s3:ListBucket", undefined, historyAccountPrefix(MEMBER)),
          verdict(variant, role, "s3:PutObject", mains_),
          verdict(variant, role, "s3:GetObject", other),
          verdict(variant, role, "s3:ListBucket", undefined, historyAccountPrefix(MAIN_ACCOUNT)),
          verdict(variant, role, "s3:ListBucket", undefined, "athena-audit/"),
          verdict(variant, role, "s3:DeleteObject", own),
        ]),
      ).toEqual(["allowed", "allowed", "denied", "denied", "denied", "denied", "denied"]);
    },
  );

  it.each(["listed", "org"] as const)(
    "may only put its own grants snapshot: not another account's, and no reading or listing grants (%s)",
    async (variant) => {
      const role = memberRole(`${variant}-broad`, broad);
      expect(
        await Promise.all([
          verdict(variant, role, "s3:PutObject", ownGrants),
          verdict(variant, role, "s3:PutObject", mainGrants),
          verdict(variant, role, "s3:PutObject", otherGrants),
          verdict(variant, role, "s3:GetObject", ownGrants),
          verdict(variant, role, "s3:DeleteObject", ownGrants),
          verdict(variant, role, "s3:ListBucket", undefined, grantsAccountPrefix(MEMBER)),
        ]),
      ).toEqual(["allowed", "denied", "denied", "denied", "denied", "denied"]);
      // Its planned grants role, under the same bucket policy: its own folder only, too.
      const grants = memberRole(`${variant}-grants-role`, undefined, "grants");
      expect(
        await Promise.all([verdict(variant, grants, "s3:PutObject", ownGrants), verdict(variant, grants, "s3:PutObject", mainGrants)]),
      ).toEqual(["allowed", "denied"]);
    },
  );

  it("needs its own role to allow too: the bucket policy alone admits nothing (cross-account)", async () => {
    const none: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["logs:PutLogEvents"], Resource: "*" }] };
    expect(await verdict("listed", memberRole("listed-none", none), "s3:PutObject", own)).toBe("denied");
  });

  it("is not admitted by the organization statement from outside the organization", async () => {
    const outsider = { ...memberRole("org-outsider"), organizationId: "o-zzzzzzzzzz" };
    expect(await verdict("org", outsider, "s3:PutObject", own)).toBe("denied");
    expect(await verdict("org", memberRole("org-insider"), "s3:PutObject", own)).toBe("allowed");
  });
});

describe.each(["listed", "org"] as const)("IAM contract, a member account's live alerts, main stack admitting them (%s)", (variant) => {
  it("alert as in the main account, keeping their state in the member's own live folder of the main bucket", () => {
    const { run, log } = liveRuns[variant];
    expect(run.error).toBeUndefined();
    expect(run.alerts).toEqual([["exfiltration high"], ["reach high"], [], ["probing medium"], ["reach high"]]);
    expect(run.failedPublish).toMatch(/Topic does not exist/);
    // Every S3 request: the live folder (listings within it), the alerts' log, or the main stack's settings object.
    const resources = new Set(
      log
        .requests(`live.${variant}-live`)
        .filter((r) => r.action.startsWith("s3:"))
        .map((r) => r.resource),
    );
    const own = [LIVE_FOLDER, LIVE_TRANSIENT, liveAlertsAccountPrefix(MEMBER)].map((p) => `arn:aws:s3:::${BUCKET}/${p}`);
    const outside = [...resources].filter(
      (r) => !own.some((p) => r.startsWith(p)) && r !== `arn:aws:s3:::${BUCKET}/athena-audit/settings/anomaly-settings.json`,
    );
    expect(outside).toEqual([`arn:aws:s3:::${BUCKET}`]);
    const prefixes = log
      .requests(`live.${variant}-live`)
      .flatMap((r) => (r.context?.["s3:prefix"] ? [String(r.context["s3:prefix"])] : []));
    expect(prefixes.length).toBeGreaterThan(0);
    expect(prefixes.every((p) => p.startsWith(LIVE_FOLDER) || p.startsWith(LIVE_TRANSIENT))).toBe(true);
  });

  it("allows every call, by both the member's role and the main bucket's policy, and nothing no call needed", () => {
    expect(liveRuns[variant].report.denied).toEqual([]);
    expect(liveRuns[variant].report.unused).toEqual({});
  });

  it.each(["ListLive", "KeepLive", "LogLiveAlerts", "ReadSettings"])(
    "fails the contract without the bucket policy's %s statement",
    async (sid) => {
      const { log, role, extra } = liveRuns[variant];
      const policy = bucketPolicyOf(variant);
      const statement = `${variant === "listed" ? "MemberAccounts" : "Organization"}${sid}`;
      const without = { ...policy, Statement: policy.Statement.filter((s) => s.Sid !== statement) };
      expect(without.Statement.length).toBe(policy.Statement.length - 1);
      const report = await checkContract(log, new Map([[role.accessKeyId, role]]), extra, { [BUCKET]: without }, world.bucketAccounts);
      const removed = present(
        policy.Statement.find((s) => s.Sid === statement),
        statement,
      ).Action as string[];
      expect(new Set(report.denied.map((d) => / needs (\S+) on /.exec(d)?.[1]))).toEqual(new Set(removed));
    },
  );
});

describe("IAM contract, a member account's live alerts, main stack without memberAccounts", () => {
  it("are refused live, by the bucket policy, on their first write", () => {
    expect(liveRuns.none.run.error).toMatch(
      new RegExp(`not authorized to perform: s3:PutObject on resource: arn:aws:s3:::${BUCKET}/${LIVE_TRANSIENT}queries/`),
    );
    expect(liveRuns.none.report.denied.length).toBeGreaterThan(0);
  });
});

describe("a member's live alerts stay in its own live folder", () => {
  const ownKey = `${LIVE_FOLDER}since.json`;
  const mainKey = `${liveStatePrefix("athena-audit", MAIN_ACCOUNT)}since.json`;
  const otherKey = `${liveStatePrefix("athena-audit", "345678901234")}since.json`;
  const settings = "athena-audit/settings/anomaly-settings.json";
  const broad: PolicyDocument = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["s3:*"], Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`] }],
  };
  const verdict = async (variant: Variant, action: string, key?: string, prefix?: string) => {
    const role = memberRole(`${variant}-broad-live`, broad);
    const resource = key ? `arn:aws:s3:::${BUCKET}/${key}` : `arn:aws:s3:::${BUCKET}`;
    const request = { action, resource, ...(prefix ? { context: { "s3:prefix": prefix } } : {}) };
    const decision = await decide(role, request, resourcePolicyOf(resource, role.account, policyOf(variant), world.bucketAccounts));
    return decision.allowed ? "allowed" : "denied";
  };

  it.each(["listed", "org"] as const)(
    "may keep its own state and read the settings, nothing of another account's (%s)",
    async (variant) => {
      const cases: [string, string | undefined, string | undefined, string][] = [
        ["s3:PutObject", ownKey, undefined, "allowed"],
        ["s3:GetObject", ownKey, undefined, "allowed"],
        ["s3:DeleteObject", ownKey, undefined, "allowed"],
        ["s3:ListBucket", undefined, LIVE_FOLDER, "allowed"],
        ["s3:GetObject", settings, undefined, "allowed"],
        ["s3:PutObject", settings, undefined, "denied"],
        ["s3:PutObject", mainKey, undefined, "denied"],
        ["s3:GetObject", otherKey, undefined, "denied"],
        ["s3:DeleteObject", mainKey, undefined, "denied"],
        ["s3:ListBucket", undefined, liveStatePrefix("athena-audit", MAIN_ACCOUNT), "denied"],
        ["s3:ListBucket", undefined, "athena-audit/live/", "denied"],
        ["s3:PutObject", `${liveAlertsAccountPrefix(MEMBER)}dt=2026-11-24/q-exfiltration.json`, undefined, "allowed"],
        ["s3:GetObject", `${liveAlertsAccountPrefix(MEMBER)}dt=2026-11-24/q-exfiltration.json`, undefined, "denied"],
        ["s3:PutObject", `${liveAlertsAccountPrefix(MAIN_ACCOUNT)}dt=2026-11-24/q-exfiltration.json`, undefined, "denied"],
      ];
      expect(await Promise.all(cases.map(([action, key, prefix]) => verdict(variant, action, key, prefix)))).toEqual(
        cases.map((c) => c[3]),
      );
    },
  );
});
