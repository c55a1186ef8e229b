/**
 * Damaged records never stop a run (issue 23, part 4): a history line or CloudTrail record with a
 * lone surrogate escape (`\ud800`, which JSON.stringify writes) or invalid UTF-8 is skipped and
 * counted, by file and line or record, the same way by the join and by the report's history view.
 */
import * as fs from "node:fs";
import * as zlib from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { DuckDbEngine } from "../../queries/duckdb/engine";
import { historySql } from "../../queries/duckdb/views";
import { joinDayEmbedded } from "../../queries/join/embedded";
import { emptyCheck, warningLines } from "../../queries/lake/checked";
import { historyLine } from "../../queries/lake/read-history";
import { loneSurrogateAt } from "../../queries/lake/values";
import { periodEnding, runSavedQuery, SAVED } from "../../queries/saved";
import { only } from "../support/defined";
import { tempDir } from "../support/lake";
import { writeCloudTrail, writeGzip, writeHistory } from "../support/write-lake";

const DAY = "2026-03-10";
const REGION = "us-east-1";
const ACCOUNT = "111122223333";
const DELIVERED = `${DAY}T10:20:00Z`;

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

function lake(): string {
  const root = tempDir("damaged");
  roots.push(root);
  return root;
}

function execution(id: string, query: string) {
  return {
    QueryExecutionId: id,
    WorkGroup: "primary",
    Query: query,
    StatementType: "DML",
    Status: { State: "SUCCEEDED", SubmissionDateTime: `${DAY}T10:00:00.000Z`, CompletionDateTime: `${DAY}T10:00:02.000Z` },
    Statistics: { DataScannedInBytes: 1000 },
  };
}

function start(id: string, userAgent: string) {
  return {
    eventVersion: "1.08",
    userIdentity: { type: "IAMUser", arn: `arn:aws:iam::${ACCOUNT}:user/analyst`, accountId: ACCOUNT, userName: "analyst" },
    eventTime: `${DAY}T10:00:00Z`,
    eventSource: "athena.amazonaws.com",
    eventName: "StartQueryExecution",
    awsRegion: REGION,
    userAgent,
    requestParameters: { queryString: "SELECT 1", workGroup: "primary" },
    responseElements: { queryExecutionId: id },
    eventID: `event-${id}`,
    recipientAccountId: ACCOUNT,
  };
}

/** `bytes` with the first `marker` byte (an ASCII letter placed for it) replaced by 0xff, which UTF-8 never uses. */
function breakUtf8(bytes: Buffer, marker: string): Buffer {
  const copy = Buffer.from(bytes);
  copy[copy.indexOf(marker)] = 0xff;
  return copy;
}

/**
 * One history file of 5 lines for the day: lines 1, 3, 5 good; line 2 holds a lone surrogate (as
 * JSON.stringify writes it, `\ud800`), line 4 a byte that is not UTF-8.
 */
function damagedHistory(root: string): string {
  const file = only(
    writeHistory(
      root,
      REGION,
      [
        execution("q1", "SELECT 1"),
        execution("q2", "SELECT '\ud800'"),
        execution("q3", "SELECT 3"),
        execution("q4", "SELECT 'ɸ'"),
        execution("q5", "SELECT 5"),
      ],
      ACCOUNT,
    ),
    "history file written",
  );
  const text = zlib.gunzipSync(fs.readFileSync(file));
  expect(text.toString()).toContain("\\ud800");
  writeGzip(file, breakUtf8(text, "ɸ"));
  return file;
}

