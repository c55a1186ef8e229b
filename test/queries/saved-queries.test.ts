import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays } from "../../queries/days";
import { eventsPartitionPrefix } from "../../queries/layout";
import { DEFAULT_OPTIONS, Period, runSavedQuery, SAVED, SAVED_QUERIES, SavedQuery, SavedQueryOptions } from "../../queries/saved";
import { SavedRow, savedRows } from "../../queries/saved-columns";
import { declaredGrants } from "../../generator/iam";
import { toPermissionGap } from "../../reports/issues/findings";
import { ACTORS, DATABASES, roleArn } from "../../generator/org";
import { LedgerEntry } from "../../generator/generate";
import { athenaType } from "../support/athena-duckdb";
import { expectedEvents, joinedLake, JoinedLake } from "../support/lake";
import { unfinishedFromLedger, unfinishedKey } from "../support/unfinished";

let lake: JoinedLake;
let period: Period;
let entries: LedgerEntry[];

beforeAll(async () => {
  lake = await joinedLake({ days: 10, seed: 11 });
  period = { from: lake.ledger.firstDay, to: lake.ledger.lastDay };
  entries = expectedEvents(lake.ledger);
});
afterAll(() => lake?.dispose());

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

describe("saved queries return what they declare", () => {
  it.each(SAVED_QUERIES.map((q) => [q.name, q] as const))(
    "%s returns exactly its declared columns, in order, with their types",
    async (_name, query) => {
      const result = await runSavedQuery(lake.engine, query, period);
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
  it("top_scanners ranks principals by cost with their bytes, queries and failures", async () => {
    const byPrincipal = [...totals(entries, principalOf).entries()].sort((a, b) => b[1].cost - a[1].cost || b[1].bytes - a[1].bytes);
    const rows = await run(SAVED.top_scanners, { limit: 5 });
    expect(rows.map((r) => r.principal)).toEqual(byPrincipal.slice(0, 5).map(([p]) => p));
    rows.forEach((row, i) => {
      const [, t] = byPrincipal[i];
      expect([row.queries, row.data_scanned_bytes, row.failed_or_cancelled, row.rank]).toEqual([t.queries, t.bytes, t.failed, i + 1]);
      expect(row.cost_usd).toBeCloseTo(t.cost, 9);
    });
  });

  it("heaviest_queries lists the largest scans first", async () => {
    const heaviest = [...entries].sort((a, b) => b.bytes - a.bytes || a.id.localeCompare(b.id)).slice(0, 7);
    const rows = await run(SAVED.heaviest_queries, { limit: 7 });
    expect(rows.map((r) => [r.query_execution_id, r.data_scanned_bytes, r.principal])).toEqual(
      heaviest.map((q) => [q.id, q.bytes, principalOf(q)]),
    );
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

  it("usage_by_principal splits the short window from the long one", async () => {
    const shortFrom = addDays(period.to, -3);
    const long = totals(entries, principalOf);
    const short = totals(
      entries.filter((q) => q.eventDay >= shortFrom),
      principalOf,
    );
    const rows = await run(SAVED.usage_by_principal, { shortWindowDays: 4 });
    expect(new Set(rows.map((r) => r.principal))).toEqual(new Set(long.keys()));
    for (const row of rows) {
      const l = long.get(row.principal)!;
      const s = short.get(row.principal) ?? { queries: 0, bytes: 0, cost: 0 };
      expect([row.queries_long, row.data_scanned_bytes_long, row.queries_short, row.data_scanned_bytes_short]).toEqual([
        l.queries,
        l.bytes,
        s.queries,
        s.bytes,
      ]);
      expect(row.cost_usd_short).toBeCloseTo(s.cost, 9);
    }
  });

  it("usage_by_workgroup totals each work group", async () => {
    const byGroup = totals(entries, (q) => q.workGroup);
    const rows = await run(SAVED.usage_by_workgroup);
    expect(Object.fromEntries(rows.map((r) => [r.work_group, [r.queries_long, r.data_scanned_bytes_long]]))).toEqual(
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
  });

  it("shared_principals finds the one role two applications share, and no other", async () => {
    const rows = await run(SAVED.shared_principals);
    const shared = ACTORS.filter((a) => !a.human && new Set(a.clients.map((c) => c.clientFamily)).size > 1);
    expect(rows.map((r) => r.iam_principal_arn)).toEqual(shared.map(roleArn));
    expect(rows[0]).toMatchObject({ client_families: 2, client_family_list: "jdbc, sdk", source_networks: 2 });
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
      ...g.databases.flatMap((d) => DATABASES[d].map((t) => `${g.principalArn} table ${d}.${t}`)),
    ]);
    const used = new Set(
      entries
        .filter((q) => q.attributed)
        .flatMap((q) => {
          const who = q.iamPrincipalArn ?? "(unattributed)";
          return [
            `${who} workgroup ${q.workGroup}`,
            ...q.tables.flatMap((t) => [`${who} table ${t}`, `${who} database ${t.split(".")[0]}`]),
          ];
        }),
    );
    const expected = granted.filter((g) => !used.has(g)).sort();
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
      grantKind: "workgroup",
      resource: "primary",
      accessPath: "iam",
      lastUsed: null,
      principalQueries: 0,
      principalLastActive: null,
      windowFrom: period.from,
      windowTo: period.to,
      confidence: contractor.confidence,
      reason: contractor.reason,
    });
  });

  it("permission_gaps confidence follows the evidence, grant by grant, as the ledger shows it", async () => {
    const window = entries.filter((q) => q.eventDay >= period.from && q.eventDay <= period.to);
    const unattributed = window.filter((q) => !q.attributed);
    expect(unattributed.length, "the lake has a trail outage").toBeGreaterThan(0);
    const touches = (q: LedgerEntry, kind: string, resource: string) =>
      kind === "workgroup"
        ? q.workGroup === resource
        : kind === "table"
          ? q.tables.includes(resource)
          : q.tables.some((t) => t.startsWith(`${resource}.`));
    const created = new Map(declaredGrants(period.to).map((g) => [g.principalArn, g.created]));
    const rows = await run(SAVED.permission_gaps);
    const seen = new Set<string>();
    for (const row of rows) {
      const touching = unattributed.filter((q) => touches(q, row.grant_kind, row.resource));
      const isNew = (created.get(row.principal_arn) ?? "0000").slice(0, 10) > period.from;
      // Any unattributed query in the window makes a day partial for every database and table grant.
      const partial = row.grant_kind !== "workgroup" && unattributed.length > 0;
      const want = touching.length > 0 || isNew ? "low" : partial ? "medium" : "high";
      expect(row.confidence, `${row.principal_arn} ${row.grant_kind} ${row.resource}`).toBe(want);
      if (touching.length > 0) {
        const days = [...new Set(touching.map((q) => q.eventDay))].sort().join(", ");
        expect(row.reason).toContain(`${touching.length} unattributed quer${touching.length === 1 ? "y" : "ies"}`);
        expect(row.reason).toContain(`${row.resource} on ${days}`);
      }
      seen.add(want);
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
        without_history: 0,
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
