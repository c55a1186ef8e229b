/**
 * One big region-day lake for the join benchmark, deterministic by seed: CloudTrail for day D in the
 * trail's layout (plus the neighbour-day files around midnight that the join's window reads), as
 * gzip `{"Records":[...]}` files of about `fileMB` compressed each, mostly other management events,
 * with N `StartQueryExecution` records on D and the history of those N queries. Streams each file
 * through gzip, so files of any size are written without building them whole in memory.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { once } from "node:events";
import * as zlib from "node:zlib";
import { addDays, dayOf } from "../core/days";
import { toHistoryLine } from "../core/history-record";
import { cloudTrailObjectKey, historyObjectKey } from "../core/layout";
import { CloudTrailRecord, startQueryExecutionRecord } from "../generator/cloudtrail";
import { SimulatedQuery, toQueryExecution } from "../generator/executions";
import { ACCOUNT_ID, Actor, actorsOf, tablesOf } from "../generator/org";
import { AccessMix, kindOf, otherRecord, RecordKind } from "./join-mix";
import { Random } from "../generator/random";
import { callerFor } from "../generator/simulate";
import { adHoc } from "../generator/sql";

export interface BigDayOptions {
  lake: string;
  day: string;
  region: string;
  /** Total compressed CloudTrail, all files. */
  targetBytes: number;
  /** Compressed size of one file (a 5-minute window may hold several; a window never shares one). */
  fileBytes: number;
  /** Hours of the neighbour days (before and after D) that are generated too. */
  neighbourHours: number;
  /** Share of the day's records that are Athena `StartQueryExecution` calls with history. */
  queryShare: number;
  /** Shares of the day's records that are reads of the lake the access join keeps (ACCESS_MIX); none when absent. */
  accessMix?: AccessMix;
  seed: number;
}

export interface BigDay {
  cloudTrailFiles: number;
  cloudTrailBytes: number;
  cloudTrailRawBytes: number;
  records: number;
  /** Records by what the join does with them: Athena starts, catalog / Lake Formation / S3 object reads, the rest. */
  kinds: Record<RecordKind, number>;
  /** `StartQueryExecution` records on D, each with one history line: the rows the join must attribute. */
  queries: number;
  historyFiles: number;
  historyBytes: number;
  historyRawBytes: number;
}

const MINUTE = 60_000;
/** A trail delivers about every 5 minutes; a thin day is given longer windows so files still reach `fileBytes`. */
const DELIVERY_MINUTES = 5;

/** Writes text chunks through gzip into `file`; resolves to the compressed and raw byte counts. */
class GzipFile {
  private readonly gzip = zlib.createGzip({ level: 6 });
  private readonly out: fs.WriteStream;
  private readonly done: Promise<unknown>;
  raw = 0;

  constructor(readonly file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.out = fs.createWriteStream(file);
    this.gzip.pipe(this.out);
    this.done = once(this.out, "close");
  }

  async write(text: string): Promise<void> {
    this.raw += Buffer.byteLength(text);
    if (!this.gzip.write(text)) await once(this.gzip, "drain");
  }

  async end(): Promise<{ bytes: number; raw: number }> {
    this.gzip.end();
    await this.done;
    return { bytes: fs.statSync(this.file).size, raw: this.raw };
  }
}

/**
 * One query called at `eventAt` (whole second) and stamped by Athena within the same second. Unlike
 * the generator's planQuery, no DDL, reuse or midnight straddle: every query must land in day D.
 */
function plannedQuery(actor: Actor, region: string, eventAt: Date, day: string, rng: Random) {
  const { caller, clientIndex } = callerFor(actor, rng);
  const database = rng.pick(actor.databases);
  const table = rng.pick(tablesOf(actor, database));
  const state = rng.weighted([
    ["SUCCEEDED", 90],
    ["FAILED", 6],
    ["CANCELLED", 4],
  ] as const);
  const bytes = Math.max(1, Math.round(rng.logNormal(actor.medianBytes, actor.spread)));
  const engineMs = Math.round(300 + bytes / 160_000 + rng.int(0, 900));
  const queueMs = rng.int(20, 900);
  const planningMs = rng.int(60, 700);
  const submittedAt = new Date(eventAt.getTime() + rng.int(0, 999));
  const text = adHoc(database, table, addDays(day, -rng.int(1, 30)), (n) => rng.int(0, n - 1));
  const query: SimulatedQuery = {
    id: rng.uuid(),
    region,
    actor,
    session: caller.session,
    clientIndex,
    sourceIp: caller.sourceIp,
    workGroup: rng.pick(actor.workGroups),
    database,
    tables: [`${database}.${table}`],
    text: text.text,
    shape: text.shape,
    statementType: "DML",
    substatementType: "SELECT",
    state,
    bytes,
    reuseEnabled: false,
    reused: false,
    submittedAt,
    completedAt: new Date(submittedAt.getTime() + queueMs + planningMs + engineMs + 40),
    engineMs,
    queueMs,
    planningMs,
  };
  const textForm = rng.weighted([
    ["omitted", 7],
    ["queryString", 2],
    ["query", 1],
  ] as const);
  const record = startQueryExecutionRecord({ ...query, caller, at: eventAt, queryId: query.id, textForm }, rng);
  return { query, record };
}

