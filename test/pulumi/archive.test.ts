/**
 * The proof that the deployed code runs: each CallbackFunction archive the program produces is
 * materialised, checked (the serialized closure plus its esbuild bundle and nothing from
 * node_modules, zipped size within budget), and its serialized handler is loaded from the archive
 * in a plain Node process and invoked against s3rver and the local Athena server, with the
 * environment the program gave the function.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import { builtinModules, createRequire } from "node:module";
import * as path from "node:path";
import { promisify } from "node:util";
import * as s3sdk from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { addDays, dayOf } from "../../core/days";
import { eventsPartitionPrefix } from "../../core/layout";
import { cleanupAfterAll } from "../support/cleanup";
import { historyOperations } from "../support/athena-history";
import { AthenaServer, startAthenaServer } from "../support/athena-server";
import { at, present } from "../support/defined";
import { joinedPartition } from "../support/execution-parameters";
import { executionsUntil } from "../support/executions";
import { IamServer, startIamServer } from "../support/iam-server";
import { authorizationDetails } from "../../generator/iam";
import { ACCOUNT_ID } from "../../generator/org";
import { orgGlueOperations } from "../support/glue-catalog";
import { LocalGlueTables } from "../support/glue-tables";
import { billingObjectKey, grantsObjectKey } from "../../core/layout";
import { planModel, PlanModel } from "../support/iam/plan-model";
import { CallLog } from "../support/iam/recorder";
import { LocalS3, startS3 } from "../support/s3";
import { CostExplorerServer, startCostExplorerServer } from "../support/cost-explorer-server";
import { build, dirSize, filesUnder, ofType, Plan, plan, ROOT, zippedSize } from "./plan";

const run = promisify(execFile);
const MB = 1024 ** 2;
// Lambda's own limits: 50 MB zipped for a direct upload, 250 MB unzipped.
const LAMBDA_ZIPPED = 50 * MB;
const LAMBDA_UNZIPPED = 250 * MB;
const NOW = new Date();
const YESTERDAY = addDays(dayOf(NOW), -1);
// Enough days for the first deployment's 45-day backfill.
const { workGroups, expected } = executionsUntil(NOW, 46, 5);

let main: Plan;
let model: PlanModel;
/** S3 calls the archived handlers make, each as its function's planned role. */
const s3Calls = new CallLog();
let s3: LocalS3;
let athena: AthenaServer;
let iam: IamServer;
let costExplorer: CostExplorerServer;
/** The audit's Glue tables as the plan creates them: the join reads and extends the history table's work groups. */
const glue = new LocalGlueTables();

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  build();
  // Deployed to the generated organization's account: the local IAM answers with that account's principals.
  main = plan("main", {
    "aws:region": "us-east-1",
    "mock:account": ACCOUNT_ID,
    role: "main",
    createTrail: true,
    joinRegions: ["us-east-1"],
    collectBilling: true,
  });
  model = planModel(main, "us-east-1");
  glue.loadPlan(main);
  // The handlers reach S3 as their planned roles: S3 refuses what those roles may not do (see iam/s3-front.ts).
  s3 = await startS3(model.bucket, {
    iam: { log: s3Calls, principals: model.roles, bucketPolicies: model.bucketPolicies, bucketKeys: model.bucketKeys },
  });
  cleanUp(() => s3.close());
  iam = await startIamServer(authorizationDetails(YESTERDAY), 3);
  cleanUp(() => iam.close());
  costExplorer = await startCostExplorerServer(
    () => [
      {
        Keys: ["USE1-DataScannedInTB"],
        Metrics: { UnblendedCost: { Amount: "0.25", Unit: "USD" }, UsageQuantity: { Amount: "0.05", Unit: "Terabytes" } },
      },
    ],
    () => false,
  );
  cleanUp(() => costExplorer.close());
  athena = await startAthenaServer({
    operations: {
      ...historyOperations({ workGroups }),
      ...orgGlueOperations(),
      ...glue.operations(),
    },
    script: (sql, parameters = []) => {
      // The access insert after the events insert: the access join's own test reads what it writes.
      if (sql.startsWith("INSERT INTO access")) return { runningPolls: 0, bytesScanned: 0 };
      const { day, region } = joinedPartition(parameters);
      const key = `${eventsPartitionPrefix(day, region)}${day}_0.parquet`;
      return {
        runningPolls: 0,
        effect: async () => {
          await s3.client.send(new s3sdk.PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: "PAR1" }));
        },
      };
    },
  });
  cleanUp(() => athena.close());
});

