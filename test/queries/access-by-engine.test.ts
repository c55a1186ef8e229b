/**
 * Every engine's reads on a generated lake (issue 22), one lake for both: the access table the join
 * writes holds exactly the generator's ledger of reads outside Athena's own query runs (calls,
 * objects, bytes per day, principal, source and table; each outside-Athena role named with its
 * engine; the planted direct download); and the access_by_engine saved query, per account, principal, table and
 * engine, the days, calls, objects and bytes the generator's ledger lists: Athena's queries from
 * `ledger.queries`, every other engine's recorded reads from `ledger.access` (those the audit
 * counts, an S3 read of a table's location being a read of the table). Computed here from the
 * ledger, never from the audit's tables.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { tableLocations } from "../../generator/engine-actors";
import { AccessEntry } from "../../generator/engine-ledger";
import { addDays } from "../../core/days";
import { DEFAULT_OPTIONS, Period, runSavedQuery, SAVED, SavedRow, savedRows } from "../../queries/saved";
import { cleanupAfterAll } from "../support/cleanup";
import { only } from "../support/defined";
import { expectedEvents, joinedLake, JoinedLake } from "../support/lake";

type EngineRow = SavedRow<typeof SAVED.access_by_engine>;

let lake: JoinedLake;
let period: Period;

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  lake = await joinedLake({ days: 6, seed: 7, endDay: "2026-10-31" });
  cleanUp(() => lake.dispose());
  period = { from: lake.ledger.firstDay, to: lake.ledger.lastDay };
});

async function rowsFor(p: Period): Promise<EngineRow[]> {
  return savedRows(SAVED.access_by_engine, await runSavedQuery(lake.engine, SAVED.access_by_engine, p, DEFAULT_OPTIONS));
}

/** What one row says, as the ledger can say it too. */
interface Tally {
  days: Set<string>;
  calls: number;
  objects: number | null;
  bytes: number;
  sources: Set<string>;
}

/**
 * The ledger says `cli` for any call a principal's own client made; the join tells the CLI, an SDK
 * and the console apart by the user agent, which the ledger does not model: compared as `direct`.
 */
const DIRECT = new Set(["cli", "sdk", "console", "unknown"]);

const keyOf = (account: string, principal: string, kind: string, resource: string, engine: string) =>
  [account, principal, kind, resource, DIRECT.has(engine) ? "direct" : engine].join(" ");

/** A ledger read as the page keys it: an S3 read of a table's location is the table; any other read outside one, its bucket/folder. */
function resourceOf(a: AccessEntry): { kind: string; resource: string } {
  if (a.resourceKind !== "prefix") return { kind: a.resourceKind, resource: a.resource };
  const table = tableLocations(a.account).find((t) => `s3://${a.resource}`.startsWith(t.location))?.table;
  return table ? { kind: "table", resource: table } : { kind: "prefix", resource: a.resource.split("/").slice(0, 2).join("/") };
}

/** The ledger's reads in the period, by account, principal, resource and engine. */
function expectedTallies(p: Period): Map<string, Tally> {
  const out = new Map<string, Tally>();
  const add = (key: string, day: string, calls: number, objects: number | null, bytes: number, source: string) => {
    const t = out.get(key);
    if (!t) {
      out.set(key, { days: new Set([day]), calls, objects, bytes, sources: new Set([source]) });
      return;
    }
    t.days.add(day);
    t.calls += calls;
    t.objects = t.objects === null || objects === null ? null : t.objects + objects;
    t.bytes += bytes;
    t.sources.add(source);
  };
  for (const q of expectedEvents(lake.ledger)) {
    if (q.eventDay < p.from || q.eventDay > p.to) continue;
    for (const table of new Set(q.tables.map((t) => t.toLowerCase())))
      add(keyOf(q.account, q.iamPrincipalArn ?? "(unattributed)", "table", table, "athena"), q.eventDay, 1, null, q.bytes, "events");
  }
  for (const a of lake.ledger.access) {
    if (!a.countedByAudit || !a.recorded || a.day < p.from || a.day > p.to) continue;
    const { kind, resource } = resourceOf(a);
    add(keyOf(a.account, a.iamPrincipalArn, kind, resource, a.engine), a.day, a.calls, a.objects, a.bytes, a.source);
  }
  return out;
}

