/** Reading a Lambda's JSON input: an object with known keys, and a day or a from/to range. */
import { parseDay } from "../../core/days";
import { InputError } from "../../core/errors";

/** The input as an object (`null` counts as `{}`), refusing keys outside `allowed`. */
export function inputObject(input: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (input === null || input === undefined) return {};
  if (typeof input !== "object" || Array.isArray(input)) throw new InputError(`input must be a JSON object, got ${JSON.stringify(input)}`);
  const event = input as Record<string, unknown>;
  const unknown = Object.keys(event).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw new InputError(`unknown input key(s) ${unknown.join(", ")}; allowed: ${allowed.join(", ")}`);
  return event;
}

/** A day given as text; anything else (a number, an object) is refused by name, not printed as "[object Object]". */
function dayText(value: unknown, key: string): string {
  if (typeof value !== "string") throw new InputError(`${key} must be a day as text (YYYY-MM-DD), got ${JSON.stringify(value)}`);
  return value;
}

/** `day`, or `from` with `to`, validated; undefined when the input names neither. */
export function dayOrRange(event: Record<string, unknown>): { from: string; to: string } | undefined {
  const hasRange = event.from !== undefined || event.to !== undefined;
  if (event.day !== undefined) {
    if (hasRange) throw new InputError("give day or from/to, not both");
    const day = parseDay(dayText(event.day, "day"), "day");
    return { from: day, to: day };
  }
  if (!hasRange) return undefined;
  if (event.from === undefined || event.to === undefined) throw new InputError("from and to go together");
  const from = parseDay(dayText(event.from, "from"), "from");
  const to = parseDay(dayText(event.to, "to"), "to");
  if (from > to) throw new InputError(`from (${from}) is after to (${to})`);
  return { from, to };
}
