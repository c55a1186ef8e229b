/**
 * What the scheduled join (input `{}`) joins: the day before yesterday again and yesterday, and every
 * earlier day whose history no events partition holds yet, oldest first. The day before yesterday
 * again, because CloudTrail promises delivery "typically within 5 minutes", not a bound: by the next
 * run its neighbour folder is whole, so a record delivered up to a day late still joins its day. The
 * earlier days, because the first collection backfills 45 days the daily schedule would never reach
 * (and a failed day is retried until it joins).
 */
import { addDays } from "../../core/days";
import { parseHistoryPartition } from "../../core/layout";
import { joinedDays } from "./retention";

/** Days with history in a joined region that have no events partition for that region, before `before`, oldest first. */
export function unjoinedHistoryDays(
  historyKeys: readonly string[],
  eventKeys: readonly string[],
  regions: readonly string[],
  before: string,
  prefix?: string,
): string[] {
  const joined = new Map(regions.map((r) => [r, joinedDays(eventKeys.filter((k) => k.includes(`/region=${r}/`)))]));
  const days = new Set<string>();
  for (const key of historyKeys) {
    const partition = parseHistoryPartition(key, prefix);
    if (!partition || partition.dt >= before) continue;
    if (joined.get(partition.region)?.has(partition.dt) === false) days.add(partition.dt);
  }
  return [...days].sort();
}

/** The scheduled run's days, oldest first: the unjoined ones, then the day before yesterday and yesterday. */
export function scheduledDays(unjoined: readonly string[], yesterday: string): string[] {
  return [...new Set([...unjoined, addDays(yesterday, -1), yesterday])].sort();
}