describe("damaged history records", () => {
  it("before: the engine refuses the whole raw history for one lone surrogate or one invalid byte", async () => {
    const root = lake();
    const file = damagedHistory(root);
    const engine = await DuckDbEngine.open({ root });
    // The unchecked path the join's copies and the report's view took: DuckDB over the raw file.
    const raw = engine.withTables({ history: historySql([file]) }, (scoped) => scoped.run("SELECT count(*) AS n FROM history"));
    await expect(raw).rejects.toThrow(/Malformed JSON/);
    await engine.close();
  });

  it("the join skips and counts both, names file and line, and joins the other 3", async () => {
    const root = lake();
    const file = damagedHistory(root);
    const engine = await DuckDbEngine.open({ root });
    const summary = await joinDayEmbedded(engine, DAY, REGION);
    expect(summary.history).toMatchObject({ files: 1, filesRead: 1, records: 3, skippedRecords: 2, skippedFiles: 0 });
    expect(summary.history.problems).toEqual([
      { file, line: 2, reason: "a lone surrogate escape (\\ud800-\\udfff without its pair) in Query" },
      { file, line: 4, reason: "not valid UTF-8" },
    ]);
    // No CloudTrail: every history row is an unattributed event.
    expect(summary).toMatchObject({ rows: 3, attributed: 0, unattributed: 3 });
    await engine.refresh();
    const ids = await engine.run("SELECT query_execution_id AS id FROM events ORDER BY 1");
    expect(ids.rows.map((r) => r.id)).toEqual(["q1", "q3", "q5"]);
    await engine.close();
  });

  it("the report reads history through the same checks: the same 3 lines, the same 2 skipped, warnings naming file and line", async () => {
    const root = lake();
    const file = damagedHistory(root);
    const warnings: string[] = [];
    const engine = await DuckDbEngine.open({ root }, { warn: (line) => warnings.push(line) });
    await joinDayEmbedded(engine, DAY, REGION);
    await engine.refresh();
    const history = await engine.run("SELECT queryexecutionid AS id, account, region, dt, workgroup FROM history ORDER BY 1");
    expect(history.rows).toEqual(["q1", "q3", "q5"].map((id) => ({ id, account: ACCOUNT, region: REGION, dt: DAY, workgroup: "primary" })));
    expect(engine.historyCheck).toMatchObject({ records: 3, skippedRecords: 2, skippedFiles: 0 });
    expect(warnings).toEqual([
      `warning: history: ${file}:2: a lone surrogate escape (\\ud800-\\udfff without its pair) in Query`,
      `warning: history: ${file}:4: not valid UTF-8`,
      "warning: history: skipped 0 file(s) and 2 record(s)",
    ]);
    // The saved query that reads history (data coverage) completes and counts the 3 readable lines.
    const coverage = await runSavedQuery(engine, SAVED.data_coverage, periodEnding(DAY, 1));
    expect(coverage.rows).toHaveLength(1);
    expect(coverage.rows[0]).toMatchObject({ day: DAY, region: REGION, history_queries: 3, events: 3 });
    await engine.close();
  });

  it("one decision for a line: a lone low surrogate, one in a key, and a well-formed pair", () => {
    const line = (value: object) => Buffer.from(JSON.stringify({ QueryExecutionId: "q", ...value }));
    expect(historyLine(line({ Query: "\udc00" }))).toEqual({
      reason: "a lone surrogate escape (\\ud800-\\udfff without its pair) in Query",
    });
    expect(historyLine(line({ Extra: { "k\ud83d": 1 } }))).toEqual({
      reason: 'a lone surrogate escape (\\ud800-\\udfff without its pair) in the key "Extra.k\\ud83d"',
    });
    // A pair is one character (😀), kept; so is a backslash followed by the letters "ud800".
    expect(historyLine(line({ Query: "\ud83d\ude00" }))).toHaveProperty("text");
    expect(historyLine(line({ Query: "\\ud800" }))).toHaveProperty("text");
    expect(loneSurrogateAt({ a: ["ok", "x\ud800y"] })).toBe("a[1]");
  });
});

describe("damaged CloudTrail records", () => {
  it("skips a StartQueryExecution with a lone surrogate or invalid UTF-8, naming its position; joins the others", async () => {
    const root = lake();
    writeHistory(
      root,
      REGION,
      ["c1", "c2", "c3", "c4"].map((id) => execution(id, "SELECT 1")),
      ACCOUNT,
    );
    const file = writeCloudTrail(root, ACCOUNT, REGION, DELIVERED, [
      start("c1", "aws-cli/2.0"),
      start("c2", "aws-cli/\ud800"),
      start("c3", "aws-cli/Ÿ"),
      start("c4", "aws-cli/2.0"),
    ]);
    writeGzip(file, breakUtf8(zlib.gunzipSync(fs.readFileSync(file)), "Ÿ"));
    const engine = await DuckDbEngine.open({ root });
    const summary = await joinDayEmbedded(engine, DAY, REGION);
    // 4 elements of Records, 2 skipped: records 2 and 3.
    expect(summary.cloudTrail).toMatchObject({ files: 1, records: 2, skippedRecords: 2, skippedFiles: 0 });
    expect(summary.cloudTrail.problems).toEqual([
      { file, record: 2, reason: "record 2: a lone surrogate escape (\\ud800-\\udfff without its pair) in userAgent" },
      { file, record: 3, reason: "record 3: not valid UTF-8" },
    ]);
    // History holds all 4: c1 and c4 attributed, c2 and c3 kept with their bytes but no principal.
    expect(summary).toMatchObject({ rows: 4, attributed: 2, unattributed: 2, withoutHistory: 0 });
    await engine.close();
  });
});

describe("warning lines", () => {
  it("print each problem on one line: a path or reason with a line break is escaped", () => {
    const check = { ...emptyCheck(), skippedFiles: 1, skippedRecords: 1 };
    check.problems.push({ file: "/lake/a\nb.json.gz", line: 7, reason: "not JSON: x\ry" }, { file: "/lake/c", reason: "unreadable" });
    expect(warningLines("history", check)).toEqual([
      "warning: history: /lake/a\\nb.json.gz:7: not JSON: x\\ry",
      "warning: history: /lake/c: unreadable",
      "warning: history: skipped 1 file(s) and 1 record(s)",
    ]);
    expect(warningLines("history", emptyCheck())).toEqual([]);
  });
});
