/**
 * The named parameters of `events_join.sql` and `access_join.sql` for one day D and region. The partition filters are
 * parameters (not values the SQL derives from D) so Athena's partition projection can prune.
 */
import { BillingParameters, billingParameters, DEFAULT_TB, TbDefinition } from "../../core/cost";
import { addDays, cloudTrailDay, parseDay } from "../../core/days";
import { QueryParameters } from "../engine";

function at(day: string, time: string): string {
  return `${day} ${time}`;
}

/** The price parameters (`billing_*`) come from core/cost.ts: the unit the TB definition picks, $ per TB, the minimum. */
export interface EventsJoinParameters extends QueryParameters, BillingParameters {
  /** The region read and written. */
  region: string;
  /** D: the `dt` written, and the day of history rows that no CloudTrail record names. */
  day: string;
  /** History `dt` D-1 .. D+1: a query's submission and its CloudTrail event may straddle midnight. */
  day_before: string;
  day_after: string;
  /** CloudTrail folders D-1, D, D+1 (`yyyy/MM/dd`): files delivered after midnight land in D+1. */
  trail_day_before: string;
  trail_day: string;
  trail_day_after: string;
  /** CloudTrail event times read, [D 00:00 - 1h, D+1 00:00 + 1h), as `YYYY-MM-DD HH:MM:SS`. */
  event_time_from: string;
  event_time_to: string;
  /** The events that belong to D, [D 00:00, D+1 00:00). */
  day_start: string;
  day_end: string;
}

/** The named parameters of `access_join.sql`: its day, trail folders and grants snapshots. */
export type AccessJoinParameters = Pick<
  EventsJoinParameters,
  "region" | "day" | "trail_day_before" | "trail_day" | "trail_day_after" | "day_start" | "day_end"
> & {
  /** The grants snapshots naming the table locations: the latest in [grants_from, D], else the first up to grants_to. */
  grants_from: string;
  grants_to: string;
};

/** How far from D the access join looks for a grants snapshot naming the table locations (daily snapshots: one is enough). */
export const GRANTS_LOOKBACK_DAYS = 31;

export function eventsJoinParameters(day: string, region: string, tb: TbDefinition = DEFAULT_TB): EventsJoinParameters {
  parseDay(day);
  const before = addDays(day, -1);
  const after = addDays(day, 1);
  return {
    region,
    day,
    day_before: before,
    day_after: after,
    trail_day_before: cloudTrailDay(before),
    trail_day: cloudTrailDay(day),
    trail_day_after: cloudTrailDay(after),
    event_time_from: at(before, "23:00:00"),
    event_time_to: at(after, "01:00:00"),
    day_start: at(day, "00:00:00"),
    day_end: at(after, "00:00:00"),
    ...billingParameters(tb),
  };
}

export function accessJoinParameters(day: string, region: string): AccessJoinParameters {
  const { trail_day_before, trail_day, trail_day_after, day_start, day_end } = eventsJoinParameters(day, region);
  return {
    region,
    day,
    trail_day_before,
    trail_day,
    trail_day_after,
    day_start,
    day_end,
    grants_from: addDays(day, -GRANTS_LOOKBACK_DAYS),
    grants_to: addDays(day, GRANTS_LOOKBACK_DAYS),
  };
}

/** Clocks differ a little: a file stamped slightly before an event it holds is still read. */
const CLOCK_SKEW_MS = 15 * 60_000;
/**
 * CloudTrail delivers "typically within 5 minutes", which is no bound: files delivered up to a day
 * after the window's end are read too, the whole of the next day's folder, as the scheduled join on
 * Athena sees it when it joins day D again the day after (functions/join/pending.ts). A record
 * delivered later than that is not read: its query shows as unattributed, and data_coverage names it.
 */
export const DELIVERY_ALLOWANCE_MS = 24 * 3_600_000;

/**
 * The CloudTrail files of the neighbour days that can hold events of the join's window: a file
 * holds nothing newer than its delivery stamp, and (within the allowance) nothing much older.
 * Files whose names carry no stamp are always read.
 */
export function filesForWindow(
  files: readonly string[],
  parameters: EventsJoinParameters,
  deliveredAt: (file: string) => Date | undefined,
): string[] {
  const from = Date.parse(`${parameters.event_time_from.replace(" ", "T")}Z`) - CLOCK_SKEW_MS;
  const to = Date.parse(`${parameters.event_time_to.replace(" ", "T")}Z`) + DELIVERY_ALLOWANCE_MS;
  return files.filter((file) => {
    const at = deliveredAt(file)?.getTime();
    return at === undefined || (at >= from && at < to);
  });
}
