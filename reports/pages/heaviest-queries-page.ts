/**
 * The heaviest_queries page: the period's costliest queries with their text (redacted by default),
 * and under them the 36-character ids and start times by row number, what it takes to look one up.
 */
import { SAVED, SavedRow, savedRows } from "../../queries/saved";
import { accountColumn, queryText } from "./columns";
import { codeSpan, count, duration, humanBytes, instant, markdownText, namesNote, PrincipalNames, usd } from "./format";
import { RIGHT, table } from "./table";
import type { Page } from "./types";

type HeavyRow = SavedRow<typeof SAVED.heaviest_queries>;

export const heaviestQueriesPage: Page = (result, _period, options) => {
  const rows = savedRows(SAVED.heaviest_queries, result);
  const names = new PrincipalNames(rows.map((r) => r.principal));
  const cost = (r: HeavyRow) => {
    const amount = r.cost_usd === null ? "unknown" : usd(r.cost_usd);
    return !r.state || r.state === "SUCCEEDED" ? amount : `${amount} (${markdownText(r.state.toLowerCase())})`;
  };
  const where = (r: HeavyRow) =>
    [r.database_name, r.work_group === null ? null : `(${r.work_group})`].filter((part) => part !== null).join(" ");
  const main = table(
    rows,
    [
      { label: "#", right: RIGHT, cell: (r) => count(r.rank) },
      { label: "Scanned", right: RIGHT, cell: (r) => humanBytes(r.data_scanned_bytes) },
      { label: "Cost", right: RIGHT, cell: cost },
      { label: "Run time", right: RIGHT, cell: (r) => (r.total_execution_ms === null ? "" : duration(r.total_execution_ms)) },
      { label: "Principal", cell: (r) => names.cell(r.principal) },
      { label: "Database (work group)", cell: (r) => markdownText(where(r)) },
      { label: "Query", cell: (r) => queryText(r.query_text, options) },
    ],
    { notes: namesNote(names) },
  );
  const ids = table(
    rows,
    [
      { label: "#", right: RIGHT, cell: (r) => count(r.rank) },
      { label: "Query id", cell: (r) => codeSpan(r.query_execution_id) },
      { label: "Started (UTC)", cell: (r) => (r.event_time === null ? "" : instant(r.event_time)) },
      { label: "Region", cell: (r) => markdownText(r.region) },
      ...accountColumn(rows, (r) => r.account_id),
    ],
    { title: "Query ids" },
  );
  return { context: [], tables: rows.length === 0 ? [main] : [main, ids] };
};