/** What both sides must agree on exactly, by key. */
function totals(tallies: Map<string, Omit<Tally, "days"> & { last: string }>) {
  return Object.fromEntries(
    [...tallies].map(([key, t]) => [
      key,
      { last: t.last, calls: t.calls, objects: t.objects, bytes: t.bytes, sources: [...t.sources].sort() },
    ]),
  );
}

const lastOf = (days: Set<string>) => [...days].sort().at(-1) ?? "";

/** The rows by the same key, a direct caller's rows (CLI, SDK, console) summed as the ledger has them; the days each row counts. */
function tallied(rows: readonly EngineRow[]) {
  const out = new Map<string, Omit<Tally, "days"> & { last: string; dayCounts: number[] }>();
  for (const r of rows) {
    const key = keyOf(r.account_id, r.iam_principal_arn, r.resource_kind, r.resource, r.engine);
    const t = out.get(key);
    out.set(key, {
      last: t === undefined || r.last_day > t.last ? r.last_day : t.last,
      calls: (t?.calls ?? 0) + r.calls,
      objects: t === undefined ? r.objects : t.objects === null || r.objects === null ? null : t.objects + r.objects,
      bytes: (t?.bytes ?? 0) + r.bytes,
      sources: new Set([...(t?.sources ?? []), ...r.sources.split(",")]),
      dayCounts: [...(t?.dayCounts ?? []), r.days],
    });
  }
  return out;
}

describe("access_by_engine against the generator's ledger", () => {
  it("has the lake's engines to compare: Athena and four others, through the catalog and S3", () => {
    const outside = lake.ledger.access.filter((a) => a.countedByAudit && a.recorded);
    expect(new Set(outside.map((a) => a.engine))).toEqual(new Set(["glue-etl", "redshift-spectrum", "emr", "cli"]));
    expect(new Set(outside.map((a) => a.source))).toContain("s3");
    expect(new Set(outside.map((a) => a.source))).toContain("glue");
  });

  it.each([
    ["the whole period", 0],
    ["its last two days", 2],
  ])("over %s: a row per account, principal, table and engine with the ledger's days, calls, objects and bytes", async (_label, last) => {
    const p = last === 0 ? period : { from: addDays(period.to, 1 - last), to: period.to };
    const rows = await rowsFor(p);
    const expected = expectedTallies(p);
    const got = tallied(rows);
    expect(expected.size, "rows to compare").toBeGreaterThan(10);
    expect(totals(got)).toEqual(totals(new Map([...expected].map(([key, t]) => [key, { ...t, last: lastOf(t.days) }]))));
    // A key's days: exact for a row of its own; direct callers' rows merged may share days.
    for (const [key, t] of got) {
      const days = expected.get(key)!.days.size;
      if (t.dayCounts.length === 1) expect(t.dayCounts[0], key).toBe(days);
      else expect([Math.max(...t.dayCounts) <= days, days <= t.dayCounts.reduce((a, b) => a + b, 0)], key).toEqual([true, true]);
    }
  });

  it("orders rows by bytes, the most first", async () => {
    const bytes = (await rowsFor(period)).map((r) => r.bytes);
    expect(bytes).toEqual([...bytes].sort((a, b) => b - a));
  });

  it("shows the planted direct download as the stolen role's cli reads of the table, apart from its Athena queries", async () => {
    const download = lake.ledger.directDownload!;
    const rows = (await rowsFor(period)).filter((r) => r.iam_principal_arn === download.iamPrincipalArn && r.resource === download.table);
    const cli = rows.filter((r) => r.engine === "cli" && r.sources.split(",").includes("s3"));
    const reads = only(cli, "cli row of the stolen role's reads");
    expect(reads.objects).toBeGreaterThanOrEqual(download.objects);
    expect(reads.bytes).toBeGreaterThanOrEqual(download.bytes);
    expect(reads.last_day >= download.day).toBe(true);
    expect(rows.filter((r) => r.engine === "athena").every((r) => r.objects === null)).toBe(true);
  });

  it("counts nothing outside the window: a period before the lake has no rows", async () => {
    expect(await rowsFor({ from: addDays(period.from, -10), to: addDays(period.from, -1) })).toEqual([]);
  });
});

