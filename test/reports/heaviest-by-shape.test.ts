/**
 * The Heaviest queries page groups runs by query shape: hand-made events (three days, four shapes
 * that scanned, one that never did), each shape's heaviest run and totals worked by hand, run
 * through heaviest_queries.sql on the embedded engine and rendered. The shape is cost_by_query_shape's
 * expression, word for word, as the price is one expression wherever a saved query prices.
 */
import * as fs from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { DuckDbEngine } from "../../queries/duckdb/engine";
import { QueryResult } from "../../queries/engine";
import { LITERALS_AND_COMMENTS } from "../../queries/parameters";
import { DEFAULT_OPTIONS, SAVED, SAVED_QUERIES, savedQuerySql, SavedRow, savedRows } from "../../queries/saved";
import { pageModel } from "../../reports/pages/model";
import { cleanupAfterAll } from "../support/cleanup";
import { at, present } from "../support/defined";
import { tempDir } from "../support/lake";

const GIB = 2 ** 30;
/** A GiB at $5 a binary TB: 1,024 MiB of 2^40 bytes, exactly representable, so sums compare exactly. */
const USD_PER_GIB = 5 / 1024;
const PERIOD = { from: "2026-10-01", to: "2026-10-03" };
const NB = "\u00a0";

interface Run {
  id: string;
  dt: string;
  /** GiB scanned; null when history gave none. */
  gib: number | null;
  state: string;
  text: string;
}

const ETL = (day: string) => `INSERT INTO clickstream.sessions SELECT * FROM clickstream.page_views WHERE dt = '${day}'`;
const RUNS: Run[] = [
  // The nightly job: the same statement with the day's date, one shape. The run before the period is its largest.
  { id: "a-0", dt: "2026-09-30", gib: 900, state: "SUCCEEDED", text: ETL("2026-09-30") },
  { id: "a-1", dt: "2026-10-01", gib: 300, state: "SUCCEEDED", text: ETL("2026-10-01") },
  { id: "a-2", dt: "2026-10-02", gib: 500, state: "SUCCEEDED", text: ETL("2026-10-02") },
  { id: "a-3", dt: "2026-10-03", gib: 490, state: "SUCCEEDED", text: ETL("2026-10-03") },
  // A dashboard: other values, case, line breaks and a comment, one shape; two runs tie, the lower id is shown; one has no bytes.
  {
    id: "b-1",
    dt: "2026-10-01",
    gib: 100,
    state: "SUCCEEDED",
    text: "SELECT id, amount FROM sales.orders WHERE day >= DATE '2026-09-01' LIMIT 100",
  },
  {
    id: "b-3",
    dt: "2026-10-02",
    gib: 450,
    state: "SUCCEEDED",
    text: "select id, amount\n  FROM sales.orders -- refresh\n WHERE day >= DATE '2026-09-15' LIMIT 500",
  },
  {
    id: "b-2",
    dt: "2026-10-02",
    gib: 450,
    state: "SUCCEEDED",
    text: "SELECT id, amount FROM sales.orders WHERE day >= DATE '2026-09-20' LIMIT 20",
  },
  {
    id: "b-4",
    dt: "2026-10-03",
    gib: null,
    state: "FAILED",
    text: "SELECT id, amount FROM sales.orders WHERE day >= DATE '2026-09-30' LIMIT 1",
  },
  // One cancelled run, billed what it scanned: heavier than the dashboard's heaviest, lighter than the dashboard in all.
  { id: "c-1", dt: "2026-10-03", gib: 480, state: "CANCELLED", text: "SELECT * FROM finance.ledger" },
  { id: "d-1", dt: "2026-10-01", gib: 1, state: "SUCCEEDED", text: "SELECT 1" },
  // Never scanned: no heaviest run, no row.
  { id: "e-1", dt: "2026-10-02", gib: null, state: "SUCCEEDED", text: "SHOW TABLES" },
];

const sqlText = (s: string) => `'${s.replace(/'/g, "''")}'`;
/** The runs as the events table holds them, with the columns heaviest_queries reads. */
const EVENTS = `SELECT * FROM (VALUES ${RUNS.map((r) => {
  const bytes = r.gib === null ? "NULL" : String(r.gib * GIB);
  const billed = r.gib === null ? "NULL" : r.state === "FAILED" ? "0.0" : "1.0";
  return (
    `(${sqlText(r.id)}, ${sqlText(r.dt)}, TIMESTAMP '${r.dt} 02:00:00', 'arn:aws:iam::111122223333:role/${r.id.slice(0, 1)}', 'primary', ` +
    `'sales', ${sqlText(r.state)}, CAST(${bytes} AS BIGINT), CAST(${billed} AS DOUBLE), CAST(60000 AS BIGINT), ${sqlText(r.text)}, ` +
    `'us-east-1', '111122223333')`
  );
}).join(", ")}) AS t (query_execution_id, dt, event_time, principal_arn, work_group, database_name, state, data_scanned_bytes,
  cost_usd, total_execution_ms, query_text, region, account_id)`;

