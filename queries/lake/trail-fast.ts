/**
 * The fast path for CloudTrail files as CloudTrail writes them: compact JSON, every record opening
 * with `{"eventVersion"`. In JSON text those bytes can only open an object (a quote inside a string
 * is escaped), so the records' bounds are found with native byte search instead of a JavaScript
 * loop over every byte, and each record's end is checked (`}` then `,`, or `}]}` at the end).
 *
 * Whatever does not fit (pretty-printed files, other key orders, a damaged frame, an element that is
 * not an object) makes it give up with `unsure`; the caller then reads the file again with the
 * byte-level TrailScanner. Either way the same records reach the caller, at the same positions.
 */
import { TrailScannerEvents } from "./trail-scanner";

const PREFIX = Buffer.from('{"Records":[');
const RECORD_START = Buffer.from('{"eventVersion"');
/** Every record has this key; found again inside a "record", two records were taken for one. */
const RECORD_KEY = Buffer.from('"eventVersion"');
/** Searches inside a record start past its own `{"`, so its own key is not found again. */
const PAST_OWN_KEY = 2;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
/** Past this, a "record" is a frame the byte-level scanner should judge. */
const MAX_RECORD_BYTES = 16 * 2 ** 20;

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** The index of the last non-space byte before `end` (at or after `from`), or `from - 1`. */
function lastByte(bytes: Buffer, from: number, end: number): number {
  let j = end - 1;
  while (j >= from && isSpace(bytes[j])) j--;
  return j;
}

export class TrailSplitter {
  /** Elements of Records seen so far. */
  elements = 0;
  /** Why this file needs the byte-level scanner; once set, nothing more is handed on. */
  unsure?: string;
  hadBom = false;

  private head: Buffer | undefined = Buffer.alloc(0);
  /** The open record's bytes from earlier chunks. */
  private carry: Buffer[] = [];
  private carried = 0;

  constructor(
    private readonly needles: readonly Buffer[],
    private readonly on: Pick<TrailScannerEvents, "record">,
  ) {}

  push(chunk: Buffer): void {
    if (this.unsure !== undefined || chunk.length === 0) return;
    if (this.head) {
      // The frame's opening, collected until it can be checked.
      this.head = Buffer.concat([this.head, chunk]);
      if (this.head.length < BOM.length + PREFIX.length + RECORD_START.length) return;
      chunk = this.opening(this.head);
      this.head = undefined;
      if (this.unsure !== undefined) return;
    }
    let start = 0;
    if (this.carry.length > 0) {
      this.bridge(chunk);
      const first = chunk.indexOf(RECORD_START);
      if (first === -1) {
        this.carry.push(chunk);
        this.carried += chunk.length;
        if (this.carried > MAX_RECORD_BYTES) this.unsure = "a record longer than any CloudTrail writes";
        return;
      }
      // The record that began in an earlier chunk ends before this chunk's first record.
      const bytes = Buffer.concat([...this.carry, chunk.subarray(0, first)]);
      this.carry = [];
      this.carried = 0;
      this.segment(bytes, 0, bytes.length, -1);
      if (this.unsure !== undefined) return;
      start = first;
    }
    const hits = [...this.needles, RECORD_KEY].map((needle) => chunk.indexOf(needle, start + PAST_OWN_KEY));
    for (let next = chunk.indexOf(RECORD_START, start + 1); next !== -1; next = chunk.indexOf(RECORD_START, start + 1)) {
      this.segment(chunk, start, next, hits);
      if (this.unsure !== undefined) return;
      start = next;
    }
    this.carry.push(chunk.subarray(start));
  }

  /** Call once the file's bytes are all pushed: `unsure` if the file needs the byte-level scanner. */
  end(): string | undefined {
    if (this.unsure !== undefined) return this.unsure;
    if (this.head) return (this.unsure = "too short for the fast path");
    const bytes = Buffer.concat(this.carry);
    this.carry = [];
    // The last record: `...}` then `]` and `}` closing the frame, then nothing.
    const close = lastByte(bytes, 0, bytes.length);
    const array = lastByte(bytes, 0, close);
    if (bytes[close] !== CLOSE_OBJECT || bytes[array] !== CLOSE_ARRAY)
      return (this.unsure = "the frame does not close as CloudTrail's does");
    const end = lastByte(bytes, 0, array);
    if (bytes[end] !== CLOSE_OBJECT) return (this.unsure = "the last record does not close");
    this.record(bytes, 0, end + 1, -1);
    return this.unsure;
  }

  /**
   * A record start split across the chunk boundary: the carried record ends where it begins, and
   * the carry becomes the new record's first bytes.
   */
  private bridge(chunk: Buffer): void {
    const overlap = RECORD_START.length - 1;
    if (this.carry[this.carry.length - 1].length < overlap) this.carry = [Buffer.concat(this.carry)];
    const piece = this.carry[this.carry.length - 1];
    const tail = Math.min(piece.length, overlap);
    const across = Buffer.concat([piece.subarray(piece.length - tail), chunk.subarray(0, overlap)]);
    const at = across.indexOf(RECORD_START);
    if (at === -1 || at >= tail) return;
    const cut = piece.length - tail + at;
    const ended = Buffer.concat([...this.carry.slice(0, -1), piece.subarray(0, cut)]);
    this.segment(ended, 0, ended.length, -1);
    this.carry = [piece.subarray(cut)];
    this.carried = 0;
  }

  /** Checks and strips `{"Records":[` (after a byte-order mark); returns the rest, which must open a record. */
  private opening(head: Buffer): Buffer {
    let at = 0;
    if (head.subarray(0, BOM.length).equals(BOM)) {
      this.hadBom = true;
      at = BOM.length;
    }
    const rest = head.subarray(at + PREFIX.length);
    if (!head.subarray(at, at + PREFIX.length).equals(PREFIX) || !rest.subarray(0, RECORD_START.length).equals(RECORD_START)) {
      this.unsure = "not laid out as CloudTrail writes";
    }
    return rest;
  }

  /** A record and the `,` after it, in `bytes[start, next)`; `hits` are the needles' next positions (-1: search the record). */
  private segment(bytes: Buffer, start: number, next: number, hits: number[] | -1): void {
    const comma = lastByte(bytes, start, next);
    const end = lastByte(bytes, start, comma);
    if (bytes[comma] !== COMMA || bytes[end] !== CLOSE_OBJECT) {
      this.unsure = "a record that does not end as CloudTrail's do";
      return;
    }
    this.record(bytes, start, end + 1, hits);
  }

  /** `hits`: the next position of each needle and then of RECORD_KEY, past the records before; -1 to search this one. */
  private record(bytes: Buffer, start: number, end: number, hits: number[] | -1): void {
    const from = start + PAST_OWN_KEY;
    const found = hits === -1 ? [...this.needles, RECORD_KEY].map((needle) => bytes.indexOf(needle, from)) : hits;
    for (let k = 0; k < found.length; k++) {
      if (found[k] !== -1 && found[k] < from) found[k] = bytes.indexOf(k < this.needles.length ? this.needles[k] : RECORD_KEY, from);
    }
    const key = found[found.length - 1];
    if (key !== -1 && key < end) {
      // A record whose first key is not eventVersion hides inside this one: only the byte scanner can tell them apart.
      this.unsure = "a record that does not begin as CloudTrail's do";
      return;
    }
    this.elements++;
    if (found.slice(0, -1).some((hit) => hit !== -1 && hit < end)) this.on.record(bytes.subarray(start, end), this.elements);
  }
}
