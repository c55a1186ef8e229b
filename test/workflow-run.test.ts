/**
 * The reports workflow as written, run from a fresh clone for two stacks
 * (test/support/workflow-harness.ts): each stack's AWS standing in as a local Athena server over its
 * own generated lake, GitHub as a local REST server and a local bare repository. The main stack's
 * entry carries anomaly settings, which reach its report and its anomaly sync.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { SILENT, reportPeriod } from "../cli/pipeline";
import { addDays, dayOf } from "../core/days";
import { ACCOUNT_ID, DATABASES } from "../generator/org";
import { anomalySettings } from "../core/anomaly-settings";
import { DEFAULT_OPTIONS, periodEnding, runSavedQuery, SAVED, SAVED_QUERIES, savedRows } from "../queries/saved";
import { alerted, alertWindow, DEFAULT_ALERT_DAYS, toAnomaly } from "../reports/issues/anomaly-issues";
import { Anomaly } from "../reports/pages/anomaly-words";
import { humanBytes } from "../reports/pages/format";
import { cleanupAfterAll } from "./support/cleanup";
import { duckdbScript } from "./support/athena-duckdb";
import { AthenaServer, startAthenaServer } from "./support/athena-server";
import { GitHubServer, startGitHubServer } from "./support/github-server";
import { at, only } from "./support/defined";
import { joinedLake, JoinedLake, tempDir } from "./support/lake";
import { checkout, freshOrigin, git, Value } from "./support/workflow";
import { Harness, WorkflowRun, workflowHarness } from "./support/workflow-harness";

const ROOT = path.join(__dirname, "..");
const DAYS = 5;
const [OWNER, REPO] = ["northwind", "data-platform"];
/** The permission-gap issues' label before it became `athena-audit:permission-gaps`: the sync relabels the issues carrying it. */
const FORMER_LABEL = "athena-audit:unused-permissions";

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
  /** The stack entry's anomalySettings, if any. */
  anomalySettings?: Record<string, unknown>;
  /** The stack entry's expectedAccounts (the main stack's output), if any. */
  expectedAccounts?: string[];
  /** High-severity anomalies of the alert window, from the anomalies query run directly on the lake with those settings. */
  alerted: Anomaly[];
}
// Five days of history judge nothing with the defaults: with one day enough to judge first reads, and
// every database sensitive, the main lake's first reads are high-severity findings to alert on.
const SILENT_MEMBER = "444455556666";
const MAIN_ANOMALIES = { minHistoryDays: 1, sensitive: Object.keys(DATABASES).sort() };
/** A stack as its entry in the variable gives it, before beforeAll adds its lake and Athena and what they hold. */
type StackEntry = Omit<Stack, "lake" | "athena" | "gaps" | "arns" | "alerted">;
const ENTRIES: [StackEntry, StackEntry] = [
  {
    name: "main",
    seed: 11,
    region: "us-east-1",
    roleArn: "arn:aws:iam::111111111111:role/athena-audit-reporting",
    workGroup: "athena-audit",
    database: "athena_audit",
    anomalySettings: MAIN_ANOMALIES,
    // The generated account, and a member whose collectors were never deployed.
    expectedAccounts: [ACCOUNT_ID, SILENT_MEMBER],
  },
  {
    name: "eu",
    seed: 12,
    region: "eu-west-1",
    roleArn: "arn:aws:iam::222222222222:role/athena-audit-reporting-eu",
    workGroup: "athena-audit-eu",
    database: "athena_audit_eu",
  },
];
const STACKS = ENTRIES as [Stack, Stack];
/** The variable as docs/reports-and-issues.md builds it: each stack's outputs (extra keys included) plus its name. */
const variable = (
  stacks: Pick<Stack, "name" | "roleArn" | "region" | "workGroup" | "database" | "anomalySettings" | "expectedAccounts">[],
) =>
  JSON.stringify(
    stacks.map((s) => ({
      stack: s.name,
      bucket: `audit-${s.region}`,
      database: s.database,
      region: s.region,
      reportingRoleArn: s.roleArn,
      workGroup: s.workGroup,
      ...(s.anomalySettings ? { anomalySettings: s.anomalySettings } : {}),
      ...(s.expectedAccounts ? { expectedAccounts: s.expectedAccounts } : {}),
    })),
  );
const queryOptions = (s: Stack) => ({
  ...DEFAULT_OPTIONS,
  anomalies: anomalySettings(s.anomalySettings ?? {}),
  expectedAccounts: s.expectedAccounts ?? [],
});

const yesterday = addDays(dayOf(new Date()), -1);
const period = periodEnding(yesterday, DAYS);
let dir: string;
let origin: string;
let github: GitHubServer;
let harness: Harness;
const runWorkflow = (...args: Parameters<Harness["runWorkflow"]>) => harness.runWorkflow(...args);

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
const head = () => harness.head();
const show = (file: string) => harness.show(file);

