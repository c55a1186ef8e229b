/**
 * The index's tie between its cost chart and the findings: the bucket of the chart (day, week,
 * month…) whose cost per day stands out, and the anomalies of the principals who scanned the most
 * in it, so a spike is read with its cause beside it instead of on another page. Pure.
 */
import { SAVED, SavedRow } from "../../queries/saved";
import { AnomalyRow, anomalySentence } from "./anomaly-words";
import { Granularity, TimeBucket, timeBuckets } from "./charts";
import { codeSpan, markdownText, principalName, usd } from "./format";

type DayRow = SavedRow<typeof SAVED.usage_daily>;

/** A bucket stands out when its cost per day is at least this many times the median bucket's. */
export const SPIKE_RATIO = 1.5;
/** Fewer buckets than this have no "usual" to stand out from. */
const MIN_BUCKETS = 4;
/** The findings that scanned or read bytes: the ones that can drive a cost. */
const COSTLY = (a: AnomalyRow) => (a.kind === "volume" && a.subject === "bytes") || a.kind === "exfiltration";

export interface CostSpike {
  granularity: Granularity;
  bucket: TimeBucket;
  /** The median bucket's cost per day, and how many times it the spike's is. */
  medianPerDay: number;
  ratio: number;
  busiest: DayRow;
  /** The bucket's findings that scanned bytes, the most first. */
  anomalies: AnomalyRow[];
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

/** The bucket of the chart whose cost per day is the highest, if it is SPIKE_RATIO times the median's; a cut bucket counts by its days. */
export function costSpike(daily: readonly DayRow[], anomalies: readonly AnomalyRow[] = []): CostSpike | undefined {
  const { granularity, buckets } = timeBuckets(daily.map((r) => ({ day: r.day, value: r.cost_usd })));
  if (buckets.length < MIN_BUCKETS) return undefined;
  const perDay = (b: TimeBucket) => b.value / b.days;
  const usual = median(buckets.map(perDay));
  const top = [...buckets].sort((a, b) => perDay(b) - perDay(a) || a.from.localeCompare(b.from))[0];
  if (top === undefined || usual <= 0 || perDay(top) < SPIKE_RATIO * usual) return undefined;
  const inside = daily.filter((r) => r.day >= top.from && r.day <= top.to);
  const busiest = [...inside].sort((a, b) => b.cost_usd - a.cost_usd || a.day.localeCompare(b.day))[0];
  if (busiest === undefined) return undefined;
  return {
    granularity,
    bucket: top,
    medianPerDay: usual,
    ratio: perDay(top) / usual,
    busiest,
    anomalies: anomalies.filter((a) => a.day >= top.from && a.day <= top.to && COSTLY(a)).sort((a, b) => b.measured - a.measured),
  };
}

const BUCKET_WORDS: Record<Granularity, string> = {
  day: "the day",
  week: "the week of",
  month: "the month of",
  quarter: "the quarter of",
  year: "the year",
};

/** The line: the bucket, how far above the usual, its busiest day, and the findings behind it (or that none was found). */
export function costSpikeLine(spike: CostSpike, links: { anomalies: string; daily: string; scanners: string }): string {
  const { bucket, ratio, busiest } = spike;
  const when = spike.granularity === "day" ? bucket.from : `${BUCKET_WORDS[spike.granularity]} ${bucket.from}`;
  const head =
    `**Cost spike**: ${when} cost ${usd(bucket.value)}, ` +
    `${ratio.toFixed(1)}× the median ${spike.granularity}${spike.granularity === "day" ? "" : " (per day)"}` +
    (spike.granularity === "day" ? "" : `, the most on ${busiest.day} (${usd(busiest.cost_usd)})`);
  const behind = spike.anomalies.slice(0, 2).map((a) => {
    const words = markdownText(anomalySentence(a), 300).replace(/\.$/, "");
    return `${codeSpan(principalName(a.principal_arn), 100)} on ${a.day}: ${words.charAt(0).toLowerCase()}${words.slice(1)}`;
  });
  const more = spike.anomalies.length > 2 ? `, and ${spike.anomalies.length - 2} more` : "";
  return behind.length === 0
    ? `${head}; no anomaly was found in it (${links.daily}, ${links.scanners})`
    : `${head}; behind it: ${behind.join("; ")}${more} (${links.anomalies})`;
}
