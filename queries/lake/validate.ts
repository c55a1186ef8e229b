/**
 * Reading lake files defensively before the engine sees them: a corrupt gzip file or a line that
 * is not JSON is skipped and counted, named by file and line, and the rest of the day still loads.
 * Files with bad lines are copied without them (same relative path, so partitions still parse).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { Field } from "../schema/types";
import { symlinkProblem } from "./safety";
import { fieldsProblem, repairCloudTrail, repairHistory } from "./shape";

export interface Problem {
  file: string;
  /** 1-based line for JSON-lines files; absent when the whole file is unreadable. */
  line?: number;
  /** 1-based position in a CloudTrail file's `Records`. */
  record?: number;
  reason: string;
}

export interface CheckedFiles {
  /** Paths the engine may read: the original, or a cleaned copy. */
  readable: string[];
  records: number;
  skippedFiles: number;
  skippedRecords: number;
  /** The first problems found, for messages (all are counted above). */
  problems: Problem[];
}

const MAX_PROBLEMS_KEPT = 50;

export function emptyCheck(): CheckedFiles {
  return { readable: [], records: 0, skippedFiles: 0, skippedRecords: 0, problems: [] };
}

function note(check: CheckedFiles, problem: Problem): void {
  if (check.problems.length < MAX_PROBLEMS_KEPT) check.problems.push(problem);
}

const GZIP_MAGIC = [0x1f, 0x8b, 0x08];

/** Where a gzip member's deflate data starts, past its optional header fields; undefined when `at` starts no member. */
function memberBody(bytes: Buffer, at: number): number | undefined {
  if (!GZIP_MAGIC.every((b, i) => bytes[at + i] === b)) return undefined;
  const flags = bytes[at + 3];
  let p = at + 10;
  if (flags & 4) p += 2 + bytes.readUInt16LE(p);
  for (const bit of [8, 16]) if (flags & bit) p = bytes.indexOf(0, p) + 1;
  if (flags & 2) p += 2;
  return p > at && p <= bytes.length ? p : undefined;
}

/**
 * The members of a gzip file that end before garbage (zlib refuses the whole file); undefined when
 * the first member itself is damaged. Each member's CRC and length are checked.
 */
function gzipMembersBeforeGarbage(bytes: Buffer): { data: Buffer; end: number } | undefined {
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
  return parts.length > 0 ? { data: Buffer.concat(parts), end: at } : undefined;
}

interface Decoded {
  bytes: Buffer;
  /** The engine cannot read the original as it is: give it a cleaned copy. */
  changed: boolean;
}

function skipFile(check: CheckedFiles, file: string, reason: string): void {
  check.skippedFiles++;
  note(check, { file, reason });
}

