/**
 * What an attacker who waits does, on hand-made rows given to the anomalies SQL as its two tables
 * (as anomalies-one-pass.test.ts does): a new role's huge first day is judged against its peers and a
 * ceiling (newcomer), a principal reading 30% more each day is a drift, probing spread over six hours
 * or across an hour's boundary is found by the sliding windows, and a month-end close that grows 2.2x
 * month over month is compared with the last close, not raised. Every expected value is worked out
 * here from the rows below (the drift's day by the CUSUM the docs describe, computed in this file).
 */
import { ANOMALY_EVENT_COLUMNS, Cell, rowsSql } from "../support/anomaly-rows";
import * as fs from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { addDays } from "../../core/days";
import { AnomalySettings, DEFAULT_ANOMALY_SETTINGS } from "../../core/anomaly-settings";
import { DuckDbEngine } from "../../queries/duckdb/engine";
import { anomalyParameters, SAVED, SavedRow, savedQuerySql, savedRows } from "../../queries/saved";
import { explainAnomaly } from "../../reports/pages/anomaly-words";
import { cleanupAfterAll } from "../support/cleanup";
import { only } from "../support/defined";
import { tempDir } from "../support/lake";

const WINDOW = { from: "2026-03-01", to: "2026-03-31" };
const day = (n: number) => addDays(WINDOW.from, n);
const GIB = 1024 ** 3;
const TIB = 1024 * GIB;
const ARN = (name: string) => `arn:aws:iam::111122223333:${name}`;
/** Two roles of the account reading every day: the newcomers' peers (roles without an IAM path). */
const APP_A = ARN("role/app-a");
const APP_B = ARN("role/app-b");
const PEER_DAY = 200 * GIB;
/** New roles: 1 TiB (past its peers, under the ceiling) and 150 GiB (like its peers) on day 8; 10 TiB on day 10. */
const LOADER = ARN("role/new-loader");
const BULKY = ARN("role/new-bulky");
const REPORTER = ARN("role/new-reporter");
/** A service (under its own path, so no newcomer's peer) at 90, 100, 110 GiB, then 30% more each day for ten days from day 6. */
const DRIFTER = ARN("role/service-role/drifter");
const drifterDay = (n: number) => (n >= 6 && n <= 15 ? 100 * 1.3 ** (n - 5) : [90, 100, 110][((n % 3) + 3) % 3]!) * GIB;
/** 3 GiB a day, and a close on the month's last two business days: 30 GiB in December, 2.2x more each month. */
const CLOSER = ARN("role/finance-close");
const PROBER = ARN("user/prober");
const PROBER2 = ARN("user/prober2");

const ACCESS =
  "SELECT CAST(NULL AS VARCHAR) AS dt, CAST(NULL AS VARCHAR) AS principal_arn, CAST(NULL AS VARCHAR) AS iam_principal_arn, " +
  "CAST(NULL AS VARCHAR) AS engine, CAST(NULL AS VARCHAR) AS source, CAST(NULL AS VARCHAR) AS resource_kind, " +
  "CAST(NULL AS VARCHAR) AS resource, CAST(NULL AS BIGINT) AS calls, CAST(NULL AS BIGINT) AS objects, CAST(NULL AS BIGINT) AS bytes, " +
  "CAST(NULL AS VARCHAR[]) AS source_ips WHERE false";

const events: Record<string, Cell>[] = [];
function query(who: string, n: number, time: string, bytes: number, fields: Record<string, Cell> = {}) {
  events.push({
    dt: day(n),
    attributed: true,
    in_history: true,
    principal_arn: who,
    iam_principal_arn: who,
    principal_type: who.includes(":user/") ? "IAMUser" : "AssumedRole",
    query_execution_id: `q-${String(events.length + 1).padStart(5, "0")}`,
    event_time: `${day(n)} ${time}`,
    source_ip: "198.51.100.7",
    client_family: "sdk",
    referenced_tables: ["sales.orders"],
    state: "SUCCEEDED",
    query_text: "SELECT count(*) FROM sales.orders",
    data_scanned_bytes: Math.round(bytes),
    ...fields,
  });
}
const failure = (who: string, n: number, time: string) =>
  query(who, n, time, 0, { state: "FAILED", referenced_tables: ["hr.salaries"], error_message: "AccessDenied: not authorized" });
