/**
 * The cost_by_query_shape page in seven columns: runs and bytes a run beside what they scanned, what
 * result reuse did and could have done in one cell. Two shapes that read the same once cut to a
 * cell's width show the part where they differ, so no two rows look alike.
 */
import { Value } from "../../queries/engine";
import { SAVED, SavedRow, savedRows } from "../../queries/saved";
import { codeSpan } from "../channels/markdown";
import { shapeLabels, SHAPE_WIDTH } from "./columns";
import { count, humanBytes, usd } from "./format";
import { Column, RIGHT, table } from "./table";
import type { Page } from "./types";

type ShapeRow = SavedRow<typeof SAVED.cost_by_query_shape>;

/** `0 reused · 498 could be`: what result reuse did, and the billed runs it would have answered. */
function reuse(reused: Value, repeat: Value): string {
  return `${count(reused)} reused · ${count(repeat)} could be`;
}

export const costByQueryShapePage: Page = (result) => {
  const rows = savedRows(SAVED.cost_by_query_shape, result);
  const shown = shapeLabels(rows.map((r) => r.query_shape));
  const labels = new Map(rows.map((r, i) => [r, shown[i] ?? r.query_shape]));
  const columns: Column<ShapeRow>[] = [
    { label: "Query shape", cell: (r) => codeSpan(labels.get(r), SHAPE_WIDTH + 1) },
    { label: "Runs", right: RIGHT, cell: (r) => count(r.runs) },
    { label: "Principals", right: RIGHT, cell: (r) => count(r.principals) },
    { label: "Scanned (a run)", right: RIGHT, cell: (r) => `${humanBytes(r.data_scanned_bytes)} (${humanBytes(r.bytes_per_run)})` },
    { label: "Cost", right: RIGHT, cell: (r) => usd(r.cost_usd) },
    { label: "Result reuse", right: RIGHT, cell: (r) => reuse(r.reused_runs, r.repeat_runs) },
    { label: "Repeat cost", right: RIGHT, cell: (r) => usd(r.repeat_cost_usd) },
  ];
  return { context: [], tables: [table(rows, columns)] };
};
