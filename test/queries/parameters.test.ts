/** The binder: named parameters to `?` markers and values in order, and the mistakes it refuses. */
import * as fs from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { DuckDbEngine } from "../../queries/duckdb/engine";
import { InputError } from "../../core/errors";
import { bindParameters, parameterNames, positionalSql, stripLiteralsAndComments } from "../../queries/parameters";
import { namedQuerySql, runSavedQuery, SAVED } from "../../queries/saved";
import { readSql } from "../../queries/sql-files";
import { cleanupAfterAll } from "../support/cleanup";
import { tempDir } from "../support/lake";

describe("binding named parameters", () => {
  it("puts a `?` for each use of a name and its value there, a name used twice given twice", () => {
    expect(
      bindParameters("SELECT * FROM t WHERE dt BETWEEN :from AND :to AND region = :region OR dt = :from", {
        to: "b",
        from: "a",
        region: "r",
      }),
    ).toEqual({
      sql: "SELECT * FROM t WHERE dt BETWEEN ? AND ? AND region = ? OR dt = ?",
      values: ["a", "b", "r", "a"],
    });
  });

  it("sees no parameter in literals, quoted identifiers, comments, `::` casts or slices", () => {
    const sql = [
      "SELECT json_extract_scalar(r, '$.queryExecutionId:x') AS id, '00:00:00' AS t, 'it'':s' AS q,",
      '  "odd:name", x::varchar, a[1:n], :day AS dt -- :not_this',
      "/* nor :this */ FROM t",
    ].join("\n");
    const bound = bindParameters(sql, { day: "2026-10-31" });
    expect(bound.values).toEqual(["2026-10-31"]);
    expect(bound.sql).toBe(sql.replace(":day AS", "? AS"));
    expect(parameterNames(sql)).toEqual(["day"]);
  });

  it("refuses a misspelt parameter, naming it, the query and what the SQL takes", () => {
    const bind = () =>
      bindParameters("SELECT :window_from, :window_to", { window_from: "a", window_to: "b", windwo_to: "b" }, "usage_daily");
    expect(bind).toThrow(InputError);
    expect(bind).toThrow("query usage_daily: the SQL has no parameter :windwo_to (it takes :window_from, :window_to)");
  });

  it("refuses a missing parameter, naming it and the query", () => {
    const bind = () => bindParameters("SELECT :window_from, :window_to, :limit", { window_from: "a", window_to: "b" }, "top_scanners");
    expect(bind).toThrow(InputError);
    expect(bind).toThrow("query top_scanners: no value for parameter :limit");
    // An explicitly undefined value is missing too, and inherited keys are not values.
    expect(() => bindParameters("SELECT :constructor", {})).toThrow("no value for parameter :constructor");
  });

  it("refuses positional `?` markers, which would shift every value after them", () => {
    expect(() => bindParameters("SELECT :a, ?", { a: 1 }, "q")).toThrow("query q: the SQL has a positional ? marker");
    expect(bindParameters("SELECT '?' AS mark -- why?", {}).sql).toBe("SELECT '?' AS mark -- why?");
  });
});

describe("named parameters on DuckDB", () => {
  let lake: string;
  let engine: DuckDbEngine;
  const cleanUp = cleanupAfterAll();
  beforeAll(async () => {
    lake = tempDir("parameters");
    cleanUp(() => fs.rmSync(lake, { recursive: true, force: true }));
    engine = await DuckDbEngine.open({ root: lake });
    cleanUp(() => engine.close());
  });

  it("runs named SQL with casts and colons in literals", async () => {
    const result = await engine.run("SELECT :n::INTEGER + 1 AS y, '$.a:b' AS lit, :s AS s, :n AS again", { n: 41, s: "O'Brien" });
    expect(result.rows).toEqual([{ y: 42, lit: "$.a:b", s: "O'Brien", again: 41 }]);
  });

  it("fails a saved query with a misspelt parameter before running it, naming both", async () => {
    const misspelt = { ...SAVED.usage_daily, parameters: () => ({ window_from: "2026-10-01", window_too: "2026-10-31" }) };
    const run = runSavedQuery(engine, misspelt, { from: "2026-10-01", to: "2026-10-31" });
    await expect(run).rejects.toBeInstanceOf(InputError);
    await expect(run).rejects.toThrow(
      "query usage_daily: the SQL has no parameter :window_too " +
        "(it takes :billing_mb_bytes, :billing_minimum_mb, :billing_usd_per_tb, :billing_tb_bytes, :window_from, :window_to)",
    );
  });
});

describe("Athena named queries", () => {
  it("hold the `?` form, headed by the parameters in the order the console asks for them", () => {
    const text = namedQuerySql(SAVED.top_scanners);
    const [header, ...rest] = text.split("\n");
    expect(header).toMatch(/^-- Parameters, in the order the console asks for them/);
    expect(rest.slice(0, 5)).toEqual([
      "--   1. window_from",
      "--   2. previous_from",
      "--   3. window_to",
      "--   4. limit",
      "--   5. session_limit",
    ]);
    // The price's numbers are written in (binary units by default), so the console asks only for the periods and the limits.
    expect(rest[5]).toBe("-- Costs in binary units: 1 TB = 2^40 bytes, 1 MB = 2^20 bytes.");
    const sql = rest.slice(6).join("\n");
    expect(sql).not.toMatch(/:[a-z]/);
    expect(stripLiteralsAndComments(sql).match(/\?/g)).toHaveLength(5);
    const { sql: positional, names } = positionalSql(readSql("top_scanners"));
    const numbers: Record<string, number> = {
      billing_mb_bytes: 2 ** 20,
      billing_minimum_mb: 10,
      billing_usd_per_tb: 5,
      billing_tb_bytes: 2 ** 40,
    };
    let marker = 0;
    expect(sql).toBe(positional.replace(/\?/g, () => String(numbers[names[marker++] ?? ""] ?? "?")));
  });
});
