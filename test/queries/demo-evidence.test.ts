/**
 * The demo's own lake, made by the demo's own code (`runDemo`, what `npm run demo` runs: 90 days
 * reported, 90 before them, seed 42, joined with Athena's system table): `report` over it with the
 * demo's settings file renders the demo's pages byte for byte; its two CloudTrail outages must show
 * as partial days with the ledger's counts (the first before the account enabled system tables, so
 * its queries stay unattributed; the second after, so the system table names their principals), the
 * index must say so, and no permission gap that an unattributed query could explain may be rated high.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_ANOMALY_SETTINGS, PlantedAnomaly } from "../../generator/planted-anomalies";
import { DEFAULT_END_DAY, Ledger } from "../../generator/generate";
import { LedgerEntry } from "../../generator/ledger";
import { MARKETING_ACCOUNT_ID } from "../../generator/org";
import { AnomalySettings } from "../../core/anomaly-settings";
import { DEFAULT_TB } from "../../core/cost";
import { addDays } from "../../core/days";
import { DuckDbEngine } from "../../queries/duckdb/engine";
import { DEFAULT_OPTIONS, Period, runSavedQuery, SAVED, savedRows } from "../../queries/saved";
import { indexModel } from "../../reports/pages/model";
import { principalName, usd } from "../../reports/pages/format";
import { weekStart } from "../../reports/pages/charts";
import { runSavedQueries } from "../../reports/publish";
import { runDemo, SILENT } from "../../cli/pipeline";
import { buildCli, runCli, treeState } from "../support/cli-run";
import { cleanupAfterAll } from "../support/cleanup";
import { at, only } from "../support/defined";
import { expectedEvents, expectedPrincipal, tempDir, touchesGrant } from "../support/lake";
import { fromLedger, fromRows } from "../support/permission-verdicts-ledger";
import { declaredGrants } from "../../generator/iam";

const DAYS = 90;
let root: string;
let lake: { ledger: Ledger; engine: DuckDbEngine };
let period: Period;
/** Queries no witness names: CloudTrail missed them before the system table was enabled. */
let unattributed: LedgerEntry[];
/** Queries CloudTrail missed whose principal the system table gave. */
let witnessedOnly: LedgerEntry[];

const cleanUp = cleanupAfterAll();
// The demo itself (180 days generated and joined) takes about a minute alone, and twice that on a loaded machine.
beforeAll(async () => {
  root = tempDir("demo");
  cleanUp(() => fs.rmSync(root, { recursive: true, force: true }));
  const demo = { lake: path.join(root, "lake"), out: path.join(root, "demo-pages"), days: DAYS, seed: 42, end: DEFAULT_END_DAY };
  const { ledger } = await runDemo({ ...demo, tb: DEFAULT_TB, systemTables: true }, SILENT, () => undefined);
  const engine = await DuckDbEngine.open({ root: demo.lake });
  cleanUp(() => engine.close());
  lake = { ledger, engine };
  period = { from: addDays(ledger.lastDay, 1 - DAYS), to: ledger.lastDay };
  unattributed = expectedEvents(ledger).filter((q) => expectedPrincipal(q, true).arn === null);
  witnessedOnly = expectedEvents(ledger).filter((q) => expectedPrincipal(q, true).source === "system_table");
}, 240_000);

describe("the demo's previous period, and its pages reproduced by report", () => {
  it("compares the period with as many days before it, and plants nothing in those", async () => {
    expect(lake.ledger.firstDay).toBe(addDays(period.from, -DAYS));
    const rows = savedRows(SAVED.top_scanners, await runSavedQuery(lake.engine, SAVED.top_scanners, period));
    const before = expectedEvents(lake.ledger).filter((q) => q.eventDay < period.from);
    expect(rows[0]?.total_previous_queries).toBe(before.length);
    expect(rows[0]?.evidence_from).toBe(lake.ledger.firstDay);
    expect(lake.ledger.anomalies.every((a) => a.day >= period.from)).toBe(true);
    expect(lake.ledger.bill.planted.day >= period.from).toBe(true);
  });

  it("renders every page byte for byte from the lake and the committed settings file, as the README's command does", () => {
    buildCli();
    const out = path.join(root, "report-pages");
    const settings = path.join("generator", "demo-anomaly-settings.json");
    const run = runCli([
      "report",
      "--lake",
      path.join(root, "lake"),
      "--end",
      period.to,
      "--days",
      `${DAYS}`,
      "--anomaly-settings",
      settings,
      "--out",
      out,
    ]);
    expect(run.status, run.stderr).toBe(0);
    const demoPages = treeState(path.join(root, "demo-pages"));
    expect(Object.keys(demoPages).length, "the demo's pages").toBeGreaterThan(10);
    expect(treeState(out)).toEqual(demoPages);
    // The pages depend on the file: the anomalies page states the settings it judged with, the defaults list no bucket.
    const anomalies = fs.readFileSync(path.join(out, "anomalies.md"), "utf8");
    for (const bucket of DEMO_ANOMALY_SETTINGS.knownBuckets) expect(anomalies).toContain(bucket);
  });
});

