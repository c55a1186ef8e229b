import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { generateLake } from "../../generator/generate";
import { queryCostUsd } from "../../queries/cost";
import { HistoryLine } from "../../queries/history-record";
import { cloudTrailFiles, historyFiles } from "../../queries/lake/files";
import { parseCloudTrailKey } from "../../queries/layout";
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
      const b = binary.ledger.queries[i];
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

  it("refuses a day count it cannot generate", () => {
    const root = tempDir("gen");
    roots.push(root);
    expect(() => generateLake({ lake: root, days: 0 })).toThrow("days must be a whole number");
  });
});
