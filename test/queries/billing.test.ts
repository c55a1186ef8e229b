/**
 * Athena's billing rules through the join on the embedded engine: hand-made history with one query
 * per rule (each state and statement type), joined in binary and in decimal units and compared with
 * hand-worked prices and with core/cost.ts. A generated lake joined in either unit, against the
 * generator's ledger, and the reports' own pricing: test/queries/report-pricing.test.ts.
 */
import * as fs from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { notBilledBecause, queryCostUsd, TbDefinition } from "../../core/cost";
import { DuckDbEngine } from "../../queries/duckdb/engine";
import { QueryExecutionLike } from "../../core/history-record";
import { joinDayEmbedded } from "../../queries/join/embedded";
import { cleanupAfterAll } from "../support/cleanup";
import { tempDir } from "../support/lake";
import { writeHistory } from "../support/write-lake";

const DAY = "2026-03-10";
const REGION = "us-east-1";
const MIB = 2 ** 20;
const TIB = 2 ** 40;

interface Case {
  id: string;
  state: "SUCCEEDED" | "FAILED" | "CANCELLED";
  statementType: "DML" | "DDL" | "UTILITY";
  query: string;
  bytes?: number;
  /** Hand-worked price in binary units (MB = 2^20 bytes, TB = 2^40) and in decimal units (10^6, 10^12). */
  binary: number;
  decimal: number;
}

const CASES: Case[] = [
  // 1 byte: the 10 MB minimum.
  { id: "select-1-byte", state: "SUCCEEDED", statementType: "DML", query: "SELECT 1 FROM t", bytes: 1, binary: 50 / MIB, decimal: 0.00005 },
  // 10 MiB + 1 byte = 10.49 MB: 11 MiB, 11 MB.
  {
    id: "select-rounded",
    state: "SUCCEEDED",
    statementType: "DML",
    query: "SELECT a FROM t",
    bytes: 10 * MIB + 1,
    binary: 55 / MIB,
    decimal: 0.000055,
  },
  // 2^40 bytes: $5 a binary TB; 1,099,512 MB in decimal units.
  { id: "select-tib", state: "SUCCEEDED", statementType: "DML", query: "SELECT * FROM big", bytes: TIB, binary: 5, decimal: 5.49756 },
  // 10^12 bytes: 953,675 MiB in binary units; $5 a decimal TB.
  {
    id: "select-tb",
    state: "SUCCEEDED",
    statementType: "DML",
    query: "SELECT * FROM big2",
    bytes: 1e12,
    binary: 4768375 / MIB,
    decimal: 5,
  },
  // CREATE TABLE AS SELECT is DML, and billed: 5 * 10^8 bytes = 476.84 MiB -> 477; 500 MB.
  {
    id: "ctas",
    state: "SUCCEEDED",
    statementType: "DML",
    query: "CREATE TABLE x AS SELECT * FROM t",
    bytes: 5e8,
    binary: 2385 / MIB,
    decimal: 0.0025,
  },
  // Cancelled: billed for what it scanned. 10,000,001 bytes = 9.54 MiB (minimum 10) = 10.000001 MB (11).
  {
    id: "cancelled",
    state: "CANCELLED",
    statementType: "DML",
    query: "SELECT * FROM t2",
    bytes: 1e7 + 1,
    binary: 50 / MIB,
    decimal: 0.000055,
  },
  { id: "cancelled-nothing", state: "CANCELLED", statementType: "DML", query: "SELECT * FROM t3", bytes: 0, binary: 0, decimal: 0 },
  // Failed: free, whatever it scanned.
  { id: "failed-tib", state: "FAILED", statementType: "DML", query: "SELECT broken FROM big", bytes: TIB, binary: 0, decimal: 0 },
  { id: "failed-ddl", state: "FAILED", statementType: "DDL", query: "DROP TABLE nope", bytes: 0, binary: 0, decimal: 0 },
  // DDL, partition management included (StatementType DDL in Athena's history), free even when it scanned.
  { id: "msck", state: "SUCCEEDED", statementType: "DDL", query: "MSCK REPAIR TABLE example_table;", bytes: 3e9, binary: 0, decimal: 0 },
  {
    id: "add-partition",
    state: "SUCCEEDED",
    statementType: "DDL",
    query: "ALTER TABLE logs ADD PARTITION (dt='2026-03-10') LOCATION 's3://b/logs/dt=2026-03-10/'",
    bytes: 1e6,
    binary: 0,
    decimal: 0,
  },
  {
    id: "create-table",
    state: "SUCCEEDED",
    statementType: "DDL",
    query: "CREATE EXTERNAL TABLE t (a int)",
    bytes: 0,
    binary: 0,
    decimal: 0,
  },
  // Nothing scanned (result reuse, EXPLAIN), or no statistics at all: free.
  { id: "reused", state: "SUCCEEDED", statementType: "DML", query: "SELECT 2 FROM t", bytes: 0, binary: 0, decimal: 0 },
  { id: "no-statistics", state: "SUCCEEDED", statementType: "DML", query: "SELECT 3 FROM t", binary: 0, decimal: 0 },
  { id: "explain", state: "SUCCEEDED", statementType: "UTILITY", query: "EXPLAIN SELECT * FROM t", bytes: 0, binary: 0, decimal: 0 },
  // EXPLAIN ANALYZE runs the query (UTILITY): billed. 1 GiB = 1,024 MiB; 1,073.74 MB -> 1,074 MB.
  {
    id: "explain-analyze",
    state: "SUCCEEDED",
    statementType: "UTILITY",
    query: "EXPLAIN ANALYZE SELECT * FROM t",
    bytes: 2 ** 30,
    binary: 0.0048828125,
    decimal: 0.00537,
  },
];

