/**
 * The top_scanners page: each principal's cost, bytes and queries, the largest query while the
 * table has room for it, and a chart of every principal's cost.
 */
import { SAVED, SavedRow, savedRows } from "../../queries/saved";
import { costByNameChart, principalLabel } from "./charts";
import { accountColumn, principalType } from "./columns";
import { count, humanBytes, namesNote, PrincipalNames, usd } from "./format";
import { Column, RIGHT, table } from "./table";
import type { Page } from "./types";

type ScannerRow = SavedRow<typeof SAVED.top_scanners>;

/** Every principal of the table as a horizontal bar (the largest ones and "the other n" past a dozen). */
function scannersChart(rows: readonly ScannerRow[]): string | undefined {
  return costByNameChart(
    rows.map((r) => ({ name: principalLabel(r.principal), value: r.cost_usd })),
    { one: "principal", source: "the table" },
  );
}

export const topScannersPage: Page = (result) => {
  const rows = savedRows(SAVED.top_scanners, result);
  const names = new PrincipalNames(rows.map((r) => r.principal));
  // The IAM principal column repeated the role of each session (`Role/session`); the rank is the row order.
  // Past seven columns with the account: the largest query gives way (Heaviest queries has it).
  const account = accountColumn(rows, (r) => r.account_id);
  const columns: Column<ScannerRow>[] = [
    { label: "Principal", cell: (r) => names.cell(r.principal) },
    { label: "Cost", right: RIGHT, cell: (r) => usd(r.cost_usd) },
    { label: "Scanned", right: RIGHT, cell: (r) => humanBytes(r.data_scanned_bytes) },
    { label: "Queries", right: RIGHT, cell: (r) => count(r.queries) },
    { label: "Failed or cancelled", right: RIGHT, cell: (r) => count(r.failed_or_cancelled) },
    ...(account.length === 0 ? [{ label: "Largest query", right: RIGHT, cell: (r: ScannerRow) => humanBytes(r.largest_query_bytes) }] : []),
    ...account,
    { label: "Type", cell: (r) => principalType(r.principal_type) },
  ];
  return { context: [], chart: scannersChart(rows), tables: [table(rows, columns, { notes: namesNote(names) })] };
};
