/** The fault suite's one-record cases: how each damages a record, and what the day's rows should then equal. */
import { isStart, Kind, TrailRecord, withOffset } from "./faults";

type Status = Record<string, unknown>;
const status = (r: TrailRecord) => r.Status as Status;
const stats = (r: TrailRecord) => r.Statistics as Status;
const hourOf = (iso: unknown) => Number(String(iso).slice(11, 13));
/** Away from midnight, so the record's row is in the day whatever its neighbours hold. */
const midday = (iso: unknown) => hourOf(iso) >= 2 && hourOf(iso) <= 21;
export const historyPick = (r: TrailRecord) => midday(status(r).SubmissionDateTime) && Number(stats(r).DataScannedInBytes) > 0;
export const trailPick = (r: TrailRecord) => isStart(r) && midday(r.eventTime);

export interface RecordCase {
  name: string;
  kind: Kind;
  corrupt: (record: TrailRecord) => unknown;
  /** `removed`: the oracle with the record deleted; `same`: the oracle; a function: the oracle with the record so rewritten. */
  expected: "removed" | "same" | ((record: TrailRecord) => TrailRecord);
}

export const set = (record: TrailRecord, change: (r: TrailRecord) => void): TrailRecord => {
  const next = structuredClone(record);
  change(next);
  return next;
};
const submission = (value: (iso: string) => unknown) => (r: TrailRecord) =>
  set(r, (n) => (status(n).SubmissionDateTime = value(String(status(r).SubmissionDateTime))));
const scanned = (value: unknown) => (r: TrailRecord) => set(r, (n) => (stats(n).DataScannedInBytes = value));
/** `text` as UTF-8 with the bytes C3 28 FF, which are not UTF-8, in place of its one `MARK`. */
function invalidUtf8AtMark(text: string): Buffer {
  const at = text.indexOf("MARK");
  if (at < 0) throw new Error(`no MARK in ${text}`);
  return Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(text.slice(at + "MARK".length))]);
}
const eventTime = (value: (iso: string) => unknown) => (r: TrailRecord) => set(r, (n) => (n.eventTime = value(String(r.eventTime))));

