/**
 * Reading a day's history files (gzip JSON lines): each line is checked against the history
 * table's columns, repaired where its meaning is certain (timestamps), or skipped and counted by
 * file and line.
 */
import { isUtf8 } from "node:buffer";
import { defined } from "../../core/checks";
import { HISTORY } from "../schema/tables";
import { ByteOrderMark } from "./bom";
import { CheckedFiles, isRecord, parseJson } from "./checked";
import { KeptLines } from "./copies";
import { FileReader, readDayFiles, ReadOptions } from "./read-files";
import { fieldsProblem, repairHistory } from "./shape";
import { historyValuesProblem, surrogateProblem } from "./values";

const NEWLINE = 0x0a;
const ID_KEY = "QueryExecutionId";

/** A line of only whitespace (a trailing newline, CRLF endings) holds no record. */
function blank(bytes: Buffer): boolean {
  for (const byte of bytes) if (byte > 0x20) return false;
  return true;
}

/**
 * Why a history line cannot be kept; otherwise its text (rewritten when repaired). The one decision
 * for every reader of history: the daily join and the report's history view (history-view.ts) both
 * read only lines it keeps, so neither ever hands the engine text it cannot parse.
 */
export function historyLine(bytes: Buffer): { text: string } | { reason: string } {
  if (!isUtf8(bytes)) return { reason: "not valid UTF-8" };
  const text = bytes.toString("utf8");
  const parsed = parseJson(text);
  if ("reason" in parsed) return parsed;
  const record = isRecord(parsed.value) ? parsed.value : undefined;
  if (typeof record?.[ID_KEY] !== "string" || record[ID_KEY] === "") return { reason: `no ${ID_KEY}` };
  const surrogate = surrogateProblem(text, record);
  if (surrogate) return { reason: surrogate };
  const verdict = repairHistory(record);
  const reason = verdict.problem ?? fieldsProblem(record, HISTORY.columns) ?? historyValuesProblem(record);
  if (reason) return { reason };
  return { text: verdict.repaired ? JSON.stringify(record) : text.trim() };
}

/** Splits decompressed chunks into lines and keeps the good ones. */
class HistoryFileReader implements FileReader {
  readonly bad: { line: number; reason: string }[] = [];
  private readonly mark = new ByteOrderMark();
  private rest: Buffer[] = [];
  private line = 0;

  constructor(readonly kept: KeptLines) {}

  get lanes(): readonly KeptLines[] {
    return [this.kept];
  }

  records(): number {
    return this.kept.count;
  }

  hadBom(): boolean {
    return this.mark.found;
  }

  push(bytes: Buffer): void {
    const chunk = this.mark.strip(bytes);
    if (chunk) this.lines(chunk);
  }

  end(): undefined {
    const held = this.mark.rest();
    if (held) this.lines(held);
    if (this.rest.length > 0) this.take(Buffer.concat(this.rest));
    this.rest = [];
    return undefined;
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

  private take(bytes: Buffer): void {
    this.line++;
    if (blank(bytes)) return;
    const verdict = historyLine(bytes);
    if ("reason" in verdict) this.bad.push({ line: this.line, reason: verdict.reason });
    else this.kept.add(verdict.text);
  }
}

/** A day's history: its copies, in input order, for the engine. */
export interface HistoryFiles {
  check: CheckedFiles;
  outputs: string[];
}

export async function readHistory(files: readonly string[], options: ReadOptions): Promise<HistoryFiles> {
  const read = await readDayFiles(files, options, ["history"], [(lanes) => new HistoryFileReader(defined(lanes[0], "history lane"))]);
  return { check: read.check, outputs: defined(read.lanes[0], "history lane's copies") };
}
