/**
 * The Athena engine with the real SDK client, pointed at a local server that speaks Athena's JSON
 * protocol through the standard AWS_ENDPOINT_URL_ATHENA setting.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AthenaEngine } from "../../queries/athena/engine";
import { QueryFailedError, QueryTimeoutError } from "../../core/errors";
import { positionalSql } from "../../queries/parameters";
import { runSavedQuery, SAVED } from "../../queries/saved";
import { readSql } from "../../queries/sql-files";
import { only } from "../support/defined";
import { AthenaServer, ScriptedQuery, startAthenaServer } from "../support/athena-server";

let server: AthenaServer;
let script: (sql: string) => ScriptedQuery = () => ({});
const saved = { ...process.env };

beforeAll(async () => {
  server = await startAthenaServer({ script: (sql) => script(sql), pageSize: 3 });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_ATHENA: server.url,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "AKIDLOCALTEST",
    AWS_SECRET_ACCESS_KEY: "local-secret",
  });
});
afterAll(async () => {
  process.env = saved;
  await server.close();
});
afterEach(() => {
  server.reset();
});

const engine = (timeoutMs = 5_000) =>
  new AthenaEngine({ workGroup: "athena-audit", database: "athena_audit", pollMs: 5, maxPollMs: 20, timeoutMs });

describe("Athena engine", () => {
  it("starts the query in the audit's work group with its named parameters as `?` markers and SQL literals", async () => {
    script = () => ({ columns: [{ name: "n", type: "bigint" }], rows: [["1"]] });
    await runSavedQuery(engine(), SAVED.top_scanners, { from: "2026-10-01", to: "2026-10-31" });
    const started = only(server.queries, "query started");
    // The price's numbers (binary units by default), then the period (with the previous one's first day) and the limits.
    const price = ["1048576", "10", "1048576", "5", "1099511627776"];
    expect(started).toMatchObject({
      workGroup: "athena-audit",
      database: "athena_audit",
      parameters: [...price, "'2026-10-01'", "'2026-08-31'", "'2026-10-31'", "20", "5"],
    });
    expect(started.sql).toMatch(/WHERE dt BETWEEN \? AND \?\n[\s\S]*WHERE rank <= \? AND session_rank <= \?\n/);
    expect(started.sql).toBe(positionalSql(readSql("top_scanners")).sql);
  });

  it("escapes quotes inside string parameters, and gives a name used twice its value twice", async () => {
    script = () => ({});
    await engine().run("SELECT :name, :n, :name", { name: "O'Brien", n: 3 });
    const started = only(server.queries, "query started");
    expect(started.sql).toBe("SELECT ?, ?, ?");
    expect(started.parameters).toEqual(["'O''Brien'", "3", "'O''Brien'"]);
  });

  it("refuses a missing or misspelt parameter before starting anything, naming it and the query", async () => {
    await expect(
      runSavedQuery(
        engine(),
        { ...SAVED.top_scanners, parameters: () => ({ window_from: "2026-10-01", window_to: "2026-10-31" }) },
        { from: "", to: "" },
      ),
    ).rejects.toThrow(
      "query top_scanners: no value for parameter :billing_mb_bytes, :billing_minimum_mb, :billing_usd_per_tb, :billing_tb_bytes, " +
        ":previous_from, :limit, :session_limit",
    );
    await expect(engine().run("SELECT :limit", { limt: 3 })).rejects.toThrow(/no parameter :limt \(it takes :limit\)/);
    expect(server.queries).toHaveLength(0);
  });

  it("polls until the query finishes and pages through every result row, typed, without the header", async () => {
    const rows = Array.from({ length: 8 }, (_, i) => [
      `p${i}`,
      String(i * 1000),
      String(i / 4),
      i % 2 === 0 ? "true" : "false",
      `2026-10-0${i + 1} 12:00:00.000`,
      i === 3 ? null : "x",
    ]);
    script = () => ({
      runningPolls: 3,
      bytesScanned: 52428800,
      columns: [
        { name: "principal", type: "varchar" },
        { name: "bytes", type: "bigint" },
        { name: "cost", type: "double" },
        { name: "ok", type: "boolean" },
        { name: "at", type: "timestamp" },
        { name: "maybe", type: "varchar" },
      ],
      rows,
    });
    const result = await engine().run("SELECT 1");
    expect(server.calls.GetQueryExecution).toBe(4);
    // 9 rows with the header, 3 a page.
    expect(server.calls.GetQueryResults).toBe(3);
    expect(result.bytesScanned).toBe(52428800);
    expect(result.queryId).toBe("q-0001");
    expect(result.rows).toHaveLength(8);
    expect(result.rows[3]).toEqual({ principal: "p3", bytes: 3000, cost: 0.75, ok: false, at: "2026-10-04T12:00:00.000Z", maybe: null });
    expect(result.columns.map((c) => c.type)).toEqual(["varchar", "bigint", "double", "boolean", "timestamp", "varchar"]);
  });

  it("fails with Athena's error message and the query id", async () => {
    script = () => ({
      state: "FAILED",
      errorMessage: "TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.athena_audit.events' does not exist",
    });
    const failure = engine().run("SELECT * FROM events");
    await expect(failure).rejects.toBeInstanceOf(QueryFailedError);
    await expect(failure).rejects.toThrow(/FAILED: TABLE_NOT_FOUND.*\(query q-0001\)/);
    expect(server.calls.GetQueryResults).toBeUndefined();
  });

  it("reports a cancelled query as failed", async () => {
    script = () => ({ state: "CANCELLED" });
    await expect(engine().run("SELECT 1")).rejects.toThrow(/CANCELLED/);
  });

  it("stops a query that runs past the time limit", async () => {
    script = () => ({ runningPolls: Infinity });
    const failure = engine(60).run("SELECT 1");
    await expect(failure).rejects.toBeInstanceOf(QueryTimeoutError);
    expect(server.calls.StopQueryExecution).toBe(1);
    expect(only(server.queries, "query started").stopped).toBe(true);
  });
});
