/**
 * The index's cost spike (reports/pages/cost-spike.ts) on hand-worked days: which bucket stands out,
 * by how much, and which findings the line names beside it.
 */
import { describe, expect, it } from "vitest";
import { addDays } from "../../core/days";
import { SAVED, SavedRow } from "../../queries/saved";
import { AnomalyRow } from "../../reports/pages/anomaly-words";
import { costSpike, costSpikeLine } from "../../reports/pages/cost-spike";
import { present } from "../support/defined";

type DayRow = SavedRow<typeof SAVED.usage_daily>;
const LINKS = {
  anomalies: "[Anomalies](anomalies.md)",
  daily: "[Usage over time](usage_daily.md)",
  scanners: "[Top scanners](top_scanners.md)",
};

/** `days` days from Monday 2026-08-03, each costing what `cost` says. */
function days(count: number, cost: (day: string, i: number) => number): DayRow[] {
  return Array.from({ length: count }, (_, i) => {
    const day = addDays("2026-08-03", i);
    return { day, queries: 10, principals: 1, data_scanned_bytes: 0, cost_usd: cost(day, i), failed_or_cancelled: 0 };
  });
}

function anomaly(
  day: string,
  kind: string,
  subject: string,
  measured: number,
  principal = "arn:aws:iam::210987654321:role/reporting-app",
): AnomalyRow {
  return {
    day,
    principal_arn: principal,
    sessions: null,
    session_count: 0,
    kind,
    subject,
    measured,
    baseline: 100 * 2 ** 30,
    spread: 1,
    score: 10,
    severity: "high",
    queries: 3,
    human: false,
    coverage: "complete",
  } as unknown as AnomalyRow;
}

describe("the cost spike", () => {
  // Six weeks at $10 a day; the fourth (from 2026-08-24) at $30 a day, its Sunday $90.
  const six = days(42, (day, i) => (i >= 21 && i < 28 ? (day === "2026-08-30" ? 90 : 20) : 10));

  it("finds the week whose cost per day is the most above the median week's, with its busiest day", () => {
    const spike = present(costSpike(six), "a spike");
    expect(spike.granularity).toBe("week");
    expect([spike.bucket.from, spike.bucket.value, spike.busiest.day]).toEqual(["2026-08-24", 6 * 20 + 90, "2026-08-30"]);
    expect(spike.medianPerDay).toBe(10);
    expect(spike.ratio).toBeCloseTo(210 / 7 / 10, 12);
  });

  it("names the findings in it that scanned bytes, the most first, and only those", () => {
    const findings = [
      anomaly("2026-08-30", "volume", "bytes", 5 * 2 ** 40),
      anomaly("2026-08-26", "exfiltration", "select-star:finance.invoices", 250 * 2 ** 30, "arn:aws:iam::210987654321:user/bob"),
      anomaly("2026-08-27", "origin", "client:cli", 3),
      anomaly("2026-08-17", "volume", "bytes", 9 * 2 ** 40),
      anomaly("2026-08-28", "volume", "queries", 5000),
    ];
    const spike = present(costSpike(six, findings), "a spike");
    expect(spike.anomalies.map((a) => [a.day, a.kind])).toEqual([
      ["2026-08-30", "volume"],
      ["2026-08-26", "exfiltration"],
    ]);
    expect(costSpikeLine(spike, LINKS)).toBe(
      "**Cost spike**: the week of 2026-08-24 cost $210.00, 3.0× the median week (per day), the most on 2026-08-30 ($90.00); " +
        "behind it: `reporting-app` on 2026-08-30: scanned 5.0 TiB in one day, " +
        "against a median of 100.0 GiB a day over the previous weeks (51.2×); " +
        "`bob` on 2026-08-26: an unfiltered SELECT \\* of finance.invoices scanned 250.0 GiB, a query this service had not run before " +
        "([Anomalies](anomalies.md))",
    );
  });

  it("says when no finding is behind it", () => {
    expect(costSpikeLine(present(costSpike(six, []), "a spike"), LINKS)).toBe(
      "**Cost spike**: the week of 2026-08-24 cost $210.00, 3.0× the median week (per day), the most on 2026-08-30 ($90.00); " +
        "no anomaly was found in it ([Usage over time](usage_daily.md), [Top scanners](top_scanners.md))",
    );
  });

  it("raises none below 1.5× the median, nor with fewer than four buckets to tell the usual from", () => {
    expect(costSpike(days(42, (_d, i) => (i >= 21 && i < 28 ? 14.9 : 10)))).toBeUndefined();
    expect(costSpike(days(42, (_d, i) => (i >= 21 && i < 28 ? 15 : 10)))).toBeDefined();
    // Three days, one of them costly: a day is a bucket, but three are too few.
    expect(costSpike(days(3, (_d, i) => (i === 1 ? 100 : 1)))).toBeUndefined();
    expect(costSpike(days(4, (_d, i) => (i === 1 ? 100 : 1)))?.bucket.from).toBe("2026-08-04");
  });

  it("counts a week the period cuts by its days", () => {
    // Five whole weeks at $10 a day, then two days at $20: the cut week is twice the usual per day, though its total is less.
    const cut = days(37, (_d, i) => (i >= 35 ? 20 : 10));
    const spike = present(costSpike(cut), "a spike");
    expect([spike.bucket.from, spike.bucket.days, spike.bucket.value, spike.ratio]).toEqual(["2026-09-07", 2, 40, 2]);
  });
});
