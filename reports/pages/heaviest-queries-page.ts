/**
 * The heaviest_queries page: the heaviest run of each query shape, so one job's nightly runs are one
 * row, with the shape's runs, bytes and cost in the period beside it and the run's text (redacted by
 * default); under them the 36-character ids, start times and run times by row number, what it takes
 * to look a run up.
 */
import { visible } from "../../core/output/visible";
import { SAVED, SavedRow, savedRows } from "../../queries/saved";
import { accountColumn, shapeLabels, SHAPE_WIDTH } from "./columns";
import { codeSpan, count, duration, humanBytes, instant, markdownText, namesNote, PrincipalNames, usd } from "./format";
import { redactSql } from "./redact";
import { RIGHT, table } from "./table";
import type { Page } from "./types";

type HeavyRow = SavedRow<typeof SAVED.heaviest_queries>;

/** `90 runs, 104.5 TiB, $511.20`: every run of the row's shape in the period. */
function shapeRuns(r: Pick<HeavyRow, "shape_runs" | "shape_data_scanned_bytes" | "shape_cost_usd">): string {
  const runs = `${count(r.shape_runs)} ${r.shape_runs === 1 ? "run" : "runs"}`;
  return `${runs}, ${humanBytes(r.shape_data_scanned_bytes)}, ${usd(r.shape_cost_usd)}`;
}

/** Each row's query text as a code span, redacted unless told otherwise, two rows' texts told apart. */
function queryCells(rows: readonly HeavyRow[], redact: boolean): Map<HeavyRow, string> {
  // Invisible characters shown before the cut, as the code span would, so the cut is what the cell shows.
  const shown = (text: string) => visible(redact ? redactSql(text) : text);
  const texts = new Map(rows.map((r) => [r, r.query_text === null ? "" : shown(r.query_text)]));
  // Texts the same in full (redaction can make them so) need no telling apart: each distinct text once.
  const distinct = [...new Set(texts.values())];
  const labels = new Map(shapeLabels(distinct).map((label, i) => [distinct[i], label]));
  return new Map([...texts].map(([r, text]) => [r, codeSpan(labels.get(text), SHAPE_WIDTH + 1)]));
}

export const heaviestQueriesPage: Page = (result, _period, options) => {
  const rows = savedRows(SAVED.heaviest_queries, result);
  const names = new PrincipalNames(rows.map((r) => r.principal));
  const cost = (r: HeavyRow) => {
    const amount = r.cost_usd === null ? "unknown" : usd(r.cost_usd);
    return !r.state || r.state === "SUCCEEDED" ? amount : `${amount} (${markdownText(r.state.toLowerCase())})`;
  };
  const where = (r: HeavyRow) =>
    [r.database_name, r.work_group === null ? null : `(${r.work_group})`].filter((part) => part !== null).join(" ");
  const shapes = SAVED.cost_by_query_shape;
  const queries = queryCells(rows, options.redact);
  const main = table(
    rows,
    [
      { label: "#", right: RIGHT, cell: (r) => count(r.rank) },
      { label: "Scanned", right: RIGHT, cell: (r) => humanBytes(r.data_scanned_bytes) },
      { label: "Cost", right: RIGHT, cell: cost },
      { label: "All runs of the shape", right: RIGHT, cell: shapeRuns },
      { label: "Principal", cell: (r) => names.cell(r.principal) },
      { label: "Database (work group)", cell: (r) => markdownText(where(r)) },
      { label: "Query", cell: (r) => queries.get(r) ?? "" },
    ],
    { notes: namesNote(names) },
  );
  const ids = table(
    rows,
    [
      { label: "#", right: RIGHT, cell: (r) => count(r.rank) },
      { label: "Run time", right: RIGHT, cell: (r) => (r.total_execution_ms === null ? "" : duration(r.total_execution_ms)) },
      { label: "Query id", cell: (r) => codeSpan(r.query_execution_id) },
      { label: "Started (UTC)", cell: (r) => (r.event_time === null ? "" : instant(r.event_time)) },
      { label: "Region", cell: (r) => markdownText(r.region) },
      ...accountColumn(rows, (r) => r.account_id),
    ],
    { title: "Query ids" },
  );
  const context = [`A query shape is the same query with other values, as on [${shapes.title}](${shapes.name}.md).`];
  return { context: rows.length === 0 ? [] : context, tables: rows.length === 0 ? [main] : [main, ids] };
};
