import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { generateLake } from "../../generator/generate";
import { addDays } from "../../core/days";
import { queryCostUsd } from "../../core/cost";
import { HistoryLine } from "../../core/history-record";
import { cloudTrailFiles, historyFiles } from "../../queries/lake/files";
import { parseCloudTrailKey } from "../../core/layout";
import { at } from "../support/defined";
import { tempDir } from "../support/lake";

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

function digest(root: string): string {
  const hash = crypto.createHash("sha256");
  for (const file of [...historyFiles({ root }), ...cloudTrailFiles({ root })])
    hash.update(path.relative(root, file)).update(fs.readFileSync(file));
  return hash.digest("hex");
}

function lake(seed: number) {
  const root = tempDir("gen");
  roots.push(root);
  return { root, ledger: generateLake({ lake: root, days: 4, seed }) };
}

describe("generator", () => {
  it("writes the same lake, byte for byte, for the same seed, and another for another seed", () => {
    const a = lake(9);
    const b = lake(9);
    const c = lake(10);
    expect(digest(a.root)).toBe(digest(b.root));
    expect(digest(a.root)).not.toBe(digest(c.root));
    expect(a.ledger).toEqual(b.ledger);
  });

  it("writes CloudTrail in the trail's layout and file format, with plenty of other events around Athena's", () => {
    const { root, ledger } = lake(9);
    const files = cloudTrailFiles({ root });
    expect(files).toHaveLength(ledger.cloudTrailFiles);
    const records = files.flatMap((f) => {
      expect(parseCloudTrailKey(path.relative(root, f).split(path.sep).join("/")), f).toBeDefined();
      return (JSON.parse(zlib.gunzipSync(fs.readFileSync(f)).toString()) as { Records: { eventName: string }[] }).Records;
    });
    expect(records).toHaveLength(ledger.cloudTrailRecords);
    const starts = records.filter((r) => r.eventName === "StartQueryExecution").length;
    expect(records.length).toBeGreaterThan(4 * starts);
  });

  it("writes history as one QueryExecution a line, with ISO-8601 timestamps and an Audit object", () => {
    const { root, ledger } = lake(9);
    const lines = historyFiles({ root }).flatMap((f) =>
      zlib
        .gunzipSync(fs.readFileSync(f))
        .toString()
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l) as HistoryLine),
    );
    expect(lines).toHaveLength(ledger.queries.length);
    for (const line of lines) {
      expect(line.Status?.SubmissionDateTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(line.Audit).toMatchObject({ Region: expect.any(String) as unknown, Source: "generator" });
    }
  });

  it("records what Athena bills each query under the TB definition asked for, and each failure's error, as history has them", () => {
    const binary = lake(9);
    const root = tempDir("gen");
    roots.push(root);
    const decimal = { root, ledger: generateLake({ lake: root, days: 4, seed: 9, tb: "decimal" }) };
    // The TB definition changes the ledger's prices, never the lake.
    expect(digest(decimal.root)).toBe(digest(binary.root));
    expect([binary.ledger.tb, decimal.ledger.tb]).toEqual(["binary", "decimal"]);
    const lines = new Map(
      historyFiles({ root })
        .flatMap((f) => zlib.gunzipSync(fs.readFileSync(f)).toString().trimEnd().split("\n"))
        .map((l) => JSON.parse(l) as HistoryLine & { Status: { AthenaError?: { ErrorType: number; ErrorMessage: string } } })
        .map((l) => [l.QueryExecutionId, l]),
    );
    decimal.ledger.queries.forEach((q, i) => {
      const b = at(binary.ledger.queries, i, "query of the binary lake");
      const query = { bytesScanned: q.bytes, statementType: q.statementType, state: q.state };
      expect([q.costUsd, b.costUsd], q.id).toEqual([queryCostUsd(query, "decimal"), queryCostUsd(query, "binary")]);
      if (q.state === "FAILED") expect([q.costUsd, b.costUsd]).toEqual([0, 0]);
      const error = lines.get(q.id)?.Status.AthenaError;
      expect([q.errorType, q.errorMessage], q.id).toEqual([error?.ErrorType ?? null, error?.ErrorMessage ?? null]);
    });
    const billed = decimal.ledger.queries.filter((q) => q.costUsd > 0);
    expect(billed.some((q) => q.state === "CANCELLED")).toBe(true);
    expect(decimal.ledger.queries.some((q) => q.state === "FAILED" && q.bytes > 0 && q.errorType !== null)).toBe(true);
  });

  it("looks like an organisation: heavy scans from people and services, Athena's error types, repeated dashboards, growth", () => {
    const root = tempDir("gen");
    roots.push(root);
    const ledger = generateLake({ lake: root, days: 28, seed: 9 });
    const queries = ledger.queries;
    // The heaviest scans come from more than one kind of principal: a service and a person.
    const heaviest = [...queries].sort((a, b) => b.bytes - a.bytes).slice(0, 20);
    expect(new Set(heaviest.map((q) => q.human))).toEqual(new Set([true, false]));
    // Failures carry the error catalog's categories and types, several of them, with messages in Athena's form.
    const failed = queries.filter((q) => q.state === "FAILED");
    expect(failed.every((q) => [1, 2, 3].includes(q.errorCategory!) && Number.isInteger(q.errorType) && q.errorMessage)).toBe(true);
    expect(new Set(failed.map((q) => q.errorType)).size).toBeGreaterThan(3);
    expect(failed.filter((q) => q.errorCategory === 2).map((q) => q.errorMessage!.split(":")[0])).toEqual(
      expect.arrayContaining(["COLUMN_NOT_FOUND", "SYNTAX_ERROR"]),
    );
    // Dashboards run the same text many times a day: some runs reuse a result, and every reused run asked for it.
    const texts = new Map<string, number>();
    for (const q of queries) texts.set(q.text, (texts.get(q.text) ?? 0) + 1);
    expect(Math.max(...texts.values())).toBeGreaterThan(10);
    expect(queries.some((q) => q.reused)).toBe(true);
    expect(queries.filter((q) => q.reused).every((q) => q.reuseEnabled && q.bytes === 0 && q.state === "SUCCEEDED")).toBe(true);
    // Some queries read several tables (cost by table splits them).
    expect(queries.some((q) => q.tables.length > 1)).toBe(true);
    // Use grows week on week: the last full week costs more, and runs more queries, than the first.
    const week = (from: number) =>
      queries.filter((q) => q.eventDay >= addDays(ledger.firstDay, from) && q.eventDay < addDays(ledger.firstDay, from + 7));
    const cost = (items: typeof queries) => items.reduce((n, q) => n + q.costUsd, 0);
    expect(cost(week(21))).toBeGreaterThan(cost(week(0)));
    expect(week(21).length).toBeGreaterThan(week(0).length);
  });

  it("knows each query's shape: its text with the literals masked and the comments dropped", () => {
    const { ledger } = lake(9);
    for (const q of ledger.queries) {
      // Every literal of the text is a '?' or a ? in the shape, and nothing else differs but case, comments and white space.
      const unmasked = q.text
        .replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, " ")
        .replace(/'(?:[^']|'')*'/g, "'?'")
        .replace(/(^|[^A-Za-z0-9_."])\d+(?:\.\d+)?/g, "$1?");
      expect(q.shape, q.text).toBe(unmasked.toLowerCase().replace(/\s+/g, " ").trim());
    }
  });

  it("refuses a day count it cannot generate", () => {
    const root = tempDir("gen");
    roots.push(root);
    expect(() => generateLake({ lake: root, days: 0 })).toThrow("days must be a whole number");
  });
});