function archive(name: string) {
  const found = main.archives!.find((a) => a.name === name)!;
  const fn = ofType(main, "aws:lambda/function:Function").find((f) => f.name === name)!;
  return { ...found, environment: (fn.inputs.environment as { variables: Record<string, string> }).variables };
}

/** Loads `__index.js` from the archive in a fresh Node process and calls its handler with `event`. */
async function invoke(name: string, event: unknown): Promise<Record<string, unknown>> {
  const { dir, environment } = archive(name);
  const script = `require(${JSON.stringify(path.join(dir, "__index.js"))}).handler(${JSON.stringify(event)})
    .then((r) => process.stdout.write("RESULT " + JSON.stringify(r) + "\\n"), (e) => { console.error(e); process.exit(1); });`;
  const { stdout } = await run(process.execPath, ["-e", script], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      ...environment,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: present(model.functions[name], `the planned ${name} function`).role,
      AWS_SECRET_ACCESS_KEY: "local-secret",
      AWS_ENDPOINT_URL_S3: s3.url,
      AWS_ENDPOINT_URL_ATHENA: athena.url,
      AWS_ENDPOINT_URL_GLUE: athena.url,
      AWS_ENDPOINT_URL_IAM: iam.url,
      AWS_ENDPOINT_URL_COST_EXPLORER: costExplorer.url,
      AUDIT_S3_FORCE_PATH_STYLE: "true",
    },
  });
  const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
  return JSON.parse(line!.slice("RESULT ".length)) as Record<string, unknown>;
}

/** esbuild's record of a bundle (scripts/bundle.mjs writes it beside the bundle's folder). */
interface Metafile {
  inputs: Record<string, unknown>;
  outputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
}

function metafile(name: string): Metafile {
  return JSON.parse(fs.readFileSync(path.join(ROOT, "dist", "lambda", `${name}.meta.json`), "utf8")) as Metafile;
}

/** The npm packages bundled into a function's code, from the metafile's input paths. */
function bundledPackages(name: string): Set<string> {
  const packages = Object.keys(metafile(name).inputs).map((input) => /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1]);
  return new Set(packages.filter((p): p is string => p !== undefined));
}

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const NEVER_BUNDLED = [
  "@duckdb/node-api",
  "handlebars",
  "commander",
  "cli-progress",
  "@pulumi/pulumi",
  "@pulumi/aws",
  "@actions/core",
  "@actions/github",
  "s3rver",
  "typescript",
  "vitest",
];

