import * as fs from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ANOMALY_SETTINGS } from "../../core/anomaly-settings";
import { addDays, daysBetween } from "../../core/days";
import { eventsPartitionPrefix } from "../../core/layout";
import {
  DEFAULT_OPTIONS,
  Period,
  runSavedQuery,
  SAVED,
  SAVED_QUERIES,
  SavedQuery,
  SavedQueryOptions,
  savedQuerySql,
  SavedRow,
  savedRows,
} from "../../queries/saved";
import { declaredGrants } from "../../generator/iam";
import { toPermissionGap } from "../../reports/issues/permission-gap-issues";
import { ACTORS, databasesOf, roleArn } from "../../generator/org";
import { databaseOf } from "../../generator/sql";
import { LedgerEntry } from "../../generator/ledger";
import { ENGINE_ACTORS } from "../../generator/engine-actors";
import { cleanupAfterAll } from "../support/cleanup";
import { at, only, present } from "../support/defined";
import { athenaType } from "../support/athena-duckdb";
import { expectedEvents, joinedLake, JoinedLake, touchesGrant, usedOutsideAthena } from "../support/lake";
import { unfinishedFromLedger, unfinishedKey } from "../support/unfinished";

let lake: JoinedLake;
let period: Period;
let entries: LedgerEntry[];

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  lake = await joinedLake({ days: 10, seed: 11 });
  cleanUp(() => lake.dispose());
  period = { from: lake.ledger.firstDay, to: lake.ledger.lastDay };
  entries = expectedEvents(lake.ledger);
});

/** A saved query's rows, typed by its declared columns (checked below): a misspelt column does not compile. */
async function run<Q extends SavedQuery>(query: Q, options: Partial<SavedQueryOptions> = {}, p: Period = period): Promise<SavedRow<Q>[]> {
  return savedRows(query, await runSavedQuery(lake.engine, query, p, { ...DEFAULT_OPTIONS, ...options }));
}

/** Sums of the ledger grouped by a key: the independent totals the SQL must reproduce. */
function totals(items: readonly LedgerEntry[], key: (q: LedgerEntry) => string) {
  const out = new Map<string, { queries: number; bytes: number; cost: number; failed: number }>();
  for (const q of items) {
    const t = out.get(key(q)) ?? { queries: 0, bytes: 0, cost: 0, failed: 0 };
    t.queries++;
    t.bytes += q.bytes;
    t.cost += q.costUsd;
    if (q.state !== "SUCCEEDED") t.failed++;
    out.set(key(q), t);
  }
  return out;
}

const principalOf = (q: LedgerEntry) => q.principalArn ?? "(unattributed)";

/**
 * Ten days are too few for the anomaly defaults to judge anyone: settings that judge from the first
 * days, so the anomalies query has rows of every kind it can make here to check (issue 15's own tests
 * judge the 90-day demo lake with the defaults).
 */
const EAGER: SavedQueryOptions = {
  ...DEFAULT_OPTIONS,
  anomalies: {
    ...DEFAULT_ANOMALY_SETTINGS,
    baselineDays: 2,
    minHistoryDays: 1,
    volumeMads: 1,
    volumeRatio: 1,
    volumeFloorBytes: 1,
    volumeFloorQueries: 1,
  },
};

describe("saved queries return what they declare", () => {
  it.each(SAVED_QUERIES.map((q) => [q.name, q] as const))(
    "%s returns exactly its declared columns, in order, with their types",
    async (_name, query) => {
      const result = await runSavedQuery(lake.engine, query, period, query.name === "anomalies" ? EAGER : DEFAULT_OPTIONS);
      expect(result.columns.map((c) => `${c.name} ${athenaType(c.type)}`)).toEqual(query.columns.map((c) => `${c.name} ${c.type}`));
      // Rows to look at, so the checks below can fail.
      expect(result.rows.length).toBeGreaterThan(0);
      for (const column of query.columns) {
        const cells = result.rows.map((row) => row[column.name]);
        if (!column.nullable) expect(cells, `${column.name} is declared never null`).not.toContain(null);
        if (column.values)
          expect(
            cells.filter((v) => v !== null && !column.values!.includes(String(v))),
            `${column.name} values`,
          ).toEqual([]);
      }
    },
  );
});

