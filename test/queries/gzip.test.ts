/** Inflating lake files: small ones in one call, big ones (or ones that inflate big) streamed, damage salvaged by member. */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { ChunkReader, inflateFile, UnreadableFile } from "../../queries/lake/gzip";
import { tempDir } from "../support/lake";

const dir = tempDir("gzip");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

class Collect implements ChunkReader {
  chunks: Buffer[] = [];
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
  }
  text(): string {
    return Buffer.concat(this.chunks).toString();
  }
}

function file(name: string, bytes: Buffer): string {
  const at = path.join(dir, name);
  fs.writeFileSync(at, bytes);
  return at;
}

describe("inflateFile", () => {
  it("inflates a small file", async () => {
    const { reader, garbageBytes } = await inflateFile(file("small.gz", zlib.gzipSync("a\nb\n")), () => new Collect());
    expect(reader.text()).toBe("a\nb\n");
    expect(garbageBytes).toBeUndefined();
  });

  it("streams a file that inflates to 40 MB in chunks of at most 1 MB, every byte there", async () => {
    const big = Buffer.alloc(40 << 20, "x");
    const { reader } = await inflateFile(file("bomb.gz", zlib.gzipSync(big)), () => new Collect());
    expect(Math.max(...reader.chunks.map((c) => c.length))).toBeLessThanOrEqual(1 << 20);
    expect(reader.chunks.reduce((n, c) => n + c.length, 0)).toBe(big.length);
  });

  it("salvages the members before garbage into a fresh reader, and counts the garbage", async () => {
    const bytes = Buffer.concat([zlib.gzipSync("one\n"), zlib.gzipSync("two\n"), Buffer.from("trailing junk")]);
    const made: Collect[] = [];
    const { reader, garbageBytes } = await inflateFile(file("junk.gz", bytes), () => {
      const fresh = new Collect();
      made.push(fresh);
      return fresh;
    });
    expect(reader.text()).toBe("one\ntwo\n");
    expect(garbageBytes).toBe("trailing junk".length);
    expect(reader).toBe(made[made.length - 1]);
  });

  it("refuses a file that is not gzip, or is cut short in its first member, naming why", async () => {
    await expect(inflateFile(file("plain.gz", Buffer.from("plain text")), () => new Collect())).rejects.toThrow(UnreadableFile);
    const cut = zlib.gzipSync("a".repeat(1000) + Math.random().toString());
    await expect(inflateFile(file("cut.gz", cut.subarray(0, cut.length - 12)), () => new Collect())).rejects.toThrow(/unreadable gzip/);
    await expect(inflateFile(path.join(dir, "missing.gz"), () => new Collect())).rejects.toThrow(/unreadable: .*ENOENT/);
  });
});
