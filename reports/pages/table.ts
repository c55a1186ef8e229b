/**
 * A page table from rows and columns: headers, GFM alignment rules, cells, notes. Each page puts
 * the name first, then its numbers (right-aligned, the cost first), then text; at most seven
 * columns, so a table fits GitHub's 1,012 px. What would repeat on every row, long ids and names'
 * long forms go to the page's header or to notes under the table.
 */
import type { TableModel } from "./types";

/** Right-aligned (GFM `---:`): numbers, so their digits line up. */
export const RIGHT = true;

export interface Column<R> {
  label: string;
  right?: boolean;
  /** The cell as Markdown (escaped by the format helpers). */
  cell: (row: R) => string;
}

/** A number and its unit stay on one line (`753.2 GiB`, `2 h 49 min`): a no-break space between them. */
const NO_BREAK = "\u00a0";

export function table<R>(
  rows: readonly R[],
  columns: readonly Column<R>[],
  more: Partial<Omit<TableModel, "headers" | "rules" | "rows">> = {},
): TableModel {
  return {
    headers: columns.map((c) => c.label),
    rules: columns.map((c) => (c.right ? "---:" : "---")),
    rows: rows.map((row) => columns.map((c) => (c.right ? c.cell(row).replace(/ /g, NO_BREAK) : c.cell(row)))),
    notes: [],
    empty: "No rows for this period.",
    ...more,
  };
}
