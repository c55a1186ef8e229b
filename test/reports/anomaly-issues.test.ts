/** The anomaly alerts: one issue per high-severity finding of the alert window, against a local server speaking GitHub's REST API. */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { registerReportCommands } from "../../cli/report-commands";
import {
  ANOMALIES,
  anomalySummary,
  AnomalySyncOptions,
  renderAnomalyIssue,
  syncAnomalyIssues,
  toAnomaly,
} from "../../reports/issues/anomaly-issues";
import { readFindingsFile } from "../../reports/issues/findings";
import { PERMISSION_GAPS, syncPermissionGapIssues } from "../../reports/issues/permission-gap-issues";
import { Anomaly, explainAnomaly } from "../../reports/pages/anomaly-words";
import { GitHubServer, localSyncOptions, startGitHubServer } from "../support/github-server";
import { tempDir } from "../support/lake";
import { benignTwin, HOSTILE } from "../support/hostile";
import { markdownProblems } from "../support/hostile-checks";
import { CMARK_GFM_MISSING } from "../support/render-tools";
import { at } from "../support/defined";
import { gap as permissionGap } from "./permission-gap-findings";

const ARN = "arn:aws:iam::210987654321:role/reporting-app";
const finding = (extra: Partial<Anomaly> = {}): Anomaly => ({
  day: "2026-10-30",
  principalArn: ARN,
  // The reporting app names its sessions after itself: the issue leaves such a session out.
  sessions: "reporting-app",
  sessionCount: 1,
  kind: "origin",
  subject: "client:cli",
  measured: 3,
  baseline: null,
  spread: null,
  score: 9,
  severity: "high",
  queries: 3,
  exampleQueryId: "5f1e2d3c-0000-4000-8000-000000000001",
  exampleQuery: "SELECT * FROM sales.orders WHERE customer_id = 'c-1042' LIMIT 10",
  human: false,
  coverage: "partial",
  engine: "athena",
  calls: 0,
  objects: null,
  baselineObjects: null,
  peak: null,
  networks: null,
  newNetworks: null,
  alertedAt: null,
  ...extra,
});
const ORIGIN = finding();
const VOLUME = finding({
  day: "2026-10-28",
  principalArn: "arn:aws:iam::210987654321:role/etl-nightly-glue",
  sessions: "laptop, GlueJobRunnerSession",
  sessionCount: 5,
  kind: "volume",
  subject: "bytes",
  measured: 800 * 1024 ** 3,
  baseline: 40 * 1024 ** 3,
  spread: 4 * 1024 ** 3,
  score: 30,
  queries: 120,
  coverage: "complete",
});
const PROBING = finding({ day: "2026-10-20", kind: "probing", subject: "finance.ledger", measured: 12, score: 12, coverage: "complete" });
const MEDIUM = finding({ kind: "time", subject: "03", severity: "medium", score: 5 });
const LOW = finding({ kind: "reach", subject: "hr", severity: "low", score: 2 });
const OLD = finding({ day: "2026-10-10", kind: "exfiltration", subject: "s3://elsewhere", score: 20 });
const FINDINGS = [ORIGIN, VOLUME, PROBING, MEDIUM, LOW, OLD];

/** Worked out here from the definition in docs/reports-and-issues.md, not with the code under test. */
const fp = (f: Anomaly) =>
  crypto.createHash("sha256").update(`${f.kind}|${f.principalArn}|${f.subject}|${f.day}`).digest("hex").slice(0, 16);

let server: GitHubServer;
const lines: string[] = [];
const options = (extra: Partial<AnomalySyncOptions> = {}): AnomalySyncOptions => ({
  ...localSyncOptions(server, (l) => lines.push(l)),
  periodEnd: "2026-10-31",
  alertDays: 14,
  ...extra,
});
const open = () => server.issues.filter((i) => i.state === "open");
const titled = (part: string) => server.issues.find((i) => i.title.includes(part))!;

beforeEach(async () => {
  server = await startGitHubServer("northwind", "data-platform", 2);
  lines.length = 0;
});
afterEach(() => server.close());

