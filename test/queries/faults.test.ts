/**
 * The fault suite (issue 11, part 5): one file or one record of a generated lake damaged at a time.
 * The day's events must equal those of an oracle lake without the bad item (the record deleted or
 * the file removed by the test, not by the code under test), and the summary must name what it skipped.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { historyPick, RecordCase, recordCases, trailPick } from "../support/fault-cases";
import { BaseLake, baseLake, copyLake, editRecord, findRecord, historyLines, inCopy, Joined, joinDay, Kind } from "../support/faults";

let base: BaseLake;
let oracle: Joined;
const roots: string[] = [];

function copy(label: string): string {
  const root = copyLake(base, label);
  roots.push(root);
  return root;
}

beforeAll(async () => {
  base = baseLake();
  oracle = await joinDay(copy("oracle"), base.day, base.region);
  expect(oracle.rows.length).toBeGreaterThan(20);
}, 120_000);

afterAll(() => {
  for (const root of [...roots, base.root]) fs.rmSync(root, { recursive: true, force: true });
});

async function runRecordCase(c: RecordCase): Promise<void> {
  const { day, region } = base;
  const faulty = copy("faulty");
  const { file, index } = findRecord(faulty, c.kind, day, region, c.kind === "history" ? historyPick : trailPick);
  editRecord(file, c.kind, index, c.corrupt);
  const got = await joinDay(faulty, day, region);
  let want = oracle.rows;
  if (c.expected !== "same") {
    const expectedLake = copy("expected");
    editRecord(inCopy(file, faulty, expectedLake), c.kind, index, c.expected === "removed" ? () => undefined : c.expected);
    want = (await joinDay(expectedLake, day, region)).rows;
    expect(want, "the item changes the day").not.toEqual(oracle.rows);
  }
  expect(got.rows).toEqual(want);
  const side = c.kind === "history" ? got.summary.history : got.summary.cloudTrail;
  expect(side.skippedFiles).toBe(0);
  expect(side.skippedRecords).toBe(c.expected === "removed" ? 1 : 0);
  if (c.expected === "removed") {
    const at = c.kind === "history" ? { file, line: index + 1 } : { file, record: index + 1 };
    expect(side.problems).toContainEqual(expect.objectContaining(at));
  }
}

interface FileCase {
  name: string;
  kind: Kind;
  /** Damages `file` (an existing file of the day) or adds a new one beside it; returns the path the summary must name. */
  corrupt: (file: string) => string;
  /** `removed`: equal to the oracle with the file deleted; `same`: equal to the oracle. */
  expected: "removed" | "same";
  /** The summary counts a skipped file (otherwise it only names it). */
  skipped: boolean;
  /** A layout the readers accept as it is: nothing to name. */
  unremarkable?: true;
}

const gzipped = (file: string) => fs.readFileSync(file);
const replace = (data: (file: string) => Buffer) => (file: string) => (fs.writeFileSync(file, data(file)), file);
const beside = (make: (target: string) => void) => (file: string) => {
  const target = path.join(path.dirname(file), "zz-extra.json.gz");
  make(target);
  return target;
};
const decompressed = (file: string) => zlib.gunzipSync(fs.readFileSync(file));

const fileCases: FileCase[] = (["history", "cloudtrail"] as const).flatMap((kind): FileCase[] => [
  {
    name: "a truncated gzip file",
    kind,
    corrupt: replace((f) => gzipped(f).subarray(0, gzipped(f).length - 20)),
    expected: "removed",
    skipped: true,
  },
  {
    name: "garbage after a valid gzip member",
    kind,
    corrupt: replace((f) => Buffer.concat([gzipped(f), Buffer.from("garbage\n")])),
    expected: "same",
    skipped: false,
  },
  { name: "a file that is not gzip", kind, corrupt: replace((f) => decompressed(f)), expected: "removed", skipped: true },
  { name: "a zero-byte file in place of a file", kind, corrupt: replace(() => Buffer.alloc(0)), expected: "removed", skipped: true },
  {
    name: "a UTF-8 byte-order mark at the start",
    kind,
    corrupt: replace((f) => zlib.gzipSync(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), decompressed(f)]))),
    expected: "same",
    skipped: false,
  },
  { name: "a new zero-byte file", kind, corrupt: beside((t) => fs.writeFileSync(t, "")), expected: "same", skipped: true },
]);

