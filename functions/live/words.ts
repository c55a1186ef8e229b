/**
 * The live alerts' sentences: the daily detector's words (reports/pages/anomaly-words.ts) for the
 * same kinds, said of one query rather than a day, in the same units (core/output/bytes.ts).
 */
import { humanBytes } from "../../core/output/bytes";
export { humanBytes };

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
