/**
 * The fast path for CloudTrail files as CloudTrail writes them: compact JSON, every record opening
 * with `{"eventVersion"`. A quote inside a JSON string is escaped, so the bytes `"eventVersion"`
 * only ever stand for that key (or a value equal to it): found by native byte search, each must
 * open a record, and the record before it must end with `},`. So the records' bounds are found
 * without a JavaScript loop over every byte, and the last one must end the frame with `}]}`.
 *
 * Whatever does not fit (pretty-printed files, other key orders, a damaged frame, an element that is
 * not an object) makes it give up with `unsure`; the caller then reads the file again with the
 * byte-level TrailScanner. Either way the same records reach the caller, at the same positions.
 */
import { NeedleHit, TrailScannerEvents } from "./trail-scanner";

/**
 * A key is found by its rarer tail, then its head checked before it: V8's search starts at each
 * byte equal to the needle's first, and a `"` starts one in ten of JSON's (a third of the time here).
 */
class Key {
  readonly bytes: Buffer;
  private readonly head: Buffer;
  private readonly tail: Buffer;

  constructor(text: string, headLength: number) {
    this.bytes = Buffer.from(text);
    this.head = this.bytes.subarray(0, headLength);
    this.tail = this.bytes.subarray(headLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  /** The index of the key's next whole occurrence at or after `from`, or -1. */
  find(bytes: Buffer, from: number): number {
    for (let at = bytes.indexOf(this.tail, from + this.head.length); at !== -1; at = bytes.indexOf(this.tail, at + 1)) {
      const start = at - this.head.length;
      // A loop over a few bytes: cheaper than a call into the buffer's native compare, made per hit.
      let same = true;
      for (let i = 0; same && i < this.head.length; i++) same = bytes[start + i] === this.head[i];
      if (same) return start;
    }
    return -1;
  }
}

const PREFIX = Buffer.from('{"Records":[');
/** A record's event name as CloudTrail writes it: the value follows at once and holds no quote. */
const EVENT_NAME = new Key('"eventName":"', '"event'.length);
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const RECORD_START = Buffer.from('{"eventVersion"');
/** Every record has this key; found again inside a "record", two records were taken for one. */
const RECORD_KEY = new Key('"eventVersion"', '"event'.length);
/** Searches inside a record start past its own `{"`, so its own key is not found again. */
const PAST_OWN_KEY = 2;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
/** Past this, a "record" is a frame the byte-level scanner should judge. */
const MAX_RECORD_BYTES = 16 * 2 ** 20;

function isSpace(byte: number | undefined): boolean {
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

  private opened = false;
  /** Bytes from the open record's start (or, before the frame is checked, from the file's start). */
  private carry: Buffer | undefined;
  /** The next `"eventName":"` at or after the records handed on so far, in the bytes being split. */
  private nameAt = -1;
  private readonly nameLengths: ReadonlySet<number>;

  /**
   * A record is handed on when it holds one of `needles`, or when `eventNames` holds its event name
   * (or its name cannot be read as CloudTrail writes it: missing, escaped, or given twice). One
   * search for the name key replaces a search per name, over every byte of the file.
   */
  constructor(
    private readonly needles: readonly Buffer[],
    private readonly on: Pick<TrailScannerEvents, "record">,
    private readonly eventNames?: ReadonlySet<string>,
    /** Given a wanted name and the bytes after its closing quote, whether the record is known to be of no use. */
    private readonly unwanted?: (name: string, bytes: Buffer, after: number, end: number) => boolean,
  ) {
    this.nameLengths = new Set([...(eventNames ?? [])].map((name) => Buffer.byteLength(name, "latin1")));
  }

  push(chunk: Buffer): void {
    if (this.stopped() || chunk.length === 0) return;
    // A record (or a marker) split by the chunk boundary is read whole from the joined bytes.
    let bytes = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = undefined;
    let start = 0;
    if (!this.opened) {
      if (bytes.length < BOM.length + PREFIX.length + RECORD_START.length) {
        this.carry = bytes;
        return;
      }
      start = this.opening(bytes);
      if (this.stopped()) return;
    }
    const hits = this.needles.map((needle) => ({ needle, at: bytes.indexOf(needle, start) }));
    this.nameAt = EVENT_NAME.find(bytes, start);
    for (let key = RECORD_KEY.find(bytes, start + PAST_OWN_KEY); key !== -1; key = RECORD_KEY.find(bytes, start + PAST_OWN_KEY)) {
      if (bytes[key - 1] !== OPEN_OBJECT) {
        // The key not opening an object: a record that does not begin with it hides here.
        this.unsure = "a record that does not begin as CloudTrail's do";
        return;
      }
      this.segment(bytes, start, key - 1, hits);
      if (this.stopped()) return;
      start = key - 1;
    }
    bytes = bytes.subarray(start);
    if (bytes.length > MAX_RECORD_BYTES) this.unsure = "a record longer than any CloudTrail writes";
    else this.carry = bytes;
  }

  /** Call once the file's bytes are all pushed: `unsure` if the file needs the byte-level scanner. */
  end(): string | undefined {
    if (this.unsure !== undefined) return this.unsure;
    if (!this.opened) return (this.unsure = "too short for the fast path");
    const bytes = this.carry ?? Buffer.alloc(0);
    this.carry = undefined;
    // The last record: `...}` then `]` and `}` closing the frame, then nothing.
    const close = lastByte(bytes, 0, bytes.length);
    const array = lastByte(bytes, 0, close);
    if (bytes[close] !== CLOSE_OBJECT || bytes[array] !== CLOSE_ARRAY) {
      return (this.unsure = "the frame does not close as CloudTrail's does");
    }
    const end = lastByte(bytes, 0, array);
    if (bytes[end] !== CLOSE_OBJECT) return (this.unsure = "the last record does not close");
    this.nameAt = EVENT_NAME.find(bytes, 0);
    this.record(
      bytes,
      0,
      end + 1,
      this.needles.map((needle) => ({ needle, at: bytes.indexOf(needle) })),
    );
    return this.unsure;
  }

  /** Whether the file was found unsure (a method: the checker keeps a field narrowed across the calls that set it). */
  private stopped(): boolean {
    return this.unsure !== undefined;
  }

  /** Checks `{"Records":[` (after a byte-order mark) and that a record opens next; returns where it does. */
  private opening(head: Buffer): number {
    this.opened = true;
    let at = 0;
    if (head.subarray(0, BOM.length).equals(BOM)) {
      this.hadBom = true;
      at = BOM.length;
    }
    const first = at + PREFIX.length;
    if (!head.subarray(at, first).equals(PREFIX) || !head.subarray(first, first + RECORD_START.length).equals(RECORD_START)) {
      this.unsure = "not laid out as CloudTrail writes";
    }
    return first;
  }

  /** A record and the `,` after it, in `bytes[start, next)`. */
  private segment(bytes: Buffer, start: number, next: number, hits: NeedleHit[]): void {
    const comma = lastByte(bytes, start, next);
    const end = lastByte(bytes, start, comma);
    if (bytes[comma] !== COMMA || bytes[end] !== CLOSE_OBJECT) {
      this.unsure = "a record that does not end as CloudTrail's do";
      return;
    }
    this.record(bytes, start, end + 1, hits);
  }

  /** `hits`: each needle's next position at or after the records before this one (moved on here). */
  private record(bytes: Buffer, start: number, end: number, hits: NeedleHit[]): void {
    this.elements++;
    let wanted = false;
    for (const hit of hits) {
      if (hit.at !== -1 && hit.at < start) hit.at = bytes.indexOf(hit.needle, start);
      if (hit.at !== -1 && hit.at < end) wanted = true;
    }
    if (!wanted && this.eventNames) wanted = this.namedWanted(bytes, start, end);
    if (wanted) this.on.record(bytes.subarray(start, end), this.elements);
  }

  /** Whether the record in `bytes[start, end)` is named in `eventNames`, or cannot be told apart without parsing it. */
  private namedWanted(bytes: Buffer, start: number, end: number): boolean {
    if (this.nameAt !== -1 && this.nameAt < start) this.nameAt = EVENT_NAME.find(bytes, start);
    const at = this.nameAt;
    if (at === -1 || at >= end) return true;
    const from = at + EVENT_NAME.length;
    const close = bytes.indexOf(QUOTE, from);
    if (close === -1 || close >= end) return true;
    // Found again inside the record (the next search the next record would make anyway): a second name.
    this.nameAt = EVENT_NAME.find(bytes, close);
    if (this.nameAt !== -1 && this.nameAt < end) return true;
    // An escape in the name (a loop over the name alone: a search back would run to the last escape before it).
    for (let i = from; i < close; i++) if (bytes[i] === BACKSLASH) return true;
    // Most names are of no use and of another length: told apart before a string is made of them.
    if (!this.nameLengths.has(close - from)) return false;
    const name = bytes.toString("latin1", from, close);
    if (this.eventNames?.has(name) !== true) return false;
    return this.unwanted?.(name, bytes, close + 1, end) !== true;
  }
}
