/** The engine's copies of a day's good records: small files' records appended in input order, big files' spilled whole. */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FolderCopies, KeptLines } from "../../queries/lake/copies";
import { tempDir } from "../support/lake";

const dir = tempDir("copies");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("KeptLines", () => {
  it("holds a small file's records in memory and writes nothing", () => {
    const copy = path.join(dir, "small", "a.json");
    const kept = new KeptLines(copy);
    kept.add('{"a":1}');
    kept.add('{"a":2}');
    expect(kept.close()).toEqual({ text: '{"a":1}\n{"a":2}\n' });
    expect(fs.existsSync(copy)).toBe(false);
  });

  it("spills past 1 MB to a copy of its own holding every record, and removes it when discarded", () => {
    const copy = path.join(dir, "big", "b.json");
    const line = JSON.stringify({ q: "x".repeat(1000) });
    const kept = new KeptLines(copy);
    for (let i = 0; i < 2000; i++) kept.add(line);
    expect(kept.close()).toEqual({ copy });
    expect(fs.readFileSync(copy, "utf8")).toBe(`${line}\n`.repeat(2000));
    const again = new KeptLines(copy);
    for (let i = 0; i < 2000; i++) again.add(line);
    again.discard();
    expect(fs.existsSync(copy)).toBe(false);
  });
});

describe("FolderCopies", () => {
  it("appends each folder's records in input order, whatever order the files finish in", () => {
    const copies = new FolderCopies();
    const [one, two] = [path.join(dir, "order", "one"), path.join(dir, "order", "two")];
    copies.put(2, one, "c\n");
    copies.put(1, two, "b\n");
    copies.put(3, one, undefined);
    copies.put(0, one, "a\n");
    copies.put(4, one, "d\n");
    const paths = copies.close();
    expect(paths.map((p) => path.relative(dir, p))).toEqual(["order/one/kept-records.jsonl", "order/two/kept-records.jsonl"]);
    expect(paths.map((p) => fs.readFileSync(p, "utf8"))).toEqual(["a\nc\nd\n", "b\n"]);
  });
});
