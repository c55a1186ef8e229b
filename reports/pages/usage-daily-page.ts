/**
 * The usage_daily page: a chart of the cost over time (the index shows it too), and under it a table
 * a reader can scan: each day for a period of a month or less, else each week (Monday to Sunday)
 * with its busiest day, so a 90-day report is 13 rows, not 90.
 */
import { SAVED, SavedRow, savedRows } from "../../queries/saved";
import { costOverTimeChart, weekStart } from "./charts";
import { count, humanBytes, markdownText, usd } from "./format";
import { Column, RIGHT, table } from "./table";
import type { Page } from "./types";

type DayRow = SavedRow<typeof SAVED.usage_daily>;

/** Periods up to this many days are shown a row a day. */
const DAILY_ROWS = 31;

/** Cost over time: per day for short periods, per week (then month...) so at most ~15 labels. The index shows it too. */
export function dailyChart(rows: readonly DayRow[]): string | undefined {
  return costOverTimeChart(rows.map((r) => ({ day: r.day, value: r.cost_usd })));
}

export interface WeekRow {
  /** The Monday the week starts on. */
  week: string;
  days: number;
  cost: number;
  bytes: number;
  queries: number;
  failed: number;
  /** The day of the week that cost most, and what it cost. */
  busiest: DayRow;
}

/** The days summed by week, in order; a week the period cuts counts only its days in the period. */
export function weeks(rows: readonly DayRow[]): WeekRow[] {
  const byWeek = new Map<string, WeekRow>();
  for (const r of rows) {
    const week = weekStart(r.day);
    const w = byWeek.get(week) ?? { week, days: 0, cost: 0, bytes: 0, queries: 0, failed: 0, busiest: r };
    w.days += 1;
    w.cost += r.cost_usd;
    w.bytes += r.data_scanned_bytes;
    w.queries += r.queries;
    w.failed += r.failed_or_cancelled;
    if (r.cost_usd > w.busiest.cost_usd) w.busiest = r;
    byWeek.set(week, w);
  }
  return [...byWeek.values()];
}

export const usageDailyPage: Page = (result) => {
  const rows = savedRows(SAVED.usage_daily, result);
  if (rows.length <= DAILY_ROWS) {
    const columns: Column<DayRow>[] = [
      { label: "Day", cell: (r) => markdownText(r.day) },
      { label: "Cost", right: RIGHT, cell: (r) => usd(r.cost_usd) },
      { label: "Scanned", right: RIGHT, cell: (r) => humanBytes(r.data_scanned_bytes) },
      { label: "Queries", right: RIGHT, cell: (r) => count(r.queries) },
      { label: "Principals", right: RIGHT, cell: (r) => count(r.principals) },
      { label: "Failed or cancelled", right: RIGHT, cell: (r) => count(r.failed_or_cancelled) },
    ];
    return { context: [], chart: dailyChart(rows), tables: [table(rows, columns)] };
  }
  const columns: Column<WeekRow>[] = [
    { label: "Week of", cell: (w) => markdownText(w.days < 7 ? `${w.week} (${w.days} d)` : w.week) },
    { label: "Cost", right: RIGHT, cell: (w) => usd(w.cost) },
    { label: "Scanned", right: RIGHT, cell: (w) => humanBytes(w.bytes) },
    { label: "Queries", right: RIGHT, cell: (w) => count(w.queries) },
    { label: "Failed or cancelled", right: RIGHT, cell: (w) => count(w.failed) },
    { label: "Busiest day", cell: (w) => `${markdownText(w.busiest.day)} · ${usd(w.busiest.cost_usd)}` },
  ];
  const context = ["A row a week (Monday to Sunday), the busiest day named."];
  return { context, chart: dailyChart(rows), tables: [table(weeks(rows), columns)] };
};
