/**
 * A byte-level reader of CloudTrail log files (`{"Records": [ {...}, ... ]}`) that never holds a
 * whole document: it finds each record's bounds as the decompressed chunks go by and hands on only
 * the records that may matter, so a 2 GB file costs one pass and a few megabytes.
 *
 * It tracks strings and nesting, not full JSON syntax: a record handed on is parsed by the caller,
 * which is where a damaged record is caught. What it judges itself is the document's frame: a top
 * level that is not an object, no `Records` array, elements that are not objects, a document that
 * ends early or is followed by more text.
 */
import { ByteOrderMark } from "./bom";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const SPACE = 0x20;

/** Nesting of a record: the document object (1) holds the Records array (2) holding records (3). */
const RECORD_DEPTH = 3;
/** CloudTrail records are at most a few hundred KB; a "record" this long means the brackets do not balance. */
const MAX_RECORD_BYTES = 64 * 2 ** 20;

export interface TrailScannerEvents {
  /** A record (an object element of Records) whose bytes contain one of the needles. */
  record(bytes: Buffer, position: number): void;
  /** An element of Records that is not an object, with its 1-based position. */
  notAnObject(position: number, what: string): void;
}

/** A needle's next position in the bytes being read (-1: none), moved on as records close. */
export interface NeedleHit {
  needle: Buffer;
  at: number;
}

export class TrailScanner {
  /** Elements of Records seen so far (records and non-objects). */
  elements = 0;
  /** The first problem with the document's frame; once set, the rest of the file is ignored. */
  problem?: string;
  private readonly bom = new ByteOrderMark();

  private depth = 0;
  private inString = false;
  /** The chunk ended on a backslash inside a string: the next byte is escaped. */
  private skipNext = false;
  private started = false;
  private ended = false;
  private sawRecords = false;
  private inRecords = false;
  /** An element of Records may start next (after `[` or `,`). */
  private expecting = false;
  /** The text of the last string at depth 1 (a key, when the next value opens). */
  private lastKey = "";
  private keyParts: Buffer[] | undefined;
  /** The open record's bytes from earlier chunks. */
  private parts: Buffer[] = [];
  private partsBytes = 0;
  private recordOpen = false;

  constructor(
    private readonly needles: readonly Buffer[],
    private readonly on: TrailScannerEvents,
  ) {}

  get hadBom(): boolean {
    return this.bom.found;
  }

  push(bytes: Buffer): void {
    const chunk = this.bom.strip(bytes);
    if (chunk) this.scan(chunk);
  }

  private scan(chunk: Buffer): void {
    if (this.stopped() || chunk.length === 0) return;
    let i = 0;
    const n = chunk.length;
    let d = this.depth;
    let start = this.recordOpen ? 0 : -1;
    const hits = this.needles.map((needle) => ({ needle, at: chunk.indexOf(needle) }));
    if (this.skipNext) {
      this.skipNext = false;
      i++;
    }
    if (this.inString) i = this.skipString(chunk, i, d);
    while (i < n) {
      const c = chunk[i++];
      if (c === QUOTE) {
        if (d <= 2) {
          this.lowString(d);
          if (this.stopped()) return;
          i = this.skipString(chunk, i, d);
          continue;
        }
        // The hot path: most bytes are inside strings of records.
        for (;;) {
          if (i >= n) {
            this.inString = true;
            this.skipNext = i > n;
            break;
          }
          const x = chunk[i];
          if (x === QUOTE) {
            i++;
            break;
          }
          i += x === BACKSLASH ? 2 : 1;
        }
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (d <= 2) {
          this.lowOpen(c, d);
          if (this.stopped()) return;
        }
        d++;
        if (d === RECORD_DEPTH && this.inRecords && c === OPEN_OBJECT) {
          start = i - 1;
          this.recordOpen = true;
        }
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        if (d === RECORD_DEPTH && this.recordOpen) {
          this.closeRecord(chunk, start, i, hits);
          start = -1;
        }
        d--;
        if (d === 1 && this.inRecords) this.inRecords = false;
        if (d === 0) this.ended = true;
        if (d < 0) {
          this.fail("a closing bracket with nothing open");
          return;
        }
      } else if (c === COMMA) {
        if (d === 2 && this.inRecords) this.expecting = true;
      } else if (d <= 2 && c !== undefined && c > SPACE) {
        this.lowScalar(d);
        if (this.stopped()) return;
      }
    }
    this.depth = d;
    if (this.recordOpen) {
      const rest = start >= 0 ? chunk.subarray(start) : chunk;
      this.partsBytes += rest.length;
      if (this.partsBytes > MAX_RECORD_BYTES) {
        this.fail(`a record over ${MAX_RECORD_BYTES / 2 ** 20} MB: the brackets do not balance`);
        return;
      }
      this.parts.push(rest);
    }
  }