export const recordCases: RecordCase[] = [
  // JSON
  { name: "a history line that is not JSON", kind: "history", corrupt: (r) => JSON.stringify(r).slice(0, 60), expected: "removed" },
  { name: "a history line that is an array", kind: "history", corrupt: (r) => JSON.stringify([r]), expected: "removed" },
  { name: "a CloudTrail record that is a string", kind: "cloudtrail", corrupt: (r) => JSON.stringify(r), expected: "removed" },
  { name: "a CloudTrail record that is null", kind: "cloudtrail", corrupt: () => null, expected: "removed" },
  // encoding
  {
    name: "invalid UTF-8 bytes in a query text",
    kind: "history",
    corrupt: (r) => invalidUtf8AtMark(JSON.stringify(set(r, (n) => (n.Query = "SELECT 'MARK'")))),
    expected: "removed",
  },
  {
    name: "invalid UTF-8 bytes inside one CloudTrail record",
    kind: "cloudtrail",
    corrupt: (r) => invalidUtf8AtMark(JSON.stringify(set(r, (n) => (n.userAgent = "MARK")))),
    expected: "removed",
  },
  {
    name: "an event name spelled with \\u escapes",
    kind: "cloudtrail",
    corrupt: (r) => Buffer.from(JSON.stringify(r).replace('"StartQueryExecution"', '"\\u0053tart\\u0051ueryExecution"')),
    expected: "same",
  },
  {
    name: "a CloudTrail record with its keys in another order",
    kind: "cloudtrail",
    corrupt: (r) => Object.fromEntries(Object.entries(r).reverse()),
    expected: "same",
  },
  // timestamps
  {
    name: "SubmissionDateTime without seconds (2026-10-25T16:04Z)",
    kind: "history",
    corrupt: submission((iso) => `${iso.slice(0, 16)}Z`),
    expected: submission((iso) => `${iso.slice(0, 16)}:00.000Z`),
  },
  {
    name: "SubmissionDateTime at hour 25",
    kind: "history",
    corrupt: submission((iso) => `${iso.slice(0, 11)}25${iso.slice(13)}`),
    expected: "removed",
  },
  {
    name: "SubmissionDateTime on 31 November",
    kind: "history",
    corrupt: submission((iso) => `2026-11-31${iso.slice(10)}`),
    expected: "removed",
  },
  { name: "SubmissionDateTime that is no time", kind: "history", corrupt: submission(() => "last tuesday"), expected: "removed" },
  {
    name: "SubmissionDateTime as epoch seconds (a number)",
    kind: "history",
    corrupt: submission((iso) => Date.parse(iso) / 1000),
    expected: "same",
  },
  {
    name: "SubmissionDateTime as epoch seconds (text)",
    kind: "history",
    corrupt: submission((iso) => String(Date.parse(iso) / 1000)),
    expected: "same",
  },
  { name: "SubmissionDateTime with a +02:00 offset", kind: "history", corrupt: submission((iso) => withOffset(iso, 2)), expected: "same" },
  {
    name: "SubmissionDateTime as Python str(datetime)",
    kind: "history",
    corrupt: submission((iso) => iso.replace("T", " ").replace("Z", "")),
    expected: "same",
  },
  {
    name: "CompletionDateTime at minute 61",
    kind: "history",
    corrupt: (r) => set(r, (n) => (status(n).CompletionDateTime = "2026-10-30T10:61:00Z")),
    expected: "removed",
  },
  { name: "eventTime with a +02:00 offset", kind: "cloudtrail", corrupt: eventTime((iso) => withOffset(iso, 2)), expected: "same" },
  { name: "eventTime with a -05:00 offset", kind: "cloudtrail", corrupt: eventTime((iso) => withOffset(iso, -5)), expected: "same" },
  {
    name: "eventTime as epoch seconds (a number)",
    kind: "cloudtrail",
    corrupt: eventTime((iso) => Date.parse(iso) / 1000),
    expected: "same",
  },
  { name: "eventTime with milliseconds", kind: "cloudtrail", corrupt: eventTime((iso) => iso.replace("Z", ".000Z")), expected: "same" },
  {
    name: "eventTime at hour 25",
    kind: "cloudtrail",
    corrupt: eventTime((iso) => `${iso.slice(0, 11)}25${iso.slice(13)}`),
    expected: "removed",
  },
  { name: "eventTime that is no time", kind: "cloudtrail", corrupt: eventTime(() => "soon"), expected: "removed" },
  // numbers
  { name: "DataScannedInBytes negative", kind: "history", corrupt: scanned(-1), expected: "removed" },
  { name: "DataScannedInBytes 1e19", kind: "history", corrupt: scanned(1e19), expected: "removed" },
  { name: "DataScannedInBytes 2^53 + 2", kind: "history", corrupt: scanned(2 ** 53 + 2), expected: "removed" },
  { name: "DataScannedInBytes a string", kind: "history", corrupt: scanned("12345"), expected: "removed" },
  { name: "DataScannedInBytes a fraction", kind: "history", corrupt: scanned(1.5), expected: "removed" },
  {
    name: "EngineExecutionTimeInMillis negative",
    kind: "history",
    corrupt: (r) => set(r, (n) => (stats(n).EngineExecutionTimeInMillis = -5)),
    expected: "removed",
  },
  {
    name: "AthenaError.ErrorCategory beyond 32 bits",
    kind: "history",
    corrupt: (r) => set(r, (n) => (status(n).AthenaError = { ErrorCategory: 3e9, ErrorType: 1 })),
    expected: "removed",
  },
  // missing fields
  { name: "no QueryExecutionId", kind: "history", corrupt: (r) => set(r, (n) => delete n.QueryExecutionId), expected: "removed" },
  { name: "an empty QueryExecutionId", kind: "history", corrupt: (r) => set(r, (n) => (n.QueryExecutionId = "")), expected: "removed" },
  {
    name: "a CloudTrail record without responseElements",
    kind: "cloudtrail",
    corrupt: (r) => set(r, (n) => delete n.responseElements),
    expected: "removed",
  },
  { name: "responseElements: null", kind: "cloudtrail", corrupt: (r) => set(r, (n) => (n.responseElements = null)), expected: "removed" },
  {
    name: "responseElements without queryExecutionId",
    kind: "cloudtrail",
    corrupt: (r) => set(r, (n) => (n.responseElements = {})),
    expected: "removed",
  },
  { name: "no userIdentity", kind: "cloudtrail", corrupt: (r) => set(r, (n) => delete n.userIdentity), expected: "removed" },
  { name: "no eventTime", kind: "cloudtrail", corrupt: (r) => set(r, (n) => delete n.eventTime), expected: "removed" },
];