describe("the demo's evidence, judged honestly", () => {
  it("shows each outage day as partial with the ledger's counts, every other region-day complete", async () => {
    const rows = savedRows(SAVED.data_coverage, await runSavedQuery(lake.engine, SAVED.data_coverage, period));
    const lost = new Map<string, [number, number]>();
    for (const q of [...unattributed, ...witnessedOnly]) {
      const [none, witnessed] = lost.get(`${q.eventDay} ${q.region}`) ?? [0, 0];
      lost.set(`${q.eventDay} ${q.region}`, q.attributed || q.witness ? [none, witnessed + 1] : [none + 1, witnessed]);
    }
    expect(lost.size, "the generator's two outages").toBe(2);
    expect(unattributed.length, "one outage before system tables").toBeGreaterThan(0);
    expect(witnessedOnly.length, "one outage after").toBeGreaterThan(0);
    const partial = rows.filter((r) => r.coverage === "partial");
    expect(partial.map((r) => [`${r.day} ${r.region}`, [r.unattributed, r.from_system_table]])).toEqual([...lost.entries()].sort());
    expect(rows.filter((r) => r.coverage !== "partial").every((r) => r.coverage === "complete")).toBe(true);
  });

  it("says so in the index headline", async () => {
    const index = indexModel(await runSavedQueries(lake.engine, period), period, "test");
    expect(index.coverage.headline).toBe(`${180 - 2} complete, 2 partial, 0 missing (of 180 region-days)`);
  });

  it("decides the permission verdicts the ledger calls for, old-contractor first: remove", async () => {
    const expected = fromLedger(lake, period, true);
    expect(await fromRows(lake, period)).toEqual(expected);
    expect(expected[0]).toMatchObject({
      principal: expect.stringMatching(/:user\/old-contractor$/) as unknown,
      kind: "remove",
      confidence: "high",
    });
    // The unwitnessed outage touched old-contractor's grants: the rule, not an empty record, makes it a removal.
    expect(unattributed.some((q) => touchesGrant(q, "workgroup", "primary"))).toBe(true);
    // The analyst created three days before the end waits until it is 45 days old; the others are trimmed.
    const created = declaredGrants(period.to)
      .find((g) => g.principalArn.endsWith(":user/new-analyst"))!
      .created.slice(0, 10);
    expect(expected.find((v) => v.principal.endsWith(":user/new-analyst"))).toMatchObject({ kind: "wait", until: addDays(created, 44) });
    expect(expected.filter((v) => v.kind === "trim").length).toBeGreaterThan(3);
  });

  it("rates low, with the reason, old-contractor's primary and sales.customers and alice's finance.ledger", async () => {
    const rows = savedRows(SAVED.permission_gaps, await runSavedQuery(lake.engine, SAVED.permission_gaps, period));
    const gap = (who: string, kind: string, resource: string) =>
      rows.find((r) => r.principal_arn.endsWith(`/${who}`) && r.grant_kind === kind && r.resource === resource);
    for (const [who, kind, resource] of [
      ["old-contractor", "workgroup", "primary"],
      ["old-contractor", "table", "sales.customers"],
      ["alice", "table", "finance.ledger"],
    ] as const) {
      const touching = unattributed.filter((q) => touchesGrant(q, kind, resource));
      expect(touching.length, `the ledger has unattributed queries on ${resource}`).toBeGreaterThan(0);
      const row = gap(who, kind, resource);
      expect(row?.confidence, `${who} ${resource}`).toBe("low");
      const days = [...new Set(touching.map((q) => q.eventDay))].sort().join(", ");
      expect(row?.reason).toContain(`${touching.length} unattributed quer${touching.length === 1 ? "y" : "ies"}`);
      expect(row?.reason).toContain(`${resource} on ${days}`);
    }
    // The outages leave no database or table grant of the main account high: every day with a gap is
    // partial for them, so those no unattributed query touched are medium, and say why. A work group's
    // days are partial only when an unattributed query ran in it (which makes its grants low), so an
    // untouched one stays high. Each account is judged on its own evidence: the marketing account's
    // trail lost nothing, so its grants are high.
    const others = rows.filter((r) => r.confidence !== "low");
    expect(others.filter((r) => r.grant_kind !== "workgroup").length).toBeGreaterThan(0);
    for (const r of others) {
      const lost = unattributed.filter((q) => q.account === r.principal_arn.split(":")[4]);
      if (r.grant_kind === "workgroup") {
        expect(
          lost.filter((q) => q.workGroup === r.resource),
          r.resource,
        ).toEqual([]);
        expect([r.confidence, r.reason]).toEqual(["high", expect.stringContaining(`no unattributed query touched ${r.resource}`)]);
      } else if (lost.length > 0)
        expect([r.confidence, r.reason]).toEqual(["medium", expect.stringContaining("queries lack history or a named principal on")]);
      else expect([r.confidence, r.reason]).toEqual(["high", expect.stringContaining(`no unattributed query touched ${r.resource}`)]);
    }
    expect(others.some((r) => r.principal_arn.split(":")[4] === MARKETING_ACCOUNT_ID && r.resource === "leads")).toBe(true);
  });
});