type HeavyRow = SavedRow<typeof SAVED.heaviest_queries>;

/** What a row must say, worked by hand from RUNS: the shape's heaviest run in the period, then all its runs there. */
interface Expected {
  id: string;
  gib: number;
  cost: number;
  runs: number;
  totalGib: number;
  totalCost: number;
}

/** A (2026-10-01..03): 300 + 500 + 490 GiB, the 900 before the period left out; heaviest a-2. */
const A: Expected = { id: "a-2", gib: 500, cost: 500 * USD_PER_GIB, runs: 3, totalGib: 1290, totalCost: 1290 * USD_PER_GIB };
/** C: one cancelled run of 480 GiB, billed. */
const C: Expected = { id: "c-1", gib: 480, cost: 480 * USD_PER_GIB, runs: 1, totalGib: 480, totalCost: 480 * USD_PER_GIB };
/** B: 100 + 450 + 450 GiB and a failed run without bytes (a run, nothing scanned or billed); b-2 before b-3. */
const B: Expected = { id: "b-2", gib: 450, cost: 450 * USD_PER_GIB, runs: 4, totalGib: 1000, totalCost: 1000 * USD_PER_GIB };
/** D: one run of 1 GiB, over the 10 MB minimum. */
const D: Expected = { id: "d-1", gib: 1, cost: USD_PER_GIB, runs: 1, totalGib: 1, totalCost: USD_PER_GIB };

function expectRows(rows: readonly HeavyRow[], expected: readonly Expected[]): void {
  expect(
    rows.map((r) => [
      r.rank,
      r.query_execution_id,
      r.data_scanned_bytes,
      r.cost_usd,
      r.shape_runs,
      r.shape_data_scanned_bytes,
      r.shape_cost_usd,
    ]),
  ).toEqual(expected.map((e, i) => [i + 1, e.id, e.gib * GIB, e.cost, e.runs, e.totalGib * GIB, e.totalCost]));
}

let engine: DuckDbEngine;
const results = new Map<number, QueryResult>();

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  const lake = tempDir("heaviest-by-shape");
  cleanUp(() => fs.rmSync(lake, { recursive: true, force: true }));
  engine = await DuckDbEngine.open({ root: lake });
  cleanUp(() => engine.close());
  await engine.withTables({ events: EVENTS }, async (scoped) => {
    for (const limit of [3, 20]) {
      const parameters = SAVED.heaviest_queries.parameters(PERIOD, { ...DEFAULT_OPTIONS, limit });
      results.set(limit, await scoped.run(savedQuerySql(SAVED.heaviest_queries), parameters, SAVED.heaviest_queries.name));
    }
  });
});

const rowsFor = (limit: number) => savedRows(SAVED.heaviest_queries, present(results.get(limit), `the rows for limit ${limit}`));

describe("heaviest_queries, one row per query shape", () => {
  it("ranks the shapes by their heaviest run in the period, with each shape's runs, bytes and cost there", () => {
    expectRows(rowsFor(20), [A, C, B, D]);
  });

  it("keeps the top :limit shapes", () => {
    expectRows(rowsFor(3), [A, C, B]);
  });

  it("shows the heaviest run's own text, principal and state, not the shape's", () => {
    const rows = rowsFor(20);
    expect(rows.map((r) => r.query_text)).toEqual([ETL("2026-10-02"), "SELECT * FROM finance.ledger", at(RUNS, 6, "b-2").text, "SELECT 1"]);
    expect(rows.map((r) => [r.principal, r.state])).toEqual([
      ["arn:aws:iam::111122223333:role/a", "SUCCEEDED"],
      ["arn:aws:iam::111122223333:role/c", "CANCELLED"],
      ["arn:aws:iam::111122223333:role/b", "SUCCEEDED"],
      ["arn:aws:iam::111122223333:role/d", "SUCCEEDED"],
    ]);
  });

  it("fails an expectation that is not the grouping's: the single heaviest runs, shapes by total, or a run miscounted", () => {
    const rows = rowsFor(3);
    const single = (id: string, gib: number): Expected => ({
      id,
      gib,
      cost: gib * USD_PER_GIB,
      runs: 1,
      totalGib: gib,
      totalCost: gib * USD_PER_GIB,
    });
    // Ungrouped, the three largest scans are a-2, a-3 and c-1.
    expect(() => expectRows(rows, [single("a-2", 500), single("a-3", 490), single("c-1", 480)])).toThrow();
    // By what the shape cost in all, B (1,000 GiB) comes before C (480 GiB).
    expect(() => expectRows(rows, [A, B, C])).toThrow();
    // The run without bytes is one of B's runs.
    expect(() => expectRows(rows, [A, C, { ...B, runs: 3 }])).toThrow();
  });

  it("renders a row per shape with all its runs beside the heaviest, and the run's id in the ids table", () => {
    const model = pageModel({ query: SAVED.heaviest_queries, result: present(results.get(20), "the rows") }, PERIOD);
    const main = at(model.tables, 0, "the shapes table");
    expect(main.headers.length).toBeLessThanOrEqual(7);
    expect(main.rows.map((r) => [r[0], r[1], r[2], r[3]])).toEqual([
      ["1", `500.0${NB}GiB`, "$2.44", `3${NB}runs,${NB}1.3${NB}TiB,${NB}$6.30`],
      ["2", `480.0${NB}GiB`, `$2.34${NB}(cancelled)`, `1${NB}run,${NB}480.0${NB}GiB,${NB}$2.34`],
      ["3", `450.0${NB}GiB`, "$2.20", `4${NB}runs,${NB}1000.0${NB}GiB,${NB}$4.88`],
      ["4", `1.0${NB}GiB`, "$0.0049", `1${NB}run,${NB}1.0${NB}GiB,${NB}$0.0049`],
    ]);
    // The text redacted by default: the run's own date masked.
    expect(at(main.rows, 0, "row 1")[6]).toBe("`INSERT INTO clickstream.sessions SELECT * FROM clickstream.page_views WHERE dt = '?'`");
    const ids = at(model.tables, 1, "the ids table");
    expect(ids.rows.map((r) => r[2])).toEqual(["`a-2`", "`c-1`", "`b-2`", "`d-1`"]);
  });
});