/** A main-stack issue as the version before stacks wrote it: its marker names no stack. */
function legacyIssue(principalArn: string, title: string): void {
  const fp = crypto.createHash("sha256").update(principalArn).digest("hex").slice(0, 16);
  github.issues.push({
    number: github.issues.length + 1,
    title,
    body: `Old text.\n\n<!-- athena-audit:fingerprint=${fp} -->\n`,
    state: "open",
    labels: [FORMER_LABEL],
    comments: [],
  });
}

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  dir = tempDir("workflow");
  cleanUp(() => fs.rmSync(dir, { recursive: true, force: true }));
  origin = freshOrigin(ROOT, dir);
  github = await startGitHubServer(OWNER, REPO);
  cleanUp(() => github.close());
  harness = workflowHarness({ dir, origin, github, owner: OWNER, repo: REPO, accounts: () => STACKS });
  cleanUp(() => harness.cleanUp());
  for (const s of STACKS) {
    s.lake = await joinedLake({ days: DAYS, seed: s.seed, endDay: yesterday });
    cleanUp(() => s.lake.dispose());
    s.athena = await startAthenaServer({ script: duckdbScript(s.lake.engine) });
    cleanUp(() => s.athena.close());
    const arns = savedRows(SAVED.permission_gaps, await runSavedQuery(s.lake.engine, SAVED.permission_gaps, period)).map(
      (r) => r.principal_arn,
    );
    s.arns = [...new Set(arns)].sort();
    s.gaps = new Map(s.arns.map((arn) => [nameOf(arn), arns.filter((a) => a === arn).length]));
    const anomalies = (await runSavedQuery(s.lake.engine, SAVED.anomalies, period, queryOptions(s))).rows.map((r, i) =>
      toAnomaly(r, `row ${i}`),
    );
    s.alerted = alerted(anomalies, alertWindow(period.to, DEFAULT_ALERT_DAYS));
  }
  // Two of main's principals already have issues from before stacks, and one principal is gone.
  legacyIssue(at(STACKS[0].arns, 0, "principal with a permission gap in main"), "old title 1");
  legacyIssue(at(STACKS[0].arns, 1, "principal with a permission gap in main"), "old title 2");
  legacyIssue("arn:aws:iam::210987654321:role/retired", "old title 3");
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
      [
        JSON.stringify((JSON.parse(variable([STACKS[0]])) as object[]).map((e) => ({ ...e, anomalySettings: [1] }))),
        null,
        /anomalySettings, if set, an object/,
      ],
      [
        JSON.stringify((JSON.parse(variable([STACKS[0]])) as object[]).map((e) => ({ ...e, expectedAccounts: ["main"] }))),
        null,
        /expectedAccounts, if set, an array of 12-digit account ids/,
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
          queryOptions: queryOptions(s),
        });
        for (const page of embedded)
          expect(withoutProvenance(show(`reports/published/${s.name}/${page.file}`)), `${s.name}/${page.file}`).toBe(
            withoutProvenance(page.content),
          );
        // Each stack's queries ran in its own account's work group and database, and nowhere else.
        expect(new Set(s.athena.queries.map((q) => `${q.workGroup ?? "(none)"}/${q.database ?? "(none)"}`))).toEqual(
          new Set([`${s.workGroup}/${s.database}`]),
        );
        // The pages, then each issue sync's findings, and the permission sync's accounts without a grants snapshot.
        expect(s.athena.queries).toHaveLength(SAVED_QUERIES.length + 3);
        expect(job(s.name).run.summary).toContain(`# Athena usage audit: ${period.from} to ${period.to}`);
      }
      // main expects a member that sent nothing: its accounts page and index say so; eu expects none.
      expect(show("reports/published/main/usage_by_account.md")).toContain(
        `\`${SILENT_MEMBER}\` is expected, but sent nothing in the period`,
      );
      expect(show("reports/published/main/index.md")).toContain(`\`${SILENT_MEMBER}\` is expected, but sent nothing`);
      expect(show("reports/published/eu/usage_by_account.md")).not.toContain("expected");
    },
    240_000,
  );

  it("opens each stack's issues from its own findings, and no stack touches another's", () => {
    const [main, eu] = STACKS;
    const create = `POST /repos/${OWNER}/${REPO}/issues`;
    // main: two issues from before stacks are adopted (updated in place), the gone principal's closed;
    // of the rest, five a run are opened (the next run opens those deferred).
    const opened = Math.min(5, main.gaps.size - 2);
    expect(openTitles("main")).toHaveLength(2 + opened);
    expect(expectedTitles(main)).toEqual(expect.arrayContaining(openTitles("main")));
    expect(github.issues.slice(0, 3).map((i) => [i.number, i.state])).toEqual([
      [1, "open"],
      [2, "open"],
      [3, "closed"],
    ]);
    expect(github.issues.slice(0, 3).map((i) => i.labels)).toEqual(Array(3).fill(["athena-audit:permission-gaps"]));
    expect(writes(job("main").requests).sort()).toEqual(
      [
        ...Array<string>(opened).fill(create),
        // The issues from before stacks carry the label's former name: relabelled in place first.
        ...[1, 2, 3].flatMap((n) => [
          `POST /repos/northwind/data-platform/issues/${n}/labels`,
          `DELETE /repos/northwind/data-platform/issues/${n}/labels/athena-audit%3Aunused-permissions`,
        ]),
        "PATCH /repos/northwind/data-platform/issues/1",
        "PATCH /repos/northwind/data-platform/issues/2",
        "POST /repos/northwind/data-platform/issues/3/comments",
        "PATCH /repos/northwind/data-platform/issues/3",
        // The anomaly sync's: one issue per high finding of the alert window, five a run at most.
        ...Array<string>(Math.min(5, main.alerted.length)).fill(create),
      ].sort(),
    );
    // eu: only creates (5 a run at most; the rest named as deferred), so none of main's is touched.
    expect(writes(job("eu").requests)).toEqual(Array(Math.min(5, eu.gaps.size) + Math.min(5, eu.alerted.length)).fill(create));
    const euOpen = openTitles("eu");
    expect(euOpen).toHaveLength(Math.min(5, eu.gaps.size));
    expect(expectedTitles(eu)).toEqual(expect.arrayContaining(euOpen));
    expect(job("eu").run.log.match(/deferred \(cap of 5 new issues a run\): "arn:/g)).toHaveLength(eu.gaps.size - 5);
  });

  it("alerts on main's high anomalies with its settings, one issue each, and lists them in the job summary", () => {
    const [main] = STACKS;
    expect(main.alerted.length, "the settings must make some, or this proves nothing").toBeGreaterThan(0);
    // The report and the sync both ran the anomalies query with the stack's settings (its sensitive list as the SQL takes it).
    const sensitive = `,${MAIN_ANOMALIES.sensitive.join(",")},`;
    expect(main.athena.queries.filter((q) => (q.parameters ?? []).some((p) => p.includes(sensitive)))).toHaveLength(2);
    const titleOf = (f: Anomaly) =>
      `Anomaly (high): ${f.kind} by ${f.principalArn.replace(/^arn:aws:iam::\d{12}:(role|user)\//, "")} on ${f.day} (${f.subject})`;
    const opened = github.issues.filter((i) => i.labels.includes("athena-audit:anomaly"));
    expect(opened).toHaveLength(Math.min(5, main.alerted.length));
    expect(main.alerted.map(titleOf)).toEqual(expect.arrayContaining(opened.map((i) => i.title)));
    for (const issue of opened) {
      expect(issue.body).toContain(`(<https://github.com/${OWNER}/${REPO}/blob/main/reports/published/main/anomalies.md>)`);
      expect(issue.body).toMatch(/<!-- athena-audit:anomaly=[0-9a-f]{16} day=\d{4}-\d{2}-\d{2} stack=main -->\n$/);
    }
    const summary = job("main").run.summary;
    const n = main.alerted.length;
    expect(summary).toContain(`### Anomalies (main): ${n} high-severity finding${n === 1 ? "" : "s"}, `);
    expect(summary.match(/^- \*\*high\*\* /gm)).toHaveLength(n);
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

  it("a second run of one stack, picked with the stack input, changes nothing but open the issues the caps deferred", async () => {
    const [start, issues, euQueries] = [head(), JSON.stringify(github.issues), STACKS[1].athena.queries.length];
    const run = await runWorkflow({ ATHENA_AUDIT_STACKS: variable(STACKS) }, { days: String(DAYS), stack: "main" });
    expect(run.reports.map((r) => [r.stack, r.run.ok])).toEqual([["main", true]]);
    const mainJob = only(run.reports, "report job");
    expect(mainJob.run.log).toContain("Reports for main unchanged.");
    // Each sync opens five a run: the permission issues and the anomaly issues the first run deferred.
    const deferredGaps = Math.min(5, Math.max(0, STACKS[0].gaps.size - 2 - 5));
    const deferred = deferredGaps + Math.min(5, Math.max(0, STACKS[0].alerted.length - 5));
    expect([head(), writes(mainJob.requests)]).toEqual([start, Array(deferred).fill(`POST /repos/${OWNER}/${REPO}/issues`)]);
    expect(JSON.stringify(github.issues.slice(0, github.issues.length - deferred))).toBe(issues);
    expect(STACKS[1].athena.queries.length).toBe(euQueries);
  }, 120_000);
});
