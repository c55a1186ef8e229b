/**
 * The bill_reconciliation page: the verdict in words (reports/pages/bill-verdict.ts), a calendar of
 * every day, and a table of only the days that do not match, each with its likely cause, explained
 * once in the notes. Days without a bill are said to be so, never counted as mismatches.
 */
import { DEFAULT_TB, TbDefinition } from "../../core/cost";
import { BILL_TOLERANCE, SAVED, savedRows } from "../../queries/saved";
import { billVerdict, likelyCause, measuredTb, ReconciliationRow, signed, unexplained, usageTypes, verdictSentences } from "./bill-verdict";
import { Footnotes, markdownText, usd } from "./format";
import { Column, RIGHT, table } from "./table";
import type { Page } from "./types";

const TITLE = "Days that do not match";

/** The mark of a day in the calendar. */
function mark(row: ReconciliationRow, reportTb: TbDefinition): string {
  if (row.billed_cost_usd === null) return ".";
  if (row.mismatch === true) return "X";
  return row.tb_fit === reportTb || row.tb_fit === "either" ? "=" : "o";
}

/**
 * One line per month, one character per day, in a code block so the days line up on GitHub:
 * `=` matches this report's TB, `o` fits the other TB only, `X` does not match, `.` no bill.
 */
export function billCalendar(rows: readonly ReconciliationRow[], reportTb: TbDefinition): string | undefined {
  if (!rows.some((r) => r.billed_cost_usd !== null)) return undefined;
  const byDay = new Map(rows.map((r) => [r.day, mark(r, reportTb)]));
  const months = [...new Set(rows.map((r) => r.day.slice(0, 7)))].sort();
  const ruler = Array.from({ length: 31 }, (_, i) => ((i + 1) % 10 === 0 ? String((i + 1) / 10) : (i + 1) % 5 === 0 ? "+" : "-")).join("");
  const lines = [`month    ${ruler}`];
  for (const month of months) {
    const days = Array.from({ length: 31 }, (_, i) => byDay.get(`${month}-${String(i + 1).padStart(2, "0")}`) ?? " ");
    lines.push(`${month}  ${days.join("").trimEnd()}`);
  }
  const other = reportTb === "binary" ? "decimal" : "binary";
  const legend = `= matches this report's ${reportTb} TB   o fits a ${other} TB only   X does not match   . no bill`;
  return ["```text", ...lines, "", legend, "```"].join("\n");
}

export const billReconciliationPage: Page = (result, _period, options) => {
  const rows = savedRows(SAVED.bill_reconciliation, result);
  const reportTb = options.tb ?? DEFAULT_TB;
  const verdict = billVerdict(rows);
  const context = verdictSentences(verdict, reportTb);
  if (verdict.billed.length === 0) {
    return { context, tables: [table([], [], { title: TITLE, empty: "Nothing to compare: no bill collected." })] };
  }
  const measured = measuredTb(verdict, reportTb);
  const footnotes = new Footnotes();
  const cause = (r: ReconciliationRow) => {
    const c = likelyCause(r, verdict, measured);
    return `${c.label}${footnotes.mark(c.note)}`;
  };
  // When the bill fits another TB than the report's, the difference mixes the two units: what is left
  // at the bill's unit is the part no TB definition explains.
  const beyond = measured !== reportTb;
  const columns: Column<ReconciliationRow>[] = [
    { label: "Day", cell: (r) => markdownText(r.day) },
    { label: "Audit", right: RIGHT, cell: (r) => usd(r.audit_cost_usd) },
    { label: "Billed", right: RIGHT, cell: (r) => usd(r.billed_cost_usd) },
    { label: "Difference", right: RIGHT, cell: (r) => signed(r.difference_usd ?? 0) },
    { label: "Ratio", right: RIGHT, cell: (r) => (r.ratio === null ? "—" : r.ratio.toFixed(3)) },
    ...(beyond
      ? [{ label: `Unexplained (${measured} TB)`, right: RIGHT, cell: (r: ReconciliationRow) => signed(unexplained(r, measured)) }]
      : []),
    { label: "Likely cause", cell: cause },
  ];
  const built = table(verdict.mismatches, columns, { title: TITLE, empty: "Every billed day matches." });
  const regions = [...new Set(rows.flatMap((r) => (r.audit_regions ?? "").split(",").map((s) => s.trim())))].filter(Boolean).sort();
  const billedTypes = [...new Set(rows.flatMap((r) => usageTypes(r.billed_usage_types)))].sort();
  const tolerance = `${usd(BILL_TOLERANCE.usd)} + ${(BILL_TOLERANCE.ratio * 100).toFixed(1)}%`;
  const unbilled = rows.reduce((sum, r) => sum + r.unbilled_cost_usd, 0);
  built.notes = [
    ...footnotes.list(),
    // Cost Explorer answers for the billing collector's own account; the other accounts' queries are not in this bill.
    ...(unbilled > 0
      ? [
          `The bill is the billing collector's own account's: the other accounts' queries (${usd(unbilled)} in the period, ` +
            `Usage by account has them) are billed to them and not compared here.`,
        ]
      : []),
    ...(beyond ? [`Unexplained: the bill minus the day's queries priced with a ${measured} TB, the definition the other days fit.`] : []),
    `A day matches when its bill is within ${tolerance} of its billed queries priced with a binary or a decimal TB.`,
    `The bill is account-wide: every region and work group, the audit's own included. The audit's events cover ` +
      `${regions.length === 0 ? "no region" : markdownText(regions.join(", "), 400)}; the bill names ` +
      `${billedTypes.length === 0 ? "no usage type" : markdownText(billedTypes.join(", "), 400)}.`,
  ];
  return { context, chart: billCalendar(rows, reportTb), tables: [built] };
};
