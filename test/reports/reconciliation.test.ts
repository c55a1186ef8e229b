/**
 * The reconciliation page and the index headline's line on the bill, from hand-made
 * bill_reconciliation rows whose verdicts are worked out by hand: a month that matches but for one
 * day, days without a bill and days still estimated; a bill in decimal TB against a binary report;
 * each likely cause; and no bill at all.
 */
import { describe, expect, it } from "vitest";
import { QueryResult } from "../../queries/engine";
import { addDays, daysBetween } from "../../core/days";
import { Period, SAVED } from "../../queries/saved";
import { ReconciliationRow } from "../../reports/pages/bill-verdict";
import { indexModel, pageModel } from "../../reports/pages/model";
import { renderReports } from "../../reports/publish";
import { at } from "../support/defined";

/** 2^40 / 10^12: a decimal TB's price over a binary TB's for the same bytes. */
const DECIMAL = 1.099511627776;

/** A day as the query returns it for a binary-TB audit: the audit's cost is the binary price. */
function day(date: string, audit: number, billed: number | null, more: Partial<ReconciliationRow> = {}): ReconciliationRow {
  return {
    day: date,
    audit_cost_usd: audit,
    billed_cost_usd: billed,
    difference_usd: billed === null ? null : billed - audit,
    ratio: billed === null || audit === 0 ? null : billed / audit,
    binary_cost_usd: audit,
    decimal_cost_usd: audit * DECIMAL,
    tb_fit: billed === null ? null : "binary",
    mismatch: billed === null ? null : false,
    estimated: billed === null ? null : false,
    audit_regions: audit === 0 ? null : "eu-west-1, us-east-1",
    billed_usage_types: billed === null ? null : "EU-DataScannedInTB, USE1-DataScannedInTB",
    unbilled_cost_usd: 0,
    ...more,
  };
}

const result = (rows: readonly ReconciliationRow[]): QueryResult => ({
  columns: SAVED.bill_reconciliation.columns.map((c) => ({ name: c.name, type: c.type })),
  rows: rows.map((r) => ({ ...r })),
  bytesScanned: 0,
});

const SEPTEMBER: Period = { from: "2026-09-01", to: "2026-09-30" };

/** September at $10 a day, billed alike; the 14th billed $12.40 against $9.10; no bill on the 20th-22nd; the last two estimated. */
function september(): ReconciliationRow[] {
  return daysBetween(SEPTEMBER.from, SEPTEMBER.to).map((d) => {
    if (d === "2026-09-14") return day(d, 9.1, 12.4, { tb_fit: "neither", mismatch: true });
    if (d >= "2026-09-20" && d <= "2026-09-22") return day(d, 10, null);
    return day(d, 10, 10, { estimated: d >= "2026-09-29" });
  });
}

const page = (rows: readonly ReconciliationRow[], tb: "binary" | "decimal" = "binary", period = SEPTEMBER) =>
  pageModel({ query: SAVED.bill_reconciliation, result: result(rows) }, period, { redact: true, tb });

const billLine = (rows: readonly ReconciliationRow[], period = SEPTEMBER) =>
  indexModel([{ query: SAVED.bill_reconciliation, result: result(rows) }], period, "test").headline.lines.find((l) =>
    l.startsWith("**The bill**"),
  );

