/**
 * `issues sync --dry-run` with no GITHUB_TOKEN and no network, from a findings file: the built
 * command prints every issue it would open (title, label, body), for the permission gaps and the
 * anomalies, and connects to nothing (test/support/dry-run.ts). With a token, the dry run reads the
 * open issues and previews updates and closes, writing nothing.
 */
import { describe, expect, it } from "vitest";
import { present } from "../support/defined";
import { accountOf, ANOMALY_LABEL, command, GAPS_LABEL, MAIN, OFFLINE, offlineSync, online, preview, sha16 } from "../support/dry-run";
import { startGitHubServer } from "../support/github-server";

const sync = offlineSync();

const MAIN_ACCOUNT = "210987654321";
const OTHER_ACCOUNT = "123456789012";
/** A findings-file entry as a user writes one: the columns that matter, the rest left out (none, or zero). */
const gap = (arn: string, grantKind: "workgroup" | "database" | "table", resource: string) => ({
  principalArn: arn,
  principalType: arn.includes(":user/") ? "user" : "AssumedRole",
  accountId: accountOf(arn),
  grantKind,
  resource,
  accessPath: "iam",
  lastUsedFrom: "2026-08-03",
  windowFrom: "2026-08-03",
  windowTo: "2026-10-31",
  confidence: "high",
  reason: "every query of the window has history and a named principal; no unattributed query touched it",
});
const CONTRACTOR = `arn:aws:iam::${MAIN_ACCOUNT}:user/old-contractor`;
const REPORTING = `arn:aws:iam::${MAIN_ACCOUNT}:role/reporting-app`;
const ETL = `arn:aws:iam::${MAIN_ACCOUNT}:role/etl-nightly-glue`;
const OTHER_ETL = `arn:aws:iam::${OTHER_ACCOUNT}:role/etl-nightly-glue`;
/** Four principals, seven grants; the ETL role's name in two accounts, so its titles name the account. */
const GAPS = [
  gap(CONTRACTOR, "workgroup", "primary"),
  gap(CONTRACTOR, "database", "sales"),
  gap(CONTRACTOR, "table", "sales.customers"),
  gap(REPORTING, "table", "finance.ledger"),
  gap(REPORTING, "database", "hr"),
  gap(ETL, "database", "finance"),
  // The lake's text, written to reach the Actions log as workflow commands.
  { ...gap(OTHER_ETL, "table", "leads.contacts"), reason: "x\n::add-mask::y\n  ::error::z ##[group]w" },
];
const GAP_TITLES: Record<string, string> = {
  [CONTRACTOR]: "Unused Athena permissions: old-contractor (3 grants)",
  [REPORTING]: "Unused Athena permissions: reporting-app (2 grants)",
  [ETL]: `Unused Athena permissions: etl-nightly-glue (account ${MAIN_ACCOUNT}, 1 grant)`,
  [OTHER_ETL]: `Unused Athena permissions: etl-nightly-glue (account ${OTHER_ACCOUNT}, 1 grant)`,
};