describe("saved queries on the embedded engine, against the generator's ledger", () => {
  it("top_scanners ranks IAM principals by cost against the previous period, with their sessions beneath", async () => {
    const half: Period = { from: addDays(period.from, 5), to: period.to };
    const inHalf = (q: LedgerEntry) => q.eventDay >= half.from;
    const iamOf = (q: LedgerEntry) => `${q.iamPrincipalArn ?? "(unattributed)"} ${q.account}`;
    const now = entries.filter(inHalf);
    const before = entries.filter((q) => !inHalf(q));
    const principalsNow = totals(now, iamOf);
    const principalsBefore = totals(before, iamOf);
    const sessionsNow = totals(now, (q) => `${principalOf(q)} ${q.account}`);
    const sessionsBefore = totals(before, (q) => `${principalOf(q)} ${q.account}`);
    const cost = (m: Map<string, { cost: number }>, k: string) => m.get(k)?.cost ?? 0;
    const ranking = [...new Set(entries.map(iamOf))].sort(
      (a, b) => cost(principalsNow, b) - cost(principalsNow, a) || cost(principalsBefore, b) - cost(principalsBefore, a),
    );
    const rows = await run(SAVED.top_scanners, { limit: 4 }, half);
    const ranked = [...new Map(rows.map((r) => [r.rank, `${r.iam_principal_arn} ${r.account_id}`])).entries()];
    expect(ranked).toEqual(ranking.slice(0, 4).map((k, i) => [i + 1, k]));
    for (const row of rows) {
      const principal = `${row.iam_principal_arn} ${row.account_id}`;
      const session = `${row.principal} ${row.account_id}`;
      const p = principalsNow.get(principal) ?? { queries: 0, bytes: 0, cost: 0 };
      const s = sessionsNow.get(session) ?? { queries: 0, bytes: 0, cost: 0 };
      expect([row.principal_queries, row.principal_data_scanned_bytes, row.queries, row.data_scanned_bytes], session).toEqual([
        p.queries,
        p.bytes,
        s.queries,
        s.bytes,
      ]);
      expect(row.principal_cost_usd).toBeCloseTo(p.cost, 9);
      expect(row.principal_previous_cost_usd).toBeCloseTo(cost(principalsBefore, principal), 9);
      expect(row.cost_usd).toBeCloseTo(s.cost, 9);
      expect(row.previous_cost_usd).toBeCloseTo(cost(sessionsBefore, session), 9);
      const sessions = [...sessionsNow.keys()].filter((k) =>
        now.some((q) => iamOf(q) === principal && `${principalOf(q)} ${q.account}` === k),
      );
      expect(row.session_count, principal).toBe(sessions.length);
    }
    // Every session of a principal is beneath it, up to five, the costliest first.
    for (const [rank] of ranked) {
      const mine = rows.filter((r) => r.rank === rank);
      expect(mine.map((r) => r.session_rank)).toEqual(mine.map((_, i) => i + 1));
      expect(mine.length).toBe(
        Math.min(
          5,
          new Set(
            entries
              .filter((q) => iamOf(q) === `${present(mine[0], "a row").iam_principal_arn} ${present(mine[0], "a row").account_id}`)
              .map(principalOf),
          ).size,
        ),
      );
      expect(mine.map((r) => r.cost_usd)).toEqual([...mine.map((r) => r.cost_usd)].sort((x, y) => y - x));
    }
    expect(
      rows.some((r) => r.session_count > 1),
      "a role several sessions share",
    ).toBe(true);
    // Totals over every principal, whatever the limit; the previous period starts where the lake does.
    const first = present(rows[0], "a row");
    expect([first.total_queries, first.total_previous_queries, first.evidence_from]).toEqual([now.length, before.length, period.from]);
    expect(first.total_cost_usd).toBeCloseTo(
      now.reduce((n, q) => n + q.costUsd, 0),
      9,
    );
    expect(first.total_previous_cost_usd).toBeCloseTo(
      before.reduce((n, q) => n + q.costUsd, 0),
      9,
    );
    expect(first.total_principals).toBe(new Set(now.filter((q) => q.iamPrincipalArn !== null).map(iamOf)).size);
    expect(first.total_sessions).toBe(
      new Set(now.filter((q) => q.principalArn !== null).map((q) => `${principalOf(q)} ${q.account}`)).size,
    );
    expect(SAVED.top_scanners.parameters(half, DEFAULT_OPTIONS)).toMatchObject({ previous_from: period.from });
  });

  it("heaviest_queries gives each query shape's largest scan, largest first, with the shape's runs, bytes and cost", async () => {
    const heavier = (a: LedgerEntry, b: LedgerEntry) => b.bytes - a.bytes || a.id.localeCompare(b.id);
    const byShape = new Map<string, LedgerEntry[]>();
    for (const q of entries) byShape.set(q.shape, [...(byShape.get(q.shape) ?? []), q]);
    const shapes = [...byShape.values()].map((runs) => [...runs].sort(heavier));
    const heaviest = shapes.sort((a, b) => heavier(at(a, 0, "a shape's heaviest run"), at(b, 0, "a shape's heaviest run"))).slice(0, 7);
    const rows = await run(SAVED.heaviest_queries, { limit: 7 });
    expect(rows.map((r) => [r.query_execution_id, r.data_scanned_bytes, r.principal, r.shape_runs, r.shape_data_scanned_bytes])).toEqual(
      heaviest.map((runs) => {
        const q = at(runs, 0, "a shape's heaviest run");
        return [q.id, q.bytes, principalOf(q), runs.length, runs.reduce((n, r) => n + r.bytes, 0)];
      }),
    );
    rows.forEach((row, i) =>
      expect(row.shape_cost_usd, row.query_execution_id).toBeCloseTo(
        at(heaviest, i, "the shape").reduce((n, r) => n + r.costUsd, 0),
        9,
      ),
    );
    // One shape ran more than once among them, so the rows are not simply the largest scans.
    expect(rows.some((r) => r.shape_runs > 1)).toBe(true);
  });

  it("usage_daily gives each day's queries, principals, bytes and cost", async () => {
    const byDay = totals(entries, (q) => q.eventDay);
    const rows = await run(SAVED.usage_daily);
    expect(rows.map((r) => r.day)).toEqual([...byDay.keys()].sort());
    for (const row of rows) {
      const t = byDay.get(row.day)!;
      const principals = new Set(entries.filter((q) => q.eventDay === row.day && q.principalArn).map((q) => q.principalArn));
      expect([row.queries, row.data_scanned_bytes, row.principals, row.failed_or_cancelled]).toEqual([
        t.queries,
        t.bytes,
        principals.size,
        t.failed,
      ]);
      expect(row.cost_usd).toBeCloseTo(t.cost, 9);
    }
  });

  it("usage_by_workgroup totals each work group of each account", async () => {
    // Both accounts have a work group called primary: two rows.
    const byGroup = totals(entries, (q) => `${q.account} ${q.workGroup}`);
    expect(byGroup.size).toBeGreaterThan(new Set(entries.map((q) => q.workGroup)).size);
    const rows = await run(SAVED.usage_by_workgroup);
    expect(Object.fromEntries(rows.map((r) => [`${r.account_id} ${r.work_group}`, [r.queries_long, r.data_scanned_bytes_long]]))).toEqual(
      Object.fromEntries([...byGroup.entries()].map(([g, t]) => [g, [t.queries, t.bytes]])),
    );
  });

  it("principal_profiles tells the org's people from its services and lists how each connects", async () => {
    const rows = await run(SAVED.principal_profiles);
    const active = new Set(entries.filter((q) => q.attributed).map((q) => q.iamPrincipalArn));
    expect(new Set(rows.map((r) => r.iam_principal_arn))).toEqual(active);
    for (const actor of ACTORS.filter((a) => active.has(roleArn(a)))) {
      const row = rows.find((r) => r.iam_principal_arn === roleArn(actor))!;
      const families = [...new Set(entries.filter((q) => q.actor === actor.key && q.attributed).map((q) => q.clientFamily))].sort();
      expect([actor.key, row.kind, row.client_families]).toEqual([actor.key, actor.human ? "human" : "service", families.join(", ")]);
    }
    // Shared: the services the generator gives more than one client family, first.
    const shared = ACTORS.filter((a) => !a.human && new Set(a.clients.map((c) => c.clientFamily)).size > 1).map(roleArn);
    expect(new Set(rows.slice(0, shared.length).map((r) => r.iam_principal_arn))).toEqual(new Set(shared));
    expect(rows.map((r) => r.shared)).toEqual(rows.map((_, i) => i < shared.length));
  });

  it("failed_and_cancelled bills cancelled queries what they scanned, failed ones nothing, and sums time by error type", async () => {
    const expected = unfinishedFromLedger(entries);
    const rows = await run(SAVED.failed_and_cancelled);
    expect(rows.map((r) => unfinishedKey({ ...r, errorCategory: r.error_category, errorType: r.error_type })).sort()).toEqual(
      [...expected.keys()].sort(),
    );
    for (const row of rows) {
      const g = expected.get(unfinishedKey({ ...row, errorCategory: row.error_category, errorType: row.error_type }))!;
      expect([row.queries, row.data_scanned_bytes, row.engine_execution_ms, row.total_execution_ms, row.example_error]).toEqual([
        g.queries,
        g.bytes,
        g.engineMs,
        g.totalMs,
        g.example,
      ]);
      expect(row.cost_usd).toBeCloseTo(g.cost, 12);
      if (row.state === "FAILED") expect(row.cost_usd).toBe(0);
    }
    // Failed queries that scanned data (free) and cancelled ones that paid, in more than one error type: the checks above can fail.
    expect(rows.some((r) => r.state === "FAILED" && r.data_scanned_bytes > 0)).toBe(true);
    expect(rows.some((r) => r.state === "CANCELLED" && r.cost_usd > 0)).toBe(true);
    expect(new Set(rows.filter((r) => r.state === "FAILED").map((r) => r.error_type)).size).toBeGreaterThan(1);
  });

  it("permission_gaps names exactly the grants the generator declared and the ledger never used, and none it used", async () => {
    const granted = declaredGrants(period.to).flatMap((g) => [
      ...g.workGroups.map((w) => `${g.principalArn} workgroup ${w}`),
      ...g.databases.map((d) => `${g.principalArn} database ${d}`),
      ...g.databases.flatMap((d) =>
        present(databasesOf(g.account)[d], `database ${d} of account ${g.account}`).map((t) => `${g.principalArn} table ${d}.${t}`),
      ),
    ]);
    const used = new Set(
      entries
        .filter((q) => q.attributed)
        .flatMap((q) => {
          const who = q.iamPrincipalArn ?? "(unattributed)";
          return [
            `${who} workgroup ${q.workGroup}`,
            ...q.tables.flatMap((t) => [`${who} table ${t}`, `${who} database ${present(t.split(".")[0], `the database of ${t}`)}`]),
          ];
        }),
    );
    // A grant used by any engine is used: the ledger's reads outside Athena count as much as its queries.
    const outside = usedOutsideAthena(lake.ledger, period.from, period.to);
    expect(outside.size, "the lake has reads outside Athena").toBeGreaterThan(0);
    const expected = granted.filter((g) => !used.has(g) && !outside.has(g)).sort();
    const rows = await run(SAVED.permission_gaps);
    expect(rows.map((r) => `${r.principal_arn} ${r.grant_kind} ${r.resource}`).sort()).toEqual(expected);
    expect(expected.some((g) => g.includes("user/old-contractor"))).toBe(true);
    expect(rows.filter((r) => r.principal_arn.endsWith("/new-analyst")).map((r) => r.confidence)).toContain("low");
    const contractor = rows.find((r) => r.principal_arn.endsWith("user/old-contractor"))!;
    expect([contractor.principal_queries, contractor.last_used, contractor.window_from, contractor.window_to]).toEqual([
      0,
      null,
      period.from,
      period.to,
    ]);
  });

  it("permission_gaps rows are the findings the issue sync consumes", async () => {
    const findings = (await run(SAVED.permission_gaps)).map((row, i) => toPermissionGap(row, `row ${i}`));
    const contractor = findings.find((f) => f.principalArn.endsWith("user/old-contractor") && f.grantKind === "workgroup")!;
    expect(contractor).toEqual({
      principalArn: contractor.principalArn,
      principalType: "user",
      // The day generator/iam.ts declares it was created.
      principalCreated: "2024-02-01",
      // The grant's account, the one its ARN names.
      accountId: contractor.principalArn.split(":")[4],
      grantKind: "workgroup",
      resource: "primary",
      accessPath: "iam",
      lastUsed: null,
      lastUsedBy: null,
      // The default lookback, 90 days to the period's end, reaches past the lake's ten.
      lastUsedFrom: addDays(period.to, 1 - DEFAULT_OPTIONS.lastUsedLookbackDays),
      principalQueries: 0,
      principalLastActive: null,
      principalOtherCalls: 0,
      principalOtherEngines: null,
      principalOtherLastActive: null,
      windowFrom: period.from,
      windowTo: period.to,
      confidence: contractor.confidence,
      reason: contractor.reason,
    });
    // Each principal's reads through other engines in the window, as the ledger counts the calls the trail recorded;
    // the engine named as the ledger names it for the engine roles (the others' clients are told from user agents).
    const engineRoles = new Set(Object.values(ENGINE_ACTORS).map((e) => e.arn));
    const other = new Map<string, { calls: number; engines: Set<string>; last: string }>();
    for (const a of lake.ledger.access) {
      if (!a.countedByAudit || !a.recorded || a.day < period.from || a.day > period.to) continue;
      const seen = other.get(a.iamPrincipalArn) ?? { calls: 0, engines: new Set<string>(), last: "" };
      seen.calls += a.calls;
      seen.engines.add(a.engine);
      if (a.day > seen.last) seen.last = a.day;
      other.set(a.iamPrincipalArn, seen);
    }
    const byPrincipal = new Map(findings.map((f) => [f.principalArn, f]));
    const want = [...byPrincipal.keys()].sort().map((arn) => {
      const seen = other.get(arn);
      const engines = seen ? [...seen.engines].sort().join(", ") : null;
      return [arn, seen?.calls ?? 0, engineRoles.has(arn) ? engines : "-", seen?.last ?? null];
    });
    const got = [...byPrincipal.keys()].sort().map((arn) => {
      const f = byPrincipal.get(arn)!;
      return [arn, f.principalOtherCalls, engineRoles.has(arn) ? f.principalOtherEngines : "-", f.principalOtherLastActive];
    });
    expect(got).toEqual(want);
    expect(
      want.some(([, calls]) => Number(calls) > 0),
      "an engine role holds an unused grant",
    ).toBe(true);
  });

  it("permission_gaps: a grant's last use within the lookback as the ledger dates it, and none from before it", async () => {
    // The last day as the window: each grant unused on it and used before has a last use to look back for.
    const window = { from: period.to, to: period.to };
    const lookback = 2;
    const first = addDays(period.to, 1 - lookback);
    const lastUse = new Map<string, string>();
    for (const day of daysBetween(period.from, period.to)) {
      const queried = entries
        .filter((q) => q.attributed && q.eventDay === day)
        .flatMap((q) => {
          const who = q.iamPrincipalArn ?? "(unattributed)";
          return [`${who} workgroup ${q.workGroup}`, ...q.tables.flatMap((t) => [`${who} table ${t}`, `${who} database ${databaseOf(t)}`])];
        });
      for (const grant of [...queried, ...usedOutsideAthena(lake.ledger, day, day)]) lastUse.set(grant, day);
    }
    const rows = await run(SAVED.permission_gaps, { lastUsedLookbackDays: lookback }, window);
    const key = (r: (typeof rows)[number]) => `${r.principal_arn} ${r.grant_kind} ${r.resource}`;
    const within = (day: string | undefined) => (day !== undefined && day >= first ? day : null);
    expect(rows.map((r) => [key(r), r.last_used])).toEqual(rows.map((r) => [key(r), within(lastUse.get(key(r)))]));
    expect(rows.every((r) => r.last_used_from === first && (r.last_used === null) === (r.last_used_by === null))).toBe(true);
    // Both sides of the bound: a last use inside the lookback, and one before it that is no longer named.
    expect(rows.some((r) => r.last_used !== null)).toBe(true);
    expect(rows.some((r) => r.last_used === null && lastUse.has(key(r)))).toBe(true);
    // Everything else is the window's: the same with a lookback of the window alone.
    const bare = await run(SAVED.permission_gaps, { lastUsedLookbackDays: 1 }, window);
    const windowFacts = (r: (typeof rows)[number]) => ({ ...r, last_used: null, last_used_by: null, last_used_from: null });
    expect(bare.map(windowFacts)).toEqual(rows.map(windowFacts));
    expect(bare.every((r) => r.last_used === null && r.last_used_from === period.to)).toBe(true);
  });

  it("permission_gaps confidence follows the evidence, grant by grant, as the ledger shows it", async () => {
    const created = new Map(declaredGrants(period.to).map((g) => [g.principalArn, g.created]));
    const seen = new Set<string>();
    // The whole period (both trail outages), and its last three days, which have none (the outages
    // fall on its third and seventh days): every unused grant of a quiet window is high.
    for (const window of [period, { from: addDays(period.to, -2), to: period.to }]) {
      const inWindow = entries.filter((q) => q.eventDay >= window.from && q.eventDay <= window.to);
      const unattributed = inWindow.filter((q) => !q.attributed);
      if (window === period) expect(unattributed.length, "the lake has a trail outage").toBeGreaterThan(0);
      const rows = await run(SAVED.permission_gaps, {}, window);
      for (const row of rows) {
        // Each account is judged on its own evidence (the ARN names the grant's account).
        const lost = unattributed.filter((q) => q.account === row.principal_arn.split(":")[4]);
        const touching = lost.filter((q) => touchesGrant(q, row.grant_kind, row.resource));
        const isNew = (created.get(row.principal_arn) ?? "0000").slice(0, 10) > window.from;
        // Any unattributed query of the account in the window makes a day partial for every database and table grant it holds.
        const partial = row.grant_kind !== "workgroup" && lost.length > 0;
        const want = touching.length > 0 || isNew ? "low" : partial ? "medium" : "high";
        expect(row.confidence, `${window.from} ${row.principal_arn} ${row.grant_kind} ${row.resource}`).toBe(want);
        if (touching.length > 0) {
          const days = [...new Set(touching.map((q) => q.eventDay))].sort().join(", ");
          expect(row.reason).toContain(`${touching.length} unattributed quer${touching.length === 1 ? "y" : "ies"}`);
          expect(row.reason).toContain(`${row.resource} on ${days}`);
        }
        seen.add(want);
      }
    }
    expect([...seen].sort(), "rows of every confidence, so each rule is exercised").toEqual(["high", "low", "medium"]);
  });

  it("data_coverage: outage days partial with the ledger's counts and hours, the rest complete, a day without events missing", async () => {
    const rows = await run(SAVED.data_coverage);
    expect(rows).toHaveLength(10 * lake.ledger.regions.length);
    const hour = (iso: string) => Number(iso.slice(11, 13));
    const expected = rows.map((r) => {
      const day = entries.filter((q) => q.eventDay === r.day && q.region === r.region);
      const lost = day.filter((q) => !q.attributed);
      const seenHours = new Set(day.filter((q) => q.attributed).map((q) => hour(q.submittedAt)));
      const gapHours = [...new Set(lost.map((q) => hour(q.submittedAt)))].filter((h) => !seenHours.has(h)).sort((a, b) => a - b);
      return {
        day: r.day,
        region: r.region,
        history_queries: lake.ledger.queries.filter((q) => q.historyDay === r.day && q.region === r.region).length,
        events: day.length,
        with_history: day.length,
        with_cloudtrail: day.length - lost.length,
        unattributed: lost.length,
        first_unattributed: lost.length > 0 ? lost.map((q) => q.id).sort()[0] : null,
        // The join here reads no system table (test/queries/system-witness.test.ts and demo-evidence do).
        from_system_table: 0,
        without_history: 0,
        accounts_without_history: null,
        gap_hours: gapHours.length > 0 ? gapHours.join(",") : null,
        work_groups_not_joined: null,
        coverage: lost.length > 0 ? "partial" : "complete",
      };
    });
    expect(rows).toEqual(expected);
    expect(rows.filter((r) => r.coverage === "partial").length, "both outages fall in the window").toBe(2);
    const day = addDays(period.from, 3);
    fs.rmSync(`${lake.root}/${eventsPartitionPrefix(day, "eu-west-1")}`, { recursive: true });
    await lake.engine.refresh();
    const after = await run(SAVED.data_coverage);
    const gone = after.find((r) => r.day === day && r.region === "eu-west-1");
    expect(gone).toMatchObject({ events: 0, with_cloudtrail: 0, coverage: "missing" });
    expect(gone?.work_groups_not_joined, "history the join no longer shows").not.toBeNull();
  });
});

