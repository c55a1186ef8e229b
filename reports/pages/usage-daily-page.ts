/** The usage_daily page: each day's cost, bytes, queries and principals, under a chart of the cost over time. */
import { SAVED, SavedRow, savedRows } from "../../queries/saved";
import { costOverTimeChart } from "./charts";
import { count, humanBytes, markdownText, usd } from "./format";
import { Column, RIGHT, table } from "./table";
import type { Page } from "./types";

type DayRow = SavedRow<typeof SAVED.usage_daily>;

/** Cost over time: per day for short periods, per week (then month...) so at most ~15 labels. The index shows it too. */
export function dailyChart(rows: readonly DayRow[]): string | undefined {
  return costOverTimeChart(rows.map((r) => ({ day: r.day, value: r.cost_usd })));
}

export const usageDailyPage: Page = (result) => {
  const rows = savedRows(SAVED.usage_daily, result);
  const columns: Column<DayRow>[] = [
    { label: "Day", cell: (r) => markdownText(r.day) },
    { label: "Cost", right: RIGHT, cell: (r) => usd(r.cost_usd) },
    { label: "Scanned", right: RIGHT, cell: (r) => humanBytes(r.data_scanned_bytes) },
    { label: "Queries", right: RIGHT, cell: (r) => count(r.queries) },
    { label: "Principals", right: RIGHT, cell: (r) => count(r.principals) },
    { label: "Failed or cancelled", right: RIGHT, cell: (r) => count(r.failed_or_cancelled) },
  ];
  return { context: [], chart: dailyChart(rows), tables: [table(rows, columns)] };
};
