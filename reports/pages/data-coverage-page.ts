/**
 * The data_coverage page, and how whole the evidence is for the index: the rows as a headline
 * (complete, partial, missing), the exceptions in words, and a compact calendar of every
 * region-day. Pure, so tests can pin it.
 */
import { SAVED, SavedRow, savedRows } from "../../queries/saved";
import { codeBlock } from "../channels/markdown";
import { markdownText } from "./format";
import { Column, table } from "./table";
import type { Page } from "./types";

export type CoverageRow = SavedRow<typeof SAVED.data_coverage>;

export interface CoverageException {
  day: string;
  region: string;
  coverage: string;
  detail: string;
}

export interface CoverageSummary {
  total: number;
  complete: number;
  partial: number;
  missing: number;
  /** Region-days that are not complete, with what is missing in words. */
  exceptions: CoverageException[];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** `13,14,20` as `13:00–15:00, 20:00–21:00 UTC`. */
export function hourRanges(hours: string): string {
  const sorted = hours
    .split(",")
    .map(Number)
    .sort((a, b) => a - b);
  const ranges: [number, number][] = [];
  for (const h of sorted) {
    const last = ranges.at(-1);
    if (last?.[1] === h) last[1] = h + 1;
    else ranges.push([h, h + 1]);
  }
  const clock = (h: number) => `${String(h).padStart(2, "0")}:00`;
  return `${ranges.map(([from, to]) => `${clock(from)}–${clock(to)}`).join(", ")} UTC`;
}

/** What a region-day lacks, in words. */
export function coverageDetail(row: CoverageRow): string {
  if (row.coverage === "missing") {
    return row.history_queries > 0 ? `${plural(row.history_queries, "query", "queries")} in history, none joined` : "nothing joined";
  }
  const parts: string[] = [];
  const noTrail = row.unattributed + row.from_system_table;
  if (noTrail > 0) {
    const notes: string[] = [];
    if (row.gap_hours) notes.push(`no CloudTrail at all ${hourRanges(row.gap_hours)}`);
    // The query by name: a CloudTrail record delivered more than a day late is not lost for good.
    if (row.first_unattributed) notes.push(`${row.unattributed === 1 ? "" : "first "}without a principal: ${row.first_unattributed}`);
    const hours = notes.length > 0 ? ` (${notes.join("; ")})` : "";
    const verb = noTrail === 1 ? "has" : "have";
    const whose =
      row.unattributed > 0
        ? `the principal of ${row.from_system_table}`
        : row.from_system_table === 1
          ? "its principal"
          : `all ${noTrail} principals`;
    const witnessed = row.from_system_table === 0 ? "" : `; Athena's system table named ${whose}`;
    parts.push(`${noTrail} of ${plural(row.with_history, "query", "queries")} in history ${verb} no CloudTrail record${hours}${witnessed}`);
  }
  if (row.without_history > 0) {
    const accounts = (row.accounts_without_history ?? "").split(",").filter(Boolean);
    const whose = accounts.length === 0 ? "" : ` (account${accounts.length === 1 ? "" : "s"} ${accounts.join(", ")})`;
    parts.push(`${plural(row.without_history, "CloudTrail start")} without history${whose}`);
  }
  if (row.work_groups_not_joined) parts.push(`history of work group(s) ${row.work_groups_not_joined} not joined`);
  return parts.join("; ");
}

export function coverageSummary(rows: readonly CoverageRow[]): CoverageSummary {
  const count = (state: string) => rows.filter((r) => r.coverage === state).length;
  return {
    total: rows.length,
    complete: count("complete"),
    partial: count("partial"),
    missing: count("missing"),
    exceptions: rows
      .filter((r) => r.coverage !== "complete")
      .map((r) => ({ day: r.day, region: r.region, coverage: r.coverage, detail: coverageDetail(r) })),
  };
}

/** The headline: `178 complete, 2 partial, 0 missing (of 180 region-days)`. */
export function coverageHeadline(summary: CoverageSummary): string {
  return `${summary.complete} complete, ${summary.partial} partial, ${summary.missing} missing (of ${summary.total} region-days)`;
}

const MARK: Record<string, string> = { complete: "#", partial: "~", missing: "." };

/**
 * One line per region and month, one character per day (`#` complete, `~` partial, `.` missing,
 * blank outside the period), in a code block so the columns line up on GitHub.
 */
export function coverageCalendar(rows: readonly CoverageRow[]): string {
  if (rows.length === 0) return "";
  const regions = [...new Set(rows.map((r) => r.region))].sort();
  // A region's name as the lake spells it, cut: AWS's are at most 14 characters, a longer one is not a region.
  const shown = (region: string) => (region.length > 32 ? `${region.slice(0, 31)}…` : region);
  const months = [...new Set(rows.map((r) => r.day.slice(0, 7)))].sort();
  const state = new Map(rows.map((r) => [`${r.region} ${r.day}`, r.coverage]));
  const width = Math.max(...regions.map((r) => shown(r).length));
  const ruler = Array.from({ length: 31 }, (_, i) => ((i + 1) % 10 === 0 ? String((i + 1) / 10) : (i + 1) % 5 === 0 ? "+" : "-")).join("");
  const lines = [`${" ".repeat(width)}  month    ${ruler}`];
  for (const region of regions) {
    for (const month of months) {
      const days = Array.from(
        { length: 31 },
        (_, i) => MARK[state.get(`${region} ${month}-${String(i + 1).padStart(2, "0")}`) ?? ""] ?? " ",
      );
      lines.push(`${shown(region).padEnd(width)}  ${month}  ${days.join("").trimEnd()}`);
    }
  }
  return codeBlock([...lines, "", "# complete   ~ partial   . missing"]);
}

export const dataCoveragePage: Page = (result) => {
  // Only the exceptions, in words, under a calendar of every region-day.
  const rows = savedRows(SAVED.data_coverage, result);
  const summary = coverageSummary(rows);
  const columns: Column<CoverageException>[] = [
    { label: "Day", cell: (e) => markdownText(e.day) },
    { label: "Region", cell: (e) => markdownText(e.region) },
    { label: "Coverage", cell: (e) => markdownText(e.coverage) },
    { label: "What is missing", cell: (e) => markdownText(e.detail, 400) },
  ];
  return {
    context: [],
    chart: `${coverageHeadline(summary)}.\n\n${coverageCalendar(rows)}`,
    tables: [table(summary.exceptions, columns, { empty: "Every region-day is complete." })],
  };
};