describe("anomaly issues", () => {
  it("opens one labelled issue per high finding of the alert window, none for medium, low or older ones", async () => {
    const report = await syncAnomalyIssues(FINDINGS, options({ reportUrl: "https://github.com/northwind/data-platform/blob/main/x.md" }));
    expect(report.window).toEqual({ from: "2026-10-18", to: "2026-10-31" });
    expect(report.done.map((a) => a.kind)).toEqual(["create", "create", "create"]);
    expect(open().map((i) => [i.title, i.labels])).toEqual([
      ["Anomaly (high): volume by etl-nightly-glue on 2026-10-28 (bytes)", [ANOMALIES.label]],
      ["Anomaly (high): probing by reporting-app on 2026-10-20 (finance.ledger)", [ANOMALIES.label]],
      ["Anomaly (high): origin by reporting-app on 2026-10-30 (client:cli)", [ANOMALIES.label]],
    ]);
    const origin = titled("origin").body;
    expect(origin).toContain(explainAnomaly(ORIGIN));
    // The text redacted as on the pages: the customer id masked, the row count kept.
    expect(origin).toContain(
      "| Example query | `5f1e2d3c-0000-4000-8000-000000000001`: `SELECT * FROM sales.orders WHERE customer_id = '?' LIMIT 10` |",
    );
    expect(origin.split("\n")[0]).toBe(`**${ARN}** (a service), 2026-10-30: ${explainAnomaly(ORIGIN)}`);
    expect(origin).toContain("**The day's evidence is partial.**");
    expect(origin).toContain("**What to do**: confirm the new client or network with the owner; rotate the credentials if nobody does.");
    expect(origin).toContain("The [anomalies page](<https://github.com/northwind/data-platform/blob/main/x.md>)");
    expect(origin.endsWith(`\n\n<!-- athena-audit:anomaly=${fp(ORIGIN)} day=2026-10-30 stack=main -->\n`)).toBe(true);
    const volume = titled("volume").body;
    // The role's sessions behind the finding, the heaviest first, and how many more the query counted.
    expect(volume.split("\n")[0]).toBe(
      "**arn:aws:iam::210987654321:role/etl-nightly-glue** as laptop, GlueJobRunnerSession and 3 more (a service), " +
        `2026-10-28: ${explainAnomaly(VOLUME)}`,
    );
    expect(volume).toContain("| Measured | 800.0 GiB |");
    expect(volume).toContain("| Normal | median 40.0 GiB a day, typical deviation 4.0 GiB |");
    expect(volume).not.toContain("evidence is partial");
  });

  it("changes nothing on a second run, and updates the issue whose finding's facts changed", async () => {
    await syncAnomalyIssues(FINDINGS, options());
    const again = await syncAnomalyIssues(FINDINGS, options());
    expect([again.planned, again.unchanged]).toEqual([[], 3]);
    const complete = { ...ORIGIN, coverage: "complete" as const, measured: 7, queries: 7 };
    const changed = await syncAnomalyIssues([complete, VOLUME, PROBING], options());
    expect(changed.done.map((a) => [a.kind, "number" in a ? a.number : undefined])).toEqual([["update", 3]]);
    const origin = titled("origin");
    expect([origin.state, origin.body.includes("evidence is partial"), origin.body.includes("| Measured | 7 queries |")]).toEqual([
      "open",
      false,
      true,
    ]);
  });

  it("closes, saying why, the finding no longer found, the one no longer high and the one older than the alert window", async () => {
    await syncAnomalyIssues(FINDINGS, options());
    // Six days later: the probing burst of 2026-10-20 is out of the 14-day window, the origin finding
    // is now medium, and the volume finding is gone.
    const later = await syncAnomalyIssues([{ ...ORIGIN, severity: "medium" }, PROBING], options({ periodEnd: "2026-11-06" }));
    expect(later.done.map((a) => [a.kind, "number" in a ? a.number : undefined])).toEqual([
      ["close", 1],
      ["close", 2],
      ["close", 3],
    ]);
    expect(server.issues.map((i) => [i.state, i.state_reason, i.comments])).toEqual([
      [
        "closed",
        "completed",
        ["This finding is no longer found in the evidence up to 2026-11-06 (the evidence or the anomaly settings changed). Closing."],
      ],
      [
        "closed",
        "completed",
        [
          "This finding of 2026-10-20 is now older than the alert window (the last 14 days, 2026-10-24 to 2026-11-06). " +
            "Closing; the anomalies page still lists it while it is in the reporting period.",
        ],
      ],
      [
        "closed",
        "completed",
        [
          "This finding is now medium, no longer high (the evidence or the anomaly settings changed). " +
            "Closing; the anomalies page still lists it.",
        ],
      ],
    ]);
  });

  it("says an issue aged out even when its finding has left the query's period", async () => {
    await syncAnomalyIssues([PROBING], options());
    await syncAnomalyIssues([], options({ periodEnd: "2026-12-31" }));
    expect(at(server.issues, 0, "the probing issue").comments[0]).toMatch(/^This finding of 2026-10-20 is now older than the alert window/);
  });

  it("never touches the permission issues, and the permission sync never touches anomaly issues", async () => {
    // reporting-app's unused hr grant, the ARN the anomaly names.
    const gap = permissionGap("reporting-app", "hr", { reason: "history and CloudTrail complete" });
    await syncPermissionGapIssues([gap], options());
    await syncAnomalyIssues([ORIGIN], options());
    // A person gave the permission issue the anomaly label too: its marker still says it is not an anomaly issue.
    const permissionIssue = at(server.issues, 0, "the permission issue");
    permissionIssue.labels.push(ANOMALIES.label);
    const writes = () => server.requests.filter((r) => !r.startsWith("GET")).length;
    const before = writes();
    const anomalies = await syncAnomalyIssues([], options());
    expect(anomalies.done).toEqual([{ kind: "close", number: 2, fingerprint: fp(ORIGIN), comment: expect.any(String) as unknown }]);
    await syncAnomalyIssues([ORIGIN], options());
    const gaps = await syncPermissionGapIssues([], options());
    expect(gaps.done.map((a) => [a.kind, "number" in a ? a.number : undefined])).toEqual([["close", 1]]);
    expect(writes() - before).toBe(5); // anomaly #2: comment + close; a new anomaly #3; permission #1: comment + close
    expect(open().map((i) => [i.number, i.labels])).toEqual([[3, [ANOMALIES.label]]]);
    expect(permissionIssue.labels).toEqual([PERMISSION_GAPS.label, ANOMALIES.label]);
  });

  it("keeps stacks apart", async () => {
    await syncAnomalyIssues([ORIGIN], options());
    const eu = await syncAnomalyIssues([ORIGIN], options({ stack: "eu" }));
    expect(eu.done.map((a) => a.kind)).toEqual(["create"]);
    const euIssue = at(server.issues, 1, "eu's issue");
    expect(euIssue.title).toBe("Anomaly (high, eu): origin by reporting-app on 2026-10-30 (client:cli)");
    expect(euIssue.body).toContain(`<!-- athena-audit:anomaly=${fp(ORIGIN)} day=2026-10-30 stack=eu -->`);
    await syncAnomalyIssues([], options({ stack: "eu" }));
    expect(server.issues.map((i) => i.state)).toEqual(["open", "closed"]);
  });

  it("opens at most the cap of new issues a run, the highest scores first, and the rest on the next", async () => {
    const first = await syncAnomalyIssues(FINDINGS, options({ maxNew: 2 }));
    expect(open().map((i) => /^[^:]*: (\S+)/.exec(i.title)?.[1])).toEqual(["volume", "probing"]);
    expect(first.deferred).toEqual([`Anomaly (high): origin by reporting-app on 2026-10-30 (client:cli) [${ARN}]`]);
    expect(lines).toContain(`deferred (cap of 2 new issues a run): ${JSON.stringify(first.deferred[0])}`);
    const second = await syncAnomalyIssues(FINDINGS, options({ maxNew: 2 }));
    expect([open().length, second.deferred]).toEqual([3, []]);
  });

  it("says what a direct download read, how much, by which engine and from where, and what normal was", () => {
    const download = finding({
      kind: "download",
      subject: "finance.ledger",
      measured: 30 * 1024 ** 3,
      baseline: 0,
      spread: 0,
      peak: 0,
      baselineObjects: 0,
      objects: 400,
      calls: 400,
      queries: 0,
      engine: "cli",
      networks: "45.155.204.0/24",
      newNetworks: "45.155.204.0/24",
      exampleQueryId: null,
      coverage: "complete",
    });
    const { title, body } = renderAnomalyIssue(download, 14);
    expect(title).toBe("Anomaly (high): download by reporting-app on 2026-10-30 (finance.ledger)");
    expect(body).toContain(explainAnomaly(download));
    for (const row of [
      "| What | download, finance.ledger |",
      "| Measured | 30.0 GiB |",
      "| Normal | median 0 B and 0 objects a day, busiest day 0 B, typical deviation 0 B |",
      "| Engines | AWS CLI |",
      "| Other engines' calls | 400 |",
      "| Objects read | 400 |",
      "| From | 45.155.204.0/24 |",
    ])
      expect(body).toContain(row);
    expect(body).toContain("**What to do**: ask the owner whether a job or a person of theirs copied these objects");
    // Athena's own findings read as before: no rows for other engines' evidence.
    expect(renderAnomalyIssue(ORIGIN, 14).body).not.toMatch(/Engines|Other engines|Objects read|\| From/);
    const unseen = renderAnomalyIssue({ ...download, baseline: null, newNetworks: null }, 14).body;
    expect(unseen).toContain("| Normal | none: a principal not seen in the retained history |");
  });

  it("measures both exfiltration shapes, and a new principal's day, in the bytes their queries scanned", () => {
    // An UNLOAD's measure is the bytes its query scanned, as a large SELECT *'s (queries/sql/anomalies.sql).
    const unload = renderAnomalyIssue({ ...OLD, measured: 48 * 1024 ** 3 }, 14).body;
    expect(unload).toContain("| Measured | 48.0 GiB |");
    const newcomer = renderAnomalyIssue({ ...VOLUME, kind: "newcomer", measured: 10 * 1024 ** 4, peak: 2 * 1024 ** 4 }, 14).body;
    expect(newcomer).toContain("| Measured | 10.0 TiB |");
    expect(newcomer).toContain("| Normal | its peers' busiest day 2.0 TiB (a new principal has no baseline of its own) |");
  });

  it("lists the alerted findings in the job summary, one line each", () => {
    expect(anomalySummary([VOLUME, ORIGIN], { from: "2026-10-18", to: "2026-10-31" }, "main")).toBe(
      [
        "### Anomalies (main): 2 high-severity findings, 2026-10-18 to 2026-10-31",
        "",
        `- **high** 2026-10-28 etl-nightly-glue (laptop, GlueJobRunnerSession and 3 more), volume: ${explainAnomaly(VOLUME)}`,
        `- **high** 2026-10-30 reporting-app, origin: ${explainAnomaly(ORIGIN)}`,
        "",
      ].join("\n"),
    );
    expect(anomalySummary([], { from: "2026-10-18", to: "2026-10-31" }, "eu")).toBe(
      "### Anomalies (eu): no high-severity findings, 2026-10-18 to 2026-10-31\n\n",
    );
  });
});