/** A file's decompressed bytes, a byte-order mark removed; undefined (skipped and counted) when unreadable. */
function gunzip(file: string, check: CheckedFiles, root: string): Decoded | undefined {
  const link = symlinkProblem(root, file);
  if (link) {
    skipFile(check, file, link);
    return undefined;
  }
  let raw: Buffer;
  try {
    raw = fs.readFileSync(file);
  } catch (error) {
    skipFile(check, file, `unreadable: ${(error as Error).message}`);
    return undefined;
  }
  let bytes: Buffer;
  let changed = false;
  try {
    bytes = zlib.gunzipSync(raw);
  } catch (error) {
    const members = gzipMembersBeforeGarbage(raw);
    if (!members) {
      skipFile(check, file, `unreadable gzip: ${(error as Error).message}`);
      return undefined;
    }
    note(check, { file, reason: `${raw.length - members.end} bytes of garbage after the gzip data ignored` });
    bytes = members.data;
    changed = true;
  }
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    note(check, { file, reason: "UTF-8 byte-order mark removed" });
    return { bytes: bytes.subarray(3), changed: true };
  }
  return { bytes, changed };
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Lines of a JSON-lines file; a line that is not valid UTF-8 is `undefined`. */
function utf8Lines(bytes: Buffer): (string | undefined)[] {
  try {
    return strictUtf8.decode(bytes).split("\n");
  } catch {
    const lines: (string | undefined)[] = [];
    for (let start = 0; start <= bytes.length;) {
      const end = bytes.indexOf(0x0a, start) === -1 ? bytes.length : bytes.indexOf(0x0a, start);
      try {
        lines.push(strictUtf8.decode(bytes.subarray(start, end)));
      } catch {
        lines.push(undefined);
      }
      start = end + 1;
    }
    return lines;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function writeCleanCopy(file: string, root: string, scratch: string, text: string): string {
  const copy = path.join(scratch, path.relative(root, file));
  fs.mkdirSync(path.dirname(copy), { recursive: true });
  fs.writeFileSync(copy, zlib.gzipSync(text));
  return copy;
}

/**
 * Gzip JSON lines, one object a line with the string key `idKey` and the shape of `fields`. Lines
 * that are not such objects are skipped and counted.
 */
export function checkJsonLines(
  files: readonly string[],
  idKey: string,
  fields: readonly Field[],
  root: string,
  scratch: string,
): CheckedFiles {
  const check = emptyCheck();
  for (const file of files) {
    const decoded = gunzip(file, check, root);
    if (decoded === undefined) continue;
    const kept: string[] = [];
    let bad = 0;
    let repaired = false;
    utf8Lines(decoded.bytes).forEach((line, index) => {
      if (line?.trim() === "") return;
      let reason: string | undefined;
      if (line === undefined) reason = "not valid UTF-8";
      else {
        try {
          const value = JSON.parse(line) as unknown;
          const record = isRecord(value) ? value : undefined;
          if (typeof record?.[idKey] !== "string" || record[idKey] === "") reason = `no ${idKey}`;
          else {
            const verdict = repairHistory(record);
            reason = verdict.problem ?? fieldsProblem(record, fields);
            if (!reason && verdict.repaired) {
              repaired = true;
              line = JSON.stringify(record);
            }
          }
        } catch (error) {
          reason = `not JSON: ${(error as Error).message}`;
        }
      }
      if (reason || line === undefined) {
        bad++;
        note(check, { file, line: index + 1, reason: reason ?? "not valid UTF-8" });
      } else kept.push(line);
    });
    check.records += kept.length;
    check.skippedRecords += bad;
    const clean = bad === 0 && !repaired && !decoded.changed;
    check.readable.push(clean ? file : writeCleanCopy(file, root, scratch, kept.join("\n") + "\n"));
  }
  return check;
}

/** CloudTrail log files: gzip `{"Records": [...]}`; records that are not objects of the shape of `fields` are dropped and counted. */
export function checkCloudTrail(files: readonly string[], fields: readonly Field[], root: string, scratch: string): CheckedFiles {
  const check = emptyCheck();
  for (const file of files) {
    const decoded = gunzip(file, check, root);
    if (decoded === undefined) continue;
    let text: string;
    try {
      text = strictUtf8.decode(decoded.bytes);
    } catch {
      // One document: its bad bytes cannot be pinned to a record, so they are replaced and the file rewritten.
      note(check, { file, reason: "invalid UTF-8 replaced by U+FFFD" });
      text = decoded.bytes.toString("utf8");
      decoded.changed = true;
    }
    let records: unknown;
    try {
      const doc = JSON.parse(text) as unknown;
      records = isRecord(doc) ? doc.Records : undefined;
    } catch (error) {
      skipFile(check, file, `not JSON: ${(error as Error).message}`);
      continue;
    }
    if (!Array.isArray(records)) {
      skipFile(check, file, "no Records array");
      continue;
    }
    const kept: unknown[] = [];
    let repaired = false;
    records.forEach((r: unknown, index) => {
      let reason: string | undefined = "not an object";
      if (isRecord(r)) {
        const verdict = repairCloudTrail(r);
        reason = verdict.problem ?? fieldsProblem(r, fields);
        if (!reason && verdict.repaired) repaired = true;
      }
      if (reason) note(check, { file, record: index + 1, reason: `record ${index + 1}: ${reason}` });
      else kept.push(r);
    });
    const bad = records.length - kept.length;
    check.records += kept.length;
    check.skippedRecords += bad;
    const clean = bad === 0 && !repaired && !decoded.changed;
    check.readable.push(clean ? file : writeCleanCopy(file, root, scratch, JSON.stringify({ Records: kept })));
  }
  return check;
}
