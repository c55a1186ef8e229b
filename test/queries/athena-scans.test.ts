/**
 * What each saved query reads on Athena (test/support/athena-scans.ts): worked examples of the
 * counting, then every statement the Athena engine sends for a weekly report, parsed with a Trino
 * grammar, against the target (per table, at most 1.2× the partitions the windows and
 * documented lookbacks require; anomalies scans events at most twice). `npm run bench:scans` prints
 * the same figures per query.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ANOMALY_SETTINGS } from "../../core/anomaly-settings";
import { stripLiteralsAndComments } from "../../queries/parameters";
import { DEFAULT_OPTIONS, periodEnding, SAVED_QUERIES } from "../../queries/saved";
import { TABLES } from "../../queries/schema/tables";
import { LOOKBACK_DAYS, simulatedLake, statementFigures, TableFigures, totalsByTable } from "../support/athena-scans";
import { boundStatement, SentStatement, sentStatements } from "../support/athena-statements";
import { present } from "../support/defined";

const LAST_DAY = "2026-10-31";
const period = periodEnding(LAST_DAY, 7); // 2026-10-25 .. 2026-10-31
const lake = simulatedLake(LAST_DAY);

/** Figures of a hand-written statement, by table. */
function figures(sql: string, query = "example") {
  return Object.fromEntries(statementFigures(query, sql, period, DEFAULT_OPTIONS, lake).map((f) => [f.table, f]));
}

describe("counting the scans of a statement", () => {
  it("has the lake the figures assume: 365 days ending on the period's last day, 3 regions, 20 accounts", () => {
    expect(lake.days).toHaveLength(365);
    expect([lake.days[0], lake.days.at(-1)]).toEqual(["2025-11-01", LAST_DAY]);
    expect([lake.regions.length, lake.accounts.length]).toEqual([3, 20]);
  });

  it("counts BETWEEN over the 7 days of the window in 3 regions as 21 partitions, what the window requires", () => {
    const f = figures(`SELECT count(*) FROM events WHERE dt BETWEEN '2026-10-25' AND '2026-10-31' AND state = 'FAILED'`);
    expect(f.events).toMatchObject({ scans: 1, read: 7 * 3, required: 7 * 3 });
  });

  it("counts an unbounded dt <= X as every day of the lake up to X", () => {
    // 2025-11-01 .. 2026-10-24: the lake's 365 days but the window's last 7.
    expect(figures(`SELECT 1 FROM events WHERE dt <= '2026-10-24'`).events).toMatchObject({ scans: 1, read: 358 * 3 });
    expect(figures(`SELECT 1 FROM events WHERE '2026-10-24' >= dt`).events).toMatchObject({ read: 358 * 3 });
    expect(figures(`SELECT 1 FROM events`).events).toMatchObject({ read: 365 * 3 });
  });

  it("counts a WITH query's scans at each reference: twice referenced, twice scanned; nested, multiplied", () => {
    const twice = `WITH w AS (SELECT * FROM events WHERE dt = '2026-10-31') SELECT * FROM w JOIN w AS v ON w.x = v.x`;
    expect(figures(twice).events).toMatchObject({ scans: 2, read: 2 * 3 });
    const nested = `WITH a AS (SELECT * FROM events WHERE dt = '2026-10-31'), b AS (SELECT * FROM a UNION ALL SELECT * FROM a)
      SELECT * FROM b CROSS JOIN b AS c`;
    expect(figures(nested).events).toMatchObject({ scans: 4, read: 4 * 3 });
    const unused = `WITH a AS (SELECT * FROM events) SELECT * FROM access WHERE dt = '2026-10-31'`;
    expect(Object.keys(figures(unused))).toEqual(["access"]);
  });

  it("counts a table a WITH query shadows as the WITH query, and a WITH query's own table name inside it as the table", () => {
    const f = figures(`WITH events AS (SELECT * FROM events WHERE dt = '2026-10-31') SELECT * FROM events UNION ALL SELECT * FROM events`);
    expect(f.events).toMatchObject({ scans: 2, read: 2 * 3 });
  });

  it("restricts a table by conditions naming it (or no table), not another's, and by a join's ON unless on its preserved side", () => {
    const qualified = figures(
      `SELECT 1 FROM events AS e JOIN access AS a ON a.x = e.x WHERE e.dt = '2026-10-31' AND a.region = 'eu-west-1'`,
    );
    expect([qualified.events?.read, qualified.access?.read]).toEqual([1 * 3, 365 * 1]);
    const left = figures(`SELECT 1 FROM events e LEFT JOIN access a ON a.x = e.x AND a.dt = '2026-10-31' AND e.dt = '2026-10-31'`);
    expect([left.events?.read, left.access?.read]).toEqual([365 * 3, 1 * 3]);
    const inner = figures(`SELECT 1 FROM events e JOIN access a ON a.x = e.x AND (a.dt IN ('2026-10-30', '2026-10-31'))`);
    expect([inner.events?.read, inner.access?.read]).toEqual([365 * 3, 2 * 3]);
  });

  it("folds constants Trino folds before pruning, and counts anything else (OR, NOT, a function of dt) as no restriction", () => {
    const folded = `SELECT 1 FROM events WHERE dt BETWEEN CAST(CAST(CAST('2026-10-25' AS date) - INTERVAL '1' DAY AS date) AS varchar)
      AND ('2026-10' || '-31')`;
    expect(figures(folded).events?.read).toBe(8 * 3);
    expect(figures(`SELECT 1 FROM events WHERE dt >= CAST(date_add('day', -2, DATE '2026-10-31') AS varchar)`).events?.read).toBe(3 * 3);
    for (const unbounded of [
      `dt = '2026-10-31' OR dt = '2026-10-30'`,
      `dt NOT BETWEEN '2025-11-01' AND '2026-10-30'`,
      `date(dt) = DATE '2026-10-31'`,
    ])
      expect(figures(`SELECT 1 FROM events WHERE ${unbounded}`).events?.read, unbounded).toBe(365 * 3);
  });

  it("prunes CloudTrail's yyyy/MM/dd days, accounts and regions, and history's work groups as every value", () => {
    const trail = figures(`SELECT 1 FROM cloudtrail WHERE day BETWEEN '2026/10/25' AND '2026/10/31' AND account = '100000000001'`);
    expect(trail.cloudtrail?.read).toBe(7 * 1 * 3);
    expect(figures(`SELECT 1 FROM history WHERE dt = '2026-10-31'`).history?.read).toBe(20 * 3 * 1 * 2);
  });

  it("requires the window plus the query's documented lookback, from the settings", () => {
    const anomalies = `SELECT 1 FROM events WHERE dt BETWEEN '2026-10-25' AND '2026-10-31'`;
    const lookback = Math.max(DEFAULT_ANOMALY_SETTINGS.lookbackDays, DEFAULT_ANOMALY_SETTINGS.baselineDays);
    expect(figures(anomalies, "anomalies").events?.required).toBe((lookback + 7) * 3);
    const shorter = { ...DEFAULT_OPTIONS, anomalies: { ...DEFAULT_ANOMALY_SETTINGS, lookbackDays: 10, baselineDays: 20 } };
    expect(statementFigures("anomalies", anomalies, period, shorter, lake)[0]?.required).toBe((20 + 7) * 3);
    expect(figures(anomalies, "top_scanners").events?.required).toBe(14 * 3);
    expect(figures(anomalies, "usage_daily").events?.required).toBe(7 * 3);
    // The last-used lookback ends on the window's last day; the grants lookback ends before the window.
    const lookbacks = { ...DEFAULT_OPTIONS, lastUsedLookbackDays: 30, grantsLookbackDays: 10 };
    expect(statementFigures("permission_gaps", anomalies, period, lookbacks, lake)[0]?.required).toBe(30 * 3);
    const grants = `SELECT 1 FROM grants WHERE dt BETWEEN '2026-10-25' AND '2026-10-31'`;
    expect(statementFigures("usage_by_account", grants, period, lookbacks, lake)[0]?.required).toBe((10 + 7) * 20);
    const names = new Set(SAVED_QUERIES.map((q) => q.name));
    expect(Object.keys(LOOKBACK_DAYS).filter((name) => !names.has(name))).toEqual([]);
  });

  it("fails on a statement that is not Trino SQL, naming the query and where", () => {
    expect(() => figures("SELECT count(*) FROM events WHERE", "top_scanners")).toThrow(/^query top_scanners: .*not Trino SQL: line 1:\d+/);
    expect(() => figures("SELECT 1 FROM glue_tables", "top_scanners")).toThrow(/query top_scanners: reads glue_tables/);
  });

  it("puts the literals sent back where the markers stand, not inside literals or comments", () => {
    expect(boundStatement("SELECT ?, '?' -- ?\n, (? || ?)", ["'a'", "7", "'b'"])).toBe("SELECT 'a', '?' -- ?\n, (7 || 'b')");
    expect(() => boundStatement("SELECT ?", [])).toThrow(/parameter/);
  });
});

