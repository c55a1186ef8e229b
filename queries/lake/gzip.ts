/**
 * Reading a gzip file as a stream of decompressed chunks, whatever its size. When the stream is
 * damaged, the members that end before the damage (each with a good CRC and length) are salvaged:
 * CloudTrail and the collector write one member, and tools that append write several.
 */
import * as fs from "node:fs";
import * as zlib from "node:zlib";
import { pipeline } from "node:stream/promises";

/** Largest decompressed chunk: big enough that per-chunk work is noise, small enough to stream. */
const CHUNK_BYTES = 1 << 20;
/** Smallest buffers: a day can mean thousands of files of a few kilobytes, each given its own. */
const MIN_BUFFER_BYTES = 64 << 10;

/** Buffers sized to the file: compressed reads up to its size, inflated chunks up to ~16 times that. */
function bufferSizes(compressed: number): { read: number; inflated: number } {
  const clamp = (n: number) => Math.min(CHUNK_BYTES, Math.max(MIN_BUFFER_BYTES, n));
  return { read: clamp(compressed), inflated: clamp(compressed * 16) };
}

export interface ChunkReader {
  push(chunk: Buffer): void;
}

/** The file could not be read at all: named, with why. */
export class UnreadableFile extends Error {}

export interface Inflated<R> {
  reader: R;
  /** Bytes after the last good gzip member that were ignored. */
  garbageBytes?: number;
}

/**
 * Streams `file`'s decompressed bytes into `start()`'s reader. If the stream turns out damaged, the
 * reader so far is dropped and a fresh one gets the salvaged members instead, so a reader only ever
 * sees bytes that decompressed cleanly.
 */
export async function inflateFile<R extends ChunkReader>(file: string, start: () => R): Promise<Inflated<R>> {
  let reader = start();
  try {
    // Streamed even when small: zlib's one-call form copies its output once more and costs more here.
    const sizes = bufferSizes((await fs.promises.stat(file)).size);
    await pipeline(
      fs.createReadStream(file, { highWaterMark: sizes.read }),
      zlib.createGunzip({ chunkSize: sizes.inflated }),
      async (source) => {
        for await (const chunk of source as AsyncIterable<Buffer>) reader.push(chunk);
      },
    );
    return { reader };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    if (!code.startsWith("Z_")) throw new UnreadableFile(`unreadable: ${(error as Error).message}`);
    const raw = fs.readFileSync(file);
    const members = gzipMembersBeforeGarbage(raw);
    if (!members) throw new UnreadableFile(`unreadable gzip: ${(error as Error).message}`);
    reader = start();
    for (const part of members.parts) reader.push(part);
    return { reader, garbageBytes: raw.length - members.end };
  }
}

const GZIP_MAGIC = [0x1f, 0x8b, 0x08];

/** Where a gzip member's deflate data starts, past its optional header fields; undefined when `at` starts no member. */
function memberBody(bytes: Buffer, at: number): number | undefined {
  if (!GZIP_MAGIC.every((b, i) => bytes[at + i] === b)) return undefined;
  const flags = bytes[at + 3];
  // A header cut short after the magic bytes starts no member either.
  if (flags === undefined) return undefined;
  let p = at + 10;
  if (flags & 4) p += 2 + bytes.readUInt16LE(p);
  for (const bit of [8, 16]) if (flags & bit) p = bytes.indexOf(0, p) + 1;
  if (flags & 2) p += 2;
  return p > at && p <= bytes.length ? p : undefined;
}

/** The members of a gzip file that end before garbage; undefined when the first member itself is damaged. */
function gzipMembersBeforeGarbage(bytes: Buffer): { parts: Buffer[]; end: number } | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (let body = memberBody(bytes, 0); body !== undefined; body = memberBody(bytes, at)) {
    try {
      const { buffer, engine } = zlib.inflateRawSync(bytes.subarray(body), { info: true }) as unknown as {
        buffer: Buffer;
        engine: { bytesWritten: number };
      };
      const trailer = body + engine.bytesWritten;
      if (trailer + 8 > bytes.length) break;
      if (bytes.readUInt32LE(trailer) !== zlib.crc32(buffer) || bytes.readUInt32LE(trailer + 4) !== buffer.length % 2 ** 32) break;
      parts.push(buffer);
      at = trailer + 8;
    } catch {
      break;
    }
  }
  return parts.length > 0 ? { parts, end: at } : undefined;
}