describe("issues sync --dry-run, offline, from a findings file", () => {
  it("prints every permission-gap issue it would open, in full", async () => {
    const run = await sync.run(["--findings", sync.json("gaps.json", GAPS)]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.split("\n")[0]).toBe(OFFLINE);
    const { summary, sections } = preview(run.stdout);
    expect(summary).toBe(`dry run, label ${GAPS_LABEL}, stack main: 4 to open, 0 to update, 0 to close, 0 unchanged`);
    expect(sections.map((s) => s.title).sort()).toEqual(Object.values(GAP_TITLES).sort());
    expect(sections.map((s) => s.heading)).toEqual([1, 2, 3, 4].map((n) => `would open (${n} of 4)`));
    for (const [arn, title] of Object.entries(GAP_TITLES)) {
      const s = present(
        sections.find((x) => x.title === title),
        title,
      );
      expect(s.labels).toBe(GAPS_LABEL);
      // The body names each unused grant and ends with the marker the next run finds the issue by.
      for (const g of GAPS.filter((x) => x.principalArn === arn)) expect(s.body).toContain(`| ${g.grantKind} | \`${g.resource}\` |`);
      expect(s.body.split("\n").pop()).toBe(`<!-- athena-audit:fingerprint=${sha16(arn)} account=${accountOf(arn)} -->`);
    }
    expect(run.stdout.trim().split("\n").pop()).toBe(JSON.stringify({ done: 0, unchanged: 0, deferred: 0, notDone: 0 }));
    // No line the runner would read as a command, in either of its forms.
    expect(run.stdout.split("\n").filter((l) => /^\s*::/.test(l) || l.includes("##["))).toEqual([]);
    expect(run.stdout).toContain("::add-mask::y");
  });

  it("opens what the cap allows and says how many wait for a later run", async () => {
    const run = await sync.run(["--findings", sync.json("gaps.json", GAPS), "--max-new", "2"]);
    expect(run.status, run.stderr).toBe(0);
    const { summary, sections } = preview(run.stdout);
    expect(summary).toContain("2 to open, 0 to update, 0 to close, 0 unchanged, 2 deferred by the cap of 2 new a run");
    expect(sections).toHaveLength(2);
  });

  it("prints the anomaly issues of the alert window, high only", async () => {
    const finding = (extra: Record<string, unknown>) => ({
      day: "2026-10-30",
      principalArn: REPORTING,
      kind: "origin",
      subject: "client:cli",
      measured: 3,
      score: 9,
      severity: "high",
      queries: 3,
      human: false,
      coverage: "complete",
      engine: "athena",
      ...extra,
    });
    const findings = [
      finding({}),
      finding({ day: "2026-10-28", principalArn: ETL, kind: "volume", subject: "bytes", measured: 8e11, baseline: 4e10, spread: 4e9 }),
      finding({ day: "2026-10-25", principalArn: `arn:aws:iam::${MAIN_ACCOUNT}:user/bob`, kind: "exfiltration", subject: "s3://carol-x" }),
      // Not alerted: medium, and older than the fourteen days.
      finding({ day: "2026-10-29", kind: "time", subject: "03", severity: "medium" }),
      finding({ day: "2026-10-17", kind: "probing", subject: "finance.ledger", measured: 12 }),
    ];
    const file = sync.json("anomalies.json", findings);
    // A repository may be named offline; it is not asked either.
    const run = await sync.run(["--anomalies", "--findings", file, "--end", "2026-10-31", "--repo", "northwind/data-platform"]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.split("\n")[0]).toBe(OFFLINE);
    const { summary, sections } = preview(run.stdout);
    expect(summary).toBe(`dry run, label ${ANOMALY_LABEL}, stack main: 3 to open, 0 to update, 0 to close, 0 unchanged`);
    expect(sections.map((s) => [s.title, s.labels]).sort()).toEqual([
      ["Anomaly (high): exfiltration by bob on 2026-10-25 (s3://carol-x)", ANOMALY_LABEL],
      ["Anomaly (high): origin by reporting-app on 2026-10-30 (client:cli)", ANOMALY_LABEL],
      ["Anomaly (high): volume by etl-nightly-glue on 2026-10-28 (bytes)", ANOMALY_LABEL],
    ]);
    const origin = present(
      sections.find((s) => s.title?.includes("origin")),
      "the origin issue",
    );
    expect(origin.body.split("\n").pop()).toBe(
      `<!-- athena-audit:anomaly=${sha16(`origin|${REPORTING}|client:cli|2026-10-30`)} day=2026-10-30 stack=main -->`,
    );
  });

  it("still refuses a run that would write without a token", async () => {
    const run = await command([MAIN, "issues", "sync", "--repo", "o/r", "--findings", sync.json("gaps.json", GAPS)], {
      ...process.env,
      GITHUB_TOKEN: "",
      GITHUB_ACTIONS: "false",
    });
    expect([run.status, run.stderr]).toEqual([1, expect.stringContaining("GITHUB_TOKEN is required")]);
  });
});

describe("issues sync --dry-run, with a token", () => {
  it("previews the bodies GitHub then gets, and with open issues, the updates and closes, writing nothing", async () => {
    const server = await startGitHubServer("northwind", "data-platform", 2);
    try {
      const previewed = preview((await sync.run(["--findings", sync.json("gaps.json", GAPS)])).stdout).sections;
      const made = await online(server, ["--findings", sync.json("gaps.json", GAPS)]);
      expect(made.status, made.stderr).toBe(0);
      // What the real run opened is what the offline dry run printed, body for body.
      expect(server.issues.map((i) => [i.title, i.labels, i.body]).sort()).toEqual(
        previewed.map((s) => [s.title, [GAPS_LABEL], `${s.body}\n`]).sort(),
      );
      // The contractor's grants were removed, the reporting app's hr grant is used again.
      const writes = server.requests.length;
      const later = GAPS.filter((g) => g.principalArn !== CONTRACTOR && g.resource !== "hr");
      const dry = await online(server, ["--dry-run", "--findings", sync.json("later.json", later)]);
      expect(dry.status, dry.stderr).toBe(0);
      expect(server.requests.slice(writes).every((r) => r.startsWith("GET"))).toBe(true);
      const number = (arn: string) => present(server.issues.find((i) => i.title === GAP_TITLES[arn])?.number, arn);
      const { summary, sections } = preview(dry.stdout);
      expect(summary).toBe(`dry run, label ${GAPS_LABEL}, stack main: 0 to open, 1 to update, 1 to close, 2 unchanged`);
      expect(sections.map((s) => [s.heading, s.title])).toEqual([
        [`would update #${number(REPORTING)}`, "Unused Athena permissions: reporting-app (1 grant)"],
        [`would close #${number(CONTRACTOR)}, commenting:`, undefined],
      ]);
      expect(sections[1]?.body).toBe("These grants were used again, or are no longer held, in 2026-08-03 to 2026-10-31. Closing.");
      expect(dry.stdout).not.toContain(OFFLINE);
    } finally {
      await server.close();
    }
  });
});