describe("Lambda archives", () => {
  it.each([
    [
      "history",
      1 * MB,
      ["@aws-sdk/client-s3", "@aws-sdk/client-athena", "@aws-sdk/lib-storage", "node-sql-parser"],
      ["@cloud-copilot/iam-simulate", "@aws-sdk/client-iam"],
    ],
    [
      "join",
      1 * MB,
      ["@aws-sdk/client-s3", "@aws-sdk/client-athena", "@aws-sdk/client-glue"],
      ["@cloud-copilot/iam-simulate", "@aws-sdk/client-iam"],
    ],
    [
      "grants",
      3 * MB,
      ["@aws-sdk/client-s3", "@aws-sdk/client-iam", "@aws-sdk/client-glue", "@aws-sdk/client-lakeformation", "@cloud-copilot/iam-simulate"],
      [],
    ],
    ["billing", 1 * MB, ["@aws-sdk/client-s3", "@aws-sdk/client-cost-explorer"], ["@cloud-copilot/iam-simulate", "@aws-sdk/client-athena"]],
    [
      "live",
      1 * MB,
      ["@aws-sdk/client-s3", "@aws-sdk/client-athena", "@aws-sdk/client-sns", "@aws-sdk/client-securityhub"],
      ["@cloud-copilot/iam-simulate", "@duckdb/node-api"],
    ],
  ] as const)(
    "%s: holds the serialized handler and its bundle only, within %d bytes zipped",
    (name, zippedBudget, wanted, alsoUnwanted) => {
      const { dir } = archive(name);
      const bundle = `dist/lambda/${name}`;
      const files = filesUnder(dir);
      const data = name === "grants" ? files.filter((f) => f.startsWith(`${bundle}/iam-data/`)) : [];
      expect(files).toEqual(["__index.js", `${bundle}/index.js`, ...data].sort());
      expect(
        fs.readFileSync(path.join(dir, bundle, "index.js")).equals(fs.readFileSync(path.join(ROOT, bundle, "index.js"))),
        "the archive holds the bundle as built",
      ).toBe(true);
      // Nothing may come from node_modules at run time: the bundle's only imports left are Node's.
      const imports = Object.values(metafile(name).outputs).flatMap((o) => o.imports);
      expect(imports.filter((i) => i.external && !BUILTINS.has(i.path)).map((i) => i.path)).toEqual([]);
      const packages = bundledPackages(name);
      for (const p of wanted) expect(packages.has(p), `${p} bundled`).toBe(true);
      for (const p of [...NEVER_BUNDLED, ...alsoUnwanted]) expect(packages.has(p), `${p} not bundled`).toBe(false);
      const zipped = zippedSize(dir);
      expect(zipped).toBeLessThanOrEqual(Math.min(zippedBudget, LAMBDA_ZIPPED));
      expect(dirSize(dir)).toBeLessThan(LAMBDA_UNZIPPED);
    },
  );

  it("grants: carries the policy data iam-simulate reads from disk", () => {
    const { dir } = archive("grants");
    const data = path.join(dir, "dist/lambda/grants/iam-data");
    for (const file of [
      "package.json",
      "data/services.json",
      "data/actions/athena.json",
      "data/actions/glue.json",
      "data/actions/s3.json",
      "data/resourceTypes/s3.json",
    ]) {
      expect(fs.existsSync(path.join(data, file)), file).toBe(true);
    }
  });

  it("the archives sit where no node_modules can be found, so the invocations below prove they are self-contained", () => {
    for (const name of ["history", "join", "grants", "billing", "live"]) {
      expect(() => createRequire(path.join(archive(name).dir, "__index.js")).resolve("@aws-sdk/client-s3")).toThrow();
    }
  });

  it("history collector: the handler loaded from the archive collects yesterday into the bucket", async () => {
    const summary = await invoke("history", { day: YESTERDAY });
    const wanted = expected.filter((e) => e.finished && e.day === YESTERDAY);
    expect(summary.recordsPerDay).toEqual({ [YESTERDAY]: wanted.length });
    // Under the collector's own account, as the stack told it (AUDIT_ACCOUNT).
    const account = present(archive("history").environment.AUDIT_ACCOUNT, "the history function's AUDIT_ACCOUNT");
    expect(account).toMatch(/^\d{12}$/);
    const keys = await s3.keys(`athena-audit/history/account=${account}/region=us-east-1/dt=${YESTERDAY}/`);
    expect(keys.map((k) => /workgroup=([^/]+)\//.exec(k)?.[1]).sort()).toEqual([...new Set(wanted.map((e) => e.workGroup))].sort());
    const lines = (await Promise.all(keys.map((k) => s3.lines(k)))).flat();
    expect(lines.map((l) => l.QueryExecutionId).sort()).toEqual(wanted.map((e) => e.id).sort());
    expect(at(lines, 0, "history line").Audit).toMatchObject({ Source: "collector", ReferencedTables: expect.any(Array) as unknown });
  });

  it("daily join: the handler loaded from the archive replaces yesterday's partition with one INSERT", async () => {
    const summary = await invoke("join", { day: YESTERDAY });
    expect(summary).toMatchObject({ failed: 0, partitions: [{ day: YESTERDAY, region: "us-east-1", objectsWritten: 1 }] });
    // The collector wrote every work group; the join made each one the history table did not project visible.
    const collected = new Set(expected.filter((e) => e.finished && e.day === YESTERDAY).map((e) => e.workGroup));
    expect(summary.workGroups).toEqual({
      added: [...collected].filter((w) => w !== "primary").sort(),
      projected: ["primary", ...[...collected].filter((w) => w !== "primary").sort()],
    });
    expect(glue.updates.map((u) => u.name)).toEqual(["history"]);
    expect(athena.queries.at(-2)?.sql.startsWith("INSERT INTO events\n-- events_join")).toBe(true);
    expect(athena.queries.at(-1)?.sql.startsWith("INSERT INTO access\n-- access_join")).toBe(true);
    expect(athena.queries.at(-1)?.workGroup).toBe("athena-audit");
  });

  it("first deployment: the history backfill, then the join's first run joins every backfilled day once, oldest first", async () => {
    const firstRun = (name: string) =>
      JSON.parse(
        String(ofType(main, "aws:lambda/invocation:Invocation").find((i) => i.name === `${name}-first-run`)?.inputs.input),
      ) as unknown;
    const collected = await invoke("history", firstRun("history"));
    const backfilled = Object.keys(collected.recordsPerDay as Record<string, number>).sort();
    expect(backfilled).toHaveLength(45);
    athena.reset();
    const summary = (await invoke("join", firstRun("join"))) as { failed: number; partitions: { day: string; objectsWritten: number }[] };
    expect(summary.failed).toBe(0);
    // Every backfilled day (yesterday, joined by the test above, again as the scheduled run rejoins it), in order, once.
    expect(summary.partitions.map((p) => p.day)).toEqual(backfilled);
    expect(summary.partitions.every((p) => p.objectsWritten === 1)).toBe(true);
    for (const day of backfilled) expect(await s3.keys(eventsPartitionPrefix(day, "us-east-1")), day).toHaveLength(1);
  });

  it("grants collector: the handler loaded from the archive writes today's grants snapshot", async () => {
    const summary = await invoke("grants", {});
    expect(summary).toMatchObject({
      // The generated account's 9 Athena users and roles, its 3 roles reading outside Athena (generator/engine-actors.ts),
      // and the 2 roles the anomaly plants add (generator/planted-actors.ts).
      principals: 14,
      unevaluated: [],
      key: grantsObjectKey(present(archive("grants").environment.AUDIT_ACCOUNT, "the grants function's AUDIT_ACCOUNT"), dayOf(new Date())),
    });
    const rows = await s3.lines(String(summary.key));
    expect(
      rows
        .filter((r) => String(r.principal_arn).endsWith("user/old-contractor"))
        .map((r) => `${String(r.grant_kind)}:${String(r.resource)}`),
    ).toEqual(["database:sales", "table:sales.customers", "table:sales.orders", "table:sales.refunds", "workgroup:primary"]);
  });

  it("billing collector: the handler loaded from the archive writes the last days' bills", async () => {
    const summary = await invoke("billing", {});
    expect(summary).toMatchObject({ to: YESTERDAY, rows: 3, apiCalls: { GetCostAndUsage: 3, PutObject: 3 } });
    expect(await s3.lines(billingObjectKey(YESTERDAY))).toEqual([
      expect.objectContaining({ day: YESTERDAY, usage_type: "USE1-DataScannedInTB", work_group: null, unblended_cost_usd: 0.25 }),
    ]);
  });

  it("every S3 call the archived handlers made was one their planned role allows", () => {
    expect(s3Calls.calls.length).toBeGreaterThan(0);
    expect(new Set(s3Calls.calls.map((c) => c.principal))).toEqual(new Set(["history", "join", "grants", "billing"]));
    expect(s3Calls.calls.filter((c) => c.denied).map((c) => `${c.principal}: ${c.denied ?? ""}`)).toEqual([]);
  });
});
