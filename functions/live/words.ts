/**
 * The live alerts' sentences: the daily detector's words (reports/pages/anomaly-words.ts) for the
 * same kinds, said of one query rather than a day. `humanBytes` repeats reports/pages/format.ts'
 * because functions/ may not import reports/; both belong in core/ (see docs/live-alerts.md).
 */
const UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];

/** Bytes in binary units with one decimal, as the pages print them. */
export function humanBytes(value: number): string {
  if (!Number.isFinite(value) || value <= 0) return "0 B";
  let exponent = Math.max(0, Math.min(Math.floor(Math.log2(value) / 10), UNITS.length - 1));
  if (exponent < UNITS.length - 1 && (value / 1024 ** exponent).toFixed(1) === "1024.0") exponent += 1;
  const scaled = value / 1024 ** exponent;
  return `${exponent === 0 ? scaled : scaled.toFixed(1)} ${UNITS[exponent] ?? "B"}`;
}

const count = (n: number) => Math.round(n).toLocaleString("en-US");
const clock = (iso: string) => iso.slice(11, 16);

/** The daily page's sentence for a write outside the known buckets, word for word. */
export const writeSentence = (bucket: string) => `Wrote query results to s3://${bucket}, outside the account's known buckets.`;

export const selectStarSentence = (table: string, bytes: number, since: string) =>
  `An unfiltered SELECT * of ${table} scanned ${humanBytes(bytes)}, a query this principal had not run since live alerts began ` +
  `(${since.slice(0, 10)}).`;

/** The daily's "within one hour" is a clock hour; live counts any 60 minutes. */
export const probingSentence = (failures: number, from: string, to: string, tables: readonly string[]) =>
  `${count(failures)} access-denied or not-found failures within 60 minutes (${clock(from)} to ${clock(to)} UTC)` +
  `${tables.length > 0 ? `, the last on ${tables.join(", ")}` : "; the failed query names no table"}.`;

export const firstReadSentence = (resources: readonly string[], since: string) =>
  `First read of ${resources.join(", ")}, which this principal had not read since live alerts began (${since.slice(0, 10)}); ` +
  `marked sensitive in the anomaly settings.`;
