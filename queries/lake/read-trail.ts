/**
 * Reading a day's CloudTrail files in one streaming pass. The scanner finds each record's bounds;
 * only records that may be Athena's StartQueryExecution (the join's sole use of CloudTrail) are
 * parsed, checked against the table's columns, repaired or skipped and counted by record. Kept
 * records go, in input order, to one JSON-lines file per CloudTrail folder in `scratch` (same
 * relative folder, so the path still names account, region and day), which is what the engine reads.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { isUtf8 } from "node:buffer";
import { mapLimit } from "../concurrency";
import { CLOUDTRAIL } from "../schema/tables";
import { FileOutcome, isRecord, parseJson, skippedFile, tally } from "./checked";
import { inflateFile, UnreadableFile } from "./gzip";
import { DayFiles, DEFAULT_CONCURRENCY, ReadOptions } from "./read-history";
import { symlinkProblem } from "./safety";
import { fieldsProblem, repairCloudTrail } from "./shape";
import { TrailSplitter } from "./trail-fast";
import { TrailScanner, TrailScannerEvents } from "./trail-scanner";

/** Bytes a wanted record must contain; a `\u` escape could spell the event name any way, so it is parsed too. */
const NEEDLES = [Buffer.from("StartQueryExecution"), Buffer.from("\\u")];

/** What a file's records gave: the kept ones (as JSON lines) and the skipped ones. */
class Records implements TrailScannerEvents {
  kept: string[] = [];
  bad: { record: number; reason: string }[] = [];

  record(bytes: Buffer, position: number): void {
    const reason = this.problemWith(bytes);
    if (reason) this.bad.push({ record: position, reason: `record ${position}: ${reason}` });
  }

  notAnObject(position: number, what: string): void {
    this.bad.push({ record: position, reason: `record ${position}: ${what}` });
  }

  /** Why the record cannot be kept; it is kept (perhaps repaired) when there is none. */
  private problemWith(bytes: Buffer): string | undefined {
    if (!isUtf8(bytes)) return "not valid UTF-8";
    const parsed = parseJson(bytes.toString("utf8"));
    if ("reason" in parsed) return parsed.reason;
    const record = parsed.value;
    if (!isRecord(record)) return "not an object";
    // Another event that merely mentions the name: the join has no use for it.
    if (record.eventName !== "StartQueryExecution" || record.eventSource !== "athena.amazonaws.com") return undefined;
    const verdict = repairCloudTrail(record);
    const reason = verdict.problem ?? fieldsProblem(record, CLOUDTRAIL.columns);
    if (!reason) this.kept.push(JSON.stringify(record));
    return reason;
  }
}

interface TrailReader {
  records: Records;
  push(chunk: Buffer): void;
  /** The frame problem (byte-level scanner) or why the fast path gave up. */
  end(): string | undefined;
  elements(): number;
  hadBom(): boolean;
}

function reader(scanner: (records: Records) => TrailScanner | TrailSplitter): () => TrailReader {
  return () => {
    const records = new Records();
    const scan = scanner(records);
    return { records, push: (chunk) => scan.push(chunk), end: () => scan.end(), elements: () => scan.elements, hadBom: () => scan.hadBom };
  };
}

const fastReader = reader((records) => new TrailSplitter(NEEDLES, records));
const byteReader = reader((records) => new TrailScanner(NEEDLES, records));

interface TrailFileRead {
  outcome: FileOutcome;
  /** The folder's copy the kept records go to. */
  output?: string;
  kept: string[];
}

async function readOne(file: string, options: ReadOptions): Promise<TrailFileRead> {
  const link = symlinkProblem(options.root, file);
  if (link) return { outcome: skippedFile(file, link), kept: [] };
  try {
    let inflated = await inflateFile(file, fastReader);
    let frame = inflated.reader.end();
    if (frame !== undefined || inflated.reader.records.bad.length > 0) {
      // Not as CloudTrail writes it, or a record that would not parse (a damaged one, or two taken
      // for one): read again, byte by byte, so every count and position is the scanner's.
      inflated = await inflateFile(file, byteReader);
      frame = inflated.reader.end();
    }
    const read = inflated.reader;
    // A broken frame leaves no record certain to be whole and in place: the file is skipped.
    if (frame) return { outcome: skippedFile(file, frame), kept: [] };
    const remarks = [
      ...(inflated.garbageBytes ? [`${inflated.garbageBytes} bytes of garbage after the gzip data ignored`] : []),
      ...(read.hadBom() ? ["UTF-8 byte-order mark ignored"] : []),
    ];
    const output = path.join(options.scratch, "cloudtrail", path.relative(options.root, path.dirname(file)), "records.json");
    const { kept, bad } = read.records;
    return { outcome: { file, records: read.elements() - bad.length, bad, remarks }, output, kept };
  } catch (error) {
    if (!(error instanceof UnreadableFile)) throw error;
    return { outcome: skippedFile(file, error.message), kept: [] };
  }
}

/** Appends each file's kept records to its folder's copy, in input order whatever order the files finish in. */
class OrderedWriter {
  private readonly waiting = new Map<number, TrailFileRead>();
  private next = 0;
  readonly outputs = new Set<string>();

  put(index: number, read: TrailFileRead): void {
    this.waiting.set(index, read);
    for (let ready = this.waiting.get(this.next); ready; ready = this.waiting.get(this.next)) {
      this.waiting.delete(this.next++);
      if (!ready.output || ready.kept.length === 0) continue;
      if (!this.outputs.has(ready.output)) fs.mkdirSync(path.dirname(ready.output), { recursive: true });
      fs.appendFileSync(ready.output, ready.kept.join("\n") + "\n");
      this.outputs.add(ready.output);
    }
  }
}

export async function readCloudTrail(files: readonly string[], options: ReadOptions): Promise<DayFiles> {
  const writer = new OrderedWriter();
  const outcomes = await mapLimit(files, options.concurrency ?? DEFAULT_CONCURRENCY, async (file, index) => {
    const read = await readOne(file, options);
    writer.put(index, read);
    return read.outcome;
  });
  return { check: tally(outcomes), outputs: [...writer.outputs] };
}