const anomalyRows = async (anomalies: AnomalySettings) =>
  savedRows(SAVED.anomalies, await runSavedQuery(lake.engine, SAVED.anomalies, period, { ...DEFAULT_OPTIONS, anomalies }));
let demoFindings: ReturnType<typeof anomalyRows> | undefined;
/** The anomalies query's rows with `anomalies`; with the demo's own settings it runs once for every test that reads them. */
const findings = (anomalies: AnomalySettings = DEMO_ANOMALY_SETTINGS) =>
  anomalies === DEMO_ANOMALY_SETTINGS ? (demoFindings ??= anomalyRows(anomalies)) : anomalyRows(anomalies);

describe("the demo's anomalies (issue 15), judged against the generator's labels", () => {
  const settings = () => DEMO_ANOMALY_SETTINGS;
  const matches = (r: { kind: string; principal_arn: string; day: string }, a: PlantedAnomaly) =>
    // A drift is found on any of its days: the rule fires once the summed excess crosses its threshold.
    r.kind === a.kind && r.principal_arn === a.principalArn && (a.days ?? [a.day]).includes(r.day);

  it("finds every planted anomaly with its kind, principal, day and subject (recall 100%)", async () => {
    const rows = await findings();
    expect(lake.ledger.anomalies.map((a) => a.kind).sort()).toEqual([
      "drift",
      "exfiltration",
      "exfiltration",
      "newcomer",
      "origin",
      "probing",
      "probing",
      "probing",
      "reach",
      "time",
      "volume",
    ]);
    for (const a of lake.ledger.anomalies) {
      expect(
        rows.filter((r) => matches(r, a)).map((r) => r.subject),
        `${a.kind} by ${a.principalArn} on ${a.day}`,
      ).toContain(a.subject);
    }
  });

  it("lets the month-end close that grows 2.2x a month pass", async () => {
    const quiet = only(lake.ledger.quiet, "the planted month-end close");
    expect(quiet.days.filter((d) => d >= period.from)).toHaveLength(6);
    expect((await findings()).filter((r) => r.principal_arn === quiet.principalArn && quiet.days.includes(r.day))).toEqual([]);
  });

  it("ties the index's cost spike to the planted volume behind it, the week's cost as the ledger's", () => {
    const planted = only(
      lake.ledger.anomalies.filter((a) => a.kind === "volume"),
      "planted volume anomaly",
    );
    const week = weekStart(planted.day);
    const cost = expectedEvents(lake.ledger)
      .filter((q) => q.eventDay >= week && q.eventDay <= addDays(week, 6))
      .reduce((n, q) => n + q.costUsd, 0);
    const index = fs.readFileSync(path.join(root, "demo-pages", "index.md"), "utf8");
    const line = index.split("\n").find((l) => l.startsWith("- **Cost spike**"));
    expect(line?.startsWith(`- **Cost spike**: the week of ${week} cost ${usd(cost)}, `), line).toBe(true);
    expect(line).toContain(`behind it: \`${principalName(planted.principalArn)}\` on ${planted.day}: scanned `);
  });

  it("raises on normal days at most a handful of findings, all low", async () => {
    // The planted direct download (issue 22) has its own tests below.
    const download = lake.ledger.directDownload!;
    const planted = (r: { principal_arn: string; day: string }) => r.principal_arn === download.iamPrincipalArn && r.day === download.day;
    const others = (await findings()).filter((r) => !lake.ledger.anomalies.some((a) => matches(r, a)) && !planted(r));
    expect(others.length, JSON.stringify(others.map((r) => [r.kind, r.day, r.principal_arn, r.subject]))).toBeLessThanOrEqual(3);
    expect(others.every((r) => r.severity === "low")).toBe(true);
  });

  it("says so when a finding's day has queries no witness attributed", async () => {
    const time = lake.ledger.anomalies.find((a) => a.kind === "time")!;
    expect(
      unattributed.some((q) => q.eventDay === time.day),
      "the planted day is an outage day",
    ).toBe(true);
    const rows = (await findings()).filter((r) => r.coverage === "partial");
    expect(rows.map((r) => [r.kind, r.day])).toEqual([["time", time.day]]);
  });

  it("lets an announced project pass, and would have raised it unannounced", async () => {
    const unannounced = (await findings({ ...settings(), announcements: [] })).filter((r) => r.kind === "reach");
    const announced = (await findings()).filter((r) => r.kind === "reach");
    const project = unannounced.filter((r) => !announced.some((a) => a.principal_arn === r.principal_arn && a.subject === r.subject));
    expect(project.map((r) => [r.principal_arn.split(":").pop(), r.subject])).toEqual([["role/reporting-app", "clickstream"]]);
    const announcement = at(settings().announcements, 0, "announcement in the demo's settings");
    expect(only(project, "finding the announcement lets pass").day >= announcement.from).toBe(true);
  });

  it("weighs sensitive resources and known buckets as the settings say", async () => {
    const plain = await findings({ ...settings(), sensitive: [], knownBuckets: [...settings().knownBuckets, "carol-transfer-2026"] });
    const reach = lake.ledger.anomalies.find((a) => a.kind === "reach")!;
    expect(plain.find((r) => matches(r, reach))?.severity, "a new database that is not sensitive").toBe("medium");
    expect(plain.some((r) => r.subject === "s3://carol-transfer-2026")).toBe(false);
    const star = plain.find((r) => r.subject === "select-star:finance.invoices");
    expect(star?.severity, "an unfiltered SELECT * of a table that is not sensitive").toBe("medium");
  });
});

