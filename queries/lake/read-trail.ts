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
import { defined } from "../../core/checks";
import { CLOUDTRAIL } from "../schema/tables";
import { CheckedFiles, isRecord, parseJson } from "./checked";
import { KeptLines } from "./copies";
import { FileReader, readDayFiles, ReadOptions } from "./read-files";
import { fieldsProblem, repairCloudTrail } from "./shape";
import { TrailSplitter } from "./trail-fast";
import { TrailScanner, TrailScannerEvents } from "./trail-scanner";
import { catalogReadValuesProblem, surrogateProblem, trailValuesProblem } from "./values";

/** Bytes a wanted record must contain (one of them); a `\u` escape could spell a name any way, so it is parsed too. */
const SCANNER_NEEDLES = [
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

/** The event names the joins read: the fast path hands on records so named, and those with an escape. */
const EVENT_NAMES: ReadonlySet<string> = new Set(["StartQueryExecution", ...CATALOG_READS, "GetDataAccess", "GetObject"]);
const ESCAPE = [Buffer.from("\\u")];

const REGION_KEY = Buffer.from(',"awsRegion":"');
const ATHENA_ADDRESS = Buffer.from(',"sourceIPAddress":"athena.amazonaws.com"');

/**
 * A catalog or object read Athena made while running a query, told from the bytes CloudTrail writes
 * after the event name (`,"awsRegion":"…","sourceIPAddress":"athena.amazonaws.com"`): access_join.sql
 * leaves every such call out, and they are most of a lake's reads, so they are not parsed. A record
 * laid out otherwise is parsed and judged by the SQL as before.
 */
function athenaOwnCall(name: string, bytes: Buffer, after: number, end: number): boolean {
  if (name === "StartQueryExecution" || !bytes.subarray(after, after + REGION_KEY.length).equals(REGION_KEY)) return false;
  const regionEnd = bytes.indexOf(0x22, after + REGION_KEY.length);
  if (regionEnd === -1 || regionEnd + ATHENA_ADDRESS.length > end) return false;
  return bytes.subarray(regionEnd + 1, regionEnd + 1 + ATHENA_ADDRESS.length).equals(ATHENA_ADDRESS);
}

/** The keys of each object access_join.sql reads, and no more (test/queries/access-reading.test.ts holds the SQL to them). */
const REQUEST_KEYS = ["auditContext", "name", "databaseName", "tableName", "tableArn", "bucketName", "key"];
const ADDITIONAL_KEYS = ["requesterService", "bytesTransferredOut"];

/** `value`'s `keys`, when it is an object; the value itself otherwise (the SQL then finds nothing in it, as before). */
function only(value: unknown, keys: readonly string[]): unknown {
  if (!isRecord(value)) return value;
  const kept: Record<string, unknown> = {};
  for (const key of keys) if (key in value) kept[key] = value[key];
  return kept;
}

/**
 * What access_join.sql reads of a record: catalog and object reads are most of a lake's trail, and
 * the engine reads each kept line again for every query of the join.
 */
function accessFields(record: Record<string, unknown>): Record<string, unknown> {
  const identity = isRecord(record.userIdentity) ? record.userIdentity : undefined;
  const context = identity && isRecord(identity.sessionContext) ? identity.sessionContext : undefined;
  const issuer = context && isRecord(context.sessionIssuer) ? context.sessionIssuer : undefined;
  return {
    eventTime: record.eventTime,
    eventSource: record.eventSource,
    eventName: record.eventName,
    awsRegion: record.awsRegion,
    sourceIPAddress: record.sourceIPAddress,
    userAgent: record.userAgent,
    errorCode: record.errorCode,
    requestParameters: only(record.requestParameters, REQUEST_KEYS),
    additionalEventData: only(record.additionalEventData, ADDITIONAL_KEYS),
    eventID: record.eventID,
    recipientAccountId: record.recipientAccountId,
    userIdentity: identity && {
      type: identity.type,
      arn: identity.arn,
      invokedBy: identity.invokedBy,
      sessionContext: context && { sessionIssuer: issuer ? { arn: issuer.arn } : context.sessionIssuer },
    },
  };
}

/** Which join a record serves: events (Athena's starts), access (reads by other engines), or none. */
function wantedFor(record: Record<string, unknown>): "events" | "access" | undefined {
  if (record.eventName === "StartQueryExecution" && record.eventSource === "athena.amazonaws.com") return "events";
  if (record.eventSource === "glue.amazonaws.com" && typeof record.eventName === "string" && CATALOG_READS.has(record.eventName))
    return "access";
  if (record.eventSource === "lakeformation.amazonaws.com" && record.eventName === "GetDataAccess") return "access";
  if (record.eventSource === "s3.amazonaws.com" && record.eventName === "GetObject") return "access";
  return undefined;
}

/** Where kept records go: Athena's starts for the events join, other reads for the access join. */
interface TrailLanes {
  events: KeptLines;
  access: KeptLines;
}

/** Why a record cannot be kept; undefined when it is kept (perhaps repaired) or of no use to the join. */
function recordProblem(bytes: Buffer, kept: TrailLanes): string | undefined {
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
  if (reason) return reason;
  // As history keeps its lines (read-history.ts): the record's own text, unless repaired or spread
  // over lines (a pretty-printed file), which a JSON-lines copy cannot hold.
  if (wanted === "access") kept.access.add(JSON.stringify(accessFields(record)));
  else kept.events.add(verdict.repaired || text.includes("\n") || text.includes("\r") ? JSON.stringify(record) : text.trim());
  return undefined;
}

class TrailFileReader implements FileReader, TrailScannerEvents {
  readonly bad: { record: number; reason: string }[] = [];
  private readonly scan: TrailScanner | TrailSplitter;
  private readonly kept: TrailLanes;

  constructor(
    readonly lanes: readonly KeptLines[],
    fast: boolean,
  ) {
    this.kept = { events: defined(lanes[0], "CloudTrail events lane"), access: defined(lanes[1], "CloudTrail access lane") };
    this.scan = fast ? new TrailSplitter(ESCAPE, this, EVENT_NAMES, athenaOwnCall) : new TrailScanner(SCANNER_NEEDLES, this);
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

/** A day's CloudTrail, as copies in input order: Athena's starts (`events`), the other reads of the lake (`access`). */
export interface TrailFiles {
  check: CheckedFiles;
  events: string[];
  access: string[];
}

export async function readCloudTrail(files: readonly string[], options: ReadOptions): Promise<TrailFiles> {
  const read = await readDayFiles(
    files,
    options,
    ["cloudtrail", "cloudtrail-access"],
    [(lanes) => new TrailFileReader(lanes, true), (lanes) => new TrailFileReader(lanes, false)],
  );
  const [events, access] = read.lanes;
  return { check: read.check, events: defined(events, "CloudTrail events copies"), access: defined(access, "CloudTrail access copies") };
}
