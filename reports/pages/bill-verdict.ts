/**
 * Whether the audit matches the invoice, in words: the bill_reconciliation rows summed up into a
 * verdict (which TB definition the bill fits, the days it does not, the days without a bill), and each
 * mismatching day's likely cause from what the rows show. Pure, shared by the page and the index
 * headline, so tests can pin every sentence.
 */
import { TB_DEFINITION_NAMES, TbDefinition } from "../../core/cost";
import { BILL_TOLERANCE, SAVED, SavedRow } from "../../queries/saved";
import { markdownText, usd } from "./format";

export type ReconciliationRow = SavedRow<typeof SAVED.bill_reconciliation>;

/** The TB definition the bill fits overall: `either` when every day is too small to tell, `mixed` when days disagree. */
export type BillFit = TbDefinition | "either" | "mixed";

export interface BillVerdict {
  /** Days with a bill. */
  billed: ReconciliationRow[];
  /** Days with events but no bill collected. */
  unbilled: ReconciliationRow[];
  /** Billed days no TB definition explains. */
  mismatches: ReconciliationRow[];
  /** Billed days some TB definition explains. */
  fitting: ReconciliationRow[];
  /** Undefined without a bill. */
  fit?: BillFit;
  estimated: string[];
}

/** The price a day's queries have with the TB the bill fits (the report's own when that is not one definition). */
export function expectedCost(row: ReconciliationRow, tb: TbDefinition): number {
  return tb === "decimal" ? row.decimal_cost_usd : row.binary_cost_usd;
}

/** What the bill carries beyond that price (negative: below it). */
export function unexplained(row: ReconciliationRow, tb: TbDefinition): number {
  return (row.billed_cost_usd ?? 0) - expectedCost(row, tb);
}

export function billVerdict(rows: readonly ReconciliationRow[]): BillVerdict {
  const billed = rows.filter((r) => r.billed_cost_usd !== null);
  const fitting = billed.filter((r) => r.mismatch !== true);
  const units = TB_DEFINITION_NAMES.filter((tb) => fitting.some((r) => r.tb_fit === tb));
  const fit: BillFit | undefined =
    fitting.length === 0 ? undefined : units.length === 0 ? "either" : units.length === 1 ? units[0] : "mixed";
  return {
    billed,
    unbilled: rows.filter((r) => r.billed_cost_usd === null),
    mismatches: billed.filter((r) => r.mismatch === true),
    fitting,
    fit,
    estimated: billed.filter((r) => r.estimated === true).map((r) => r.day),
  };
}

