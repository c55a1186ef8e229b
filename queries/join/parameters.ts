/**
 * Parameters of `events_join.sql` for one day and region, in the order its `?` markers appear.
 * Partition filters are plain parameters (not a CTE) so Athena's partition projection can prune.
 */
import { addDays, cloudTrailDay, parseDay } from "../days";

function at(day: string, time: string): string {
  return `${day} ${time}`;
}

export function eventsJoinParameters(day: string, region: string): string[] {
  parseDay(day);
  const before = addDays(day, -1);
  const after = addDays(day, 1);
  return [
    region,
    cloudTrailDay(before),
    cloudTrailDay(day),
    cloudTrailDay(after),
    at(before, "23:00:00"),
    at(after, "01:00:00"),
    region,
    before,
    after,
    day,
    region,
    at(day, "00:00:00"),
    at(after, "00:00:00"),
    day,
  ];
}
