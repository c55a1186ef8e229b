/** The anomaly settings (core/anomaly-settings.ts) as the `anomalies` query's parameters. */
import { AnomalySettings } from "../core/anomaly-settings";
import { addDays } from "../core/days";
import { QueryParameters } from "./engine";

/** The `anomalies` query's parameters for a period. */
export function anomalyParameters(period: { from: string; to: string }, s: AnomalySettings): QueryParameters {
  return {
    window_from: period.from,
    window_to: period.to,
    lookback_from: addDays(period.from, -s.lookbackDays),
    baseline_days: s.baselineDays,
    volume_mads: s.volumeMads,
    volume_ratio: s.volumeRatio,
    volume_floor_bytes: s.volumeFloorBytes,
    volume_floor_queries: s.volumeFloorQueries,
    volume_floor_calls: s.volumeFloorCalls,
    download_floor_bytes: s.downloadFloorBytes,
    download_floor_objects: s.downloadFloorObjects,
    min_history_days: s.minHistoryDays,
    // A leading and a trailing comma, so `strpos(list, ',' || x || ',') > 0` finds whole entries only (',' when empty).
    sensitive: `,${s.sensitive.join(",")},`,
    announced: `,${s.announcements.map((a) => `${a.resource}@${a.from}`).join(",")},`,
    probing_failures: s.probingFailures,
    known_buckets: `,${s.knownBuckets.join(",")},`,
    large_scan_bytes: s.largeScanBytes,
  };
}
