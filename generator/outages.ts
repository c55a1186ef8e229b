import { defined } from "../core/checks";

/** The generated org's two CloudTrail outages, by day of the calendar: [fromHour, toHour) UTC in the main region. */
export function trailOutages(calendar: readonly string[]): Map<string, readonly [number, number]> {
  const dayAt = (share: number) => defined(calendar[Math.floor(calendar.length * share)], "an outage day (the calendar is empty)");
  return new Map([
    [dayAt(0.23), [13, 15] as const],
    [dayAt(0.68), [2, 3] as const],
  ]);
}
