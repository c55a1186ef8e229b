/**
 * One `join` command on either engine (issue 26): over a lake folder for a day or a range, on
 * Athena (the local Athena, Glue and S3 servers) as the join Lambda runs it, each engine refusing
 * the other's flags; and `join-events`, its old name, refused with the form that replaced it.
 */
import { execFile } from "node:child_process";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventsPartitionPrefix } from "../../core/layout";
import { ACCOUNT_ID } from "../../generator/org";
import { cloudTrailTable, eventsTable, historyTable } from "../../pulumi/glue";
import { cleanupAfterAll } from "../support/cleanup";
import { only } from "../support/defined";
import { AthenaServer, startAthenaServer } from "../support/athena-server";
import { buildCli, CliRun, runCli, treeState } from "../support/cli-run";
import { joinedPartition } from "../support/execution-parameters";
import { LocalGlueTables } from "../support/glue-tables";
import { tempDir } from "../support/lake";
import { LocalS3, startS3 } from "../support/s3";
import { succeededExecution, writeHistory } from "../support/write-lake";

const FIRST = "2026-10-29";
const SECOND = "2026-10-30";
/** A day with nothing in the lake, between the first and a later one with history. */
const GAP = "2026-10-31";
const LATER = "2026-11-01";

/** The bundled command, run without blocking this process (the local servers answer it from here). */
function runCliAsync(args: string[], env: Record<string, string>): Promise<CliRun> {
  const main = path.join(__dirname, "..", "..", "dist", "cli", "main.js");
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [main, ...args],
      { env: { ...process.env, GITHUB_ACTIONS: "false", ...env }, encoding: "utf8" },
      (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const roots: string[] = [];
let lake: string;

beforeAll(() => {
  buildCli();
  lake = tempDir("join-command");
  roots.push(lake);
  writeHistory(lake, "us-east-1", [
    succeededExecution("q-1", FIRST, 1),
    succeededExecution("q-2", FIRST, 2),
    succeededExecution("q-3", SECOND, 3),
  ]);
  writeHistory(lake, "us-east-1", [succeededExecution("q-4", LATER, 4)]);
});
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

/** The one line a refusal prints, after checking it is one line, the exit code non-zero, and `lake` untouched. */
function refusal(args: string[]): string {
  const before = treeState(lake);
  const run = runCli(args);
  expect(run.status).not.toBe(0);
  const lines = run.stderr.trimEnd().split("\n");
  expect(lines, run.stderr).toHaveLength(1);
  expect(treeState(lake)).toEqual(before);
  return only(lines, "line of the refusal");
}

describe("join --engine duckdb (the default)", () => {
  it("joins every day of --from/--to, each (day, region) one summary line", () => {
    const run = runCli(["join", "--lake", lake, "--from", FIRST, "--to", SECOND]);
    expect(run.status, run.stderr).toBe(0);
    const summaries = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { day: string; region: string; rows: number });
    // Worked by hand: two queries on the first day, one on the second, all in us-east-1.
    expect(summaries.map((s) => [s.day, s.region, s.rows])).toEqual([
      [FIRST, "us-east-1", 2],
      [SECOND, "us-east-1", 1],
    ]);
  });

  it("refuses a range with a day of no input, naming it, before joining any day", () => {
    expect(refusal(["join", "--lake", lake, "--from", SECOND, "--to", LATER])).toBe(
      `athena-audit: no history or CloudTrail for ${GAP} in ${lake} (region us-east-1); nothing was joined`,
    );
    expect(fs.existsSync(path.join(lake, "athena-audit", "events", `dt=${LATER}`))).toBe(false);
  });

  it("takes its days as the Lambda does: a day not over yet is refused", () => {
    expect(refusal(["join", "--lake", lake, "--day", "2999-01-01"])).toContain("2999-01-01 is not over yet");
  });

  it("needs --lake", () => {
    expect(refusal(["join", "--day", FIRST])).toBe("athena-audit: join --engine duckdb needs --lake DIR (or --engine athena)");
  });
});

describe("join --engine athena", () => {
  let s3: LocalS3;
  let athena: AthenaServer;
  let env: Record<string, string>;

  const cleanUp = cleanupAfterAll();
  beforeAll(async () => {
    const glue = new LocalGlueTables().loadSpecs("athena_audit", [
      historyTable("audit-bucket", "athena-audit", ["us-east-1", "eu-west-1"], ["primary"], [ACCOUNT_ID]),
      cloudTrailTable({ bucket: "audit-bucket", prefix: "cloudtrail", accounts: [ACCOUNT_ID], regions: ["us-east-1", "eu-west-1"] }),
      eventsTable("audit-bucket", "athena-audit", ["us-east-1", "eu-west-1"]),
    ]);
    s3 = await startS3("audit-bucket");
    cleanUp(() => s3.close());
    athena = await startAthenaServer({
      operations: glue.operations(),
      // Each events insert writes its partition's one object, as Athena's INSERT does.
      script: (sql, parameters = []) => {
        if (!sql.startsWith("INSERT INTO events")) return {};
        const { day, region } = joinedPartition(parameters);
        const key = `${eventsPartitionPrefix(day, region)}${day}_0.parquet`;
        return { effect: () => s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: "PAR1" })).then(() => undefined) };
      },
    });
    cleanUp(() => athena.close());
    env = {
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "S3RVER",
      AWS_SECRET_ACCESS_KEY: "S3RVER",
      AUDIT_S3_FORCE_PATH_STYLE: "true",
      AWS_ENDPOINT_URL_S3: s3.url,
      AWS_ENDPOINT_URL_ATHENA: athena.url,
      AWS_ENDPOINT_URL_GLUE: athena.url,
      AUDIT_BUCKET: "audit-bucket",
      AUDIT_WORK_GROUP: "athena-audit",
      AUDIT_DATABASE: "athena_audit",
      JOIN_REGIONS: "us-east-1,eu-west-1",
    };
  });

  it("runs the join Lambda's code on Athena, configured from the environment", async () => {
    const run = await runCliAsync(["join", "--engine", "athena", "--day", SECOND], env);
    expect(run.status, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { partitions: { day: string; region: string; objectsWritten: number }[]; failed: number };
    expect(summary.partitions.map((p) => [p.day, p.region, p.objectsWritten])).toEqual([
      [SECOND, "us-east-1", 1],
      [SECOND, "eu-west-1", 1],
    ]);
    expect(summary.failed).toBe(0);
    const inserts = athena.queries.filter((q) => q.sql.startsWith("INSERT INTO events"));
    expect(inserts.map((q) => [joinedPartition(q.parameters), q.workGroup])).toEqual([
      [{ day: SECOND, region: "us-east-1" }, "athena-audit"],
      [{ day: SECOND, region: "eu-west-1" }, "athena-audit"],
    ]);
  });

  it("refuses the embedded engine's flags rather than ignore them", () => {
    expect(refusal(["join", "--engine", "athena", "--day", SECOND, "--lake", lake, "--tb", "decimal"])).toBe(
      "athena-audit: --lake, --tb apply to --engine duckdb only: on Athena the join reads its settings from the environment, " +
        "as its Lambda does (athena-audit join --help)",
    );
  });
});

describe("the command's names", () => {
  it("refuses join-events with the form that replaced it, the user's flags included", () => {
    expect(refusal(["join-events", "--from", FIRST, "--to", SECOND])).toBe(
      `athena-audit: join-events is now join --engine athena: athena-audit join --engine athena --from ${FIRST} --to ${SECOND}`,
    );
  });

  it("lists join, not join-events, and join's help names both engines and the Athena join's environment", () => {
    const help = runCli(["--help"]).stdout;
    expect(help).toMatch(/^ {2}join \[options\]/m);
    expect(help).not.toContain("join-events");
    // Commander wraps the help to the terminal's width: compared with its whitespace made single spaces.
    const joinHelp = runCli(["join", "--help"]).stdout.replace(/\s+/g, " ");
    expect(joinHelp).toContain(
      '--engine <engine> where it runs: duckdb (embedded, over a lake folder) or athena (choices: "duckdb", "athena", default: "duckdb")',
    );
    for (const variable of ["AUDIT_BUCKET", "AUDIT_WORK_GROUP", "AUDIT_DATABASE", "JOIN_REGIONS"]) expect(joinHelp).toContain(variable);
  });
});