/** A query's distinct tables as cost_by_table attributes it: `(no table)` when it named none. */
const tablesOf = (q: LedgerEntry) => {
  const tables = [...new Set(q.tables.filter((t) => t !== ""))];
  return tables.length > 0 ? tables : ["(no table)"];
};

/**
 * The runs result reuse would have answered, worked out from the ledger: a billed SELECT that
 * succeeded with a scan of its own, whose text the same IAM principal ran successfully (with a scan)
 * in the same region, work group and database, finishing at most an hour before it was submitted.
 */
function repeatRuns(items: readonly LedgerEntry[]): Set<string> {
  const fresh = (q: LedgerEntry) => q.substatementType === "SELECT" && q.state === "SUCCEEDED" && !q.reused && q.bytes > 0;
  const lastResult = new Map<string, number>();
  const repeats = new Set<string>();
  const ordered = [...items].sort((a, b) =>
    a.submittedAt < b.submittedAt ? -1 : a.submittedAt > b.submittedAt ? 1 : a.id < b.id ? -1 : 1,
  );
  for (const q of ordered) {
    if (q.iamPrincipalArn === null) continue;
    const key = [q.region, q.workGroup, q.database, q.iamPrincipalArn, q.text].join("\n");
    const last = lastResult.get(key);
    const at = Date.parse(q.submittedAt);
    if (fresh(q) && q.costUsd > 0 && last !== undefined && last <= at && last >= at - 3_600_000) repeats.add(q.id);
    if (fresh(q)) lastResult.set(key, Math.max(last ?? 0, Date.parse(q.completedAt)));
  }
  return repeats;
}

