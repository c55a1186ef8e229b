/**
 * Issue 16, end to end: a generated two-account organization (both accounts have a `primary` work
 * group and a `clickstream` database) is collected by the real history collector, one account and
 * region at a time, each against its own local Athena server, all into one s3rver bucket; then
 * joined on the embedded engine and reported. Nothing of one account overwrites, or is counted as,
 * the other's. Every expectation is computed from the generator's ledger and declared grants.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { SILENT, reportPeriod } from "../cli/pipeline";
import { CollectSummary } from "../functions/history/collect";
import { generateLake, Ledger } from "../generator/generate";
import { LedgerEntry } from "../generator/ledger";
import { writeGrantsSnapshot } from "../generator/grants";
import { declaredGrants } from "../generator/iam";
import { ACCOUNT_ID, databasesOf, MARKETING_ACCOUNT_ID } from "../generator/org";
import { addDays, daysBetween } from "../core/days";
import { DuckDbEngine } from "../queries/duckdb/engine";
import { joinDayEmbedded } from "../queries/join/embedded";
import {
  cloudTrailRoot,
  DEFAULT_PREFIX,
  grantsTablePrefix,
  trailsTablePrefix,
  historyDayPrefix,
  historyObjectKey,
  historyTablePrefix,
  parseHistoryPartition,
} from "../core/layout";
import { DEFAULT_OPTIONS, Period, runSavedQuery, SAVED, SavedQuery, SavedQueryOptions, SavedRow, savedRows } from "../queries/saved";
import { RenderedReport } from "../reports/publish";
import { cleanupAfterAll } from "./support/cleanup";
import { present } from "./support/defined";
import { AthenaServer, startAthenaServer } from "./support/athena-server";
import { historyOperations } from "./support/athena-history";
import { AccountAthena, athenaHistories, collect, gunzipLines } from "./support/organization";
import { expectedEvents, tempDir, touchesGrant, usedOutsideAthena } from "./support/lake";
import { LocalS3, startS3 } from "./support/s3";

const MAIN = ACCOUNT_ID;
const MARKETING = MARKETING_ACCOUNT_ID;
/** A member the deployment expects whose collectors never wrote anything. */
const SILENT_ACCOUNT = "444455556666";
const BUCKET = "audit-org";
const DAYS = 4;
const END_DAY = "2026-11-17";
/** The collectors run the morning after the generated days' last straddling query was submitted. */
const NOW = new Date(`${addDays(END_DAY, 2)}T02:00:00.000Z`);
const HISTORY = historyTablePrefix(DEFAULT_PREFIX);

let source: string;
let lake: string;
let ledger: Ledger;
let entries: LedgerEntry[];
let period: Period;
let s3: LocalS3;
let engine: DuckDbEngine;
let reportDir: string;
const servers: AthenaServer[] = [];
/** Each collector run, in the order it ran. */
const runs: { account: string; region: string; day: string; summary: CollectSummary }[] = [];

const accountOfArn = (arn: string) => arn.split(":")[4];
const sum = (qs: readonly LedgerEntry[], f: (q: LedgerEntry) => number) => qs.reduce((n, q) => n + f(q), 0);

/** The ledger's queries of each history object: (account, region, submission day, work group). */
function ledgerObjects(): Map<string, LedgerEntry[]> {
  const byKey = new Map<string, LedgerEntry[]>();
  for (const q of ledger.queries) {
    const key = historyObjectKey({ account: q.account, region: q.region, dt: q.historyDay, workGroup: q.workGroup });
    byKey.set(key, [...(byKey.get(key) ?? []), q]);
  }
  return byKey;
}

const OPTIONS: SavedQueryOptions = { ...DEFAULT_OPTIONS, expectedAccounts: [MAIN, MARKETING, SILENT_ACCOUNT] };

