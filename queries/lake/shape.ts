/**
 * Whether a JSON record fits a table's columns closely enough for the engine to read it. Derived
 * from the table definition; lenient where the engines are (a string column takes any scalar).
 */
import { daysInMonth, toIsoTimestamp } from "../../core/history-record";
import { ColumnType, Field } from "../schema/types";

/** The largest byte count or duration believed: 2^53, past which a JSON number is no longer exact. */
const MAX_COUNT = 2 ** 53;
const MAX_INT = 2 ** 31 - 1;

function problem(value: unknown, type: ColumnType, json: boolean | undefined, at: string): string | undefined {
  if (value === null || value === undefined || json) return undefined;
  switch (type.kind) {
    case "struct": {
      if (typeof value !== "object" || Array.isArray(value)) return `${at}: expected an object`;
      return fieldsProblem(value as Record<string, unknown>, type.fields, `${at}.`);
    }
    case "array": {
      if (!Array.isArray(value)) return `${at}: expected an array`;
      for (let i = 0; i < value.length; i++) {
        const p = problem(value[i], type.of, false, `${at}[${i}]`);
        if (p) return p;
      }
      return undefined;
    }
    case "string":
      return typeof value === "object" ? `${at}: expected text` : undefined;
    case "boolean":
      return typeof value === "boolean" ? undefined : `${at}: expected true or false`;
    case "bigint":
      // Every bigint column the lake reads is a count of bytes or milliseconds.
      if (typeof value !== "number") return `${at}: expected a number`;
      return Number.isInteger(value) && value >= 0 && value <= MAX_COUNT ? undefined : `${at}: ${value} is not a count from 0 to 2^53`;
    case "int":
      if (typeof value !== "number") return `${at}: expected a number`;
      return Number.isInteger(value) && Math.abs(value) <= MAX_INT ? undefined : `${at}: ${value} is not a whole number that fits 32 bits`;
    default:
      return typeof value === "number" && Number.isFinite(value) ? undefined : `${at}: expected a number`;
  }
}

export function fieldsProblem(record: Record<string, unknown>, fields: readonly Field[], at = ""): string | undefined {
  for (const field of fields) {
    const p = problem(record[field.name], field.type, field.json, `${at}${field.name}`);
    if (p) return p;
  }
  return undefined;
}

/** A record's fate: skipped (with why), or kept, perhaps repaired in place. */
export interface Verdict {
  problem?: string;
  repaired?: boolean;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** CloudTrail's form `YYYY-MM-DDTHH:MM:SSZ`, years 1000 on (Date.UTC reads 0-99 as 19xx), each field in range but the day. */
const CLOUDTRAIL_TIME = /^[1-9]\d{3}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$/;

/** Whether `value` is a CloudTrail time that needs no repair: most records' are, and parsing each costs. */
function isCloudTrailTime(value: unknown): boolean {
  if (typeof value !== "string" || !CLOUDTRAIL_TIME.test(value)) return false;
  return Number(value.slice(8, 10)) <= daysInMonth(Number(value.slice(0, 4)), Number(value.slice(5, 7)));
}

/** Rewrites `holder[key]` to `format(instant)` when it encodes one differently; a problem when it encodes none. */
function repairTime(holder: Record<string, unknown>, key: string, at: string, format: (iso: string) => string): Verdict {
  const value = holder[key];
  if (value === undefined || value === null) return {};
  let iso: string;
  try {
    iso = format(toIsoTimestamp(value));
  } catch {
    return { problem: `${at}: not a timestamp: ${JSON.stringify(value)}` };
  }
  if (iso === value) return {};
  holder[key] = iso;
  return { repaired: true };
}

function merge(verdicts: Verdict[]): Verdict {
  const problem = verdicts.find((v) => v.problem)?.problem;
  return problem ? { problem } : { repaired: verdicts.some((v) => v.repaired) };
}

/** History: submission and completion times become ISO-8601 UTC with milliseconds, as the collector writes them. */
export function repairHistory(record: Record<string, unknown>): Verdict {
  const status = record.Status;
  if (!isObject(status)) return {};
  const same = (iso: string) => iso;
  return merge([
    repairTime(status, "SubmissionDateTime", "Status.SubmissionDateTime", same),
    repairTime(status, "CompletionDateTime", "Status.CompletionDateTime", same),
  ]);
}

/**
 * CloudTrail: `eventTime` becomes `YYYY-MM-DDTHH:MM:SSZ` as CloudTrail writes it (an offset is
 * applied, never dropped); a StartQueryExecution that cannot name its execution and caller is
 * refused, so the summary counts every query that loses its attribution.
 */
export function repairCloudTrail(record: Record<string, unknown>): Verdict {
  const time = isCloudTrailTime(record.eventTime) ? {} : repairTime(record, "eventTime", "eventTime", (iso) => `${iso.slice(0, 19)}Z`);
  if (time.problem) return time;
  if (record.eventSource !== "athena.amazonaws.com" || record.eventName !== "StartQueryExecution" || record.errorCode) return time;
  if (record.eventTime === undefined || record.eventTime === null) return { problem: "cannot be attributed: no eventTime" };
  const response = record.responseElements;
  const id = isObject(response) ? response.queryExecutionId : undefined;
  if (typeof id !== "string" || id === "") return { problem: "cannot be attributed: no responseElements.queryExecutionId" };
  if (!isObject(record.userIdentity)) return { problem: "cannot be attributed: no userIdentity" };
  return time;
}
