/**
 * Reading what a test expects to be there. Each fails the test at once with a message naming what
 * was missing, where `value!` would let it fail a line later as "Cannot read properties of
 * undefined", or not at all when the value is only passed on.
 */

/** `value`, or a failure naming `what` when it is undefined. */
export function present<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`expected ${what}, found none`);
  return value;
}

/** The one element of `items`, or a failure naming `what` and how many there were. */
export function only<T>(items: readonly T[], what: string): T {
  const [first] = items;
  if (items.length !== 1 || first === undefined) throw new Error(`expected exactly one ${what}, found ${items.length}`);
  return first;
}

/** `items[index]` (negative counts from the end, as `Array.prototype.at`), or a failure naming `what`. */
export function at<T>(items: readonly T[], index: number, what: string): T {
  const item = items.at(index);
  if (item === undefined) throw new Error(`expected ${what} at index ${index}, found ${items.length} in all`);
  return item;
}
