/**
 * The Trino functions the embedded engine stands in for (queries/duckdb/compat.ts), each on the inputs
 * where DuckDB's own meaning differs from Trino's, with Trino's answers worked out by hand from its
 * documentation: so the same saved SQL gives the same rows on Athena and on DuckDB.
 */
import { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMPAT_MACROS, SESSION_SETTINGS } from "../../queries/duckdb/compat";
import { stripLiteralsAndComments } from "../../queries/parameters";
import { savedSqlNames, readSql } from "../../queries/sql-files";
import { only } from "../support/defined";

let instance: DuckDBInstance;
let connection: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(":memory:");
  connection = await instance.connect();
  for (const statement of [...SESSION_SETTINGS, ...COMPAT_MACROS]) await connection.run(statement);
});
afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

/** The one value a one-row, one-column query gives, as JSON gives it. */
async function value(sql: string): Promise<unknown> {
  const reader = await connection.runAndReadAll(sql);
  return Object.values(only(reader.getRowObjectsJson(), `the row of ${sql}`))[0];
}

const values = (items: (number | null)[]) => `(VALUES ${items.map((v) => `(${v ?? "CAST(NULL AS INTEGER)"})`).join(", ")}) t(x)`;

describe("approx_percentile: the value at rank floor(p * n) of the non-NULL values, from 0", () => {
  it.each([
    [[1, 2, 3, 4], 0.5, 3], // DuckDB's quantile_disc gives 2: the even case changes anomaly findings
    [[1, 2, 3], 0.5, 2],
    [[4, 1, 3, 2], 0.5, 3],
    [[7], 0.5, 7],
    [[null, 5, 1], 0.5, 5], // NULLs are not values: [1, 5], rank 1
    [[1, 2, 3, 4], 1, 4],
  ])("%j at %d gives %d", async (items, p, expected) => {
    expect(await value(`SELECT approx_percentile(x, ${p}) FROM ${values(items)}`)).toBe(expected);
  });

  it("is NULL for a group of no values", async () => {
    expect(await value(`SELECT approx_percentile(x, 0.5) FROM ${values([null, null])}`)).toBeNull();
  });
});

describe("array_join skips NULL elements", () => {
  it.each([
    ["['a', NULL, 'b']", "a,b"],
    ["[NULL, NULL]::varchar[]", ""], // DuckDB's array_to_string gives NULL
    ["[]::varchar[]", ""],
    ["CAST(NULL AS varchar[])", null],
  ])("%s gives %j", async (items, expected) => {
    expect(await value(`SELECT array_join(${items}, ',')`)).toBe(expected);
  });
});

describe("from_iso8601_timestamp, cast to timestamp, is the text's local time", () => {
  it.each([
    ["2026-10-01T12:00:00+02:00", "2026-10-01 12:00:00"], // DuckDB's TIMESTAMPTZ would give 10:00
    ["2026-10-01T12:00:00-0530", "2026-10-01 12:00:00"],
    ["2026-10-01T12:00:00.123Z", "2026-10-01 12:00:00.123"],
    ["2026-10-01T23:59:59Z", "2026-10-01 23:59:59"],
  ])("%s gives %s", async (text, expected) => {
    expect(await value(`SELECT CAST(CAST(from_iso8601_timestamp('${text}') AS timestamp) AS varchar)`)).toBe(expected);
  });
});

describe("contains with a NULL element: NULL on Trino, false on DuckDB", () => {
  it("DuckDB says false where Trino says NULL, so the SQL must not tell the two apart", async () => {
    expect(await value("SELECT contains([1, NULL], 2)")).toBe(false);
    expect(await value("SELECT coalesce(contains([1, NULL], 2), false)")).toBe(false);
  });

  it("every saved SQL file wraps contains(…) in coalesce(…, false)", () => {
    const bare = savedSqlNames().flatMap((name) => {
      const code = stripLiteralsAndComments(readSql(name));
      const calls = [...code.matchAll(/\bcontains\s*\(/gi)].length;
      const wrapped = [...code.matchAll(/\bcoalesce\s*\(\s*contains\s*\(/gi)].length;
      return calls > wrapped ? [name] : [];
    });
    expect(bare).toEqual([]);
  });

  it("a file with a bare contains(…) is found", () => {
    const code = stripLiteralsAndComments("SELECT filter(a, t -> NOT contains(b, t)) FROM x");
    expect([...code.matchAll(/\bcontains\s*\(/gi)].length).toBe(1);
    expect([...code.matchAll(/\bcoalesce\s*\(\s*contains\s*\(/gi)].length).toBe(0);
  });
});
