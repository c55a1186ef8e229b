/**
 * A history line: one Athena `QueryExecution` as the API returns it, timestamps as ISO-8601
 * strings, plus the collector's `Audit` object. Writers build lines here so every producer
 * (collector Lambda, generator, tests) agrees on the contract.
 */
import { dayOf } from "./days";
import { InputError } from "./errors";

export interface AuditInfo {
  Region: string;
  CollectedAt: string;
  Source?: string;
  ReferencedTables?: string[];
  ReferencedDatabases?: string[];
  ParseError?: string;
}

/** The parts of a `QueryExecution` the audit relies on; other fields pass through untouched. */
export interface QueryExecutionLike {
  QueryExecutionId?: string;
  WorkGroup?: string;
  Status?: { State?: string; SubmissionDateTime?: unknown; CompletionDateTime?: unknown; [k: string]: unknown };
  [k: string]: unknown;
}

export interface HistoryLine extends QueryExecutionLike {
  QueryExecutionId: string;
  Audit: AuditInfo;
}

const ISO_LIKE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Days in `month` (1–12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The instant of an ISO-like text, or undefined when a field is out of range (hour 25, 31 April, offset +25:00). */
function isoInstant(m: RegExpExecArray): Date | undefined {
  const field = (group: number) => Number(m[group] ?? 0);
  const [year, month, day, hour, minute, second] = [field(1), field(2), field(3), field(4), field(5), field(6)];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const zone = m[8] && m[8].toUpperCase() !== "Z" ? m[8].replace(":", "") : "+0000";
  const zoneHours = Number(zone.slice(1, 3));
  const zoneMinutes = Number(zone.slice(3, 5) || "0");
  if (zoneHours > 14 || zoneMinutes > 59) return undefined;
  const millis = Number(((m[7] ?? "") + "000").slice(0, 3));
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const offsetMinutes = (zone.startsWith("-") ? -1 : 1) * (zoneHours * 60 + zoneMinutes);
  const date = new Date(utc - offsetMinutes * 60_000);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * An instant in any encoding real Athena and CloudTrail outputs use: a `Date` (SDK v3), ISO-8601
 * with `Z` or an offset, with or without seconds (CLI v2), epoch seconds as a number or numeric
 * string (CLI v1), `YYYY-MM-DD HH:MM[:SS[.f]]` with or without offset (Python `str(datetime)`). No
 * zone means UTC. Out-of-range fields (hour 25) are refused, never rolled over.
 */
export function toIsoTimestamp(value: unknown): string {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
  if (typeof value === "number" && Number.isFinite(value)) {
    const date = new Date(Math.round(value * 1000));
    if (!Number.isNaN(date.getTime())) return date.toISOString();
  }
  if (typeof value === "string") {
    const text = value.trim();
    if (/^\d+(\.\d+)?$/.test(text)) return toIsoTimestamp(Number(text));
    const m = ISO_LIKE.exec(text);
    const date = m ? isoInstant(m) : undefined;
    if (date) return date.toISOString();
  }
  throw new InputError(`not a timestamp: ${JSON.stringify(value)}`);
}

/**
 * Builds the stored line for one execution: timestamps normalised to ISO-8601 UTC, everything
 * else kept as Athena returned it. Throws InputError naming the execution when it cannot be stored.
 */
export function toHistoryLine(execution: QueryExecutionLike, audit: AuditInfo): HistoryLine {
  const id = execution.QueryExecutionId;
  if (typeof id !== "string" || id === "") throw new InputError("QueryExecution without QueryExecutionId");
  const status = execution.Status;
  if (status?.SubmissionDateTime === undefined) {
    throw new InputError(`QueryExecution ${id} has no Status.SubmissionDateTime`);
  }
  const normalised = { ...status, SubmissionDateTime: toIsoTimestamp(status.SubmissionDateTime) };
  if (status.CompletionDateTime !== undefined && status.CompletionDateTime !== null) {
    normalised.CompletionDateTime = toIsoTimestamp(status.CompletionDateTime);
  }
  return { ...execution, QueryExecutionId: id, Status: normalised, Audit: audit };
}

/** The `dt` partition of a line: the UTC day of its submission (never of its completion). */
export function historyDay(line: HistoryLine): string {
  return dayOf(String(line.Status?.SubmissionDateTime));
}