  /** Call once the file's bytes are all pushed: the frame problem, if any. */
  end(): string | undefined {
    const rest = this.bom.rest();
    if (rest) this.scan(rest);
    if (this.problem !== undefined) return this.problem;
    if (!this.started) return "empty: no JSON document";
    if (!this.ended || this.inString) return "the JSON document ends early (truncated?)";
    if (!this.sawRecords) return "no Records array";
    return undefined;
  }

  private fail(problem: string): void {
    this.problem = problem;
  }

  /** Whether a problem was found (a method: the checker keeps a field narrowed across the calls that set it). */
  private stopped(): boolean {
    return this.problem !== undefined;
  }

  /** Skips a string's body from `i`; returns the index after its closing quote (or `n`, still inside). */
  private skipString(chunk: Buffer, i: number, d: number): number {
    const n = chunk.length;
    const from = i;
    for (;;) {
      if (i >= n) {
        this.inString = true;
        this.skipNext = i > n;
        if (d === 1 && this.keyParts) this.keyParts.push(chunk.subarray(from, n));
        return n;
      }
      const x = chunk[i];
      if (x === QUOTE) break;
      i += x === BACKSLASH ? 2 : 1;
    }
    this.inString = false;
    if (d === 1 && this.keyParts) {
      this.keyParts.push(chunk.subarray(from, i));
      this.lastKey = Buffer.concat(this.keyParts).toString("utf8");
      this.keyParts = undefined;
    }
    return i + 1;
  }

  private lowString(d: number): void {
    if (d === 0) {
      this.outside();
      return;
    }
    if (d === 1) this.keyParts = [];
    else if (this.inRecords && this.expecting) this.element("a string");
  }

  private lowOpen(c: number, d: number): void {
    if (d === 0) {
      if (this.ended) {
        this.fail("more text after the JSON document");
        return;
      }
      if (c !== OPEN_OBJECT) {
        this.fail("the document is not a JSON object");
        return;
      }
      this.started = true;
      return;
    }
    if (d === 1) {
      if (c === OPEN_ARRAY && this.lastKey === "Records" && !this.sawRecords) {
        this.sawRecords = true;
        this.inRecords = true;
        this.expecting = true;
      }
      return;
    }
    if (!this.inRecords) return;
    if (c === OPEN_OBJECT) {
      // Counted even without a comma before it, so positions stay true to the file.
      this.elements++;
      this.expecting = false;
    } else if (this.expecting) this.element("an array");
  }

  private lowScalar(d: number): void {
    if (d === 0) {
      this.outside();
      return;
    }
    if (d === 2 && this.inRecords && this.expecting) this.element("not an object");
  }

  private outside(): void {
    this.fail(this.ended ? "more text after the JSON document" : "the document is not a JSON object");
  }

  private element(what: string): void {
    this.elements++;
    this.expecting = false;
    this.on.notAnObject(this.elements, what);
  }

  /** A record closed at `end` (exclusive): hand it on if it contains a needle. */
  private closeRecord(chunk: Buffer, start: number, end: number, hits: NeedleHit[]): void {
    this.recordOpen = false;
    if (this.parts.length > 0) {
      this.parts.push(chunk.subarray(0, end));
      const bytes = Buffer.concat(this.parts);
      this.parts = [];
      this.partsBytes = 0;
      if (this.needles.some((needle) => bytes.includes(needle))) this.on.record(bytes, this.elements);
      return;
    }
    let wanted = false;
    for (const hit of hits) {
      if (hit.at !== -1 && hit.at < start) hit.at = chunk.indexOf(hit.needle, start);
      if (hit.at !== -1 && hit.at < end) wanted = true;
    }
    if (wanted) this.on.record(chunk.subarray(start, end), this.elements);
  }
}
