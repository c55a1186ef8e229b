/**
 * The usage_by_account page: each account's cost and how whole its evidence is, with an expected
 * account from which nothing arrived, or one without a grants snapshot in the period, said in
 * words; and the index's line on accounts.
 */
import { SAVED, SavedRow, savedRows } from "../../queries/saved";
import { accountCell } from "./columns";
import { codeSpan, count, humanBytes, markdownText, usd } from "./format";
import { lacksGrants, lastGrantsWords } from "./grants-words";
import { Column, RIGHT, table } from "./table";
import type { Page } from "./types";

type AccountRow = SavedRow<typeof SAVED.usage_by_account>;

/** Each account whose evidence needs a word, in words (Markdown), in the rows' order. */
export function accountProblems(rows: readonly AccountRow[]): string[] {
  const listed = rows.some((r) => r.expected);
  return rows.flatMap((r) => {
    const id = codeSpan(r.account_id);
    const notListed =
      listed && !r.expected && r.account_id !== "(unknown)"
        ? [`${id} is not among the expected accounts: its collectors write, but the main stack's \`memberAccounts\` does not list it.`]
        : [];
    const noGrants = `no grants snapshot in the period (${lastGrantsWords(r)})`;
    const lastGrants = r.earlier_grants_day === null ? "" : ` (the last is of ${markdownText(r.earlier_grants_day)})`;
    switch (r.evidence) {
      case "nothing arrived":
        return [
          `${id}${r.expected ? " is expected, but" : ""} sent nothing in the period: no history, no CloudTrail start and no grants ` +
            `snapshot${lastGrants}. Its collector stack is not deployed or cannot write to the audit bucket ` +
            "(docs/getting-started.md, member accounts).",
        ];
      case "no history":
        return [
          `${id}: CloudTrail saw ${count(r.without_history)} ${r.without_history === 1 ? "query" : "queries"} start, but no ` +
            `history arrived: its history collector is not deployed or fails. Their cost and bytes are unknown.` +
            (lacksGrants(r)
              ? ` Nor has it a grants snapshot in the period (${lastGrantsWords(r)}), so its permission gaps are not computed.`
              : ""),
        ];
      case "no grants snapshot":
        return [
          `${id}: ${noGrants}: its grants collector is not deployed (\`collectGrants\`) or fails, so its permission gaps are ` +
            `not computed.`,
          ...notListed,
        ];
      default:
        return notListed;
    }
  });
}

const EVIDENCE: Record<string, string> = {
  complete: "complete",
  partial: "partial",
  "no history": "**no history**",
  "nothing arrived": "**nothing arrived**",
  "no grants snapshot": "**no grants snapshot**",
  "no queries": "no queries",
};

/** An evidence verdict in words; one the query does not declare, as it is. */
const evidenceWords = (evidence: string) => EVIDENCE[evidence] ?? markdownText(evidence);

/** The Evidence cell: the row's verdict, and what it outranks that still holds (a missing snapshot, partial queries). */
function evidenceCell(r: AccountRow): string {
  const cells = [evidenceWords(r.evidence)];
  if (r.evidence === "no history" && lacksGrants(r)) cells.push(evidenceWords("no grants snapshot"));
  if (r.evidence === "no grants snapshot" && (r.unattributed > 0 || r.without_history > 0)) cells.push(evidenceWords("partial"));
  return cells.join(", ");
}

/** The Grants snapshot cell: the period's, or none with the last before it. */
function grantsCell(r: AccountRow): string {
  if (r.grants_day !== null) return markdownText(r.grants_day);
  return r.earlier_grants_day === null ? "none" : `none (last ${markdownText(r.earlier_grants_day)})`;
}

export const usageByAccountPage: Page = (result) => {
  const rows = savedRows(SAVED.usage_by_account, result);
  type R = (typeof rows)[number];
  // "(not listed)" only when the deployment lists its accounts at all.
  const listed = rows.some((r) => r.expected);
  const history = (r: R) => (r.queries === 0 ? "" : `${count(r.with_history)} of ${count(r.queries)}`);
  const columns: Column<R>[] = [
    { label: "Account", cell: (r) => accountCell(r.account_id) + (r.expected || !listed ? "" : " (not listed)") },
    { label: "Cost", right: RIGHT, cell: (r) => usd(r.cost_usd) },
    { label: "Scanned", right: RIGHT, cell: (r) => humanBytes(r.data_scanned_bytes) },
    { label: "Queries with history", right: RIGHT, cell: history },
    { label: "Principals", right: RIGHT, cell: (r) => count(r.principals) },
    { label: "Grants snapshot", cell: grantsCell },
    { label: "Evidence", cell: evidenceCell },
  ];
  const problems = accountProblems(rows);
  const notes = [
    "Queries with history: those the account's history collectors recorded, of all its queries (history or CloudTrail). " +
      "Partial: some queries lack history, or no witness named their principal (Data coverage has the days).",
    "Grants snapshot: the account's last in the period, the one Permission gaps judges; " +
      "without one, the account's permission gaps are not computed.",
  ];
  return {
    context: problems.length === 0 ? [] : problems,
    tables: [table(rows, columns, { notes, empty: "No account sent anything in this period." })],
  };
};

/** The index's line on accounts: said when the audit spans several, or when one needs a word. */
export function accountsLine(rows: readonly AccountRow[], page: string): string | undefined {
  const problems = accountProblems(rows);
  if (rows.length <= 1 && problems.length === 0) return undefined;
  const total = rows.reduce((sum, r) => sum + r.cost_usd, 0);
  const shares = rows.map((r) => {
    const share = total > 0 ? ` ${((r.cost_usd / total) * 100).toFixed(1)}%` : "";
    return `${codeSpan(r.account_id)}${share} (${usd(r.cost_usd)})`;
  });
  const words = problems.length === 0 ? "" : `. ${problems.map((p) => p.replace(/\.$/, "")).join(". ")}`;
  return `**Accounts**: ${rows.length}: ${shares.join(", ")}${words} (${page})`;
}
