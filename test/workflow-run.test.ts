/**
 * The reports workflow as written, run from a fresh clone for two stacks: its own `run:` steps in
 * order (test/support/workflow.ts), each stack's AWS standing in as a local Athena server over its
 * own generated lake, GitHub as a local REST server and a local bare repository.
 *
 * `npm ci` runs as written in the first job (from npm's cache), building the command that every
 * `npx athena-audit` step then runs. Later jobs get a hard-linked copy of that install instead of
 * their own `npm ci` (same commit, same lockfile): three more installs would add about a minute on
 * this machine and prove nothing the first did not. Jobs run one after another, in matrix order.
 */
import { execFileSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SILENT, reportPeriod } from "../cli/pipeline";
import { addDays, dayOf } from "../queries/days";
import { periodEnding, runSavedQuery, SAVED, SAVED_QUERIES } from "../queries/saved";
import { savedRows } from "../queries/saved-columns";
import { humanBytes } from "../reports/pages/format";
import { duckdbScript } from "./support/athena-duckdb";
import { AthenaServer, startAthenaServer } from "./support/athena-server";
import { GitHubServer, startGitHubServer } from "./support/github-server";
import { joinedLake, JoinedLake, tempDir } from "./support/lake";
import {
  asText,
  checkout,
  Contexts,
  freshOrigin,
  git,
  gitRaw,
  JobRun,
  jobMatrix,
  lenient,
  parseWorkflow,
  runJob,
  Value,
} from "./support/workflow";

const ROOT = path.join(__dirname, "..");
const WORKFLOW = ".github/workflows/athena-audit-reports.yml";
const DAYS = 5;
const [OWNER, REPO] = ["northwind", "data-platform"];
const LABEL = "athena-audit:unused-permissions";

interface Stack {
  name: string;
  seed: number;
  region: string;
  roleArn: string;
  workGroup: string;
  database: string;
  lake: JoinedLake;
  athena: AthenaServer;
  /** Grants per principal name, from the permission_gaps query run directly on the lake. */
  gaps: Map<string, number>;
  arns: string[];
}
const STACKS = [
  {
    name: "main",
    seed: 11,
    region: "us-east-1",
    roleArn: "arn:aws:iam::111111111111:role/athena-audit-reporting",
    workGroup: "athena-audit",
    database: "athena_audit",
  },
  {
    name: "eu",
    seed: 12,
    region: "eu-west-1",
    roleArn: "arn:aws:iam::222222222222:role/athena-audit-reporting-eu",
    workGroup: "athena-audit-eu",
    database: "athena_audit_eu",
  },
] as Stack[];
/** The variable as the README builds it: each stack's outputs (extra keys included) plus its name. */
const variable = (stacks: Pick<Stack, "name" | "roleArn" | "region" | "workGroup" | "database">[]) =>
  JSON.stringify(
    stacks.map((s) => ({
      stack: s.name,
      bucket: `audit-${s.region}`,
      database: s.database,
      region: s.region,
      reportingRoleArn: s.roleArn,
      workGroup: s.workGroup,
    })),
  );

const yesterday = addDays(dayOf(new Date()), -1);
const period = periodEnding(yesterday, DAYS);
let dir: string;
let origin: string;
let github: GitHubServer;
let jobCount = 0;
/** The workspace of the first job whose `npm ci` ran and passed: later jobs reuse its install. */
let installed: string | undefined;

function reuseInstall(workspace: string): void {
  execFileSync("cp", ["-al", path.join(installed!, "node_modules"), path.join(workspace, "node_modules")]);
  execFileSync("cp", ["-R", path.join(installed!, "dist"), path.join(workspace, "dist")]);
}

const nameOf = (arn: string) => arn.split(/[:/]/).pop()!;
const titleOf = (stack: string, name: string, grants: number) =>
  `Unused Athena permissions${stack === "main" ? "" : ` (${stack})`}: ${name} (${grants} grant${grants === 1 ? "" : "s"})`;
