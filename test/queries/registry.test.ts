/**
 * The saved-query registry against the SQL folder, both ways: every file in `queries/sql/` is a
 * registered query or one of the join's statements, and every registered query has its file (and its
 * module in `queries/saved/`, named after it). The folder is listed here directly, not through the
 * reader the product uses, so a wrong reader cannot hide a stray file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { accessJoinSql, eventsJoinSql } from "../../queries/join/sql";
import { SAVED, SAVED_QUERIES } from "../../queries/saved";
import { readSql } from "../../queries/sql-files";

const SQL_FOLDER = path.join(__dirname, "..", "..", "queries", "sql");
const REGISTRY_FOLDER = path.join(__dirname, "..", "..", "queries", "saved");

/** The statements the daily join runs (queries/join/sql.ts): in the SQL folder, but not saved queries. */
const JOIN_STATEMENTS = ["events_join", "access_join", "system_witness"];

interface Mismatches {
  /** SQL files that are neither a registered query nor a join statement. */
  unregistered: string[];
  /** Registered queries without a SQL file. */
  withoutFile: string[];
  /** Names both registered and claimed by the join. */
  registeredJoinStatements: string[];
}

function mismatches(registered: readonly string[], sqlFiles: readonly string[], joinStatements: readonly string[]): Mismatches {
  const known = new Set([...registered, ...joinStatements]);
  return {
    unregistered: sqlFiles.filter((name) => !known.has(name)).sort(),
    withoutFile: registered.filter((name) => !sqlFiles.includes(name)).sort(),
    registeredJoinStatements: registered.filter((name) => joinStatements.includes(name)).sort(),
  };
}

const NONE: Mismatches = { unregistered: [], withoutFile: [], registeredJoinStatements: [] };

function sqlFilesInFolder(): string[] {
  return fs
    .readdirSync(SQL_FOLDER)
    .filter((file) => file.endsWith(".sql"))
    .map((file) => path.basename(file, ".sql"));
}

const registered = SAVED_QUERIES.map((query) => query.name);

describe("the saved-query registry and queries/sql/", () => {
  it("match both ways: each file registered or a join statement, each registered query with its file", () => {
    expect(mismatches(registered, sqlFilesInFolder(), JOIN_STATEMENTS)).toEqual(NONE);
  });

  it("finds a registered query whose file is missing, and a file nothing registers", () => {
    const withoutTopScanners = sqlFilesInFolder().filter((name) => name !== "top_scanners");
    expect(mismatches(registered, withoutTopScanners, JOIN_STATEMENTS)).toEqual({ ...NONE, withoutFile: ["top_scanners"] });
    const withStray = [...sqlFilesInFolder(), "idle_principals"];
    expect(mismatches(registered, withStray, JOIN_STATEMENTS)).toEqual({ ...NONE, unregistered: ["idle_principals"] });
    expect(mismatches([...registered, "events_join"], sqlFilesInFolder(), JOIN_STATEMENTS)).toEqual({
      ...NONE,
      registeredJoinStatements: ["events_join"],
    });
  });

  it("names only statements the join reads", () => {
    expect(eventsJoinSql()).toBe(readSql("events_join"));
    expect(accessJoinSql()).toBe(readSql("access_join"));
    expect(eventsJoinSql({ systemTables: true })).toContain(readSql("system_witness").trim());
  });

  it("keys each query by its own name, each name once and a file name readSql accepts", () => {
    expect(Object.keys(SAVED)).toEqual(registered);
    expect(new Set(registered).size).toBe(registered.length);
    for (const name of registered) expect(name).toMatch(/^[a-z0-9_]+$/);
  });

  it("gives each query its module in queries/saved/, named after it", () => {
    const modules = fs.readdirSync(REGISTRY_FOLDER);
    const missing = registered.filter((name) => !modules.includes(`${name.replaceAll("_", "-")}.ts`));
    expect(missing).toEqual([]);
  });
});
