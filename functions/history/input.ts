/**
 * What a history collection run covers, from its Lambda input. Everything is checked before any
 * AWS call: a bad input fails at once with a message saying what is allowed.
 */
import { addDays, dayOf, daysBetween } from "../../core/days";
import { InputError } from "../../core/errors";
import { dayOrRange, inputObject } from "../runtime/input";

/** Athena keeps query history for about 45 days. */
export const HISTORY_DAYS_KEPT = 45;

export interface CollectRequest {
  /** The first and last UTC day to collect. */
  from: string;
  to: string;
  /** Every day from `from` to `to`, oldest first. */
  days: string[];
  workGroups?: string[];
  /** Write objects even when their content has not changed. */
  force: boolean;
}

const KEYS = ["day", "from", "to", "backfillDays", "workGroups", "force"];

export function parseCollectInput(input: unknown, now: Date): CollectRequest {
  const event = inputObject(input, KEYS);
  const today = dayOf(now);
  const range = dayOrRange(event);
  let from: string;
  let to: string;
  if (event.backfillDays !== undefined) {
    if (range) throw new InputError("give one of day, from/to or backfillDays");
    const n = event.backfillDays;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > HISTORY_DAYS_KEPT) {
      throw new InputError(`backfillDays must be a whole number from 1 to ${HISTORY_DAYS_KEPT}, got ${JSON.stringify(n)}`);
    }
    from = addDays(today, -n);
    to = addDays(today, -1);
  } else {
    ({ from, to } = range ?? { from: addDays(today, -1), to: addDays(today, -1) });
  }
  if (to > today) throw new InputError(`${to} is in the future (today is ${today} UTC)`);
  const oldest = addDays(today, -HISTORY_DAYS_KEPT);
  if (from < oldest) throw new InputError(`${from} is older than the ${HISTORY_DAYS_KEPT} days Athena keeps history (oldest: ${oldest})`);
  let workGroups: string[] | undefined;
  if (event.workGroups !== undefined) {
    if (
      !Array.isArray(event.workGroups) ||
      event.workGroups.length === 0 ||
      !event.workGroups.every((w) => typeof w === "string" && w !== "")
    ) {
      throw new InputError("workGroups must be a non-empty list of work group names");
    }
    workGroups = event.workGroups as string[];
  }
  if (event.force !== undefined && typeof event.force !== "boolean") throw new InputError("force must be true or false");
  return { from, to, days: daysBetween(from, to), workGroups, force: event.force === true };
}