/** hh:mm:ss of a minute count. */
const clock = (minutes: number) =>
  [Math.floor(minutes / 60), Math.floor(minutes % 60), Math.round((minutes % 1) * 60)].map((v) => String(v).padStart(2, "0")).join(":");

/** The month's last two weekdays. */
function closeDays(month: string): string[] {
  const next = addDays(`${month}-28`, 4).slice(0, 7);
  const days: string[] = [];
  for (let d = addDays(`${next}-01`, -1); days.length < 2; d = addDays(d, -1))
    if (![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay())) days.push(d);
  return days.sort();
}
const CLOSES = ["2025-12", "2026-01", "2026-02", "2026-03"].flatMap((m, i) => closeDays(m).map((d) => [d, 30 * GIB * 2.2 ** i] as const));

for (let n = -90; n <= 30; n++) {
  query(APP_A, n, "10:00:00", PEER_DAY);
  query(APP_B, n, "10:00:00", PEER_DAY / 2);
  query(DRIFTER, n, "06:00:00", drifterDay(n));
  query(CLOSER, n, "18:00:00", 3 * GIB);
  const close = CLOSES.find(([d]) => d === day(n));
  if (close) query(CLOSER, n, "18:30:00", close[1]);
  // The probers work at 09:00, 12:00 and 15:00, so none of their failures is at an hour new to them (time).
  if (n >= -30) for (const who of [PROBER, PROBER2]) for (const h of ["09", "12", "15"]) query(who, n, `${h}:00:00`, GIB);
}
for (let i = 0; i < 10; i++) query(LOADER, 10, `01:${String(10 + 4 * i).padStart(2, "0")}:00`, TIB);
query(BULKY, 8, "11:00:00", TIB);
query(REPORTER, 8, "11:00:00", 150 * GIB);
// Four an hour for six hours (15m20s apart): no sliding hour holds five, the day holds 24.
for (let i = 0; i < 24; i++) failure(PROBER, 20, clock(9 * 60 + i * (15 + 1 / 3)));
// Five within twelve minutes across noon: three in one clock hour, two in the next.
for (const m of [52, 55, 58, 61, 64]) failure(PROBER2, 22, clock(11 * 60 + m));
// Four within an hour: below both windows.
for (const m of [0, 10, 20, 30]) failure(PROBER2, 25, clock(13 * 60 + m));

type Row = SavedRow<typeof SAVED.anomalies>;
let engine: DuckDbEngine;
let rows: Row[];
const cleanUp = cleanupAfterAll();
async function run(settings: AnomalySettings): Promise<Row[]> {
  const sql = savedQuerySql(SAVED.anomalies);
  const given = sql.replace(/^WITH /m, `WITH events AS (${rowsSql(ANOMALY_EVENT_COLUMNS, events)}), access AS (${ACCESS}), `);
  return savedRows(SAVED.anomalies, await engine.run(given, anomalyParameters(WINDOW, settings)));
}
beforeAll(async () => {
  const root = tempDir("anomalies-trends");
  cleanUp(() => fs.rmSync(root, { recursive: true, force: true }));
  engine = await DuckDbEngine.open({ root });
  cleanUp(() => engine.close());
  rows = await run(DEFAULT_ANOMALY_SETTINGS);
}, 60_000);

const of = (who: string) => rows.filter((r) => r.principal_arn === who).map((r) => [r.day, r.kind, r.subject, r.severity]);

/** The drift's day by the rule in words: one-sided CUSUM of min(z, 3) - 0.5 over the 35 days' median, fired the first day past 15. */
function expectedDriftDay(): string | undefined {
  const at = (sorted: number[], p: number) => sorted[Math.min(Math.floor(p * sorted.length), sorted.length - 1)]!;
  let s = 0;
  for (let n = 0; n <= 30; n++) {
    const before = Array.from({ length: 35 }, (_, k) => drifterDay(n - 1 - k)).sort((a, b) => a - b);
    const median = at(before, 0.5);
    const mad = at(
      before.map((v) => Math.abs(v - median)).sort((a, b) => a - b),
      0.5,
    );
    const deviation = Math.max(1.4826 * mad, (at(before, 0.9) - median) / 1.2816, 0.05 * median, 1);
    const x = drifterDay(n);
    s = Math.max(0, s + Math.min((x - median) / deviation, 3) - 0.5);
    if (s >= 15 && x > before.at(-1)! && x >= 2 * median) return day(n);
  }
  return undefined;
}

