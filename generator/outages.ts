/** The generated org's two CloudTrail outages, by day of the calendar: [fromHour, toHour) UTC in the main region. */
export function trailOutages(calendar: readonly string[]): Map<string, readonly [number, number]> {
  const days = calendar.length;
  return new Map([
    [calendar[Math.floor(days * 0.23)], [13, 15] as const],
    [calendar[Math.floor(days * 0.68)], [2, 3] as const],
  ]);
}
