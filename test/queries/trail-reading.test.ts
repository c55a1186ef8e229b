/**
 * The two CloudTrail readers on documents cut into chunks at every kind of place: the records they
 * hand on (and their positions) must be exactly those an ordinary JSON.parse of the whole document
 * finds containing a needle, and the fast path must give up, never guess, on what it does not know.
 */
import { describe, expect, it } from "vitest";
import realdata from "../fixtures/realdata-athena.json";
import { TrailSplitter } from "../../queries/lake/trail-fast";
import { TrailScanner } from "../../queries/lake/trail-scanner";
import { at } from "../support/defined";

type Json = Record<string, unknown>;
const NEEDLES = [Buffer.from("StartQueryExecution"), Buffer.from("\\u")];

/** Real records, each with eventVersion first (as CloudTrail writes them). */
const records: Json[] = (realdata.cloudtrail as { record: Json }[]).map(({ record }) => {
  const { eventVersion = "1.09", ...rest } = record;
  return { eventVersion, ...rest };
});

interface Seen {
  handed: { position: number; record: unknown }[];
  notObjects: { position: number; what: string }[];
  elements: number;
  /** `unsure` of the splitter, or the scanner's frame problem. */
  verdict: string | undefined;
}

/** `text` in pieces of the given sizes, taken in turn until the text runs out. */
function* inChunks(text: Buffer, sizes: readonly number[]): Generator<Buffer> {
  for (let start = 0, i = 0; start < text.length; i++) {
    const size = at(sizes, i % sizes.length, "chunk size");
    yield text.subarray(start, start + size);
    start += size;
  }
}

function read(kind: "fast" | "bytes", text: Buffer, chunkSizes: number[]): Seen {
  const seen: Seen = { handed: [], notObjects: [], elements: 0, verdict: undefined };
  const events = {
    record: (bytes: Buffer, position: number) => seen.handed.push({ position, record: JSON.parse(bytes.toString("utf8")) as unknown }),
    notAnObject: (position: number, what: string) => seen.notObjects.push({ position, what }),
  };
  const reader = kind === "fast" ? new TrailSplitter(NEEDLES, events) : new TrailScanner(NEEDLES, events);
  for (const chunk of inChunks(text, chunkSizes)) reader.push(chunk);
  seen.verdict = reader.end();
  seen.elements = reader.elements;
  return seen;
}

/** What a reader should hand on: every record whose text holds a needle, with its 1-based position. */
function oracle(list: unknown[], serialise: (r: unknown) => string = (r) => JSON.stringify(r)) {
  return list.flatMap((record, i) =>
    typeof record === "object" && record !== null && NEEDLES.some((n) => serialise(record).includes(n.toString()))
      ? [{ position: i + 1, record }]
      : [],
  );
}

const CHUNKINGS: [string, number[]][] = [
  ["whole", [1 << 30]],
  ["1-byte chunks", [1]],
  ["odd chunks", [7, 13, 1, 2, 40, 3]],
  ["1 KB chunks", [1024]],
];

describe("CloudTrail readers: records handed on", () => {
  const many: Json[] = Array.from({ length: 40 }, (_, i) => ({ ...records[i % records.length], eventID: `id-${i}` }));
  const compact = Buffer.from(JSON.stringify({ Records: many }));

  it.each(CHUNKINGS)("as CloudTrail writes it, %s: both readers hand on exactly the records holding a needle", (_name, sizes) => {
    const want = oracle(many);
    expect(want.length).toBeGreaterThan(10);
    for (const kind of ["fast", "bytes"] as const) {
      const seen = read(kind, compact, sizes);
      expect(seen.verdict, kind).toBeUndefined();
      expect(seen.handed, kind).toEqual(want);
      expect(seen.elements, kind).toBe(many.length);
    }
  });

  it.each(CHUNKINGS)("pretty-printed, %s: the fast path gives up and the byte scanner reads it right", (_name, sizes) => {
    const pretty = Buffer.from(JSON.stringify({ Records: many }, null, 2));
    expect(read("fast", pretty, sizes).verdict).toBeDefined();
    const seen = read("bytes", pretty, sizes);
    expect(seen.verdict).toBeUndefined();
    expect(seen.handed).toEqual(oracle(many));
  });

  it("a record whose strings hold the fast path's markers and escaped quotes is not split", () => {
    const tricky = [
      { ...many[1], userAgent: 'x {"eventVersion":"1" \\" },{"eventVersion" \\\\' },
      { ...many[2], requestParameters: { queryString: "SELECT '}]}' AS \"}\", '\\\\' -- StartQueryExecution" } },
      many[3],
    ];
    const text = Buffer.from(JSON.stringify({ Records: tricky }));
    for (const sizes of CHUNKINGS.map(([, s]) => s)) {
      for (const kind of ["fast", "bytes"] as const) {
        const seen = read(kind, text, sizes);
        expect(seen.verdict, kind).toBeUndefined();
        expect(seen.handed, kind).toEqual(oracle(tricky));
      }
    }
  });

  it("a record spelling its event name with \\u escapes is handed on", () => {
    const start = many.find((r) => r.eventName === "StartQueryExecution");
    const text = Buffer.from(JSON.stringify({ Records: [many[4], start] }).replace('"StartQueryExecution"', '"\\u0053tartQueryExecution"'));
    for (const kind of ["fast", "bytes"] as const) {
      const seen = read(kind, text, [5]);
      expect(seen.handed.map((h) => [h.position, (h.record as Json).eventName])).toContainEqual([2, "StartQueryExecution"]);
    }
  });

  it("a byte-order mark is skipped and noted", () => {
    const text = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), compact]);
    for (const kind of ["fast", "bytes"] as const) {
      const reader =
        kind === "fast"
          ? new TrailSplitter(NEEDLES, { record: () => undefined })
          : new TrailScanner(NEEDLES, { record: () => undefined, notAnObject: () => undefined });
      reader.push(text.subarray(0, 2));
      reader.push(text.subarray(2));
      expect(reader.end(), kind).toBeUndefined();
      expect(reader.hadBom, kind).toBe(true);
    }
  });
});