/** The unit a mismatch is measured against: the bill's when it fits one, else the report's. */
export function measuredTb(verdict: BillVerdict, reportTb: TbDefinition): TbDefinition {
  return verdict.fit === "binary" || verdict.fit === "decimal" ? verdict.fit : reportTb;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
/** `+$3.30`, `-$2.00`: a difference with its sign. */
export const signed = (amount: number) => `${amount < 0 ? "-" : "+"}${usd(Math.abs(amount))}`;

/** `2026-08-03 to 2026-08-05, 2026-08-09`: consecutive days as ranges. */
export function dayRanges(days: readonly string[]): string {
  const ranges: [string, string][] = [];
  for (const day of [...days].sort()) {
    const last = ranges.at(-1);
    const next = last && new Date(Date.parse(`${last[1]}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    if (last && next === day) last[1] = day;
    else ranges.push([day, day]);
  }
  return ranges.map(([from, to]) => markdownText(from === to ? from : `${from} to ${to}`)).join(", ");
}

/**
 * `2026-08-04 billed $10.91, the audit $7.66 (+$3.25)`, and what is left when the bill fits another TB
 * than the report's (`; +$2.52 at a decimal TB`).
 */
export function mismatchText(row: ReconciliationRow, measured: TbDefinition, reportTb: TbDefinition): string {
  const billed = row.billed_cost_usd ?? 0;
  const beyond = measured === reportTb ? "" : `; ${signed(unexplained(row, measured))} beyond its queries' price at a ${measured} TB`;
  const difference = signed(billed - row.audit_cost_usd);
  return `${markdownText(row.day)} billed ${usd(billed)}, the audit ${usd(row.audit_cost_usd)} (${difference}${beyond})`;
}

/** How many mismatching days a sentence names before it points at the table. */
const NAMED = 3;

/** The first sentence: how many billed days fit, and the days that do not. */
export function fitSentence(verdict: BillVerdict, reportTb: TbDefinition): string {
  const { billed, fitting, mismatches, fit } = verdict;
  const of =
    fitting.length === billed.length ? `all ${plural(billed.length, "billed day")}` : `${fitting.length} of ${billed.length} billed days`;
  const count = (tb: TbDefinition) => fitting.filter((r) => r.tb_fit === tb).length;
  const fits =
    fit === "binary" || fit === "decimal"
      ? `The bill fits a ${fit} TB on ${of}`
      : fit === "mixed"
        ? `The bill fits a binary TB on ${count("binary")} and a decimal TB on ${count("decimal")} of ${billed.length} billed days`
        : fit === "either"
          ? `The bill matches the audit within rounding on ${of}`
          : `The bill matches the audit on none of ${plural(billed.length, "billed day")}`;
  if (mismatches.length === 0) return `**${fits}.**`;
  const measured = measuredTb(verdict, reportTb);
  const named = mismatches
    .slice(0, NAMED)
    .map((r) => mismatchText(r, measured, reportTb))
    .join("; ");
  const more = mismatches.length > NAMED ? `; and ${mismatches.length - NAMED} more below` : "";
  const verb = mismatches.length === 1 ? "does" : "do";
  return `**${fits}; ${plural(mismatches.length, "day")} ${verb} not match**: ${named}${more}.`;
}

/** Which TB definition fits, and whether the report uses it; the setting that makes the next report use it when it does not. */
export function tbSentence(verdict: BillVerdict, reportTb: TbDefinition): string | undefined {
  const { fit, fitting } = verdict;
  if (fit === undefined) return undefined;
  if (fit === "either") return "Each billed day cost too little to tell a binary TB from a decimal one.";
  if (fit === "mixed") return "No one TB definition explains every day: the calendar shows which days fit which.";
  if (fit === reportTb) return `That is the TB definition this report's costs use.`;
  const audit = fitting.reduce((sum, r) => sum + r.audit_cost_usd, 0);
  const billed = fitting.reduce((sum, r) => sum + (r.billed_cost_usd ?? 0), 0);
  const gap =
    billed > 0 ? `${(Math.abs(1 - audit / billed) * 100).toFixed(1)}% ${audit < billed ? "under" : "over"} the bill` : "off the bill";
  // Reports price the events as they read them: a setting changes the next report, no day is joined again.
  return (
    `This report's costs use a ${reportTb} TB, so they run ${gap} on those days. To match the invoice, report with ` +
    `\`--tb ${fit}\` (on AWS, set the main stack's \`billingTb: ${fit}\` and its \`ATHENA_AUDIT_STACKS\` entry): ` +
    "the next report prices the whole period in it, without joining again."
  );
}

/** Days without a bill, and days Cost Explorer still estimates: never counted as mismatches. */
export function gapSentences(verdict: BillVerdict): string[] {
  const sentences: string[] = [];
  if (verdict.unbilled.length > 0) {
    const free = verdict.unbilled.some((r) => r.audit_cost_usd === 0) ? "; a day Athena billed nothing has no bill rows either" : "";
    sentences.push(
      `No bill collected for ${plural(verdict.unbilled.length, "day")} (${dayRanges(verdict.unbilled.map((r) => r.day))}): ` +
        `not compared${free}.`,
    );
  }
  if (verdict.estimated.length > 0) {
    const verb = verdict.estimated.length === 1 ? "its amount" : "their amounts";
    sentences.push(`Cost Explorer still estimates ${dayRanges(verdict.estimated)}: ${verb} may change.`);
  }
  return sentences;
}

/** What to do when there is no bill at all. */
export const NO_BILL =
  "**No bill collected for this period**, so nothing is compared. The billing collector is off by default: set " +
  "`athena-audit:collectBilling: true` in the main stack's Pulumi settings and run `pulumi up`. It then copies Cost Explorer's " +
  "daily cost of Athena into the billing table every day (the last 3 days each time, while Cost Explorer revises them), " +
  "and this page compares every day from then on.";

/** The verdict as the page's opening sentences. */
export function verdictSentences(verdict: BillVerdict, reportTb: TbDefinition): string[] {
  if (verdict.billed.length === 0) return [NO_BILL];
  return [fitSentence(verdict, reportTb), tbSentence(verdict, reportTb), ...gapSentences(verdict)].filter(
    (s): s is string => s !== undefined,
  );
}

/** Why a day may not match, as a short label and the note that explains it. */
export interface Cause {
  label: string;
  note: string;
}

const COVERAGE = "[Data coverage](data_coverage.md)";

/**
 * The likely cause of one mismatching day, from what the rows show: a day Cost Explorer still
 * estimates, a day without events, a neighbour off by the same amount the other way (a query across
 * midnight), a usage type no matching day has (a region the audit does not collect), or cost above
 * or below the audit's with no sign of which.
 */
export function likelyCause(row: ReconciliationRow, verdict: BillVerdict, tb: TbDefinition): Cause {
  if (row.estimated === true) {
    return { label: "still estimated", note: "Cost Explorer still estimates the day: compare it again once the amount is final." };
  }
  if (row.audit_cost_usd === 0) {
    return {
      label: "no events that day",
      note:
        `The audit has no billed query that day: its history was not collected or not joined (see ${COVERAGE}), ` +
        "or Athena ran only in regions the audit does not collect.",
    };
  }
  const extra = unexplained(row, tb);
  const neighbour = verdict.mismatches.find((m) => {
    const apart = Math.abs(Date.parse(`${m.day}T00:00:00Z`) - Date.parse(`${row.day}T00:00:00Z`));
    const offset = Math.abs(extra + unexplained(m, tb));
    return apart === 86_400_000 && Math.sign(unexplained(m, tb)) === -Math.sign(extra) && offset <= BILL_TOLERANCE.usd * 2;
  });
  if (neighbour) {
    return {
      label: `midnight (see ${markdownText(neighbour.day)})`,
      note:
        "A neighbouring day is off by the same amount the other way: a query that ran across midnight, billed on one day " +
        "while the audit files it on the day its CloudTrail record names. The two days together match.",
    };
  }
  const usual = new Set(verdict.fitting.flatMap((r) => usageTypes(r.billed_usage_types)));
  const unusual = usual.size === 0 ? [] : usageTypes(row.billed_usage_types).filter((u) => !usual.has(u));
  if (extra > 0 && unusual.length > 0) {
    return {
      label: `other region: ${unusual.map((u) => markdownText(u)).join(", ")}`,
      note:
        "Billed under a usage type no matching day has: its prefix names a region, and the audit does not collect that region. " +
        "The bill is account-wide; deploy a collector stack in that region to audit its queries.",
    };
  }
  if (extra > 0) {
    return {
      label: "cost the audit cannot see",
      note:
        "Billed more than the audit's queries cost: queries in a region or work group the audit does not collect (its own work " +
        "group included: the history collector skips it unless `SKIP_OWN_WORK_GROUP=false`), or history missing that day " +
        `(see ${COVERAGE}).`,
    };
  }
  return {
    label: "billed less",
    note:
      "Billed less than the audit's queries cost: a query billed on another day, an amount Cost Explorer has revised since, " +
      "or billing rules that differ from the audit's (core/cost.ts).",
  };
}

export function usageTypes(list: string | null): string[] {
  return (list ?? "")
    .split(",")
    .map((u) => u.trim())
    .filter((u) => u !== "");
}

/** The TB the report priced the audit's cost in, read back from its rows (it is one unit's price); undefined when nothing cost anything. */
export function auditTb(rows: readonly ReconciliationRow[]): TbDefinition | undefined {
  const costed = rows.filter((r) => r.audit_cost_usd > 0);
  const close = (a: number, b: number) => Math.abs(a - b) <= Math.max(a, b) * 1e-9;
  return TB_DEFINITION_NAMES.find((tb) => costed.length > 0 && costed.every((r) => close(r.audit_cost_usd, expectedCost(r, tb))));
}

/** The index headline's line on the bill, or undefined when there is none. `tb`: the TB the report prices in. */
export function billHeadline(rows: readonly ReconciliationRow[], tb: TbDefinition, link: string): string | undefined {
  const verdict = billVerdict(rows);
  if (verdict.billed.length === 0) return undefined;
  const { billed, fitting, mismatches, fit } = verdict;
  const of = `${fitting.length} of ${plural(billed.length, "billed day")}`;
  const fits =
    fit === tb || fit === "either"
      ? `matches the audit within rounding on ${of} (${tb} TB)`
      : fit === "binary" || fit === "decimal"
        ? `fits a ${fit} TB on ${of}, not the ${tb} TB of these reports: ` +
          `set \`--tb ${fit}\` (the stack's \`billingTb\`) for the next report`
        : fit === "mixed"
          ? `fits no one TB definition: binary on some days, decimal on others`
          : `matches the audit on none of ${plural(billed.length, "billed day")}`;
  const measured = measuredTb(verdict, tb);
  const days = mismatches.slice(0, NAMED).map((r) => `${markdownText(r.day)} (${signed(unexplained(r, measured))} unexplained)`);
  const more = mismatches.length > NAMED ? ` and ${mismatches.length - NAMED} more` : "";
  const verb = mismatches.length === 1 ? "does" : "do";
  const rest = mismatches.length === 0 ? "" : `; ${plural(mismatches.length, "day")} ${verb} not: ${days.join(", ")}${more}`;
  return `**The bill** ${fits}${rest} (${link})`;
}