describe("the page's query texts", () => {
  it("tells apart two shapes' runs that read the same once cut to the cell, and redacts both", () => {
    const head =
      "INSERT INTO clickstream.sessions SELECT session_id, user_id, min(ts) AS started_at, max(ts) AS ended_at, count(*) AS views";
    const texts = [
      `${head} FROM clickstream.page_views GROUP BY session_id`,
      `${head} FROM clickstream.page_views WHERE dt = '2026-09-21' GROUP BY session_id`,
    ];
    const columns = SAVED.heaviest_queries.columns.map((c) => ({ name: c.name, type: c.type }));
    const rows = texts.map((query_text, i) => ({
      query_execution_id: `run-${i}`,
      event_time: null,
      principal: "arn:aws:iam::111122223333:role/etl",
      work_group: "etl",
      database_name: "clickstream",
      state: "SUCCEEDED",
      data_scanned_bytes: (2 - i) * GIB,
      cost_usd: (2 - i) * USD_PER_GIB,
      total_execution_ms: 1000,
      query_text,
      region: "us-east-1",
      account_id: "111122223333",
      shape_runs: 1,
      shape_data_scanned_bytes: (2 - i) * GIB,
      shape_cost_usd: (2 - i) * USD_PER_GIB,
      rank: i + 1,
    }));
    const model = pageModel({ query: SAVED.heaviest_queries, result: { columns, rows, bytesScanned: 0 } }, PERIOD);
    const cells = at(model.tables, 0, "the shapes table").rows.map((r) => at(r, 6, "the query cell"));
    expect(new Set(cells).size).toBe(2);
    // Each shows the part past the cut where it differs from the other, its date masked.
    expect(at(cells, 0, "the first")).toContain("views GROUP BY session_id`");
    expect(at(cells, 1, "the second")).toContain("views WHERE dt = '?' GROUP BY session_id`");
    for (const cell of cells) expect(cell.startsWith("`INSERT INTO clickstream.sessions")).toBe(true);
  });
});

/** SQL without its comments, white space folded, as the price expression's test reads it (test/queries/report-pricing.test.ts). */
const folded = (sql: string) =>
  sql
    .replace(new RegExp(LITERALS_AND_COMMENTS, "g"), (span) => (span.startsWith("--") || span.startsWith("/*") ? " " : span))
    .replace(/\s+/g, " ")
    .replace(/\( /g, "(")
    .replace(/ \)/g, ")");

describe("the query shape expression", () => {
  it("is the same text wherever a saved query computes a query shape", () => {
    const reference = /coalesce\(nullif\(regexp_replace\(.*?\) AS query_shape/.exec(folded(savedQuerySql(SAVED.cost_by_query_shape)));
    const shape = present(reference?.[0], "the query_shape expression in cost_by_query_shape.sql");
    const copies = SAVED_QUERIES.map((q) => {
      const code = folded(savedQuerySql(q));
      const count = code.split(shape).length - 1;
      // Each copy lower-cases the text once before masking it: any other start of a shape is a second, diverging one.
      expect(code.split("replace(lower(query_text)").length - 1, q.name).toBe(count);
      return [q.name, count] as const;
    }).filter(([, count]) => count > 0);
    expect(copies.sort()).toEqual([
      ["cost_by_query_shape", 1],
      ["heaviest_queries", 1],
    ]);
  });
});
