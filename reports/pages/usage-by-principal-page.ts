/** The usage_by_principal page: each principal's cost and bytes over the period and its short window, and when it was last active. */
import { SAVED, SavedRow, savedRows } from "../../queries/saved";
import { windowedCostAndBytes, windows } from "./columns";
import { count, markdownText, namesNote, PrincipalNames } from "./format";
import { Column, RIGHT, table } from "./table";
import type { Page } from "./types";

type PrincipalRow = SavedRow<typeof SAVED.usage_by_principal>;

export const usageByPrincipalPage: Page = (result, period) => {
  const rows = savedRows(SAVED.usage_by_principal, result);
  const names = new PrincipalNames(rows.map((r) => r.principal));
  const w = windows(period);
  // The short window's query count is left out: its cost and bytes say whether a principal went quiet.
  const columns: Column<PrincipalRow>[] = [
    { label: "Principal", cell: (r) => names.cell(r.principal) },
    ...windowedCostAndBytes<PrincipalRow>(w),
    { label: `Queries (${w.long})`, right: RIGHT, cell: (r) => count(r.queries_long) },
    { label: "Last active", cell: (r) => markdownText(r.last_active_day) },
  ];
  return { context: w.context, tables: [table(rows, columns, { notes: namesNote(names) })] };
};
