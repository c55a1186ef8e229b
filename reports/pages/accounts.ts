/**
 * Accounts on the pages: the usage_by_account page (each account's cost and how whole its
 * evidence is, with an expected account from which nothing arrived said in words), the index's
 * accounts line, and the Account column other pages add only when their rows span accounts (a
 * single-account audit sees no change).
 */
import { SAVED } from "../../queries/saved";
import { SavedRow, savedRows } from "../../queries/saved-columns";
import { codeSpan, count, humanBytes, markdownText, usd } from "./format";
import type { Plan } from "./plans";
import { Column, RIGHT, table } from "./table";

type AccountRow = SavedRow<typeof SAVED.usage_by_account>;

/** An account id as code: an id, not a number to read (`(unknown)` and `(all)` as words). */
function accountCell(account: string | null): string {
  return account === null ? "" : account.startsWith("(") ? markdownText(account) : codeSpan(account);
}

/** The Account column, or none when every row is of one account. */
export function accountColumn<R>(rows: readonly R[], account: (row: R) => string | null): Column<R>[] {
  const accounts = new Set(rows.map(account).filter((a) => a !== null && a !== "(all)"));
  return accounts.size > 1 ? [{ label: "Account", cell: (r) => accountCell(account(r)) }] : [];
}

/** Each account whose evidence needs a word, in words (Markdown), in the rows' order. */
export function accountProblems(rows: readonly AccountRow[]): string[] {
  const listed = rows.some((r) => r.expected);
  return rows.flatMap((r) => {
    const id = `\`${r.account_id}\``;
    switch (r.evidence) {
      case "nothing arrived":
        return [
          `${id}${r.expected ? " is expected, but" : ""} sent nothing in the period: no history, no CloudTrail start and no grants ` +
            `snapshot. Its collector stack is not deployed or cannot write to the audit bucket (README, member accounts).`,
        ];
      case "no history":
        return [
          `${id}: CloudTrail saw ${count(r.without_history)} ${r.without_history === 1 ? "query" : "queries"} start, but no ` +
            `history arrived: its history collector is not deployed or fails. Their cost and bytes are unknown.`,
        ];
      default:
        return listed && !r.expected && r.account_id !== "(unknown)"
          ? [`${id} is not among the expected accounts: its collectors write, but the main stack's \`memberAccounts\` does not list it.`]
          : [];
    }
  });
}

const EVIDENCE: Record<string, string> = {
  complete: "complete",
  partial: "partial",
  "no history": "**no history**",
  "nothing arrived": "**nothing arrived**",
  "no queries": "no queries",
};

export const accountsPlan: Plan = (result) => {
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
    { label: "Grants snapshot", cell: (r) => markdownText(r.grants_day ?? "none") },
    { label: "Evidence", cell: (r) => EVIDENCE[r.evidence] ?? markdownText(r.evidence) },
  ];
  const problems = accountProblems(rows);
  const notes = [
    "Queries with history: those the account's history collectors recorded, of all its queries (history or CloudTrail). " +
      "Partial: some queries lack history, or no witness named their principal (Data coverage has the days).",
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
    return `\`${r.account_id}\`${share} (${usd(r.cost_usd)})`;
  });
  const words = problems.length === 0 ? "" : `. ${problems.map((p) => p.replace(/\.$/, "")).join(". ")}`;
  return `**Accounts**: ${rows.length}: ${shares.join(", ")}${words} (${page})`;
}
