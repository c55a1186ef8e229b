/** Which days the daily join was asked for, from its Lambda input: `{}` (yesterday), `{ day }` or `{ from, to }`. */
import { addDays, dayOf, daysBetween } from "../../core/days";
import { InputError } from "../../core/errors";
import { dayOrRange, inputObject } from "../runtime/input";

export const MAX_JOIN_DAYS = 400;

/** Whether the input names no day: the scheduled run, which also joins what earlier runs left (functions/join/pending.ts). */
export function isScheduled(input: unknown): boolean {
  return dayOrRange(inputObject(input, ["day", "from", "to"])) === undefined;
}

export function parseJoinInput(input: unknown, now: Date): string[] {
  const today = dayOf(now);
  const yesterday = addDays(today, -1);
  const { from, to } = dayOrRange(inputObject(input, ["day", "from", "to"])) ?? { from: yesterday, to: yesterday };
  // Day D needs CloudTrail of D+1 (late files) and history of D+1: joining today is too early.
  if (to >= today) throw new InputError(`${to} is not over yet (today is ${today} UTC); join days up to yesterday`);
  const days = daysBetween(from, to);
  if (days.length > MAX_JOIN_DAYS) throw new InputError(`at most ${MAX_JOIN_DAYS} days a run, got ${days.length}`);
  return days;
}