const expectedTitles = (s: Stack) => [...s.gaps].map(([name, n]) => titleOf(s.name, name, n)).sort();
const openTitles = (stack: string) => {
  const prefix = `Unused Athena permissions${stack === "main" ? "" : ` (${stack})`}: `;
  return github.issues
    .filter((i) => i.state === "open" && i.title.startsWith(prefix))
    .map((i) => i.title)
    .sort();
};
const writes = (requests: string[]) => requests.filter((r) => !r.startsWith("GET"));
const head = () => git(origin, "rev-parse", "main");
const show = (file: string) => gitRaw(origin, "show", `main:${file}`);

function runnerEnv(event: string): Record<string, string> {
  const temp = path.join(dir, `runner-${++jobCount}`);
  fs.mkdirSync(temp);
  fs.writeFileSync(path.join(temp, "gitconfig"), "");
  return {
    PATH: [path.dirname(process.execPath), ...(process.env.PATH ?? "").split(":").filter((p) => !p.includes("node_modules"))].join(":"),
    HOME: os.homedir(),
    LANG: "C.UTF-8",
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: event,
    GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    GITHUB_REF: "refs/heads/main",
    GITHUB_REF_NAME: "main",
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_API_URL: github.url,
    RUNNER_OS: "Linux",
    RUNNER_TEMP: temp,
    // This machine rather than a runner: npm from its cache, git and AWS without the user's settings.
    npm_config_cache: process.env.npm_config_cache ?? path.join(os.homedir(), ".npm"),
    npm_config_prefer_offline: "true",
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
    GIT_CONFIG_GLOBAL: path.join(temp, "gitconfig"),
    GIT_CONFIG_NOSYSTEM: "1",
    AWS_CONFIG_FILE: path.join(temp, "no-aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: path.join(temp, "no-aws-credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

interface WorkflowRun {
  stacks: JobRun;
  /** Each matrix job with its workspace and the GitHub requests its own token made. */
  reports: { stack: string; workspace: string; run: JobRun; requests: string[] }[];
}

/**
 * The workflow, read from the pushed commit, for one event: the stacks job, then each matrix job.
 * Each job gets its own token, as on GitHub, which tells its requests apart. A job checks out when
 * it starts unless `workspaces` has its checkout already.
 */
async function runWorkflow(
  vars: Record<string, string>,
  inputs: Record<string, Value> | null,
  workspaces = new Map<string, string>(),
): Promise<WorkflowRun> {
  const workflow = parseWorkflow(show(WORKFLOW));
  const event = inputs ? "workflow_dispatch" : "schedule";
  const declared = (workflow.on.workflow_dispatch as { inputs: Record<string, { default: Value }> }).inputs;
  for (const key of Object.keys(inputs ?? {})) expect(declared, `input ${key}`).toHaveProperty(key);
  const base: Contexts = {
    github: { repository: `${OWNER}/${REPO}`, ref_name: "main", event_name: event },
    inputs: inputs ? { ...Object.fromEntries(Object.entries(declared).map(([k, v]) => [k, v.default])), ...inputs } : lenient({}),
    vars: lenient({ ...vars }),
  };
  const empty = fs.mkdtempSync(path.join(dir, "empty-"));
  const stacks = await runJob(
    workflow,
    "stacks",
    { ...base, secrets: lenient({ GITHUB_TOKEN: "ghs_stacks" }) },
    { workspace: empty, env: runnerEnv(event), actions: {} },
  );
  const withNeeds = { ...base, needs: { stacks: { outputs: lenient(stacks.outputs), result: stacks.ok ? "success" : "failure" } } };
  const reports: WorkflowRun["reports"] = [];
  for (const matrix of (stacks.ok ? jobMatrix(workflow.jobs.reports, withNeeds) : null) ?? []) {
    const stack = asText(matrix.stack, "matrix.stack");
    const env = runnerEnv(event);
    const token = `ghs_${path.basename(env.RUNNER_TEMP)}`;
    const workspace = workspaces.get(stack) ?? checkout(origin, path.join(dir, `job-${path.basename(env.RUNNER_TEMP)}`, "repo"));
    const run = await runJob(
      workflow,
      "reports",
      { ...withNeeds, matrix, secrets: lenient({ GITHUB_TOKEN: token }) },
      {
        workspace,
        env,
        runs: installed ? { "npm ci": () => reuseInstall(workspace) } : {},
        actions: {
          "actions/checkout": () => {
            expect(git(workspace, "rev-parse", "--is-shallow-repository")).toBe("true");
            return {};
          },
          "actions/setup-node": (w) => {
            expect(w["node-version"]).toBe("22"); // this machine's Node stands in
            return {};
          },
          // The role decides which account answers: the stack's own local Athena server.
          "aws-actions/configure-aws-credentials": (w) => {
            const target = STACKS.find((s) => s.roleArn === w["role-to-assume"]);
            if (!target) throw new Error(`AccessDenied: cannot assume ${w["role-to-assume"]}`);
            const session = { AWS_ACCESS_KEY_ID: "ASIALOCAL", AWS_SECRET_ACCESS_KEY: "local", AWS_SESSION_TOKEN: "local" };
            return {
              ...session,
              AWS_REGION: w["aws-region"],
              AWS_DEFAULT_REGION: w["aws-region"],
              AWS_ENDPOINT_URL_ATHENA: target.athena.url,
            };
          },
        },
      },
    );
    if (!installed && run.steps.some((s) => s.name === "npm ci" && s.outcome === "success")) installed = workspace;
    if (process.env.WORKFLOW_TIMINGS)
      console.log(
        stack,
        run.steps.map((s) => `${s.name.slice(0, 30)}: ${s.ms} ms`),
      );
    reports.push({ stack, workspace, run, requests: github.requests.filter((_, i) => github.authorizations[i] === `token ${token}`) });
  }
  return { stacks, reports };
}

/** A main-stack issue as the version before stacks wrote it: its marker names no stack. */
function legacyIssue(principalArn: string, title: string): void {
  const fp = crypto.createHash("sha256").update(principalArn).digest("hex").slice(0, 16);
  github.issues.push({
    number: github.issues.length + 1,
    title,
    body: `Old text.\n\n<!-- athena-audit:fingerprint=${fp} -->\n`,
    state: "open",
    labels: [LABEL],
    comments: [],
  });
}

beforeAll(async () => {
  dir = tempDir("workflow");
  origin = freshOrigin(ROOT, dir);
  github = await startGitHubServer(OWNER, REPO);
  for (const s of STACKS) {
    s.lake = await joinedLake({ days: DAYS, seed: s.seed, endDay: yesterday });
    s.athena = await startAthenaServer({ script: duckdbScript(s.lake.engine) });
    const arns = savedRows(SAVED.permission_gaps, await runSavedQuery(s.lake.engine, SAVED.permission_gaps, period)).map(
      (r) => r.principal_arn,
    );
    s.arns = [...new Set(arns)].sort();
    s.gaps = new Map(s.arns.map((arn) => [nameOf(arn), arns.filter((a) => a === arn).length]));
  }
  // Two of main's principals already have issues from before stacks, and one principal is gone.
  legacyIssue(STACKS[0].arns[0], "old title 1");
  legacyIssue(STACKS[0].arns[1], "old title 2");
  legacyIssue("arn:aws:iam::210987654321:role/retired", "old title 3");
});

afterAll(async () => {
  await github?.close();
  for (const s of STACKS) {
    await s.athena?.close();
    await s.lake?.dispose();
  }
  // npx keeps a link per project folder in npm's cache; drop the ones for this file's clones.
  const npx = path.join(process.env.npm_config_cache ?? path.join(os.homedir(), ".npm"), "_npx");
  for (const entry of fs.existsSync(npx) ? fs.readdirSync(npx) : []) {
    const manifest = path.join(npx, entry, "package.json");
    if (dir && fs.existsSync(manifest) && fs.readFileSync(manifest, "utf8").includes(dir))
      fs.rmSync(path.join(npx, entry), { recursive: true, force: true });
  }
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const withoutProvenance = (text: string) =>
  text
    .split("\n")
    .filter((l) => !l.startsWith("<sub>") && !/^(Embedded engine|Amazon Athena)/.test(l))
    .join("\n");

describe("the reports workflow, run as written", () => {
  it("skips with a notice when ATHENA_AUDIT_STACKS is unset, and refuses a variable it cannot use", async () => {
    const unset = await runWorkflow({}, null);
    expect([unset.stacks.ok, unset.stacks.outputs, unset.reports]).toEqual([true, { stacks: "[]" }, []]);
    expect(unset.stacks.annotations).toEqual([expect.stringMatching(/^notice: The repository variable ATHENA_AUDIT_STACKS is not set/)]);
    const cases: [string, Record<string, Value> | null, RegExp][] = [
      ["not json", null, /parse error/i],
      [
        JSON.stringify([{ stack: "main", region: "us-east-1" }]),
        null,
        /each stack needs stack, reportingRoleArn, region, workGroup and database/,
      ],
      [
        JSON.stringify((JSON.parse(variable([STACKS[0]])) as object[]).map((e) => ({ ...e, billingTb: "metric" }))),
        null,
        /billingTb, if set, binary or decimal/,
      ],
      [variable([STACKS[0], STACKS[0]]), null, /two stacks have the same name/],
      [variable(STACKS), { stack: "nope" }, /no stack named nope/],
    ];
    for (const [value, inputs, reason] of cases) {
      const run = await runWorkflow({ ATHENA_AUDIT_STACKS: value }, inputs);
      expect([run.stacks.ok, run.reports], value).toEqual([false, []]);
      expect(run.stacks.log).toMatch(reason);
    }
  });

  // One run over three stacks: two good, and one whose name would escape reports/.
  let first: WorkflowRun;
  const job = (stack: string) => first.reports.find((r) => r.stack === stack)!;
  const BAD = { ...STACKS[0], name: "../x" };

  const pushesBoth =
    "renders, commits and pushes each stack's reports into reports/published/<stack>, a rejected push rebasing onto the other's";
  it(
    pushesBoth,
    async () => {
      const start = head();
      // Every job checks out before any pushes, as parallel matrix jobs do: eu's push finds main's.
      const workspaces = new Map([...STACKS, BAD].map((s, n) => [s.name, checkout(origin, path.join(dir, `round1-${n}`, "repo"))]));
      first = await runWorkflow({ ATHENA_AUDIT_STACKS: variable([...STACKS, BAD]) }, { days: String(DAYS) }, workspaces);
      expect(first.reports.map((r) => r.stack)).toEqual(["main", "eu", "../x"]);
      for (const s of STACKS) expect(job(s.name).run.ok, job(s.name).run.log).toBe(true);
      expect(STACKS.map((s) => job(s.name).run.log.includes("Push rejected (attempt 1 of 5); rebasing onto the latest main."))).toEqual([
        false,
        true,
      ]);
      const subjects = git(origin, "log", "--format=%s", `${start}..main`).split("\n");
      expect(subjects).toEqual([
        `athena-audit reports (eu): ${period.from} to ${period.to}`,
        `athena-audit reports (main): ${period.from} to ${period.to}`,
      ]);
      expect(git(origin, "rev-list", "--merges", `${start}..main`)).toBe("");
      expect(
        git(origin, "diff", "--name-only", start, "main")
          .split("\n")
          .every((f) => /^reports\/published\/(main|eu)\/[a-z_]+\.md$/.test(f)),
      ).toBe(true);

      for (const s of STACKS) {
        const pages = git(origin, "ls-tree", "--name-only", "main", `reports/published/${s.name}/`)
          .split("\n")
          .map((f) => path.basename(f));
        expect(pages.sort()).toEqual(["index.md", ...SAVED_QUERIES.map((q) => `${q.name}.md`)].sort());
        // The headline against the generator's ledger, then every page against the embedded engine.
        const index = show(`reports/published/${s.name}/index.md`);
        const queries = s.lake.ledger.queries.filter((q) => q.eventDay >= period.from && q.eventDay <= period.to);
        expect(index).toContain(`# Athena usage audit: ${period.from} to ${period.to}`);
        expect(index).toContain(`| Queries | ${queries.length.toLocaleString("en-US")} |`);
        expect(index).toContain(`| Data scanned | ${humanBytes(queries.reduce((n, q) => n + q.bytes, 0))} |`);
        expect(index).toContain(`Amazon Athena, work group \`${s.workGroup}\`, database \`${s.database}\`.`);
        const embedded = await reportPeriod(s.lake.engine, period, fs.mkdtempSync(path.join(dir, "embedded-")), {
          source: "Embedded engine",
          concurrency: 1,
          redact: true,
          progress: SILENT,
        });
        for (const page of embedded)
          expect(withoutProvenance(show(`reports/published/${s.name}/${page.file}`)), `${s.name}/${page.file}`).toBe(
            withoutProvenance(page.content),
          );
        // Each stack's queries ran in its own account's work group and database, and nowhere else.
        expect(new Set(s.athena.queries.map((q) => `${q.workGroup ?? "(none)"}/${q.database ?? "(none)"}`))).toEqual(
          new Set([`${s.workGroup}/${s.database}`]),
        );
        expect(s.athena.queries).toHaveLength(SAVED_QUERIES.length + 1); // the pages, then the issue sync's findings
        expect(job(s.name).run.summary).toContain(`# Athena usage audit: ${period.from} to ${period.to}`);
      }
    },
    240_000,
  );

  it("opens each stack's issues from its own findings, and no stack touches another's", () => {
    const [main, eu] = STACKS;
    const create = `POST /repos/${OWNER}/${REPO}/issues`;
    // main: two issues from before stacks are adopted (updated in place), the gone principal's closed.
    expect(openTitles("main")).toEqual(expectedTitles(main));
    expect(github.issues.slice(0, 3).map((i) => [i.number, i.state])).toEqual([
      [1, "open"],
      [2, "open"],
      [3, "closed"],
    ]);
    expect(writes(job("main").requests).sort()).toEqual(
      [
        ...Array<string>(main.gaps.size - 2).fill(create),
        "PATCH /repos/northwind/data-platform/issues/1",
        "PATCH /repos/northwind/data-platform/issues/2",
        "POST /repos/northwind/data-platform/issues/3/comments",
        "PATCH /repos/northwind/data-platform/issues/3",
      ].sort(),
    );
    // eu: only creates (5 a run at most; the rest named as deferred), so none of main's is touched.
    expect(writes(job("eu").requests)).toEqual(Array(Math.min(5, eu.gaps.size)).fill(create));
    const euOpen = openTitles("eu");
    expect(euOpen).toHaveLength(Math.min(5, eu.gaps.size));
    expect(expectedTitles(eu)).toEqual(expect.arrayContaining(euOpen));
    expect(job("eu").run.log.match(/deferred \(cap of 5 new issues a run\)/g)).toHaveLength(eu.gaps.size - 5);
  });

  it("refuses the stack named ../x in its report step, and writes nothing outside reports/", () => {
    const bad = job("../x");
    expect(bad.run.ok).toBe(false);
    expect(bad.run.steps.filter((s) => s.outcome === "failure").map((s) => s.name)).toEqual(["Render reports"]);
    expect(bad.run.log).toContain("argument '../x' is invalid. a stack name is");
    expect(bad.requests).toEqual([]);
    expect(git(bad.workspace, "status", "--porcelain", "--untracked-files=all")).toBe("");
    expect(fs.readdirSync(path.dirname(bad.workspace))).toEqual(["repo"]);
  });

  it("a second run of one stack, picked with the stack input, changes nothing", async () => {
    const [start, issues, euQueries] = [head(), JSON.stringify(github.issues), STACKS[1].athena.queries.length];
    const run = await runWorkflow({ ATHENA_AUDIT_STACKS: variable(STACKS) }, { days: String(DAYS), stack: "main" });
    expect(run.reports.map((r) => [r.stack, r.run.ok])).toEqual([["main", true]]);
    expect(run.reports[0].run.log).toContain("Reports for main unchanged.");
    expect([head(), writes(run.reports[0].requests), JSON.stringify(github.issues)]).toEqual([start, [], issues]);
    expect(STACKS[1].athena.queries.length).toBe(euQueries);
  }, 120_000);
});