/** Compressed bytes of one record, from a sample (seeded apart from the lake itself). */
function compressedBytesPerRecord(options: BigDayOptions, actors: readonly Actor[]): number {
  const rng = new Random(options.seed ^ 0x5eed);
  const at = new Date(`${options.day}T12:00:00Z`);
  const sample: CloudTrailRecord[] = [];
  for (let i = 0; i < 4000; i++) {
    const actor = rng.pick(actors);
    sample.push(
      rng.chance(options.queryShare)
        ? plannedQuery(actor, options.region, at, options.day, rng).record
        : otherRecord(actor, options.region, at, options.accessMix, rng),
    );
  }
  // Compressed in file-sized runs, as the files will be.
  const text = sample.map((r) => JSON.stringify(r));
  return zlib.gzipSync(`{"Records":[${text.join(",")}]}`, { level: 6 }).length / sample.length;
}

export async function writeBigDay(options: BigDayOptions): Promise<BigDay> {
  const { lake, day, region } = options;
  const rng = new Random(options.seed);
  // The main account's actors: every file is written under its account.
  const actors = actorsOf(ACCOUNT_ID).filter((a) => a.regions.includes(region));
  const perRecord = compressedBytesPerRecord(options, actors);
  const total = Math.max(1, Math.round(options.targetBytes / perRecord));
  const dayStart = Date.parse(`${day}T00:00:00Z`);
  const dayEnd = dayStart + 86_400_000;
  const from = dayStart - options.neighbourHours * 60 * MINUTE;
  const span = dayEnd + options.neighbourHours * 60 * MINUTE - from;
  const windowMs = Math.max(DELIVERY_MINUTES * MINUTE, Math.floor((span * options.fileBytes) / options.targetBytes / MINUTE) * MINUTE);
  // A full window is split into equal files of about `fileBytes`.
  const perWindow = Math.max(1, Math.round((total * windowMs) / span));
  // (5% slack, so a window a few records over the average does not add a file of a few records.)
  const perFile = Math.ceil((1.05 * perWindow) / Math.max(1, Math.round((perWindow * perRecord) / options.fileBytes)));
  const result: BigDay = {
    cloudTrailFiles: 0,
    cloudTrailBytes: 0,
    cloudTrailRawBytes: 0,
    records: 0,
    kinds: { "athena start": 0, "glue catalog read": 0, "lake formation": 0, "s3 GetObject": 0, other: 0 },
    queries: 0,
    historyFiles: 0,
    historyBytes: 0,
    historyRawBytes: 0,
  };
  const history = new Map<string, GzipFile>();
  let file: GzipFile | undefined;
  let inFile = 0;
  let window = -1;
  const closing: Promise<{ bytes: number; raw: number }>[] = [];
  const tally = (c: { bytes: number; raw: number }) => {
    result.cloudTrailBytes += c.bytes;
    result.cloudTrailRawBytes += c.raw;
  };
  const close = async () => {
    if (!file) return;
    await file.write("]}");
    closing.push(file.end());
    file = undefined;
    // A few files compress in the background while the next is built; no more, to bound memory.
    if (closing.length >= 4) for (const c of closing.splice(0)) tally(await c);
  };
  let batch: string[] = [];
  let flushed = false;
  const flush = async () => {
    if (!file || batch.length === 0) return;
    await file.write((flushed ? "," : "") + batch.join(","));
    flushed = true;
    batch = [];
  };
  for (let i = 0; i < total; i++) {
    // Records spread evenly over the span, whole seconds as CloudTrail writes them.
    const at = new Date(Math.floor((from + (i + rng.next()) * (span / total)) / 1000) * 1000);
    const windowStart = Math.floor(at.getTime() / windowMs);
    if (file && (inFile >= perFile || windowStart !== window)) {
      await flush();
      await close();
    }
    if (!file) {
      window = windowStart;
      const lag = rng.chance(0.03) ? rng.int(20, 45) : rng.int(2, 15);
      const deliveredAt = new Date((windowStart + 1) * windowMs + lag * MINUTE);
      const key = cloudTrailObjectKey({ account: ACCOUNT_ID, region }, deliveredAt, rng.hex(16).toUpperCase());
      file = new GzipFile(path.join(lake, key));
      await file.write('{"Records":[');
      inFile = 0;
      flushed = false;
      result.cloudTrailFiles++;
    }
    const actor = rng.pick(actors);
    const onDay = at.getTime() >= dayStart && at.getTime() < dayEnd;
    let record: CloudTrailRecord;
    if (onDay && rng.chance(options.queryShare)) {
      const planned = plannedQuery(actor, region, at, day, rng);
      record = planned.record;
      const line = toHistoryLine(toQueryExecution(planned.query, "northwind-athena-results"), {
        Region: region,
        CollectedAt: `${addDays(day, 1)}T01:00:00.000Z`,
        Source: "bench",
        ReferencedTables: planned.query.tables,
        ReferencedDatabases: [planned.query.database],
      });
      const historyKey = historyObjectKey({
        account: ACCOUNT_ID,
        region,
        dt: dayOf(planned.query.submittedAt),
        workGroup: planned.query.workGroup,
      });
      let out = history.get(historyKey);
      if (!out) history.set(historyKey, (out = new GzipFile(path.join(lake, historyKey))));
      await out.write(`${JSON.stringify(line)}\n`);
      result.queries++;
    } else {
      record = otherRecord(actor, region, at, options.accessMix, rng);
    }
    result.kinds[kindOf(record)]++;
    batch.push(JSON.stringify(record));
    if (batch.length >= 1000) await flush();
    inFile++;
    result.records++;
  }
  await flush();
  await close();
  for (const c of closing.splice(0)) tally(await c);
  for (const out of history.values()) {
    const written = await out.end();
    result.historyFiles++;
    result.historyBytes += written.bytes;
    result.historyRawBytes += written.raw;
  }
  return result;
}
