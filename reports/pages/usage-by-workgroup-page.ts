/** The usage_by_workgroup page: each work group's cost and bytes over the period and its short window. */
import { SAVED, SavedRow, savedRows } from "../../queries/saved";
import { accountColumn, windowedCostAndBytes, windows } from "./columns";
import { count, markdownText } from "./format";
import { Column, RIGHT, table } from "./table";
import type { Page } from "./types";

type WorkGroupRow = SavedRow<typeof SAVED.usage_by_workgroup>;

export const usageByWorkgroupPage: Page = (result, period) => {
  const rows = savedRows(SAVED.usage_by_workgroup, result);
  const w = windows(period);
  const account = accountColumn(rows, (r) => r.account_id);
  const columns: Column<WorkGroupRow>[] = [
    { label: "Work group", cell: (r) => markdownText(r.work_group) },
    ...windowedCostAndBytes<WorkGroupRow>(w),
    { label: `Queries (${w.long})`, right: RIGHT, cell: (r) => count(r.queries_long) },
    // Past seven columns with the account and both windows: the principals give way (Usage by account has them).
    ...(w.short && account.length > 0
      ? []
      : [{ label: `Principals (${w.long})`, right: RIGHT, cell: (r: WorkGroupRow) => count(r.principals_long) }]),
    ...account,
  ];
  return { context: w.context, tables: [table(rows, columns)] };
};