async function run<Q extends SavedQuery>(query: Q, options: SavedQueryOptions = DEFAULT_OPTIONS): Promise<SavedRow<Q>[]> {
  return savedRows(query, await runSavedQuery(engine, query, period, options));
}

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  source = tempDir("org-source");
  lake = tempDir("org-lake");
  reportDir = tempDir("org-report");
  cleanUp(() => {
    for (const dir of [source, lake, reportDir]) fs.rmSync(dir, { recursive: true, force: true });
  });
  ledger = generateLake({ lake: source, days: DAYS, seed: 16, endDay: END_DAY });
  await writeGrantsSnapshot(source, ledger.lastDay);
  entries = expectedEvents(ledger);
  period = { from: ledger.firstDay, to: ledger.lastDay };
  s3 = await startS3(BUCKET);
  cleanUp(() => s3.close());
  cleanUp(() => Promise.all(servers.map((s) => s.close())));

  // One Athena per account and region, each answering only for its own account's work groups.
  const athenas: (AccountAthena & { server: AthenaServer })[] = [];
  for (const at of athenaHistories(source, ledger.accounts)) {
    const server = await startAthenaServer({ operations: historyOperations({ workGroups: at.workGroups, listPageSize: 50 }) });
    servers.push(server);
    athenas.push({ ...at, server });
  }
  // The main account in both regions, the marketing account in us-east-1 only.
  expect(athenas.map((a) => `${a.account} ${a.region}`)).toEqual([`${MAIN} eu-west-1`, `${MAIN} us-east-1`, `${MARKETING} us-east-1`]);
  // Every day a history object can hold: the generated days, and the morning after the last one
  // (queries logged before midnight and stamped after it). Day by day, as the daily schedule runs,
  // the marketing account's collector after the main one's, into the same bucket.
  const collectDays = daysBetween(ledger.firstDay, addDays(ledger.lastDay, 1));
  for (const day of collectDays) {
    for (const { account, region, server } of athenas)
      runs.push({
        account,
        region,
        day,
        summary: await collect({ account, region, athenaUrl: server.url, s3Url: s3.url, bucket: BUCKET }, day, NOW),
      });
  }

  // A fresh local lake: the bucket's history objects under the same keys, the trail's folders, the grants and trails snapshots.
  for (const key of await s3.keys(HISTORY)) {
    const file = path.join(lake, key);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, await s3.bytes(key));
  }
  for (const folder of [cloudTrailRoot(), grantsTablePrefix(DEFAULT_PREFIX), trailsTablePrefix(DEFAULT_PREFIX)])
    fs.cpSync(path.join(source, folder), path.join(lake, folder), { recursive: true });
  engine = await DuckDbEngine.open({ root: lake });
  cleanUp(() => engine.close());
  for (const day of daysBetween(ledger.firstDay, ledger.lastDay))
    for (const region of ledger.regions) await joinDayEmbedded(engine, day, region, { tb: ledger.tb });
  await engine.refresh();
});