describe("the saved queries' statements on Athena, a weekly report over a year", () => {
  let sent: SentStatement[];
  let all: TableFigures[];
  beforeAll(async () => {
    sent = await sentStatements(period);
    all = sent.flatMap((s) => statementFigures(s.query, s.sql, period, DEFAULT_OPTIONS, lake));
  });

  it("reads, per query, the tables its SQL names (the count misses none)", () => {
    expect(sent.map((s) => s.query)).toEqual(SAVED_QUERIES.map((q) => q.name));
    for (const { query, sql } of sent) {
      const named = Object.keys(TABLES).filter((t) => new RegExp(`\\b(from|join)\\s+${t}\\b`, "i").test(stripLiteralsAndComments(sql)));
      expect(
        all
          .filter((f) => f.query === query)
          .map((f) => f.table)
          .sort(),
        query,
      ).toEqual(named.sort());
    }
  });

  it.each(Object.keys(TABLES))("reads at most 1.2× the partitions of %s that the windows and lookbacks require", (table) => {
    const found = totalsByTable(all).find((t) => t.table === table);
    // Only the daily join reads CloudTrail (join-scans.test.ts); every other table is read by some saved query.
    if (table === "cloudtrail") {
      expect(found).toBeUndefined();
      return;
    }
    const totals = present(found, `a saved query reading ${table}`);
    const byQuery = all
      .filter((f) => f.table === table)
      .map((f) => `${f.query}: ${f.scans} scans, ${f.read} read, ${f.required} required`)
      .join("; ");
    expect(totals.read, `${table}: ${totals.read} read, ${totals.required} required (${byQuery})`).toBeLessThanOrEqual(
      1.2 * totals.required,
    );
  });

  it("scans events at most twice in anomalies", () => {
    const events = present(
      all.find((f) => f.query === "anomalies" && f.table === "events"),
      "anomalies' events",
    );
    expect(events.scans, `${events.read} partitions read, ${events.required} required`).toBeLessThanOrEqual(2);
  });
});
