/**
 * Reading a day's CloudTrail files. A scanner finds each record's bounds; only records that may be
 * of use to the join are parsed (Athena's StartQueryExecution for events; Glue catalog reads, Lake
 * Formation's GetDataAccess and S3 GetObject for access), checked against the table's columns,
 * repaired or skipped and counted by their position in `Records`.
 *
 * Files laid out as CloudTrail writes them are split by the fast path (TrailSplitter); a file it is
 * unsure of, or one with a record that would not parse, is read again by the byte-level
 * TrailScanner, so every count and position comes from a reading that can vouch for it.
 */
import { isUtf8 } from "node:buffer";
import { CLOUDTRAIL } from "../schema/tables";
import { isRecord, parseJson } from "./checked";
import { KeptLines } from "./copies";
import { DayFiles, FileReader, readDayFiles, ReadOptions } from "./read-files";
import { fieldsProblem, repairCloudTrail } from "./shape";
import { TrailSplitter } from "./trail-fast";
import { TrailScanner, TrailScannerEvents } from "./trail-scanner";
import { catalogReadValuesProblem, surrogateProblem, trailValuesProblem } from "./values";

/** Bytes a wanted record must contain (one of them); a `\u` escape could spell a name any way, so it is parsed too. */
const NEEDLES = [
  Buffer.from("StartQueryExecution"),
  Buffer.from("glue.amazonaws.com"),
  Buffer.from("lakeformation.amazonaws.com"),
  Buffer.from("GetObject"),
  Buffer.from("\\u"),
];

/** The Glue Data Catalog reads the access join counts (queries/sql/access_join.sql). */
const CATALOG_READS = new Set([
  "GetTable",
  "GetTables",
  "GetTableVersion",
  "GetTableVersions",
  "GetPartition",
  "GetPartitions",
  "BatchGetPartition",
  "GetDatabase",
  "GetDatabases",
]);

/** Which join a record serves: events (Athena's starts), access (reads by other engines), or none. */
function wantedFor(record: Record<string, unknown>): "events" | "access" | undefined {
  if (record.eventName === "StartQueryExecution" && record.eventSource === "athena.amazonaws.com") return "events";
  if (record.eventSource === "glue.amazonaws.com" && typeof record.eventName === "string" && CATALOG_READS.has(record.eventName))
    return "access";
  if (record.eventSource === "lakeformation.amazonaws.com" && record.eventName === "GetDataAccess") return "access";
  if (record.eventSource === "s3.amazonaws.com" && record.eventName === "GetObject") return "access";
  return undefined;
}

/** Why a record cannot be kept; undefined when it is kept (perhaps repaired) or of no use to the join. */
function recordProblem(bytes: Buffer, kept: KeptLines): string | undefined {
  if (!isUtf8(bytes)) return "not valid UTF-8";
  const text = bytes.toString("utf8");
  const parsed = parseJson(text);
  if ("reason" in parsed) return parsed.reason;
  const record = parsed.value;
  if (!isRecord(record)) return "not an object";
  // Another event that merely mentions a name: the join has no use for it.
  const wanted = wantedFor(record);
  if (wanted === undefined) return undefined;
  // Same rules as history (read-history.ts): nothing the engine would refuse, no name outside AWS's grammar.
  const surrogate = surrogateProblem(text, record);
  if (surrogate) return surrogate;
  const verdict = repairCloudTrail(record);
  const values = wanted === "events" ? trailValuesProblem(record) : catalogReadValuesProblem(record);
  const reason = verdict.problem ?? fieldsProblem(record, CLOUDTRAIL.columns) ?? values;
  // As history keeps its lines (read-history.ts): the record's own text, unless repaired or spread
  // over lines (a pretty-printed file), which a JSON-lines copy cannot hold.
  if (!reason) kept.add(verdict.repaired || /[\r\n]/.test(text) ? JSON.stringify(record) : text.trim());
  return reason;
}

class TrailFileReader implements FileReader, TrailScannerEvents {
  readonly bad: { record: number; reason: string }[] = [];
  private readonly scan: TrailScanner | TrailSplitter;

  constructor(
    readonly kept: KeptLines,
    fast: boolean,
  ) {
    this.scan = fast ? new TrailSplitter(NEEDLES, this) : new TrailScanner(NEEDLES, this);
  }

  record(bytes: Buffer, position: number): void {
    const reason = recordProblem(bytes, this.kept);
    if (reason) this.bad.push({ record: position, reason: `record ${position}: ${reason}` });
  }

  notAnObject(position: number, what: string): void {
    this.bad.push({ record: position, reason: `record ${position}: ${what}` });
  }

  push(chunk: Buffer): void {
    this.scan.push(chunk);
  }

  end(): string | undefined {
    return this.scan.end();
  }

  unsure(): boolean {
    return this.scan instanceof TrailSplitter && (this.scan.unsure !== undefined || this.bad.length > 0);
  }

  records(): number {
    return this.scan.elements - this.bad.length;
  }

  hadBom(): boolean {
    return this.scan.hadBom;
  }
}

export function readCloudTrail(files: readonly string[], options: ReadOptions): Promise<DayFiles> {
  return readDayFiles(files, options, "cloudtrail", [
    (kept) => new TrailFileReader(kept, true),
    (kept) => new TrailFileReader(kept, false),
  ]);
}
