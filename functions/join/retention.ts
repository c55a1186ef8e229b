/** Which history objects may go: older than the retention, and only for days already joined. */
import { addDays } from "../../core/days";

export function expiredHistoryKeys(
  historyKeys: readonly string[],
  joinedDays: ReadonlySet<string>,
  today: string,
  retentionDays: number,
): string[] {
  const cutoff = addDays(today, -retentionDays);
  return historyKeys.filter((key) => {
    const dt = /\/dt=(\d{4}-\d{2}-\d{2})\//.exec(key)?.[1];
    return dt !== undefined && dt < cutoff && joinedDays.has(dt);
  });
}

/** The `dt` values of events keys (`.../events/dt=D/region=R/...`). */
export function joinedDays(eventKeys: readonly string[]): Set<string> {
  return new Set(eventKeys.map((k) => /\/dt=(\d{4}-\d{2}-\d{2})\//.exec(k)?.[1]).filter((d): d is string => d !== undefined));
}
