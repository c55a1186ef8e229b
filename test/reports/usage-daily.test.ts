/** The usage_daily page's weeks: hand-worked sums and busiest days. */
import { describe, expect, it } from "vitest";
import { SAVED, SavedRow } from "../../queries/saved";
import { weekStart } from "../../reports/pages/charts";
import { weeks } from "../../reports/pages/usage-daily-page";

type DayRow = SavedRow<typeof SAVED.usage_daily>;
const day = (d: string, cost: number): DayRow => ({
  day: d,
  cost_usd: cost,
  data_scanned_bytes: cost * 1000,
  queries: 10,
  principals: 2,
  failed_or_cancelled: 1,
});

describe("usage by week", () => {
  it("starts weeks on Monday", () => {
    // 2026-08-03 was a Monday; 2026-08-09 the Sunday after it.
    expect([weekStart("2026-08-03"), weekStart("2026-08-09"), weekStart("2026-08-10"), weekStart("2026-08-01")]).toEqual([
      "2026-08-03",
      "2026-08-03",
      "2026-08-10",
      "2026-07-27",
    ]);
  });

  it("sums each week's days, counts a week the period cuts by its days, and names its busiest day", () => {
    const rows = [day("2026-08-01", 1), day("2026-08-02", 4), day("2026-08-03", 2), day("2026-08-05", 7), day("2026-08-09", 3)];
    expect(weeks(rows).map((w) => [w.week, w.days, w.cost, w.bytes, w.queries, w.failed, w.busiest.day])).toEqual([
      ["2026-07-27", 2, 5, 5000, 20, 2, "2026-08-02"],
      ["2026-08-03", 3, 12, 12000, 30, 3, "2026-08-05"],
    ]);
  });
});
