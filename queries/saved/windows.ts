/** The parameters most saved queries take for a period: its days, the usage reports' short window, the lookbacks, the price. */
import { billingParameters } from "../../core/cost";
import { addDays, daysBetween } from "../../core/days";
import { InputError } from "../../core/errors";
import type { Period, SavedQueryOptions } from "./query";

/** The period's days, compared with the `dt` partition so Athena prunes partitions. */
export const periodWindow = (p: Period) => ({ window_from: p.from, window_to: p.to });

/** The previous period of the same length: as many days as the period, just before it. */
export function previousPeriod(p: Period): Period {
  const length = daysBetween(p.from, p.to).length;
  return { from: addDays(p.from, -length), to: addDays(p.from, -1) };
}

/** The last `shortWindowDays` of the period (the whole period if shorter), and the period itself as the long window. */
export const shortWindow = (p: Period, o: SavedQueryOptions) => {
  const start = addDays(p.to, 1 - o.shortWindowDays);
  return { short_window_from: start > p.from ? start : p.from, ...periodWindow(p) };
};

/**
 * The price in the options' TB definition (`billing_*`, core/cost.ts): a query that shows cost prices
 * its events now, so a report in either unit reads events joined in either (docs/internals/cost-rules.md).
 */
export const pricing = (o: SavedQueryOptions) => billingParameters(o.tb);

/** The period, priced. */
export const pricedWindow = (p: Period, o: SavedQueryOptions) => ({ ...periodWindow(p), ...pricing(o) });

/** The short and the long window, priced. */
export const pricedShortWindow = (p: Period, o: SavedQueryOptions) => ({ ...shortWindow(p, o), ...pricing(o) });

/** A lookback setting's days, checked: a wrong value would read the wrong partitions, or none. */
function lookbackDays(o: SavedQueryOptions, key: "lastUsedLookbackDays" | "grantsLookbackDays"): number {
  const days = o[key];
  if (!Number.isInteger(days) || days < 1) throw new InputError(`${key} must be a whole number of at least 1, got ${days}`);
  return days;
}

/**
 * The period, and the first day permission_gaps reads for a grant's last use: `lastUsedLookbackDays`
 * days ending on the period's last day, or the period's first day when the period is longer.
 */
export const lastUsedWindow = (p: Period, o: SavedQueryOptions) => {
  const start = addDays(p.to, 1 - lookbackDays(o, "lastUsedLookbackDays"));
  return { ...periodWindow(p), last_used_from: start < p.from ? start : p.from };
};

/** The period, and the first day usage_by_account reads for the last grants snapshot before it: `grantsLookbackDays` days before. */
export const grantsWindow = (p: Period, o: SavedQueryOptions) => ({
  ...periodWindow(p),
  grants_from: addDays(p.from, -lookbackDays(o, "grantsLookbackDays")),
});
