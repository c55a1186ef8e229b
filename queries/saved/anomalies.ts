import { AnomalySettings } from "../../core/anomaly-settings";
import { addDays } from "../../core/days";
import { QueryParameters } from "../engine";
import { defineSavedQuery, Period } from "./query";

/** The anomaly settings (core/anomaly-settings.ts) as the query's parameters for a period. */
export function anomalyParameters(period: Period, s: AnomalySettings): QueryParameters {
  return {
    window_from: period.from,
    window_to: period.to,
    lookback_from: addDays(period.from, -s.lookbackDays),
    baseline_days: s.baselineDays,
    volume_mads: s.volumeMads,
    volume_ratio: s.volumeRatio,
    seasonal_ratio: s.seasonalRatio,
    drift_mads: s.driftMads,
    newcomer_ceiling_bytes: s.newcomerCeilingBytes,
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
    probing_day_failures: s.probingDayFailures,
    known_buckets: `,${s.knownBuckets.join(",")},`,
    large_scan_bytes: s.largeScanBytes,
  };
}

export const anomalies = defineSavedQuery({
  name: "anomalies",
  title: "Anomalies",
  description:
    "Activity unusual for the principal: volume, drifts, first reads, new origins and hours, probing, exfiltration shapes, " +
    "direct downloads, and new principals against their peers.",
  parameters: (p, o) => anomalyParameters(p, o.anomalies),
  columns: [
    { name: "day", type: "varchar" },
    { name: "principal_arn", type: "varchar", comment: "the IAM user or role (the events' iam_principal_arn)" },
    {
      name: "sessions",
      type: "varchar",
      nullable: true,
      comment:
        "a role's sessions behind the finding (the caller ARN's last part: an SSO user, or the name given to AssumeRole), " +
        "the three heaviest by what the finding measures, then by bytes, joined by ', '; none for an IAM user",
    },
    { name: "session_count", type: "bigint", comment: "how many sessions are behind the finding (0 for an IAM user)" },
    {
      name: "kind",
      type: "varchar",
      values: ["volume", "reach", "origin", "time", "probing", "exfiltration", "download", "newcomer", "drift"],
    },
    {
      name: "subject",
      type: "varchar",
      comment:
        "what is unusual: bytes, queries or calls (volume); a database or table (reach); network or client:<family> (origin); " +
        "an hour HH (time); the failures' resources (probing); s3://bucket or select-star:<table> (exfiltration); " +
        "the tables or bucket/folders read (download)",
    },
    {
      name: "measured",
      type: "double",
      comment: "the day's bytes, queries or calls; the failures in the hour; bytes scanned; bytes read (download); else queries and calls",
    },
    { name: "baseline", type: "double", nullable: true, comment: "volume, download: the median of the principal's previous days" },
    { name: "spread", type: "double", nullable: true, comment: "volume, download: the median absolute deviation of those days" },
    { name: "score", type: "double", comment: "how far from normal, to rank findings of a kind" },
    { name: "severity", type: "varchar", values: ["high", "medium", "low"] },
    { name: "queries", type: "bigint", comment: "queries behind the finding" },
    { name: "example_query_id", type: "varchar", nullable: true },
    { name: "example_query", type: "varchar", nullable: true, comment: "the example query's text, as Athena's history holds it" },
    { name: "human", type: "boolean", comment: "the principal showed a person's signs before the day (principal_profiles' rule)" },
    { name: "coverage", type: "varchar", values: ["complete", "partial"], comment: "partial: the day has queries no witness attributed" },
    {
      name: "engine",
      type: "varchar",
      comment: "the engines behind the finding, comma-separated: athena (queries), or the access table's (glue-etl, emr, cli, ...)",
    },
    { name: "calls", type: "bigint", comment: "other engines' calls behind the finding (catalog, Lake Formation, object reads)" },
    { name: "objects", type: "bigint", nullable: true, comment: "download: the S3 objects read that day" },
    { name: "baseline_objects", type: "double", nullable: true, comment: "download: the median objects read a day before" },
    {
      name: "peak",
      type: "double",
      nullable: true,
      comment: "volume, download: the busiest of the previous days (bytes, queries or calls)",
    },
    {
      name: "networks",
      type: "varchar",
      nullable: true,
      comment: "download: the networks (IPv4 /24) the reads came from, comma-separated; none for a service's workers",
    },
    { name: "new_networks", type: "varchar", nullable: true, comment: "download: those the principal never used before" },
    {
      name: "alerted_at",
      type: "varchar",
      nullable: true,
      comment:
        "exfiltration, probing, reach: when the live path first alerted on the principal's same kind that day (and same bucket " +
        "or table for exfiltration), ISO-8601 UTC, from live_alerts; none when it did not",
    },
  ],
});
