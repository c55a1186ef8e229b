/**
 * The proof that the deployed code runs: each CallbackFunction archive the program produces is
 * materialised, checked (contents, size budget, nothing DuckDB or report-only), and its serialized
 * handler is loaded from the archive in a plain Node process and invoked against s3rver and the
 * local Athena server, with the environment the program gave the function.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import * as s3sdk from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, dayOf } from "../../queries/days";
import { eventsPartitionPrefix } from "../../queries/layout";
import { historyOperations } from "../support/athena-history";
import { AthenaServer, startAthenaServer } from "../support/athena-server";
import { executionsUntil } from "../support/executions";
import { IamServer, startIamServer } from "../support/iam-server";
import { authorizationDetails, LAKE_BUCKET } from "../../generator/iam";
import { DATABASES } from "../../generator/org";
import { grantsObjectKey } from "../../queries/layout";
import { LocalS3, startS3 } from "../support/s3";
import { build, dirSize, ofType, Plan, plan } from "./plan";

const run = promisify(execFile);
const SIZE_BUDGET = 40 * 1024 ** 2;
const GRANTS_SIZE_BUDGET = 80 * 1024 ** 2;
const NOW = new Date();
const YESTERDAY = addDays(dayOf(NOW), -1);
const { workGroups, expected } = executionsUntil(NOW, 2, 5);

let main: Plan;
let s3: LocalS3;
let athena: AthenaServer;
let iam: IamServer;

beforeAll(async () => {
  build();
  main = plan("main", { "aws:region": "us-east-1", role: "main", createTrail: true, joinRegions: ["us-east-1"] });
  s3 = await startS3(String(main.outputs!.bucket));
  iam = await startIamServer(authorizationDetails(YESTERDAY), 3);
  athena = await startAthenaServer({
    operations: {
      ...historyOperations({ workGroups }),
      "AWSGlue.GetDatabases": () => [200, { DatabaseList: Object.keys(DATABASES).map((Name) => ({ Name })) }],
      "AWSGlue.GetTables": (input) => [200, { TableList: DATABASES[String(input.DatabaseName)].map((Name) => ({ Name, StorageDescriptor: { Location: `s3://${LAKE_BUCKET}/${input.DatabaseName}/${Name}/` } })) }],
    },
    script: (_sql, parameters = []) => {
      const [day, region] = [parameters[9], parameters[10]].map((p) => p.slice(1, -1));
      const key = `${eventsPartitionPrefix(day, region)}${day}_0.parquet`;
      return { runningPolls: 1, effect: async () => void (await s3.client.send(new s3sdk.PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: "PAR1" }))) };
    },
  });
});
afterAll(async () => {
  await iam?.close();
  await athena?.close();
  await s3?.close();
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
      AWS_ACCESS_KEY_ID: "S3RVER",
      AWS_SECRET_ACCESS_KEY: "S3RVER",
      AWS_ENDPOINT_URL_S3: s3.url,
      AWS_ENDPOINT_URL_ATHENA: athena.url,
      AWS_ENDPOINT_URL_GLUE: athena.url,
      AWS_ENDPOINT_URL_IAM: iam.url,
      AUDIT_S3_FORCE_PATH_STYLE: "true",
    },
  });
  const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
  return JSON.parse(line!.slice("RESULT ".length)) as Record<string, unknown>;
}

describe("Lambda archives", () => {
  it.each([
    ["history", SIZE_BUDGET, ["@cloud-copilot", "@aws-sdk/client-iam"]],
    ["events", SIZE_BUDGET, ["@cloud-copilot", "@aws-sdk/client-iam"]],
    ["grants", GRANTS_SIZE_BUDGET, []],
  ] as const)("%s: carries the serialized handler, the compiled code and the AWS SDK, and nothing heavy", (name, budget, alsoUnwanted) => {
    const { dir, files } = archive(name);
    expect(files).toContain("__index.js");
    expect(fs.existsSync(path.join(dir, "dist/functions/history/handler.js"))).toBe(true);
    expect(fs.existsSync(path.join(dir, "node_modules/@aws-sdk/client-athena"))).toBe(true);
    for (const unwanted of ["@duckdb", "handlebars", "commander", "cli-progress", "@pulumi", "vitest", "s3rver", "typescript", "node-sql-parser/index.js", "@actions", ...alsoUnwanted]) {
      expect(fs.existsSync(path.join(dir, "node_modules", unwanted)), unwanted).toBe(false);
    }
    expect(dirSize(dir)).toBeLessThan(budget);
  });

  it("grants: carries the IAM and Glue clients and iam-simulate", () => {
    const { dir } = archive("grants");
    for (const wanted of ["@aws-sdk/client-iam", "@aws-sdk/client-glue", "@cloud-copilot/iam-simulate"]) expect(fs.existsSync(path.join(dir, "node_modules", wanted)), wanted).toBe(true);
  });

  it("history collector: the handler loaded from the archive collects yesterday into the bucket", async () => {
    const summary = await invoke("history", { day: YESTERDAY });
    const wanted = expected.filter((e) => e.finished && e.day === YESTERDAY);
    expect(summary.recordsPerDay).toEqual({ [YESTERDAY]: wanted.length });
    const keys = await s3.keys(`athena-audit/history/region=us-east-1/dt=${YESTERDAY}/`);
    expect(keys.map((k) => /workgroup=([^/]+)\//.exec(k)?.[1]).sort()).toEqual([...new Set(wanted.map((e) => e.workGroup))].sort());
    const lines = (await Promise.all(keys.map((k) => s3.lines(k)))).flat();
    expect(lines.map((l) => l.QueryExecutionId).sort()).toEqual(wanted.map((e) => e.id).sort());
    expect(lines[0].Audit).toMatchObject({ Source: "collector", ReferencedTables: expect.any(Array) });
  });

  it("events joiner: the handler loaded from the archive replaces yesterday's partition with one INSERT", async () => {
    const summary = await invoke("events", { day: YESTERDAY });
    expect(summary).toMatchObject({ failed: 0, partitions: [{ day: YESTERDAY, region: "us-east-1", objectsWritten: 1 }] });
    expect(athena.queries.at(-1)?.sql.startsWith("INSERT INTO events\n-- events_join")).toBe(true);
    expect(athena.queries.at(-1)?.workGroup).toBe("athena-audit");
  });

  it("grants collector: the handler loaded from the archive writes today's grants snapshot", async () => {
    const summary = await invoke("grants", {});
    expect(summary).toMatchObject({ principals: 9, unevaluated: [], key: grantsObjectKey(dayOf(new Date())) });
    const rows = await s3.lines(String(summary.key));
    expect(rows.filter((r) => String(r.principal_arn).endsWith("user/old-contractor")).map((r) => `${r.grant_kind}:${r.resource}`)).toEqual([
      "database:sales", "table:sales.customers", "table:sales.orders", "table:sales.refunds", "workgroup:primary",
    ]);
  });
});