fileCases.push(
  { name: "an empty gzip stream", kind: "cloudtrail", corrupt: replace(() => zlib.gzipSync("")), expected: "removed", skipped: true },
  {
    name: "a truncated CloudTrail document",
    kind: "cloudtrail",
    corrupt: replace((f) => zlib.gzipSync(decompressed(f).subarray(0, 500))),
    expected: "removed",
    skipped: true,
  },
  {
    name: "Records not an array",
    kind: "cloudtrail",
    corrupt: replace(() => zlib.gzipSync(JSON.stringify({ Records: { a: 1 } }))),
    expected: "removed",
    skipped: true,
  },
  {
    name: "a document that is an array",
    kind: "cloudtrail",
    corrupt: replace((f) => zlib.gzipSync(JSON.stringify([JSON.parse(decompressed(f).toString()) as unknown]))),
    expected: "removed",
    skipped: true,
  },
  {
    name: "two gzip members then garbage",
    kind: "history",
    corrupt: (f) => {
      const lines = historyLines(f);
      const half = Math.ceil(lines.length / 2);
      const member = (part: string[]) => zlib.gzipSync(part.map((l) => `${l}\n`).join(""));
      fs.writeFileSync(
        f,
        Buffer.concat([member(lines.slice(0, half)), member(lines.slice(half)), Buffer.from([0x1f, 0x8b, 0x08, 0, 1, 2])]),
      );
      return f;
    },
    expected: "same",
    skipped: false,
  },
  {
    name: "a pretty-printed CloudTrail file",
    kind: "cloudtrail",
    corrupt: replace((f) => zlib.gzipSync(JSON.stringify(JSON.parse(decompressed(f).toString()), null, 2))),
    expected: "same",
    skipped: false,
    unremarkable: true,
  },
  {
    name: "CRLF and spaces between CloudTrail records",
    kind: "cloudtrail",
    corrupt: replace((f) => zlib.gzipSync(decompressed(f).toString().replaceAll('},{"eventVersion"', '} ,\r\n {"eventVersion"'))),
    expected: "same",
    skipped: false,
    unremarkable: true,
  },
  {
    name: "text after the CloudTrail document",
    kind: "cloudtrail",
    corrupt: replace((f) => zlib.gzipSync(`${decompressed(f).toString()}\n{"Records":[]}`)),
    expected: "removed",
    skipped: true,
  },
  {
    name: "CRLF line endings and blank lines",
    kind: "history",
    corrupt: replace((f) => zlib.gzipSync(historyLines(f).join("\r\n\r\n  \r\n") + "\r\n")),
    expected: "same",
    skipped: false,
    unremarkable: true,
  },
);

async function runFileCase(c: FileCase): Promise<void> {
  const { day, region } = base;
  const faulty = copy("faulty");
  // A file holding a record of the day's rows, so that losing it changes the day.
  const file = findRecord(faulty, c.kind, day, region, c.kind === "history" ? historyPick : trailPick).file;
  const named = c.corrupt(file);
  const got = await joinDay(faulty, day, region);
  let want = oracle.rows;
  if (c.expected === "removed") {
    const expectedLake = copy("expected");
    fs.rmSync(inCopy(file, faulty, expectedLake));
    want = (await joinDay(expectedLake, day, region)).rows;
    expect(want, "the file changes the day").not.toEqual(oracle.rows);
  }
  expect(got.rows).toEqual(want);
  const side = c.kind === "history" ? got.summary.history : got.summary.cloudTrail;
  expect(side.skippedFiles).toBe(c.skipped ? 1 : 0);
  expect(side.skippedRecords).toBe(0);
  if (c.unremarkable) expect(side.problems).toEqual([]);
  else expect(side.problems.map((p) => p.file)).toContain(named);
}

describe("fault suite: one bad record", () => {
  it.each(recordCases.map((c) => [`${c.kind}: ${c.name}`, c] as const))("%s", async (_name, c) => runRecordCase(c), 60_000);
});

describe("fault suite: one bad file", () => {
  it.each(fileCases.map((c) => [`${c.kind}: ${c.name}`, c] as const))("%s", async (_name, c) => runFileCase(c), 60_000);
  it.skipIf(process.getuid?.() === 0)("history: an unreadable file (chmod 000; skipped as root, who reads it anyway)", async () => {
    const corrupt = (f: string) => (fs.chmodSync(f, 0), f);
    await runFileCase({ name: "unreadable", kind: "history", corrupt, expected: "removed", skipped: true });
  });
  it.each(["history", "cloudtrail"] as const)("%s: a folder named like a data file is not read as one", async (kind) => {
    const { day, region } = base;
    const faulty = copy("faulty");
    const file = findRecord(faulty, kind, day, region, kind === "history" ? historyPick : trailPick).file;
    fs.mkdirSync(path.join(path.dirname(file), "x.json.gz"));
    const got = await joinDay(faulty, day, region);
    expect(got.rows).toEqual(oracle.rows);
    const side = kind === "history" ? got.summary.history : got.summary.cloudTrail;
    expect([side.skippedFiles, side.skippedRecords]).toEqual([0, 0]);
  });
});
