/** The checks of the hostile-input tests: what a page, an issue or a title must not have become. */
import { Value } from "../../queries/engine";
import { QueryOutcome } from "../../reports/pages/types";
import { htmlViolations, INVISIBLE_IN_OUTPUT, renderGfm, structure } from "./gfm";

const PAGE_LINKS = [/^[a-z_]+\.md$/];

/** Every string from the data in the results replaced by `value` (ARNs keep their account and type); days and enum-like columns kept. */
export function withValue(outcomes: readonly QueryOutcome[], value: string): QueryOutcome[] {
  return outcomes.map((o) => {
    const enumLike = new Set(
      o.result.columns
        .map((c) => c.name)
        .filter((name) => {
          const values = new Set(o.result.rows.map((r) => r[name]).filter((v): v is string => typeof v === "string"));
          return values.size <= 8 && [...values].every((v) => /^[A-Za-z_.-]{1,24}$/.test(v));
        }),
    );
    const swap = (v: Value): Value => {
      if (typeof v !== "string" || /^\d{4}-\d{2}-\d{2}/.test(v)) return v;
      return v.startsWith("arn:") ? v.replace(/[^/:]*$/, value) : value;
    };
    const rows = o.result.rows.map((row) =>
      Object.fromEntries(
        Object.entries(row).map(([k, v]) => [k, enumLike.has(k) ? v : Array.isArray(v) ? (v as Value[]).map(swap) : swap(v)]),
      ),
    );
    return { ...o, result: { ...o.result, rows } } as QueryOutcome;
  });
}

/** The rendered Markdown's problems, and whether its elements differ from an honest value's. */
export function markdownProblems(hostile: string, benign: string, links: readonly RegExp[] = PAGE_LINKS): string[] {
  const problems = INVISIBLE_IN_OUTPUT.test(hostile) ? ["an invisible character in the Markdown"] : [];
  if (/(.)\1{2000,}/.test(hostile)) problems.push("a value printed past any cap");
  const html = renderGfm(hostile);
  problems.push(...htmlViolations(html, links));
  if (structure(html).join(" ") !== structure(renderGfm(benign)).join(" ")) problems.push("elements differ from an honest value's");
  return problems;
}

/** A title is one line of at most 256 characters, with nothing GitHub would link or draw as code. */
export function titleProblems(title: string): string[] {
  const problems: string[] = [];
  if (/[\r\n]/.test(title)) problems.push("more than one line");
  if (Array.from(title).length > 256) problems.push("longer than GitHub allows");
  if (/(^|\W)(#|GH-)\d/i.test(title)) problems.push("an issue reference");
  if (title.includes("`")) problems.push("a code span");
  if (INVISIBLE_IN_OUTPUT.test(title)) problems.push("an invisible character");
  return problems;
}