describe("the fast path by event name", () => {
  const names = new Set(["StartQueryExecution", "GetObject"]);
  const base = {
    eventVersion: "1.09",
    userIdentity: { type: "IAMUser" },
    eventTime: "2026-11-10T01:00:00Z",
    eventSource: "s3.amazonaws.com",
  };
  const handed = (list: string[], chunkSizes: number[], unwanted?: (name: string) => boolean) => {
    const positions: number[] = [];
    const splitter = new TrailSplitter(
      [Buffer.from("\\u")],
      { record: (_b, p) => positions.push(p) },
      names,
      unwanted && ((n) => unwanted(n)),
    );
    const text = Buffer.from(`{"Records":[${list.join(",")}]}`);
    for (const chunk of inChunks(text, chunkSizes)) splitter.push(chunk);
    expect(splitter.end()).toBeUndefined();
    return positions;
  };
  const named = (name: string) => JSON.stringify({ ...base, eventName: name, awsRegion: "us-east-1" });
  const docs = [
    named("GetObject"),
    named("ListBuckets"),
    // The name given twice (JSON.parse keeps the last), an escaped name, no name where CloudTrail writes it.
    named("ListBuckets").replace('"awsRegion"', '"eventName":"StartQueryExecution","awsRegion"'),
    named("ListBuckets").replace('"ListBuckets"', '"\\u004cistBuckets"'),
    JSON.stringify({ ...base, awsRegion: "us-east-1" }),
    named("HeadObject"),
  ];

  it.each(CHUNKINGS)("%s: hands on the names asked for and every record whose name it cannot read, and no other", (_n, sizes) => {
    expect(handed(docs, sizes)).toEqual([1, 3, 4, 5]);
  });

  it("leaves out a named record the caller knows to be of no use", () => {
    expect(handed(docs, [1 << 30], (name) => name === "GetObject")).toEqual([3, 4, 5]);
  });
});

describe("CloudTrail readers: damaged frames", () => {
  const two = [records[2], records[3]];
  const body = JSON.stringify({ Records: two });
  const cases: [string, string, string | RegExp | undefined, { position: number; what: string }[]][] = [
    ["an empty file", "", /empty/, []],
    ["a document that is an array", JSON.stringify(two), /not a JSON object/, []],
    ["a truncated document", body.slice(0, body.length - 40), /ends early/, []],
    ["text after the document", `${body} {}`, /more text/, []],
    ["Records that is not an array", JSON.stringify({ Records: { a: 1 } }), /no Records array/, []],
    ["no Records key", JSON.stringify({ Other: two }), /no Records array/, []],
    ["an extra closing bracket", `${body}}`, /closing bracket|more text/, []],
    [
      "elements that are not objects",
      JSON.stringify({ Records: [null, records[2], "text", [1], 5] }),
      undefined,
      [
        { position: 1, what: "not an object" },
        { position: 3, what: "a string" },
        { position: 4, what: "an array" },
        { position: 5, what: "not an object" },
      ],
    ],
  ];

  it.each(cases)("%s: the fast path gives up; the byte scanner says why", (_name, text, problem, notObjects) => {
    for (const sizes of CHUNKINGS.map(([, s]) => s)) {
      expect(read("fast", Buffer.from(text), sizes).verdict).toBeDefined();
      const seen = read("bytes", Buffer.from(text), sizes);
      if (problem === undefined) expect(seen.verdict).toBeUndefined();
      else expect(seen.verdict).toMatch(problem);
      expect(seen.notObjects).toEqual(notObjects);
    }
  });

  it("the byte scanner keeps positions true when a comma is missing between records", () => {
    const text = Buffer.from(body.replace("},{", "}{"));
    const seen = read("bytes", text, [3]);
    expect(seen.elements).toBe(2);
    expect(seen.handed.map((h) => h.position)).toEqual(oracle(two).map((o) => o.position));
  });
});