describe("a two-account organization, collected, joined and reported", () => {
  it("generates queries in both accounts' primary work group on every day", () => {
    expect(ledger.accounts).toEqual([MAIN, MARKETING]);
    for (const day of daysBetween(ledger.firstDay, ledger.lastDay)) {
      for (const account of ledger.accounts) {
        const primary = ledger.queries.filter((q) => q.account === account && q.historyDay === day && q.workGroup === "primary");
        expect(primary.length, `${account} ${day}`).toBeGreaterThan(0);
      }
    }
    // Both accounts read a database called clickstream; the marketing account every day.
    const clickstream = (q: LedgerEntry) => q.tables.some((t) => t.startsWith("clickstream."));
    expect(ledger.queries.some((q) => q.account === MAIN && clickstream(q))).toBe(true);
    for (const day of daysBetween(ledger.firstDay, ledger.lastDay))
      expect(
        ledger.queries.some((q) => q.account === MARKETING && q.eventDay === day && clickstream(q)),
        day,
      ).toBe(true);
  });

  it("collects each account's history under its own keys: every object holds exactly that account's queries", async () => {
    const expected = ledgerObjects();
    const keys = await s3.keys(HISTORY);
    expect(keys).toEqual([...expected.keys()].sort());
    for (const key of keys) {
      const partition = parseHistoryPartition(key)!;
      const lines = gunzipLines(await s3.bytes(key));
      expect(lines.map((l) => l.QueryExecutionId).sort(), key).toEqual(
        expected
          .get(key)!
          .map((q) => q.id)
          .sort(),
      );
      expect(new Set(lines.map((l) => [l.WorkGroup, l.Audit.Region, l.Audit.Source, l.Audit.CollectedAt].join(" "))), key).toEqual(
        new Set([[partition.workGroup, partition.region, "collector", NOW.toISOString()].join(" ")]),
      );
    }
    // The same region, day and work group name in both accounts: two objects, each the account's own.
    for (const day of daysBetween(ledger.firstDay, ledger.lastDay)) {
      const primary = ledger.accounts.map((account) => historyObjectKey({ account, region: "us-east-1", dt: day, workGroup: "primary" }));
      expect(primary[0]).not.toBe(primary[1]);
      for (const [i, key] of primary.entries()) {
        expect(keys, key).toContain(key);
        const own = ledger.queries.filter(
          (q) => q.account === ledger.accounts[i] && q.region === "us-east-1" && q.historyDay === day && q.workGroup === "primary",
        );
        expect(
          gunzipLines(await s3.bytes(key))
            .map((l) => l.QueryExecutionId)
            .sort(),
          key,
        ).toEqual(own.map((q) => q.id).sort());
      }
    }
    // Each run wrote only its own account's days, and every query was collected once.
    const collected = runs.reduce((n, r) => n + Object.values(r.summary.recordsPerDay).reduce((a, b) => a + b, 0), 0);
    expect(collected).toBe(ledger.queries.length);
    for (const r of runs) expect(r.summary.region).toBe(r.region);
  });

  it("joins both accounts' queries into events, each once, under its own account", async () => {
    const result = await engine.run(
      "SELECT query_execution_id, account_id, work_group, region, dt, in_history, attributed, data_scanned_bytes, cost_usd FROM events",
    );
    const rows = result.rows as {
      query_execution_id: string;
      account_id: string;
      work_group: string;
      region: string;
      dt: string;
      in_history: boolean;
      attributed: boolean;
      data_scanned_bytes: number;
      cost_usd: number;
    }[];
    expect(rows).toHaveLength(entries.length);
    const byId = new Map(rows.map((r) => [r.query_execution_id, r]));
    expect(byId.size).toBe(rows.length);
    for (const q of entries) {
      const row = byId.get(q.id);
      expect(row, q.id).toBeDefined();
      expect(
        [row!.account_id, row!.work_group, row!.region, row!.dt, row!.in_history, row!.attributed, row!.data_scanned_bytes],
        q.id,
      ).toEqual([q.account, q.workGroup, q.region, q.eventDay, true, q.attributed, q.bytes]);
      expect(row!.cost_usd, q.id).toBeCloseTo(q.costUsd, 9);
    }
  });

  it("usage_by_account: one row per account with the ledger's totals, and the silent expected account said", async () => {
    const rows = await run(SAVED.usage_by_account, OPTIONS);
    const expected = [...ledger.accounts, SILENT_ACCOUNT].map((account) => {
      const own = entries.filter((q) => q.account === account);
      const unattributed = own.filter((q) => !q.attributed).length;
      const grants = declaredGrants(ledger.lastDay).filter((g) => g.account === account);
      return {
        account_id: account,
        data_scanned_bytes: sum(own, (q) => q.bytes),
        queries: own.length,
        principals: new Set(own.filter((q) => q.attributed).map((q) => q.iamPrincipalArn)).size,
        work_groups: new Set(own.map((q) => q.workGroup)).size,
        regions: new Set(own.map((q) => q.region)).size,
        with_history: own.length,
        unattributed,
        without_history: 0,
        history_days: new Set(own.map((q) => q.eventDay)).size,
        last_history_day: own.length > 0 ? ledger.lastDay : null,
        grants_day: grants.length > 0 ? ledger.lastDay : null,
        granted_principals: grants.length,
        expected: true,
        evidence: own.length === 0 ? "nothing arrived" : unattributed > 0 ? "partial" : "complete",
        cost_usd: sum(own, (q) => q.costUsd),
      };
    });
    expect(rows.map((r) => r.account_id).sort()).toEqual(expected.map((e) => e.account_id).sort());
    for (const e of expected) {
      const row = rows.find((r) => r.account_id === e.account_id)!;
      const { cost_usd, ...rest } = e;
      expect(row, e.account_id).toMatchObject(rest);
      expect(row.cost_usd, e.account_id).toBeCloseTo(cost_usd, 6);
    }
    // The main account's trail outage leaves some of its history unattributed; the marketing account's evidence is whole.
    expect(rows.find((r) => r.account_id === MAIN)!.evidence).toBe("partial");
    expect(rows.find((r) => r.account_id === MARKETING)!.evidence).toBe("complete");
    expect(rows.find((r) => r.account_id === SILENT_ACCOUNT)).toMatchObject({ evidence: "nothing arrived", expected: true, queries: 0 });
  });

  it("usage_by_workgroup: the two primary work groups are two rows, each with its own account's totals", async () => {
    const rows = await run(SAVED.usage_by_workgroup);
    const groups = new Map<string, LedgerEntry[]>();
    for (const q of entries) groups.set(`${q.account} ${q.workGroup}`, [...(groups.get(`${q.account} ${q.workGroup}`) ?? []), q]);
    expect(rows.map((r) => `${r.account_id} ${r.work_group}`).sort()).toEqual([...groups.keys()].sort());
    for (const row of rows) {
      const own = groups.get(`${row.account_id} ${row.work_group}`)!;
      expect([row.queries_long, row.data_scanned_bytes_long, row.queries_short], `${row.account_id} ${row.work_group}`).toEqual([
        own.length,
        sum(own, (q) => q.bytes),
        own.length,
      ]);
      expect(row.cost_usd_long).toBeCloseTo(
        sum(own, (q) => q.costUsd),
        6,
      );
    }
    const primary = rows.filter((r) => r.work_group === "primary");
    expect(primary.map((r) => r.account_id).sort()).toEqual([MAIN, MARKETING].sort());
  });

  it("permission_gaps: each account's unused grants, under its account, judged on its own evidence", async () => {
    const rows = await run(SAVED.permission_gaps);
    // Independently: every grant each account declared, less those its own principal used in its own account.
    const granted = declaredGrants(ledger.lastDay).flatMap((g) => [
      ...g.workGroups.map((w) => `${g.account} ${g.principalArn} workgroup ${w}`),
      ...g.databases.map((d) => `${g.account} ${g.principalArn} database ${d}`),
      ...g.databases.flatMap((d) =>
        present(databasesOf(g.account)[d], `database ${d} of account ${g.account}`).map(
          (t) => `${g.account} ${g.principalArn} table ${d}.${t}`,
        ),
      ),
    ]);
    const outside = usedOutsideAthena(ledger, period.from, period.to);
    expect(
      [...outside].some((g) => g.includes("role/etl-orders-glue")),
      "the lake's Glue job",
    ).toBe(true);
    const used = new Set(
      entries
        .filter((q) => q.attributed)
        .flatMap((q) => {
          const who = `${q.account} ${q.iamPrincipalArn ?? "(unattributed)"}`;
          return [
            `${who} workgroup ${q.workGroup}`,
            ...q.tables.flatMap((t) => [`${who} table ${t}`, `${who} database ${present(t.split(".")[0], `the database of ${t}`)}`]),
          ];
        }),
    );
    expect(rows.map((r) => `${r.account_id ?? "(none)"} ${r.principal_arn} ${r.grant_kind} ${r.resource}`).sort()).toEqual(
      // A grant used through any engine is used: the ledger's reads outside Athena (Glue, Redshift, EMR) too.
      granted.filter((g) => !used.has(g) && !outside.has(g.split(" ").slice(1).join(" "))).sort(),
    );
    for (const row of rows) expect(row.account_id, row.principal_arn).toBe(accountOfArn(row.principal_arn));

    // The marketing account's attribution role may read `leads`, which nobody reads.
    const attribution = declaredGrants(ledger.lastDay, MARKETING).find((g) =>
      g.principalArn.endsWith(":role/campaign-attribution-lambda"),
    )!;
    const leads = rows.find((r) => r.principal_arn === attribution.principalArn && r.grant_kind === "database" && r.resource === "leads");
    expect(leads).toMatchObject({ account_id: MARKETING, last_used: null });
    expect(leads!.principal_queries).toBe(entries.filter((q) => q.iamPrincipalArn === attribution.principalArn).length);
    // Judged on the marketing account's evidence alone: complete, so high. The main account's trail
    // outage (unattributed queries, partial days, in its own `primary` and `clickstream`) would make
    // it medium if judged on the organization's evidence.
    const mainLost = entries.filter((q) => q.account === MAIN && !q.attributed);
    expect(mainLost.some((q) => q.workGroup === "primary")).toBe(true);
    expect(mainLost.some((q) => q.tables.some((t) => t.startsWith("clickstream.")))).toBe(true);
    expect(entries.filter((q) => q.account === MARKETING && !q.attributed)).toEqual([]);
    for (const row of rows.filter((r) => r.account_id === MARKETING))
      expect([row.resource, row.confidence, row.reason]).toEqual([
        row.resource,
        "high",
        expect.stringContaining("every query of the window has history and a named principal"),
      ]);

    // The same names in the other account: the main account's churn role holds `clickstream`, which
    // only other principals read (the marketing account's every day); the old contractor holds
    // `primary`, which both accounts ran in every day. Both stay unused, on the main account, and
    // judged on its evidence: its unattributed queries touched both.
    const churn = declaredGrants(ledger.lastDay, MAIN).find((g) => g.principalArn.endsWith(":role/churn-scoring-lambda"))!;
    const contractor = declaredGrants(ledger.lastDay, MAIN).find((g) => g.principalArn.endsWith(":user/old-contractor"))!;
    for (const [arn, kind, resource] of [
      [churn.principalArn, "database", "clickstream"],
      [contractor.principalArn, "workgroup", "primary"],
    ] as const) {
      const row = rows.find((r) => r.principal_arn === arn && r.grant_kind === kind && r.resource === resource);
      const touching = mainLost.filter((q) => touchesGrant(q, kind, resource));
      expect(row, `${arn} ${resource}`).toMatchObject({ account_id: MAIN, last_used: null, confidence: "low" });
      expect(row!.reason).toContain(`${touching.length} unattributed quer${touching.length === 1 ? "y" : "ies"}`);
    }
  });

  it("reports both accounts: the accounts page and the index name them, and the silent expected one", async () => {
    const reports: RenderedReport[] = await reportPeriod(engine, period, reportDir, {
      source: "Embedded engine",
      concurrency: 2,
      redact: true,
      progress: SILENT,
      tb: ledger.tb,
      queryOptions: OPTIONS,
    });
    const page = (file: string) => {
      const found = reports.find((r) => r.file === file);
      expect(found, file).toBeDefined();
      expect(fs.readFileSync(path.join(reportDir, file), "utf8")).toBe(found!.content);
      return found!.content;
    };
    const accounts = page("usage_by_account.md");
    for (const account of [MAIN, MARKETING]) expect(accounts).toContain(`| \`${account}\` |`);
    expect(accounts).toContain(`\`${SILENT_ACCOUNT}\` is expected, but sent nothing in the period`);
    const line = page("index.md")
      .split("\n")
      .find((l) => l.includes("**Accounts**"));
    expect(line).toBeDefined();
    expect(line).toContain("**Accounts**: 3: ");
    for (const account of [MAIN, MARKETING, SILENT_ACCOUNT]) expect(line).toContain(`\`${account}\``);
    expect(line).toContain(`\`${SILENT_ACCOUNT}\` is expected, but sent nothing`);
    // The work groups page shows the Account column, and both primary rows.
    const workGroups = page("usage_by_workgroup.md");
    expect(workGroups).toContain("| Account |");
    for (const account of [MAIN, MARKETING]) expect(workGroups).toMatch(new RegExp(`^\\| primary \\|.* \\| \`${account}\` \\|$`, "m"));
    // The marketing account's unused `leads` grant is on the permission gaps page, under its account.
    const leads = new RegExp(`^\\| campaign-attribution-lambda \\| \`${MARKETING}\` \\| database leads \\|`, "m");
    expect(page("permission_gaps.md")).toMatch(leads);
  });

  // Last, as it changes the lake: a day the marketing account's history never arrived.
  it("data_coverage names the account whose history stopped arriving, and the accounts page calls its evidence partial", async () => {
    const day = ledger.lastDay;
    fs.rmSync(path.join(lake, historyDayPrefix({ account: MARKETING, region: "us-east-1", dt: day })), { recursive: true });
    await engine.refresh();
    await joinDayEmbedded(engine, day, "us-east-1", { tb: ledger.tb });
    await engine.refresh();
    // CloudTrail still names them: the marketing queries of the day whose history was that day's.
    const lost = ledger.queries.filter((q) => q.account === MARKETING && q.attributed && q.eventDay === day && q.historyDay === day);
    expect(lost.length, "the marketing account queried that day").toBeGreaterThan(0);
    const coverage = (await run(SAVED.data_coverage)).find((r) => r.day === day && r.region === "us-east-1")!;
    expect(coverage).toMatchObject({ coverage: "partial", without_history: lost.length, accounts_without_history: MARKETING });
    const marketing = (await run(SAVED.usage_by_account)).find((r) => r.account_id === MARKETING)!;
    expect(marketing).toMatchObject({ evidence: "partial", without_history: lost.length });
  });
});