describe.skipIf(CMARK_GFM_MISSING !== undefined)("the lake's text in an anomaly issue", () => {
  // Whoever assumes a role names its session; the example query is the lake's text too.
  const lake = (value: string) => finding({ sessions: value, sessionCount: 2, exampleQuery: value });
  const url = "https://github.com/o/r/blob/main/anomalies.md";
  it.each(Object.entries(HOSTILE))("%s: the sessions and the example query stay neutral in the body and the summary", (_kind, value) => {
    const body = (v: string) => renderAnomalyIssue(lake(v), 14, "main", url).body;
    expect(markdownProblems(body(value), body(benignTwin(value)), [/^https:\/\/github\.com\/o\/r\//])).toEqual([]);
    const window = { from: "2026-10-18", to: "2026-10-31" };
    const summary = (v: string) => anomalySummary([lake(v)], window, "main");
    expect(markdownProblems(summary(value), summary(benignTwin(value)))).toEqual([]);
  });

  it("shows them", () => {
    const body = renderAnomalyIssue(lake("canaryvalue"), 14).body;
    expect(body.split("\n")[0]).toContain("** as canaryvalue and 1 more (a service)");
    expect(body).toContain("`5f1e2d3c-0000-4000-8000-000000000001`: `canaryvalue`");
  });
});

describe("anomaly findings files and the command", () => {
  const dir = tempDir("anomaly-findings");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: unknown) => {
    const target = path.join(dir, name);
    fs.writeFileSync(target, JSON.stringify(content));
    return target;
  };

  it("reads entries in camelCase or snake_case, and names the entry and the field of a wrong one", () => {
    const snake = {
      ...ORIGIN,
      principal_arn: ORIGIN.principalArn,
      example_query_id: ORIGIN.exampleQueryId,
      session_count: ORIGIN.sessionCount,
    } as Record<string, unknown>;
    delete snake.principalArn;
    delete snake.exampleQueryId;
    delete snake.sessionCount;
    const good = file("good.json", [ORIGIN, snake]);
    expect(readFindingsFile(good, toAnomaly)).toEqual([ORIGIN, ORIGIN]);
    // A file written before findings named sessions and example queries reads as none of either.
    const older = Object.fromEntries(Object.entries(ORIGIN).filter(([key]) => !["sessions", "sessionCount", "exampleQuery"].includes(key)));
    expect(readFindingsFile(file("older.json", [older]), toAnomaly)).toEqual([
      { ...ORIGIN, sessions: null, sessionCount: 0, exampleQuery: null },
    ]);
    const cases: [unknown, string][] = [
      [[ORIGIN, { ...ORIGIN, severity: "critical" }], '[1]: severity must be high, medium or low, got "critical"'],
      [[{ ...ORIGIN, human: "yes" }], '[0]: human must be true or false, got "yes"'],
      [
        [{ ...ORIGIN, kind: "weird" }],
        '[0]: kind must be volume, reach, origin, time, probing, exfiltration, download, newcomer or drift, got "weird"',
      ],
      [[{ ...ORIGIN, day: undefined }], "[0]: day must be text, got undefined"],
      [[{ ...ORIGIN, measured: "lots" }], '[0]: measured must be a number, got "lots"'],
      [[42], "[0]: expected an object"],
      [{ findings: [] }, ": expected a JSON array of findings"],
    ];
    for (const [content, message] of cases) {
      const bad = file("bad.json", content);
      expect(() => readFindingsFile(bad, toAnomaly)).toThrow(`${bad}${message}`);
    }
  });

  it("syncs from a findings file with --anomalies, and refuses anomaly options without it", async () => {
    const run = async (args: string[]) => {
      const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
      registerReportCommands(program);
      await program.parseAsync(["issues", "sync", "--repo", "northwind/data-platform", ...args], { from: "user" });
    };
    const saved = { ...process.env };
    Object.assign(process.env, { GITHUB_TOKEN: "ghs_local", GITHUB_API_URL: server.url, GITHUB_ACTIONS: "false" });
    const log = console.log;
    console.log = (line: string) => lines.push(line);
    try {
      const findings = file("findings.json", FINDINGS);
      await expect(run(["--findings", findings, "--alert-days", "3"])).rejects.toThrow("--alert-days needs --anomalies");
      await run(["--anomalies", "--findings", findings, "--end", "2026-10-31", "--alert-days", "3"]);
      // Three days, 2026-10-29 to 2026-10-31: only the origin finding of 2026-10-30.
      expect(open().map((i) => [i.title, i.labels])).toEqual([
        ["Anomaly (high): origin by reporting-app on 2026-10-30 (client:cli)", [ANOMALIES.label]],
      ]);
      expect(lines).toContain(JSON.stringify({ done: 1, unchanged: 0, deferred: 0, notDone: 0 }));
    } finally {
      console.log = log;
      process.env = saved;
    }
  });
});