/** A ledger entry as the access table keys it: an S3 read of a table's location is a read of the table. */
function accessKeyOf(a: Pick<AccessEntry, "day" | "account" | "iamPrincipalArn" | "source" | "resourceKind" | "resource">): string {
  const table =
    a.resourceKind === "prefix" ? tableLocations(a.account).find((t) => `s3://${a.resource}`.startsWith(t.location))?.table : undefined;
  return [a.day, a.account, a.iamPrincipalArn, a.source, table ? "table" : a.resourceKind, table ?? a.resource].join(" ");
}

/** Sums by key: the join aggregates per caller ARN and engine, the ledger too; summed here per role for one comparison. */
function sums(rows: readonly { key: string; calls: number; objects: number; bytes: number }[]): Record<string, [number, number, number]> {
  const out: Record<string, [number, number, number]> = {};
  for (const r of rows) {
    const [calls, objects, bytes] = out[r.key] ?? [0, 0, 0];
    out[r.key] = [calls + r.calls, objects + r.objects, bytes + r.bytes];
  }
  return out;
}

describe("the access table on a generated lake", () => {
  it("holds exactly the ledger's reads outside Athena's own query runs: calls, objects and bytes", async () => {
    const expected = lake.ledger.access.filter((a) => a.countedByAudit && a.recorded);
    expect(new Set(expected.map((a) => a.engine))).toEqual(new Set(["glue-etl", "redshift-spectrum", "emr", "cli"]));
    const rows = (
      await lake.engine.run("SELECT dt, account_id, iam_principal_arn, source, resource_kind, resource, calls, objects, bytes FROM access")
    ).rows;
    const got = sums(
      rows.map((r) => ({
        key: [r.dt, r.account_id, r.iam_principal_arn, r.source, r.resource_kind, r.resource].map(String).join(" "),
        calls: Number(r.calls),
        objects: Number(r.objects),
        bytes: Number(r.bytes),
      })),
    );
    const want = sums(expected.map((a) => ({ key: accessKeyOf(a), calls: a.calls, objects: a.objects, bytes: a.bytes })));
    expect(got).toEqual(want);
  });

  it("names the engine of each outside-Athena role, and never an engine for Athena's own calls", async () => {
    const rows = (await lake.engine.run("SELECT DISTINCT iam_principal_arn, engine, source FROM access ORDER BY 1, 2, 3")).rows;
    const engines = (role: string) => [
      ...new Set(rows.filter((r) => String(r.iam_principal_arn).endsWith(`/${role}`)).map((r) => r.engine)),
    ];
    expect(engines("etl-orders-glue")).toEqual(["glue-etl"]);
    expect(engines("redshift-spectrum")).toEqual(["redshift-spectrum"]);
    expect(engines("emr-hr-analytics-ec2")).toEqual(["emr"]);
    expect(rows.some((r) => r.engine === "athena")).toBe(false);
    const athenaOwn = lake.ledger.access.filter((a) => !a.countedByAudit);
    expect(athenaOwn.length, "the lake has Athena's own catalog and object reads").toBeGreaterThan(0);
  });

  it("shows the planted direct download: the stolen role's objects and bytes of the table, from its new network", async () => {
    const download = lake.ledger.directDownload!;
    const rows = (
      await lake.engine.run(
        "SELECT engine, objects, bytes, source_ips FROM access " +
          "WHERE dt = :day AND iam_principal_arn = :who AND source = 's3' AND resource = :table",
        { day: download.day, who: download.iamPrincipalArn, table: download.table },
      )
    ).rows;
    expect(rows.map((r) => [r.engine, Number(r.objects), Number(r.bytes), JSON.parse(String(r.source_ips)) as string[]])).toEqual([
      ["cli", download.objects, download.bytes, [download.sourceIp]],
    ]);
  });
});
