/** What the failed_and_cancelled query must return, worked out from the generator's ledger alone. */
import { LedgerEntry } from "../../generator/ledger";

export interface UnfinishedGroup {
  state: string;
  errorCategory: string | null;
  errorType: number | null;
  principal: string;
  queries: number;
  bytes: number;
  cost: number;
  engineMs: number;
  totalMs: number;
  example: string | null;
}

/** Athena's ErrorCategory codes, as the page names them. */
const CATEGORY: Record<number, string> = { 1: "system", 2: "user", 3: "other" };

export function unfinishedKey(g: Pick<UnfinishedGroup, "state" | "errorCategory" | "errorType" | "principal">): string {
  return `${g.state} ${g.errorCategory ?? "-"} ${g.errorType ?? "-"} ${g.principal}`;
}

/** The failed and cancelled queries grouped by state, error category and type, and principal. */
export function unfinishedFromLedger(entries: readonly LedgerEntry[]): Map<string, UnfinishedGroup> {
  const groups = new Map<string, UnfinishedGroup>();
  for (const q of entries.filter((e) => e.state === "FAILED" || e.state === "CANCELLED")) {
    const head = {
      state: q.state,
      errorCategory: q.errorCategory === null ? null : (CATEGORY[q.errorCategory] ?? String(q.errorCategory)),
      errorType: q.errorType,
      principal: q.principalArn ?? "(unattributed)",
    };
    const key = unfinishedKey(head);
    const g = groups.get(key) ?? { ...head, queries: 0, bytes: 0, cost: 0, engineMs: 0, totalMs: 0, example: null };
    g.queries++;
    g.bytes += q.bytes;
    g.cost += q.costUsd;
    g.engineMs += q.engineMs;
    g.totalMs += q.totalMs;
    if (q.errorMessage !== null && (g.example === null || q.errorMessage < g.example)) g.example = q.errorMessage;
    groups.set(key, g);
  }
  return groups;
}
