/**
 * Checks for values the code's own construction guarantees (an index inside its bounds, a key put in
 * the map a line before). When one is missing, the code is wrong, not the input: the message names
 * what was missing so the defect can be found.
 */

/** `value`, or a throw naming `what` when it is undefined. */
export function defined<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is missing: a defect in athena-audit, not in its input`);
  return value;
}