describe("anomalies an attacker who waits makes (issue 27)", () => {
  it("judges a new role's 10 TiB first day against its peers' busiest day, and above the ceiling", () => {
    expect(of(LOADER)).toEqual([[day(10), "newcomer", "bytes", "high"]]);
    const f = only(
      rows.filter((r) => r.principal_arn === LOADER),
      "newcomer finding",
    );
    // Its peers' busiest day over the 35 before: the other new role's 1 TiB (the drifter is under its own path).
    expect([f.measured, f.peak, f.score]).toEqual([10 * TIB, TIB, 10]);
    expect(explainAnomaly(f)).toBe(
      "Scanned 10.0 TiB in one day, a principal new to the lake (too little history for its own baseline): " +
        "10.0× the most any role of account 111122223333 scanned in a day over the previous weeks (1.0 TiB).",
    );
  });

  it("raises a new role past twice its peers' busiest day under the ceiling, and not one reading like them", () => {
    // Its peers' busiest day: app-a's 200 GiB, so 5.1x: medium (high from 6x, twice the volume rule's 3x).
    expect(of(BULKY)).toEqual([[day(8), "newcomer", "bytes", "medium"]]);
    expect(
      only(
        rows.filter((r) => r.principal_arn === BULKY),
        "bulky",
      ).score,
    ).toBeCloseTo(TIB / PEER_DAY, 9);
    expect(of(REPORTER)).toEqual([]);
  });

  it("fires a drift on the day the CUSUM of 30% more a day passes its threshold, and nothing else for it", () => {
    const expected = expectedDriftDay();
    expect(expected, "the rule's own day: the seventh day of the drift").toBe(day(12));
    expect(of(DRIFTER)).toEqual([[expected, "drift", "bytes", "medium"]]);
    const f = only(
      rows.filter((r) => r.principal_arn === DRIFTER),
      "drift",
    );
    expect([f.measured, f.baseline, f.peak]).toEqual([Math.round(drifterDay(12)), 100 * GIB, Math.round(drifterDay(11))]);
    expect(explainAnomaly(f)).toMatch(/^Scanned 627\.5 GiB in one day \(6\.3× its median of 100\.0 GiB a day\), the busiest /);
  });

  it("finds four failures an hour for six hours by the day's window, and five across an hour's boundary by the sliding hour", () => {
    expect(of(PROBER)).toEqual([[day(20), "probing", "hr.salaries", "medium"]]);
    const spread = only(
      rows.filter((r) => r.principal_arn === PROBER),
      "spread probe",
    );
    expect([spread.measured, spread.peak, spread.queries]).toEqual([24, 4, 24]);
    expect(explainAnomaly(spread)).toBe(
      "24 access-denied or not-found failures within 24 hours, at most 4 in any one hour (24 that day), on hr.salaries.",
    );
    // Day 25's four within an hour are below both windows.
    expect(of(PROBER2)).toEqual([[day(22), "probing", "hr.salaries", "medium"]]);
    const boundary = only(
      rows.filter((r) => r.principal_arn === PROBER2),
      "boundary probe",
    );
    expect([boundary.measured, boundary.peak]).toEqual([5, 5]);
  });

  it("lets a month-end close that grows 2.2x pass, compared with the last close; at a seasonal ratio of 2 it would be volume", async () => {
    expect(CLOSES.map(([d]) => d).slice(-2)).toEqual([day(29), day(30)]);
    expect(of(CLOSER)).toEqual([]);
    // The same rows judged with the season's ratio no looser than any day's: March's first close day is 2.2x February's.
    const strict = await run({ ...DEFAULT_ANOMALY_SETTINGS, seasonalRatio: DEFAULT_ANOMALY_SETTINGS.volumeRatio });
    expect(strict.filter((r) => r.principal_arn === CLOSER).map((r) => [r.day, r.kind, r.subject])).toEqual([[day(29), "volume", "bytes"]]);
  });

  it("raises nothing for the peers' ordinary days", () => {
    expect([...of(APP_A), ...of(APP_B)]).toEqual([]);
  });
});
