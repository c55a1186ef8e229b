/** Bad input gets a clear error and loses nothing: skip and count a bad record, never drop the day. */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { generateLake } from "../../generator/generate";
import { parseDay } from "../../core/days";
import { DuckDbEngine } from "../../queries/duckdb/engine";
import { InputError, LakeError } from "../../core/errors";
import { toHistoryLine, toIsoTimestamp } from "../../core/history-record";
import { joinDayEmbedded } from "../../queries/join/embedded";
import { historyFiles, cloudTrailFiles } from "../../queries/lake/files";
import { at } from "../support/defined";
import { tempDir } from "../support/lake";
import { writeGzip } from "../support/write-lake";

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

function lake(days = 3) {
  const root = tempDir("bad");
  roots.push(root);
  return { root, ledger: generateLake({ lake: root, days, seed: 5 }) };
}

describe("bad input", () => {
  it.each(["2026-13-01", "2026-02-30", "20261101", "yesterday", ""])("refuses the day %j, naming it", (day) => {
    expect(() => parseDay(day)).toThrow(InputError);
    expect(() => parseDay(day)).toThrow(`got ${JSON.stringify(day)}`);
  });

  it("refuses a missing lake with the folder's name", async () => {
    await expect(DuckDbEngine.open({ root: "/nonexistent/athena-lake" })).rejects.toThrow(LakeError);
    await expect(DuckDbEngine.open({ root: "/nonexistent/athena-lake" })).rejects.toThrow("/nonexistent/athena-lake");
  });

  it("refuses a join day that is not a day, before reading anything", async () => {
    const { root } = lake(1);
    const engine = await DuckDbEngine.open({ root });
    await expect(joinDayEmbedded(engine, "2026/10/31", "us-east-1")).rejects.toThrow(InputError);
    await engine.close();
  });

  it("refuses an unparseable timestamp naming the value, and a record without an id", () => {
    expect(() => toIsoTimestamp("last tuesday")).toThrow('not a timestamp: "last tuesday"');
    expect(() => toHistoryLine({ Status: { SubmissionDateTime: 1 } }, { Region: "r", CollectedAt: "c" })).toThrow(
      "without QueryExecutionId",
    );
  });

  it("skips a non-JSON history line and a corrupt CloudTrail file, counts and names them, and loads the rest of the day", async () => {
    const { root, ledger } = lake();
    const day = ledger.lastDay;
    const region = "us-east-1";
    const expected = ledger.queries.filter((q) => q.region === region && q.eventDay === day);
    // Break one history file of the day: insert a truncated line after its first line.
    const historyFile = at(historyFiles({ root }, { region, dts: [day] }), 0, "history file of the day");
    const lines = (await import("node:zlib")).gunzipSync(fs.readFileSync(historyFile)).toString().trimEnd().split("\n");
    const firstLine = at(lines, 0, "line in the history file");
    const brokenId = (JSON.parse(firstLine) as { QueryExecutionId: string }).QueryExecutionId;
    writeGzip(historyFile, [firstLine.slice(0, 40), ...lines.slice(1)].join("\n") + "\n");
    // Replace one CloudTrail file of the day with bytes that are not gzip.
    const trailFile = at(cloudTrailFiles({ root }, { region, days: [day] }), 3, "CloudTrail file of the day");
    const lostIds = (
      JSON.parse((await import("node:zlib")).gunzipSync(fs.readFileSync(trailFile)).toString()) as {
        Records: { eventName: string; responseElements: { queryExecutionId?: string } | null }[];
      }
    ).Records.filter((r) => r.eventName === "StartQueryExecution" && r.responseElements?.queryExecutionId).map(
      (r) => r.responseElements!.queryExecutionId!,
    );
    fs.writeFileSync(trailFile, Buffer.from("this is not gzip"));

    const engine = await DuckDbEngine.open({ root });
    const summary = await joinDayEmbedded(engine, day, region);
    await engine.refresh();
    expect(summary.history).toMatchObject({ skippedRecords: 1, skippedFiles: 0 });
    expect(summary.history.problems[0]).toMatchObject({
      file: historyFile,
      line: 1,
      reason: expect.stringMatching(/^not JSON/) as unknown,
    });
    expect(summary.cloudTrail).toMatchObject({ skippedFiles: 1 });
    expect(summary.cloudTrail.problems[0]).toMatchObject({ file: trailFile, reason: expect.stringMatching(/unreadable gzip/) as unknown });

    const rows = new Map(
      (await engine.run("SELECT * FROM events WHERE dt = :day AND region = :region", { day, region })).rows.map((r) => [
        r.query_execution_id,
        r,
      ]),
    );
    for (const q of expected) {
      const row = rows.get(q.id);
      if (q.id === brokenId) {
        // Its history line is gone: CloudTrail still names who ran it (bytes unknown), unless that file was lost too.
        if (!lostIds.includes(q.id))
          expect(row).toMatchObject({ principal_arn: q.principalArn, in_history: false, data_scanned_bytes: null });
      } else if (lostIds.includes(q.id)) {
        expect(row, q.id).toMatchObject({ attributed: false, principal_arn: null, data_scanned_bytes: q.bytes });
      } else {
        expect(row, q.id).toMatchObject({ principal_arn: q.principalArn, data_scanned_bytes: q.bytes });
      }
    }
    expect(lostIds.length).toBeGreaterThan(0);
    await engine.close();
  });

  it("skips a JSON line whose shape does not fit the table, naming the field", async () => {
    const { root, ledger } = lake(1);
    const historyFile = at(historyFiles({ root }, { region: "us-east-1", dts: [ledger.lastDay] }), 0, "history file of the day");
    const lines = (await import("node:zlib")).gunzipSync(fs.readFileSync(historyFile)).toString().trimEnd().split("\n");
    writeGzip(historyFile, [JSON.stringify({ QueryExecutionId: "x", Status: "not a struct" }), ...lines].join("\n") + "\n");
    const engine = await DuckDbEngine.open({ root });
    const summary = await joinDayEmbedded(engine, ledger.lastDay, "us-east-1");
    expect(summary.history.skippedRecords).toBe(1);
    expect(summary.history.problems[0]).toMatchObject({ file: historyFile, line: 1, reason: "Status: expected an object" });
    expect(summary.rows).toBe(ledger.queries.filter((q) => q.region === "us-east-1" && q.eventDay === ledger.lastDay).length);
    await engine.close();
  });

  it("leaves the previous partition in place when a join fails", async () => {
    const { root, ledger } = lake(2);
    const engine = await DuckDbEngine.open({ root });
    const first = await joinDayEmbedded(engine, ledger.lastDay, "us-east-1");
    const before = fs.readFileSync(path.join(first.partition!, "part-00000.parquet"));
    // The engine fails mid-join (bad values no longer reach it: they are skipped, see faults.test.ts).
    vi.spyOn(engine, "withTables").mockRejectedValueOnce(new Error("embedded query failed: injected"));
    await expect(joinDayEmbedded(engine, ledger.lastDay, "us-east-1")).rejects.toThrow(/embedded query failed/);
    expect(fs.readFileSync(path.join(first.partition!, "part-00000.parquet"))).toEqual(before);
    expect(fs.readdirSync(path.dirname(path.dirname(first.partition!))).filter((d) => d.startsWith("."))).toEqual([]);
    await engine.close();
  });
});
