/** The cost_by_table page: each table's share of the cost, a query that read several split evenly between them. */
import { SAVED, SavedRow, savedRows } from "../../queries/saved";
import { accountColumn } from "./columns";
import { count, humanBytes, markdownText, usd } from "./format";
import { Column, RIGHT, table } from "./table";
import type { Page } from "./types";

type TableRow = SavedRow<typeof SAVED.cost_by_table>;

export const costByTablePage: Page = (result) => {
  const rows = savedRows(SAVED.cost_by_table, result);
  const columns: Column<TableRow>[] = [
    { label: "Table name", cell: (r) => markdownText(r.table_name) },
    { label: "Cost", right: RIGHT, cell: (r) => usd(r.cost_usd) },
    { label: "Scanned", right: RIGHT, cell: (r) => humanBytes(r.data_scanned_bytes) },
    { label: "Queries", right: RIGHT, cell: (r) => count(r.queries) },
    { label: "Shared queries", right: RIGHT, cell: (r) => count(r.shared_queries) },
    { label: "Principals", right: RIGHT, cell: (r) => count(r.principals) },
    ...accountColumn(rows, (r) => r.account_id),
  ];
  return { context: [], tables: [table(rows, columns)] };
};
