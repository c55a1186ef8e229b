/** The parameters most saved queries take for a period: its days, and the usage reports' short window. */
import { addDays } from "../../core/days";
import type { Period, SavedQueryOptions } from "./query";

/** The period's days, compared with the `dt` partition so Athena prunes partitions. */
export const periodWindow = (p: Period) => ({ window_from: p.from, window_to: p.to });

/** The last `shortWindowDays` of the period (the whole period if shorter), and the period itself as the long window. */
export const shortWindow = (p: Period, o: SavedQueryOptions) => {
  const start = addDays(p.to, 1 - o.shortWindowDays);
  return { short_window_from: start > p.from ? start : p.from, ...periodWindow(p) };
};
