/** UTC calendar days as `YYYY-MM-DD` strings: validated once, then passed around as text. */
import { InputError } from "./errors";

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MS_PER_DAY = 86_400_000;

/** Validates `YYYY-MM-DD` (a real calendar day) and returns it; names `what` when it is not. */
export function parseDay(value: string, what = "day"): string {
  // The fixed positions of YYYY-MM-DD, once the pattern has matched; the round trip refuses 31 April.
  const date = DAY.test(value) ? new Date(Date.UTC(+value.slice(0, 4), +value.slice(5, 7) - 1, +value.slice(8, 10))) : undefined;
  if (date?.toISOString().slice(0, 10) !== value) {
    throw new InputError(`${what} must be a calendar day as YYYY-MM-DD, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Every day from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
  return days;
}

/** The UTC day of an instant. */
export function dayOf(instant: Date | string): string {
  return new Date(instant).toISOString().slice(0, 10);
}

/** `YYYY/MM/DD`, the spelling of CloudTrail's day folders. */
export function cloudTrailDay(day: string): string {
  return day.replace(/-/g, "/");
}
