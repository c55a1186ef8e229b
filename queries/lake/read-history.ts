/**
 * Reading a day's history files (gzip JSON lines) in one streaming pass: each line is checked
 * against the history table's columns, repaired where its meaning is certain (timestamps), or
 * skipped and counted by file and line. Kept lines go to a plain JSON-lines copy in `scratch` (same
 * relative path, so the Hive partition folders still name region, day and work group), which is
 * what the engine reads.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { isUtf8 } from "node:buffer";
import { mapLimit } from "../concurrency";
import { HISTORY } from "../schema/tables";
import { CheckedFiles, FileOutcome, isRecord, parseJson, skippedFile, tally } from "./checked";
import { ByteOrderMark } from "./bom";
import { ChunkReader, inflateFile, UnreadableFile } from "./gzip";
import { symlinkProblem } from "./safety";
import { fieldsProblem, repairHistory } from "./shape";

const NEWLINE = 0x0a;
const ID_KEY = "QueryExecutionId";
/** Kept lines are written in batches of about this many characters. */
const WRITE_BATCH = 1 << 20;
/** Files in flight: decompression runs on libuv's threads while this one parses. */
export const DEFAULT_CONCURRENCY = 4;

export interface ReadOptions {
  /** The lake root: every file must lie below it, reached without symbolic links. */
  root: string;
  /** Where cleaned copies go. */
  scratch: string;
  /** Files read at once. */
  concurrency?: number;
}

export interface DayFiles {
  check: CheckedFiles;
  /** The cleaned copies, in input order, for the engine. */
  outputs: string[];
}

/** A line of only whitespace (a trailing newline, CRLF endings) holds no record. */
function blank(bytes: Buffer): boolean {
  for (const byte of bytes) if (byte > 0x20) return false;
  return true;
}

/** Why a history line cannot be kept; otherwise its text (rewritten when repaired). */
function historyLine(bytes: Buffer): { text: string } | { reason: string } {
  if (!isUtf8(bytes)) return { reason: "not valid UTF-8" };
  const parsed = parseJson(bytes.toString("utf8"));
  if ("reason" in parsed) return parsed;
  const record = isRecord(parsed.value) ? parsed.value : undefined;
  if (typeof record?.[ID_KEY] !== "string" || record[ID_KEY] === "") return { reason: `no ${ID_KEY}` };
  const verdict = repairHistory(record);
  const reason = verdict.problem ?? fieldsProblem(record, HISTORY.columns);
  if (reason) return { reason };
  return { text: verdict.repaired ? JSON.stringify(record) : bytes.toString("utf8") };
}

/** Splits decompressed chunks into lines and writes the good ones to `output`. */
class HistoryFileReader implements ChunkReader {
  records = 0;
  bad: { line: number; reason: string }[] = [];
  private readonly mark = new ByteOrderMark();
  private rest: Buffer[] = [];
  private line = 0;
  private pending = "";
  private fd: number | undefined;

  constructor(private readonly output: string) {
    this.fd = fs.openSync(output, "w");
  }

  get bom(): boolean {
    return this.mark.found;
  }

  push(bytes: Buffer): void {
    const chunk = this.mark.strip(bytes);
    if (chunk) this.lines(chunk);
  }

  private lines(chunk: Buffer): void {
    let from = 0;
    for (let nl = chunk.indexOf(NEWLINE, from); nl !== -1; nl = chunk.indexOf(NEWLINE, from)) {
      const piece = chunk.subarray(from, nl);
      this.take(this.rest.length > 0 ? Buffer.concat([...this.rest, piece]) : piece);
      this.rest = [];
      from = nl + 1;
    }
    if (from < chunk.length) this.rest.push(chunk.subarray(from));
  }

  /** The last line, flushed and closed. */
  end(): void {
    const held = this.mark.rest();
    if (held) this.lines(held);
    if (this.rest.length > 0) this.take(Buffer.concat(this.rest));
    this.rest = [];
    this.flush();
    this.close();
  }

  /** Closes and removes the output (the file turned out unreadable). */
  abandon(): void {
    this.close();
    fs.rmSync(this.output, { force: true });
  }

  private close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private take(bytes: Buffer): void {
    this.line++;
    if (blank(bytes)) return;
    const verdict = historyLine(bytes);
    if ("reason" in verdict) {
      this.bad.push({ line: this.line, reason: verdict.reason });
      return;
    }
    this.records++;
    this.pending += verdict.text + "\n";
    if (this.pending.length >= WRITE_BATCH) this.flush();
  }

  private flush(): void {
    if (this.pending && this.fd !== undefined) fs.writeSync(this.fd, this.pending);
    this.pending = "";
  }
}

async function readOne(file: string, options: ReadOptions): Promise<{ outcome: FileOutcome; output?: string }> {
  const link = symlinkProblem(options.root, file);
  if (link) return { outcome: skippedFile(file, link) };
  const output = path.join(options.scratch, "history", path.relative(options.root, file)).replace(/\.gz$/, "");
  fs.mkdirSync(path.dirname(output), { recursive: true });
  let reader: HistoryFileReader | undefined;
  try {
    const inflated = await inflateFile(file, () => {
      reader?.abandon();
      reader = new HistoryFileReader(output);
      return reader;
    });
    const read = inflated.reader;
    read.end();
    const remarks = [
      ...(inflated.garbageBytes ? [`${inflated.garbageBytes} bytes of garbage after the gzip data ignored`] : []),
      ...(read.bom ? ["UTF-8 byte-order mark ignored"] : []),
    ];
    return { outcome: { file, records: read.records, bad: read.bad, remarks }, output };
  } catch (error) {
    reader?.abandon();
    if (!(error instanceof UnreadableFile)) throw error;
    return { outcome: skippedFile(file, error.message) };
  }
}

export async function readHistory(files: readonly string[], options: ReadOptions): Promise<DayFiles> {
  const read = await mapLimit(files, options.concurrency ?? DEFAULT_CONCURRENCY, (file) => readOne(file, options));
  return { check: tally(read.map((r) => r.outcome)), outputs: read.flatMap((r) => (r.output ? [r.output] : [])) };
}
