/**
 * The anomalies query reads events and access once each and works every kind out of that one pass;
 * these are the edges of that form the generated lakes do not reach, on hand-made rows given to the
 * saved SQL as its two tables: a read from two addresses of one network counts once, another engine's
 * client is judged from the principal's first read through other engines, a first direct read is
 * judged against zero days back to the principal's first query, the hours either side of midnight
 * are neighbours, probes that name no table still count, a day with an unattributed query is
 * partial, and a role's finding names its sessions, the heaviest first. Every expected value is
 * counted from the rows below.
 */
import { ANOMALY_EVENT_COLUMNS, Cell, rowsSql } from "../support/anomaly-rows";
import * as fs from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { addDays } from "../../core/days";
import { DEFAULT_ANOMALY_SETTINGS } from "../../core/anomaly-settings";
import { DuckDbEngine } from "../../queries/duckdb/engine";
import { anomalyParameters, SAVED, SavedRow, savedQuerySql, savedRows } from "../../queries/saved";
import { cleanupAfterAll } from "../support/cleanup";
import { only } from "../support/defined";
import { tempDir } from "../support/lake";

const WINDOW = { from: "2026-03-01", to: "2026-03-07" };
const day = (n: number) => addDays(WINDOW.from, n);
const ANALYST = "arn:aws:iam::111122223333:user/analyst";
const PROBER = "arn:aws:iam::111122223333:user/prober";
/** A role people assume, each under a session name of their own. */
const SHARED = "arn:aws:iam::111122223333:role/shared";
const session = (name: string) => `arn:aws:sts::111122223333:assumed-role/shared/${name}`;
const GIB = 1024 ** 3;
/** The analyst's first direct reads: through the CLI, two of its three addresses in one /24. */
const READ = { calls: 40, objects: 40, bytes: 5 * GIB, addresses: ["198.51.100.7", "203.0.113.5", "203.0.113.9"] };
const PROBES = 5;

const ACCESS: [string, string][] = [
  ["dt", "VARCHAR"],
  ["principal_arn", "VARCHAR"],
  ["iam_principal_arn", "VARCHAR"],
  ["engine", "VARCHAR"],
  ["source", "VARCHAR"],
  ["resource_kind", "VARCHAR"],
  ["resource", "VARCHAR"],
  ["calls", "BIGINT"],
  ["objects", "BIGINT"],
  ["bytes", "BIGINT"],
  ["source_ips", "VARCHAR[]"],
];

const events: Record<string, Cell>[] = [];
function query(who: string, n: number, time: string, fields: Record<string, Cell> = {}) {
  events.push({
    dt: day(n),
    attributed: true,
    in_history: true,
    principal_arn: who,
    iam_principal_arn: who,
    principal_type: "IAMUser",
    query_execution_id: `q-${String(events.length + 1).padStart(3, "0")}`,
    event_time: `${day(n)} ${time}`,
    source_ip: "198.51.100.7",
    client_family: "jdbc",
    referenced_tables: ["sales.orders"],
    state: "SUCCEEDED",
    query_text: "SELECT count(*) FROM sales.orders",
    data_scanned_bytes: 1000,
    ...fields,
  });
}
// The analyst queries at 23:10 every day of the 40 before the window, then at 01:30 (two hours from
// 23 across midnight) and at 04:00 (three from 01, five from 23).
for (let n = -40; n < 0; n++) query(ANALYST, n, "23:10:00");
query(ANALYST, 0, "01:30:00");
query(ANALYST, 1, "04:00:00");
// The prober queries at 10:00 for 20 days, then is refused five times at 14:0x on day 3, naming no table.
for (let n = -20; n < 0; n++) query(PROBER, n, "10:00:00");
const firstProbe = events.length + 1;
for (let i = 0; i < PROBES; i++)
  query(PROBER, 3, `14:0${i}:00`, { state: "FAILED", referenced_tables: [], error_message: "AccessDenied: not authorized" });
// A query on day 3 no witness attributed.
query(PROBER, 3, "15:00:00", { attributed: false, principal_arn: null, iam_principal_arn: null });
// The shared role's nightly job queries at 10:00 for 20 days; on day 4, people assume it at 16:00, six
// hours from any hour before: zed twice, bob and amy once each (bob's scanning more), cat once as amy.
for (let n = -20; n < 0; n++) query(SHARED, n, "10:00:00", { principal_arn: session("nightly"), principal_type: "AssumedRole" });
const role = (name: string, minute: string, bytes: number) =>
  query(SHARED, 4, `16:${minute}:00`, {
    principal_arn: session(name),
    principal_type: "AssumedRole",
    data_scanned_bytes: bytes,
    query_text: `SELECT * FROM sales.orders WHERE seller = '${name}'`,
  });
const firstShared = events.length + 1;
role("zed@x.example", "01", 1000);
role("cat@x.example", "02", 1000);
role("bob@x.example", "03", 5000);
role("amy@x.example", "04", 1000);
role("zed@x.example", "05", 1000);
// And at 14:30, four hours from 10:00 but a neighbour of 16:00: its own finding, not 16:00's.
query(SHARED, 4, "14:30:00", { principal_arn: session("early@x.example"), principal_type: "AssumedRole" });
const access = [
  {
    dt: day(2),
    principal_arn: ANALYST,
    iam_principal_arn: ANALYST,
    engine: "cli",
    source: "s3",
    resource_kind: "prefix",
    resource: "lake-bucket/raw",
    calls: READ.calls,
    objects: READ.objects,
    bytes: READ.bytes,
    source_ips: READ.addresses,
  },
];