/**
 * Names ranked as the SQL ranks them (by cost, then `tieBreak`, then name in byte order), each with
 * the row it shows in: itself in the first `limit`, the `other` row past them. In rank order.
 */
function ranked<T extends { cost: number }>(groups: Map<string, T>, limit: number, other: string, tieBreak: (t: T) => number) {
  const order = [...groups.entries()].sort(
    ([a, x], [b, y]) => y.cost - x.cost || tieBreak(y) - tieBreak(x) || (a < b ? -1 : a > b ? 1 : 0),
  );
  return new Map(order.map(([name], i) => [name, i < limit ? name : other]));
}

/** A table's share of the period, from the ledger. */
interface TableCost {
  cost: number;
  bytes: number;
  queries: Set<string>;
  shared: Set<string>;
  principals: Set<string>;
}

/** A query shape's runs, from the ledger. */
interface ShapeCost {
  cost: number;
  runs: number;
  bytes: number;
  principals: Set<string>;
  reused: number;
  repeats: number;
  repeatCost: number;
}

describe("cost by table, by query shape and against the previous period, against the ledger", () => {
  // Its own lake: the data_coverage case above removes a partition from the shared one.
  let lake: JoinedLake;
  let entries: LedgerEntry[];
  const cleanUp = cleanupAfterAll();
  beforeAll(async () => {
    lake = await joinedLake({ days: 10, seed: 11 });
    cleanUp(() => lake.dispose());
    entries = expectedEvents(lake.ledger);
  });
  const run = async <Q extends SavedQuery>(query: Q, options: Partial<SavedQueryOptions> = {}, p: Period = period) =>
    savedRows(query, await runSavedQuery(lake.engine, query, p, { ...DEFAULT_OPTIONS, ...options }));

  it("cost_by_table splits a query's bytes and cost evenly between its tables, so the rows add up to the period", async () => {
    // A table belongs to one account's catalog: keyed `table<TAB>account`, which sorts as the SQL breaks ties (table, then account).
    const byTable = new Map<string, TableCost>();
    for (const q of entries) {
      const tables = tablesOf(q);
      for (const name of tables) {
        const table = `${name}\t${q.account}`;
        const t = byTable.get(table) ?? { cost: 0, bytes: 0, queries: new Set(), shared: new Set(), principals: new Set() };
        t.cost += q.costUsd / tables.length;
        t.bytes += q.bytes / tables.length;
        t.queries.add(q.id);
        if (tables.length > 1) t.shared.add(q.id);
        if (q.principalArn) t.principals.add(q.principalArn);
        byTable.set(table, t);
      }
    }
    const limit = 4;
    const shownAs = ranked(byTable, limit, "(other tables)\t(all)", (t) => t.bytes);
    const expected = new Map<string, TableCost>();
    for (const [table, t] of [...shownAs.keys()].map((name) => [name, byTable.get(name)!] as const)) {
      const e = expected.get(shownAs.get(table)!) ?? { cost: 0, bytes: 0, queries: new Set(), shared: new Set(), principals: new Set() };
      e.cost += t.cost;
      e.bytes += t.bytes;
      t.queries.forEach((id) => e.queries.add(id));
      t.shared.forEach((id) => e.shared.add(id));
      t.principals.forEach((p) => e.principals.add(p));
      expected.set(shownAs.get(table)!, e);
    }
    const rows = await run(SAVED.cost_by_table, { limit });
    expect(rows.map((r) => `${r.table_name}\t${r.account_id}`)).toEqual([...expected.keys()]);
    for (const row of rows) {
      const e = expected.get(`${row.table_name}\t${row.account_id}`)!;
      expect([row.queries, row.shared_queries, row.principals], row.table_name).toEqual([e.queries.size, e.shared.size, e.principals.size]);
      expect(row.cost_usd).toBeCloseTo(e.cost, 9);
      expect(row.data_scanned_bytes).toBeCloseTo(e.bytes, 0);
    }
    // No dollar counted twice: the rows add up to the period's cost, and some queries were split.
    expect(rows.reduce((n, r) => n + r.cost_usd, 0)).toBeCloseTo(
      entries.reduce((n, q) => n + q.costUsd, 0),
      9,
    );
    expect(entries.some((q) => q.tables.length > 1 && q.costUsd > 0)).toBe(true);
  });

  it("cost_by_query_shape groups runs by the shape the generator built: bytes, callers, reuse, runs reuse would have served", async () => {
    const repeats = repeatRuns(entries);
    const byShape = new Map<string, ShapeCost>();
    for (const q of entries) {
      const s = byShape.get(q.shape) ?? { cost: 0, runs: 0, bytes: 0, principals: new Set(), reused: 0, repeats: 0, repeatCost: 0 };
      s.cost += q.costUsd;
      s.runs++;
      s.bytes += q.bytes;
      if (q.principalArn) s.principals.add(q.principalArn);
      if (q.reused) s.reused++;
      if (repeats.has(q.id)) {
        s.repeats++;
        s.repeatCost += q.costUsd;
      }
      byShape.set(q.shape, s);
    }
    const limit = 12;
    const shownAs = ranked(byShape, limit, "(other shapes)", (s) => s.runs);
    const rows = await run(SAVED.cost_by_query_shape, { limit });
    expect(rows.map((r) => r.query_shape)).toEqual([...new Set(shownAs.values())]);
    for (const row of rows) {
      const members = [...byShape.entries()].filter(([shape]) => shownAs.get(shape) === row.query_shape).map(([, s]) => s);
      const runs = members.reduce((n, s) => n + s.runs, 0);
      const bytes = members.reduce((n, s) => n + s.bytes, 0);
      const principals = new Set(members.flatMap((s) => [...s.principals]));
      expect(
        [row.runs, row.principals, row.data_scanned_bytes, row.bytes_per_run, row.reused_runs, row.repeat_runs],
        row.query_shape,
      ).toEqual([
        runs,
        principals.size,
        bytes,
        Math.ceil(bytes / runs),
        members.reduce((n, s) => n + s.reused, 0),
        members.reduce((n, s) => n + s.repeats, 0),
      ]);
      expect(row.cost_usd).toBeCloseTo(
        members.reduce((n, s) => n + s.cost, 0),
        9,
      );
      expect(row.repeat_cost_usd).toBeCloseTo(
        members.reduce((n, s) => n + s.repeatCost, 0),
        9,
      );
    }
    // Dashboards repeat themselves: some runs reused a result, others would have; the checks above can fail.
    expect(rows.some((r) => r.reused_runs > 0)).toBe(true);
    expect(repeats.size).toBeGreaterThan(0);
    // Every literal masked: no digit that does not continue a name, no quote that does not hold a `?`.
    expect(rows.map((r) => r.query_shape).filter((shape) => /(^|[^a-z0-9_])[0-9]|'(?!\?')[^']*'/.test(shape.replace(/'\?'/g, "")))).toEqual(
      [],
    );
  });
});

