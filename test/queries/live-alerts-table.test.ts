/**
 * "Alerted live at …": a hand-made lake where two principals each UNLOAD to a bucket outside the
 * known ones on one day, and the live alerts' log (live_alerts, real files read by the embedded
 * engine's view) holds the alerts of one of them, among others that must not count. The anomalies
 * query gives that finding the earliest matching alert's time and the other none; the page's row and
 * the anomaly issue say so for that finding only. Every expected value is worked from the rows below.
 */
import { ANOMALY_EVENT_COLUMNS, Cell, rowsSql } from "../support/anomaly-rows";
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ANOMALY_SETTINGS } from "../../core/anomaly-settings";
import { addDays } from "../../core/days";
import { liveAlertsObjectKey } from "../../core/layout";
import { DuckDbEngine } from "../../queries/duckdb/engine";
import { emptyTableSql } from "../../queries/duckdb/views";
import { QueryResult } from "../../queries/engine";
import { anomalyParameters, DEFAULT_OPTIONS, periodEnding, SAVED, SavedRow, savedQuerySql, savedRows } from "../../queries/saved";
import { ACCESS, LIVE_ALERTS } from "../../queries/schema/tables";
import { RowOf } from "../../queries/schema/types";
import { anomalyTitle, renderAnomalyIssue, toAnomaly } from "../../reports/issues/anomaly-issues";
import { liveAlertTime } from "../../reports/pages/anomaly-words";
import { renderReports } from "../../reports/publish";
import { simulatedLake, statementFigures } from "../support/athena-scans";
import { cleanupAfterAll } from "../support/cleanup";
import { at, only, present } from "../support/defined";
import { sentStatements } from "../support/athena-statements";
import { tempDir } from "../support/lake";

const WINDOW = { from: "2026-03-01", to: "2026-03-07" };
const day = (n: number) => addDays(WINDOW.from, n);
const ACCOUNT = "111122223333";
const MOVER = `arn:aws:iam::${ACCOUNT}:user/mover`;
const COPIER = `arn:aws:iam::${ACCOUNT}:user/copier`;
const UNLOAD = "UNLOAD (SELECT * FROM sales.orders) TO 's3://outside-bucket/x/' WITH (format = 'PARQUET')";

const events: Record<string, Cell>[] = [];
function query(who: string, n: number, time: string, sql: string) {
  events.push({
    dt: day(n),
    attributed: true,
    in_history: true,
    principal_arn: who,
    iam_principal_arn: who,
    principal_type: "IAMUser",
    on_behalf_of: null,
    query_execution_id: `q-${String(events.length + 1).padStart(3, "0")}`,
    event_time: `${day(n)} ${time}`,
    source_ip: "198.51.100.7",
    client_family: "jdbc",
    referenced_tables: ["sales.orders"],
    state: "SUCCEEDED",
    error_message: null,
    query_text: sql,
    data_scanned_bytes: 1000,
  });
}
// Twenty ordinary days each, at 10:00 from one network and client; then, on day 2 at 10:30, an UNLOAD each.
for (const who of [MOVER, COPIER]) {
  for (let n = -20; n < 0; n++) query(who, n, "10:00:00", "SELECT count(*) FROM sales.orders");
  query(who, 2, "10:30:00", UNLOAD);
}

type LiveAlert = RowOf<typeof LIVE_ALERTS>;
const alert = (who: string, fields: Partial<LiveAlert>): LiveAlert => ({
  query_execution_id: "00000000-0000-4000-8000-000000000001",
  account_id: ACCOUNT,
  region: "us-east-1",
  principal_arn: who,
  kind: "exfiltration",
  subject: "s3://outside-bucket",
  severity: "high",
  alerted_at: `${day(2)}T10:42:07.123Z`,
  event_time: `${day(2)}T10:30:00.000Z`,
  ...fields,
});
/** The log's objects, by query id and kind as the live path names them. */
const LOG: LiveAlert[] = [
  // The mover's: the earliest is the finding's, a later one of another query does not move it.
  alert(MOVER, { query_execution_id: "00000000-0000-4000-8000-000000000001" }),
  alert(MOVER, { query_execution_id: "00000000-0000-4000-8000-000000000002", alerted_at: `${day(2)}T10:55:00.000Z` }),
  // The copier's, none of which is its finding's: another bucket, another kind, a time that is no ISO-8601 UTC.
  alert(COPIER, {
    query_execution_id: "00000000-0000-4000-8000-000000000003",
    subject: "s3://other-bucket",
    alerted_at: `${day(2)}T09:00:00.000Z`,
  }),
  alert(COPIER, { query_execution_id: "00000000-0000-4000-8000-000000000004", kind: "reach", subject: "hr" }),
  alert(COPIER, { query_execution_id: "00000000-0000-4000-8000-000000000005", alerted_at: `${day(2)} 09:20:00` }),
  // And one the day before the window, which the query does not read.
  alert(COPIER, { query_execution_id: "00000000-0000-4000-8000-000000000006", event_time: `${day(-1)}T10:30:00.000Z` }),
];