let rows: SavedRow<typeof SAVED.anomalies>[];
const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  const root = tempDir("anomalies-one-pass");
  cleanUp(() => fs.rmSync(root, { recursive: true, force: true }));
  const engine = await DuckDbEngine.open({ root });
  cleanUp(() => engine.close());
  const sql = savedQuerySql(SAVED.anomalies);
  expect(sql, "the query starts its WITH on a line of its own").toMatch(/^WITH /m);
  const given = sql.replace(
    /^WITH /m,
    `WITH events AS (${rowsSql(ANOMALY_EVENT_COLUMNS, events)}), access AS (${rowsSql(ACCESS, access)}), `,
  );
  rows = savedRows(SAVED.anomalies, await engine.run(given, anomalyParameters(WINDOW, DEFAULT_ANOMALY_SETTINGS)));
});

const finding = (who: string, kind: string, subject?: string) =>
  only(
    rows.filter((r) => r.principal_arn === who && r.kind === kind && (subject === undefined || r.subject === subject)),
    `${kind} ${subject ?? ""}`,
  );

describe("anomalies in one pass, at its edges", () => {
  it("finds what the rows hold and nothing else", () => {
    expect(rows.map((r) => [r.day, r.principal_arn, r.kind, r.subject, r.severity, r.coverage])).toEqual([
      [day(1), ANALYST, "time", "04", "medium", "complete"],
      [day(2), ANALYST, "download", "lake-bucket/raw", "high", "complete"],
      [day(2), ANALYST, "origin", "203.0.113.0/24", "medium", "complete"],
      [day(3), PROBER, "probing", "resources not named", "medium", "partial"],
      [day(3), PROBER, "time", "14", "medium", "partial"],
      [day(4), SHARED, "time", "14", "medium", "complete"],
      [day(4), SHARED, "time", "16", "medium", "complete"],
    ]);
  });

  it("names a role's sessions by what the finding counts, then bytes, then name, at most three, with their number", () => {
    // Queries: zed 2; bob, amy and cat 1 each, bob's 5,000 bytes before amy's and cat's 1,000, amy before cat by name.
    expect(finding(SHARED, "time", "16")).toMatchObject({
      sessions: "zed@x.example, bob@x.example, amy@x.example",
      session_count: 4,
      queries: 5,
    });
    expect(finding(SHARED, "time", "14")).toMatchObject({ sessions: "early@x.example", session_count: 1, queries: 1 });
    // An IAM user has no session.
    expect(rows.filter((r) => r.principal_arn !== SHARED).map((r) => [r.sessions, r.session_count])).toEqual(
      rows.filter((r) => r.principal_arn !== SHARED).map(() => [null, 0]),
    );
  });

  it("gives the example query's text: the first query id's", () => {
    expect(finding(SHARED, "time", "16")).toMatchObject({
      example_query_id: `q-${String(firstShared).padStart(3, "0")}`,
      example_query: "SELECT * FROM sales.orders WHERE seller = 'zed@x.example'",
    });
    // Direct reads have no query.
    expect(finding(ANALYST, "download")).toMatchObject({ example_query_id: null, example_query: null });
  });

  it("counts another engine's read once for a network however many of its addresses are in it", () => {
    const network = finding(ANALYST, "origin", "203.0.113.0/24");
    expect([network.calls, network.measured, network.queries, network.engine]).toEqual([READ.calls, READ.calls, 0, "cli"]);
  });

  it("judges another engine's client from the principal's first read through other engines, not its first query", () => {
    // 40 days of queries, but the CLI read is its first through another engine: no history yet.
    expect(rows.filter((r) => r.subject === "client:cli")).toEqual([]);
  });

  it("judges first direct reads against zero days back to the principal's first query", () => {
    const download = finding(ANALYST, "download");
    expect(download).toMatchObject({ measured: READ.bytes, baseline: 0, spread: 0, peak: 0, baseline_objects: 0, score: READ.bytes });
    expect([download.calls, download.objects, download.engine]).toEqual([READ.calls, READ.objects, "cli"]);
    // 198.51.100.0/24 is the address its queries always came from.
    expect([download.networks, download.new_networks]).toEqual(["198.51.100.0/24, 203.0.113.0/24", "203.0.113.0/24"]);
  });

  it("takes the hours either side of midnight as neighbours", () => {
    expect(rows.filter((r) => r.kind === "time" && r.day === day(0))).toEqual([]);
    expect(finding(ANALYST, "time")).toMatchObject({ day: day(1), subject: "04", queries: 1 });
  });

  it("counts probes that name no table", () => {
    expect(finding(PROBER, "probing")).toMatchObject({
      measured: PROBES,
      queries: PROBES,
      example_query_id: `q-${String(firstProbe).padStart(3, "0")}`,
    });
  });
});