/** Scans around the MB boundaries of both unit systems, all billed: the SQL and core/cost.ts must agree to the last bit. */
const BOUNDARIES = [1, 9, 10, 11, 999, 1000, 1023, 1024, 1_000_000, 1_048_576].flatMap((mb) =>
  [MIB, 1e6].flatMap((unit) => [mb * unit - 1, mb * unit, mb * unit + 1]),
);

function execution(id: string, state: string, statementType: string, query: string, bytes: number | undefined, second: number) {
  const at = `${DAY}T12:00:${String(second).padStart(2, "0")}.000Z`;
  const execution: QueryExecutionLike = {
    QueryExecutionId: id,
    Query: query,
    StatementType: statementType,
    WorkGroup: "primary",
    Status: { State: state, SubmissionDateTime: at, CompletionDateTime: at },
  };
  if (bytes !== undefined)
    execution.Statistics = { DataScannedInBytes: bytes, EngineExecutionTimeInMillis: 100, TotalExecutionTimeInMillis: 150 };
  return execution;
}

let root: string;
let engine: DuckDbEngine;

async function costsJoinedWith(tb: TbDefinition): Promise<Map<string, number | null>> {
  await joinDayEmbedded(engine, DAY, REGION, { tb });
  await engine.refresh();
  const rows = (await engine.run("SELECT query_execution_id, cost_usd FROM events WHERE dt = :day", { day: DAY })).rows;
  return new Map(rows.map((r) => [String(r.query_execution_id), r.cost_usd as number | null]));
}

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  root = tempDir("billing");
  cleanUp(() => fs.rmSync(root, { recursive: true, force: true }));
  writeHistory(root, REGION, [
    ...CASES.map((c, i) => execution(c.id, c.state, c.statementType, c.query, c.bytes, i)),
    ...BOUNDARIES.map((bytes, i) => execution(`boundary-${bytes}`, "SUCCEEDED", "DML", "SELECT 4 FROM t", bytes, i % 60)),
  ]);
  engine = await DuckDbEngine.open({ root });
  cleanUp(() => engine.close());
});

describe.each<TbDefinition>(["binary", "decimal"])("the join on DuckDB, in %s units", (tb) => {
  let costs: Map<string, number | null>;
  beforeAll(async () => {
    costs = await costsJoinedWith(tb);
  });

  it.each(CASES.map((c) => [c.id, c] as const))("bills %s as worked by hand and as core/cost.ts does", (_id, c) => {
    const query = { bytesScanned: c.bytes, statementType: c.statementType, state: c.state };
    expect(costs.get(c.id)).toBe(c[tb]);
    expect(costs.get(c.id)).toBe(queryCostUsd(query, tb));
  });

  it("covers every rule: each free reason, and billed DML, UTILITY and cancelled queries", () => {
    const reasons = CASES.map(
      (c) => notBilledBecause({ bytesScanned: c.bytes, statementType: c.statementType, state: c.state }) ?? "billed",
    );
    expect(new Set(reasons)).toEqual(new Set(["billed", "failed", "ddl", "nothing scanned"]));
    const billed = CASES.filter((c) => c[tb] > 0);
    expect(new Set(billed.map((c) => `${c.state} ${c.statementType}`))).toEqual(
      new Set(["SUCCEEDED DML", "CANCELLED DML", "SUCCEEDED UTILITY"]),
    );
  });

  it("agrees with core/cost.ts to the last bit around every MB boundary", () => {
    for (const bytes of BOUNDARIES) {
      expect(costs.get(`boundary-${bytes}`), `${bytes} bytes`).toBe(
        queryCostUsd({ bytesScanned: bytes, statementType: "DML", state: "SUCCEEDED" }, tb),
      );
    }
  });
});