describe("the query shape in SQL, on DuckDB through the compatibility layer", () => {
  /** The shape expression as cost_by_query_shape.sql has it, applied to one text. */
  async function shapeOf(text: string | null): Promise<string> {
    const match = /(coalesce\(\s*nullif\([\s\S]*?\)) AS query_shape/.exec(savedQuerySql(SAVED.cost_by_query_shape));
    const expression = present(match?.[1], "the query_shape expression in cost_by_query_shape.sql");
    const value = text === null ? "NULL" : ":text";
    const result = await lake.engine.run(
      `SELECT ${expression} AS query_shape FROM (SELECT CAST(${value} AS varchar) AS query_text) AS t`,
      text === null ? {} : { text },
    );
    return String(only(result.rows, "row of the shape").query_shape);
  }

  it.each([
    ["SELECT a FROM t WHERE id = 42 AND name = 'O''Brien'", "select a from t where id = ? and name = '?'"],
    ["SELECT *\n\tFROM t -- don't: a quote in a comment\nWHERE b = 'x@example.com'", "select * from t where b = '?'"],
    [
      "SELECT 1 FROM t WHERE a = '--not a comment' /* it's one */ AND b IN (1, 2.5, 3e10, .5)",
      "select ? from t where a = '?' and b in (?, ?, ?, ?)",
    ],
    ['SELECT "it\'s", t2.x, s3_logs.y, "col 1" FROM s3_logs', 'select "it\'s", t2.x, s3_logs.y, "col ?" from s3_logs'],
    ["SELECT/* hint */a FROM t LIMIT 100", "select a from t limit ?"],
    ["SELECT a FROM t WHERE s = 'unterminated, secret", "select a from t where s = '?'"],
    ["SELECT x - 1, interval '7' day, date '2026-01-01' FROM t /* unterminated", "select x - ?, interval '?' day, date '?' from t"],
    ["", "(no query text)"],
    [null, "(no query text)"],
  ])("%j -> %j", async (text, shape) => {
    expect(await shapeOf(text)).toBe(shape);
  });

  it("regexp_replace replaces every match with Trino's $n group references", async () => {
    const result = await lake.engine.run(
      "SELECT regexp_replace('a1b22c', '([a-z])[0-9]+', '$1#') AS replaced, regexp_replace('x', 'y', 'z') AS none",
    );
    expect(result.rows[0]).toEqual({ replaced: "a#b#c", none: "x" });
  });
});
