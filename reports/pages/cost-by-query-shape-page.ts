/**
 * The cost_by_query_shape page in seven columns: runs and bytes a run beside what they scanned, what
 * result reuse did and could have done in one cell. Two shapes that read the same once cut to a
 * cell's width show the part where they differ, so no two rows look alike.
 */
import { Value } from "../../queries/engine";
import { SAVED, SavedRow, savedRows } from "../../queries/saved";
import { oneLine } from "../../core/output/visible";
import { codeSpan } from "../channels/markdown";
import { count, humanBytes, usd } from "./format";
import { Column, RIGHT, table } from "./table";
import type { Page } from "./types";

type ShapeRow = SavedRow<typeof SAVED.cost_by_query_shape>;

/** The width a shape is cut to in its cell. */
export const SHAPE_WIDTH = 100;

/** Where two texts first differ. */
function firstDifference(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/**
 * Each shape as its cell shows it: cut to `width`; where that cut is another shape's too, the
 * beginning, ` … `, then the text from a little before the first character that tells them apart.
 */
export function shapeLabels(shapes: readonly string[], width = SHAPE_WIDTH): string[] {
  const lines = shapes.map((s) => s.replace(/\s+/g, " ").trim());
  const cut = lines.map((line) => oneLine(line, width));
  return lines.map((line, i) => {
    const twins = lines.filter((_, j) => j !== i && cut[j] === cut[i]);
    if (twins.length === 0) return cut[i] ?? line;
    const split = Math.max(...twins.map((other) => firstDifference(line, other)));
    const head = Math.floor(width / 3);
    const from = Math.max(head, split - 10);
    return `${line.slice(0, head - 1).trimEnd()} … ${oneLine(line.slice(from), width - head - 2)}`;
  });
}

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