let rows: SavedRow<typeof SAVED.anomalies>[];
let result: QueryResult;
const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  const root = tempDir("live-alerts-table");
  cleanUp(() => fs.rmSync(root, { recursive: true, force: true }));
  for (const a of LOG) {
    const file = path.join(
      root,
      liveAlertsObjectKey({ account: ACCOUNT, dt: a.event_time.slice(0, 10), queryId: a.query_execution_id, kind: a.kind }),
    );
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(a)}\n`);
  }
  const engine = await DuckDbEngine.open({ root });
  cleanUp(() => engine.close());
  const eventsSql = rowsSql(ANOMALY_EVENT_COLUMNS, events);
  const sql = savedQuerySql(SAVED.anomalies).replace(/^WITH /m, `WITH events AS (${eventsSql}), access AS (${emptyTableSql(ACCESS)}), `);
  result = await engine.run(sql, anomalyParameters(WINDOW, DEFAULT_ANOMALY_SETTINGS));
  rows = savedRows(SAVED.anomalies, result);
});

const finding = (who: string) =>
  only(
    rows.filter((r) => r.principal_arn === who),
    `the finding of ${who}`,
  );

/** `<user name> <time>` for each row of the page that says it was alerted live. */
function saidLive(page: string): string[] {
  return page
    .split("\n")
    .filter((line) => line.startsWith("|") && line.includes("Alerted live at"))
    .map((line) => `${/\b(mover|copier)\b/.exec(line)?.[1] ?? "?"} ${/Alerted live at ([^.]*)\./.exec(line)?.[1] ?? "?"}`);
}

describe("the anomalies query with the live alerts' log", () => {
  it("finds one exfiltration each, the mover's alerted at its earliest matching alert, the copier's not", () => {
    expect(rows.map((r) => [r.day, r.principal_arn, r.kind, r.subject, r.severity, r.alerted_at])).toEqual([
      [day(2), COPIER, "exfiltration", "s3://outside-bucket", "high", null],
      [day(2), MOVER, "exfiltration", "s3://outside-bucket", "high", `${day(2)}T10:42:07.123Z`],
    ]);
  });

  it("reads live_alerts once, the window's days only, as sent to Athena", async () => {
    const period = periodEnding(WINDOW.to, 7);
    const [sent] = await sentStatements(period, DEFAULT_OPTIONS, [SAVED.anomalies]);
    const figures = statementFigures("anomalies", present(sent, "the statement").sql, period, DEFAULT_OPTIONS, simulatedLake(WINDOW.to));
    // 7 days of each of the simulated lake's 20 accounts.
    expect(
      only(
        figures.filter((f) => f.table === "live_alerts"),
        "live_alerts' figures",
      ),
    ).toMatchObject({
      scans: 1,
      read: 7 * 20,
      required: 7 * 20,
    });
  });
});

describe("the page and the issue say it for that finding only", () => {
  it("the page's row says when the live alert went out, and a note says what that means", () => {
    const page = at(renderReports([{ query: SAVED.anomalies, result }], WINDOW, "test"), 1, "the anomalies page").content;
    expect(saidLive(page)).toEqual(["mover 10:42 UTC"]);
    expect(page).toContain("**Alerted live**: the live alerts");
    // The check fails on a page where the alert is the copier's instead.
    const swapped = rows.map((r) => ({ ...r, alerted_at: r.principal_arn === COPIER ? `${day(2)}T10:42:07.123Z` : null }));
    const other = at(
      renderReports([{ query: SAVED.anomalies, result: { ...result, rows: swapped } }], WINDOW, "test"),
      1,
      "the page",
    ).content;
    expect(() => expect(saidLive(other)).toEqual(["mover 10:42 UTC"])).toThrow();
    expect(saidLive(other)).toEqual(["copier 10:42 UTC"]);
  });

  it("the issue's title and body say it was alerted live, and the other issue does not", () => {
    const mover = toAnomaly(finding(MOVER), "the mover's row");
    const copier = toAnomaly(finding(COPIER), "the copier's row");
    const [moved, copied] = [renderAnomalyIssue(mover, 14), renderAnomalyIssue(copier, 14)];
    expect(moved.title).toBe(`Anomaly (high, alerted live): exfiltration by mover on ${day(2)} (s3://outside-bucket)`);
    expect(moved.body).toContain("Alerted live at 10:42 UTC.");
    expect(moved.body).toContain("| Alerted live | 10:42 UTC, minutes after the query: this issue is the daily record of that alert");
    expect(copied.title).toBe(anomalyTitle(copier));
    expect(`${copied.title}\n${copied.body}`.toLowerCase()).not.toContain("alerted live");
  });

  it("gives the alert's day when it is not the finding's (a query just before midnight)", () => {
    const late = toAnomaly({ ...finding(MOVER), alerted_at: `${day(3)}T00:03:00.000Z` }, "a late alert");
    expect(liveAlertTime(late)).toBe(`00:03 UTC on ${day(3)}`);
    expect(liveAlertTime({ ...late, alertedAt: "10:42" })).toBeUndefined();
  });
});