describe("reconciliation page", () => {
  it("states the verdict, the TB, the days without a bill and the estimated ones, and lists only the day that does not match", () => {
    const model = page(september());
    expect(model.context).toEqual([
      "**The bill fits a binary TB on 26 of 27 billed days; 1 day does not match**: 2026-09-14 billed $12.40, the audit $9.10 (+$3.30).",
      "That is the TB definition this report's costs use.",
      "No bill collected for 3 days (2026-09-20 to 2026-09-22): not compared.",
      "Cost Explorer still estimates 2026-09-29 to 2026-09-30: their amounts may change.",
    ]);
    const table = at(model.tables, 0, "the table");
    expect(table.headers).toEqual(["Day", "Audit", "Billed", "Difference", "Ratio", "Likely cause"]);
    expect(table.rules).toEqual(["---", "---:", "---:", "---:", "---:", "---"]);
    expect(table.rows).toEqual([["2026-09-14", "$9.10", "$12.40", "+$3.30", "1.363", "cost the audit cannot see¹"]]);
    expect(table.notes[0]).toMatch(/^¹ Billed more than the audit's queries cost: .*\[Data coverage\]\(data_coverage\.md\)/);
    expect(table.notes).toContain(
      "The bill is account-wide: every region and work group, the audit's own included. The audit's events cover " +
        "eu-west-1, us-east-1; the bill names EU-DataScannedInTB, USE1-DataScannedInTB.",
    );
    // One mark a day: 13 matching, the 14th, 5 matching, 3 without a bill, 8 matching.
    expect(model.chart).toContain(`2026-09  ${"=".repeat(13)}X${"=".repeat(5)}...${"=".repeat(8)}\n`);
  });

  it("renders as Markdown with the verdict under the title and the table of mismatches", () => {
    const rendered = renderReports([{ query: SAVED.bill_reconciliation, result: result(september()) }], SEPTEMBER, "test").find(
      (r) => r.file === "bill_reconciliation.md",
    )!.content;
    expect(rendered).toContain("Period: 2026-09-01 to 2026-09-30. **The bill fits a binary TB on 26 of 27 billed days;");
    expect(rendered).toContain("| 2026-09-14 | $9.10 | $12.40 | +$3.30 | 1.363 | cost the audit cannot see¹ |");
  });

  it("says the headline: matches within rounding on 26 of 27 billed days, and the day that does not", () => {
    expect(billLine(september())).toBe(
      "**The bill** matches the audit within rounding on 26 of 27 billed days (binary TB); 1 day does not: " +
        "2026-09-14 (+$3.30 unexplained) ([Reconciliation with the bill](bill_reconciliation.md))",
    );
  });

  it("says a bill in decimal TB fits decimal, how far under the binary report is, and what to rerun; the rest is unexplained", () => {
    // Three days billed at the decimal price of $10 of binary-priced queries; the 2nd also $2.50 in ap-southeast-2.
    const rows = ["2026-10-01", "2026-10-02", "2026-10-03"].map((d) =>
      d === "2026-10-02"
        ? day(d, 10, 10 * DECIMAL + 2.5, {
            tb_fit: "neither",
            mismatch: true,
            billed_usage_types: "APS2-DataScannedInTB, EU-DataScannedInTB, USE1-DataScannedInTB",
          })
        : day(d, 10, 10 * DECIMAL, { tb_fit: "decimal" }),
    );
    const october = { from: "2026-10-01", to: "2026-10-03" };
    const model = page(rows, "binary", october);
    // 10 * 1.0995 + 2.50 = $13.50 billed; +$3.50 on the audit's $10; +$2.50 beyond the decimal price.
    expect(model.context[0]).toBe(
      "**The bill fits a decimal TB on 2 of 3 billed days; 1 day does not match**: 2026-10-02 billed $13.50, the audit $10.00 " +
        "(+$3.50; +$2.50 beyond its queries' price at a decimal TB).",
    );
    // 1 - 10^12 / 2^40 = 9.05%.
    expect(model.context[1]).toBe(
      "This report's costs use a binary TB, so they run 9.1% under the bill on those days. To match the invoice, report with " +
        "`--tb decimal` (on AWS, set the main stack's `billingTb: decimal` and its `ATHENA_AUDIT_STACKS` entry): the next report " +
        "prices the whole period in it, without joining again.",
    );
    const table = at(model.tables, 0, "the table");
    expect(table.headers).toEqual(["Day", "Audit", "Billed", "Difference", "Ratio", "Unexplained (decimal TB)", "Likely cause"]);
    expect(table.rows).toEqual([["2026-10-02", "$10.00", "$13.50", "+$3.50", "1.350", "+$2.50", "other region: APS2-DataScannedInTB¹"]]);
    expect(model.chart).toContain("2026-10  oXo\n");
    expect(billLine(rows, october)).toBe(
      "**The bill** fits a decimal TB on 2 of 3 billed days, not the binary TB of these reports: set `--tb decimal` " +
        "(the stack's `billingTb`) for the next report; " +
        "1 day does not: 2026-10-02 (+$2.50 unexplained) ([Reconciliation with the bill](bill_reconciliation.md))",
    );
    // The same bill against a decimal report: the TB is the report's, so no unexplained column and nothing to change.
    const decimalRows = rows.map((r) => ({ ...r, audit_cost_usd: r.decimal_cost_usd }));
    expect(page(decimalRows, "decimal", october).context[1]).toBe("That is the TB definition this report's costs use.");
    expect(billLine(decimalRows, october)).toContain("matches the audit within rounding on 2 of 3 billed days (decimal TB)");
  });

  it("names each likely cause: still estimated, no events, a query across midnight, billed less", () => {
    const rows = [
      day("2026-09-01", 10, 10),
      day("2026-09-02", 10, 12, { tb_fit: "neither", mismatch: true }),
      day("2026-09-03", 10, 8, { tb_fit: "neither", mismatch: true }),
      day("2026-09-05", 0, 4, { tb_fit: "neither", mismatch: true }),
      day("2026-09-07", 10, 7, { tb_fit: "neither", mismatch: true }),
      day("2026-09-09", 10, 3, { tb_fit: "neither", mismatch: true, estimated: true }),
    ];
    const model = page(rows, "binary", { from: "2026-09-01", to: "2026-09-09" });
    expect(at(model.tables, 0, "the table").rows.map((r) => [r[0], r.at(-1)])).toEqual([
      ["2026-09-02", "midnight (see 2026-09-03)¹"],
      ["2026-09-03", "midnight (see 2026-09-02)¹"],
      ["2026-09-05", "no events that day²"],
      ["2026-09-07", "billed less³"],
      ["2026-09-09", "still estimated⁴"],
    ]);
    expect(at(model.tables, 0, "the table").rows.find((r) => r[0] === "2026-09-05")?.[4]).toBe("—");
    expect(model.context[0]).toBe(
      "**The bill fits a binary TB on 1 of 6 billed days; 5 days do not match**: 2026-09-02 billed $12.00, the audit $10.00 (+$2.00); " +
        "2026-09-03 billed $8.00, the audit $10.00 (-$2.00); 2026-09-05 billed $4.00, the audit $0.00 (+$4.00); and 2 more below.",
    );
  });

  it("with no bill at all, says the collector is off and how to turn it on, and never calls a day a mismatch", () => {
    for (const rows of [[], daysBetween(SEPTEMBER.from, addDays(SEPTEMBER.from, 4)).map((d) => day(d, 10, null))]) {
      const model = page(rows);
      expect(model.context).toEqual([
        "**No bill collected for this period**, so nothing is compared. The billing collector is off by default: set " +
          "`athena-audit:collectBilling: true` in the main stack's Pulumi settings and run `pulumi up`. It then copies Cost " +
          "Explorer's daily cost of Athena into the billing table every day (the last 3 days each time, while Cost Explorer " +
          "revises them), and this page compares every day from then on.",
      ]);
      expect(model.tables[0]).toMatchObject({ rows: [], empty: "Nothing to compare: no bill collected." });
      expect(model.chart).toBeUndefined();
      expect(billLine(rows)).toBeUndefined();
    }
  });

  it("says what other accounts' queries cost apart from the bill, and only when they cost something", () => {
    const rows = [day("2026-09-01", 10, 10, { unbilled_cost_usd: 1.25 }), day("2026-09-02", 10, 10, { unbilled_cost_usd: 2 })];
    expect(at(page(rows).tables, 0, "the table").notes).toContain(
      "The bill is the billing collector's own account's: the other accounts' queries ($3.25 in the period, " +
        "Usage by account has them) are billed to them and not compared here.",
    );
    expect(at(page([day("2026-09-01", 10, 10)]).tables, 0, "the table").notes.join(" ")).not.toMatch(/other accounts/);
  });

  it("shows a day without a bill and without cost as possibly billed nothing", () => {
    const rows = [day("2026-09-01", 10, 10), day("2026-09-02", 0, null), day("2026-09-03", 10, 10)];
    expect(page(rows, "binary", { from: "2026-09-01", to: "2026-09-03" }).context).toEqual([
      "**The bill fits a binary TB on all 2 billed days.**",
      "That is the TB definition this report's costs use.",
      "No bill collected for 1 day (2026-09-02): not compared; a day Athena billed nothing has no bill rows either.",
    ]);
  });
});
