/**
 * Whether an account's grants were judged in the period, in words: the accounts page, the
 * permission gaps page and the index's line on them all say it the same way.
 */
import { SAVED, SavedRow } from "../../queries/saved";
import { markdownText } from "./format";

type AccountRow = SavedRow<typeof SAVED.usage_by_account>;

/**
 * The accounts whose permission gaps are not computed: no grants snapshot of theirs is in the period
 * (permission_gaps reads none older). `(unknown)`, queries without an account id, is nobody's to snapshot.
 */
export function lacksGrants(row: AccountRow): boolean {
  return row.grants_day === null && row.account_id !== "(unknown)";
}

/** Since when an account without a grants snapshot in the period has had none, in words. */
export function lastGrantsWords(row: AccountRow): string {
  return row.earlier_grants_day === null
    ? "none before the period either"
    : `the last before the period is of ${markdownText(row.earlier_grants_day)}`;
}