describe("the demo's direct download (issue 22), judged against the generator's ledger", () => {
  it("is a high download finding with the ledger's bytes and objects, its table, engine and new network", async () => {
    const d = lake.ledger.directDownload!;
    const network = `${d.sourceIp.split(".").slice(0, 3).join(".")}.0/24`;
    const rows = (await findings()).filter((r) => r.kind === "download" && r.principal_arn === d.iamPrincipalArn);
    expect(rows.map((r) => [r.day, r.severity, r.subject, r.measured, r.objects, r.engine, r.networks, r.new_networks, r.calls])).toEqual([
      [d.day, "high", d.table, d.bytes, d.objects, "cli", network, network, d.objects],
    ]);
    // Against its own baseline: the role never read objects directly, so the median and the busiest day are zero.
    const finding = only(rows, "download finding");
    expect([finding.baseline, finding.baseline_objects, finding.peak]).toEqual([0, 0, 0]);
  });

  it("is still found from its new network, at medium, when the floors are above what it read", async () => {
    const d = lake.ledger.directDownload!;
    const anomalies = { ...DEMO_ANOMALY_SETTINGS, downloadFloorBytes: 2 * d.bytes, downloadFloorObjects: 2 * d.objects };
    const rows = await findings(anomalies);
    const download = rows.filter((r) => r.kind === "download" && r.principal_arn === d.iamPrincipalArn);
    expect(download.map((r) => [r.day, r.severity, r.measured, r.objects])).toEqual([[d.day, "medium", d.bytes, d.objects]]);
  });

  it("names the stolen role's new network and its first use of the CLI through another engine", async () => {
    const d = lake.ledger.directDownload!;
    const network = `${d.sourceIp.split(".").slice(0, 3).join(".")}.0/24`;
    const origins = (await findings()).filter((r) => r.kind === "origin" && r.principal_arn === d.iamPrincipalArn && r.day === d.day);
    expect(origins.map((r) => [r.subject, r.severity, r.engine, r.calls]).sort()).toEqual([
      [network, "medium", "cli", d.objects],
      ["client:cli", "high", "cli", d.objects],
    ]);
  });

  it("raises nothing on the other engines' normal reads: every finding from another engine is the download's", async () => {
    const d = lake.ledger.directDownload!;
    const rows = (await findings()).filter((r) => !(r.principal_arn === d.iamPrincipalArn && r.day === d.day));
    expect(rows.filter((r) => r.engine !== "athena").map((r) => [r.kind, r.day, r.principal_arn, r.subject])).toEqual([]);
    // The roles that read only outside Athena (the Glue job, Redshift Spectrum, EMR, Lake Formation's) have no finding at all.
    const athena = new Set(lake.ledger.queries.map((q) => q.iamPrincipalArn));
    const outsideOnly = new Set(
      lake.ledger.access.filter((a) => a.countedByAudit && !athena.has(a.iamPrincipalArn)).map((a) => a.iamPrincipalArn),
    );
    expect(outsideOnly.size, "the ledger's roles reading only outside Athena").toBeGreaterThanOrEqual(4);
    expect(rows.filter((r) => outsideOnly.has(r.principal_arn))).toEqual([]);
  });
});
