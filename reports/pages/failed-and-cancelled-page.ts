/**
 * The failed_and_cancelled page in two tables: cancelled queries, billed for what they scanned, and
 * failed ones, free but slow, with their errors.
 */
import { SAVED, SavedRow, savedRows } from "../../queries/saved";
import { count, duration, humanBytes, markdownText, namesNote, PrincipalNames, usd } from "./format";
import { Column, RIGHT, table } from "./table";
import type { Page } from "./types";

type UnfinishedRow = SavedRow<typeof SAVED.failed_and_cancelled>;

export const failedAndCancelledPage: Page = (result) => {
  const rows = savedRows(SAVED.failed_and_cancelled, result);
  const names = new PrincipalNames(rows.map((r) => r.principal));
  const cancelled = rows.filter((r) => r.state === "CANCELLED");
  const failed = rows.filter((r) => r.state === "FAILED");
  const principal: Column<UnfinishedRow> = { label: "Principal", cell: (r) => names.cell(r.principal) };
  const cost: Column<UnfinishedRow> = { label: "Cost", right: RIGHT, cell: (r) => usd(r.cost_usd) };
  const scanned: Column<UnfinishedRow> = { label: "Scanned", right: RIGHT, cell: (r) => humanBytes(r.data_scanned_bytes) };
  const queries: Column<UnfinishedRow> = { label: "Queries", right: RIGHT, cell: (r) => count(r.queries) };
  const engine: Column<UnfinishedRow> = { label: "Engine time", right: RIGHT, cell: (r) => duration(r.engine_execution_ms) };
  const run: Column<UnfinishedRow> = { label: "Run time", right: RIGHT, cell: (r) => duration(r.total_execution_ms) };
  const error: Column<UnfinishedRow> = {
    label: "Error type",
    cell: (r) =>
      [r.error_type === null ? null : String(r.error_type), r.error_category === null ? null : `(${r.error_category})`]
        .filter(Boolean)
        .join(" "),
  };
  const example: Column<UnfinishedRow> = { label: "Example error", cell: (r) => markdownText(r.example_error, 300) };
  // Failed queries are free: their cost column would say $0.00 on every row, unless one is not.
  const failedCost = failed.some((r) => r.cost_usd !== 0) ? [cost] : [];
  return {
    context: [],
    tables: [
      table(cancelled, [principal, cost, scanned, queries, engine, run], {
        title: "Cancelled: billed for what they scanned",
        empty: "None in this period.",
      }),
      table(failed, [principal, ...failedCost, run, engine, queries, scanned, error, example], {
        title: "Failed: free, but they took time",
        empty: "None in this period.",
        notes: namesNote(names),
      }),
    ],
  };
};
