/**
 * The demo's own lake (90 days, seed 42, joined with Athena's system table as `npm run demo` joins
 * it): its two CloudTrail outages must show as partial days with the ledger's counts (the first
 * before the account enabled system tables, so its queries stay unattributed; the second after, so
 * the system table names their principals), the index must say so, and no permission gap that an
 * unattributed query could explain may be rated high.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { demoAnomalySettings, PlantedAnomaly } from "../../generator/planted-anomalies";
import { LedgerEntry } from "../../generator/ledger";
import { MARKETING_ACCOUNT_ID } from "../../generator/org";
import { AnomalySettings } from "../../core/anomaly-settings";
import { DEFAULT_OPTIONS, Period, runSavedQuery, SAVED, savedRows } from "../../queries/saved";
import { indexModel } from "../../reports/pages/model";
import { runSavedQueries } from "../../reports/publish";
import { cleanupAfterAll } from "../support/cleanup";
import { at, only } from "../support/defined";
import { expectedEvents, expectedPrincipal, joinedLake, JoinedLake, touchesGrant } from "../support/lake";

let lake: JoinedLake;
let period: Period;
/** Queries no witness names: CloudTrail missed them before the system table was enabled. */
let unattributed: LedgerEntry[];
/** Queries CloudTrail missed whose principal the system table gave. */
let witnessedOnly: LedgerEntry[];

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  lake = await joinedLake({ days: 90, seed: 42, endDay: "2026-10-31", systemTables: true });
  cleanUp(() => lake.dispose());
  period = { from: lake.ledger.firstDay, to: lake.ledger.lastDay };
  unattributed = expectedEvents(lake.ledger).filter((q) => expectedPrincipal(q, true).arn === null);
  witnessedOnly = expectedEvents(lake.ledger).filter((q) => expectedPrincipal(q, true).source === "system_table");
}, 120_000);

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

describe("the demo's anomalies (issue 15), judged against the generator's labels", () => {
  const settings = () => demoAnomalySettings(lake.ledger.lastDay);
  const findings = async (anomalies: AnomalySettings = settings()) =>
    savedRows(SAVED.anomalies, await runSavedQuery(lake.engine, SAVED.anomalies, period, { ...DEFAULT_OPTIONS, anomalies }));
  const matches = (r: { kind: string; principal_arn: string; day: string }, a: PlantedAnomaly) =>
    r.kind === a.kind && r.principal_arn === a.principalArn && r.day === a.day;

  it("finds every planted anomaly with its kind, principal, day and subject (recall 100%)", async () => {
    const rows = await findings();
    expect(lake.ledger.anomalies.map((a) => a.kind).sort()).toEqual([
      "exfiltration",
      "exfiltration",
      "origin",
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
  const findings = async () =>
    savedRows(
      SAVED.anomalies,
      await runSavedQuery(lake.engine, SAVED.anomalies, period, {
        ...DEFAULT_OPTIONS,
        anomalies: demoAnomalySettings(lake.ledger.lastDay),
      }),
    );

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
    const anomalies = { ...demoAnomalySettings(lake.ledger.lastDay), downloadFloorBytes: 2 * d.bytes, downloadFloorObjects: 2 * d.objects };
    const rows = savedRows(SAVED.anomalies, await runSavedQuery(lake.engine, SAVED.anomalies, period, { ...DEFAULT_OPTIONS, anomalies }));
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
