import { defineSavedQuery } from "./query";
import { account, bytes, cost, queries } from "./shared-columns";
import { grantsWindow, pricing } from "./windows";

export const usageByAccount = defineSavedQuery({
  name: "usage_by_account",
  title: "Usage by account",
  description: "Each account of the organization: what its queries cost, who ran them, and how whole its evidence is.",
  parameters: (p, o) => ({ ...grantsWindow(p, o), expected_accounts: o.expectedAccounts.join(","), ...pricing(o) }),
  columns: [
    account,
    cost,
    bytes,
    queries,
    { name: "principals", type: "bigint", comment: "IAM users and roles a witness named" },
    { name: "work_groups", type: "bigint" },
    { name: "regions", type: "bigint" },
    { name: "with_history", type: "bigint", comment: "queries the account's history collectors recorded" },
    { name: "unattributed", type: "bigint", comment: "queries in history no witness names" },
    { name: "without_history", type: "bigint", comment: "CloudTrail starts with no history: the account's collector missed them" },
    { name: "history_days", type: "bigint", comment: "days with history in the period" },
    { name: "last_history_day", type: "varchar", nullable: true },
    {
      name: "grants_day",
      type: "varchar",
      nullable: true,
      comment: "the account's last grants snapshot in the period (the one permission_gaps judges); null: none in it",
    },
    {
      name: "earlier_grants_day",
      type: "varchar",
      nullable: true,
      comment:
        "its last grants snapshot before the period, from earlier_grants_from on: when grants_day is null, " +
        "the collector has written none since",
    },
    {
      name: "earlier_grants_from",
      type: "varchar",
      comment: "the grants lookback's first day, grantsLookbackDays before the period: a null earlier_grants_day means none from then on",
    },
    { name: "granted_principals", type: "bigint", comment: "principals in the period's snapshot" },
    { name: "expected", type: "boolean", comment: "the deployment lists the account (expectedAccounts)" },
    {
      name: "evidence",
      type: "varchar",
      values: ["complete", "partial", "no history", "nothing arrived", "no grants snapshot", "no queries"],
      comment:
        "no history: CloudTrail saw queries but no history arrived; nothing arrived: neither queries nor grants; " +
        "no grants snapshot: queries but no grants snapshot in the period (its permission gaps are not computed); " +
        "partial: some queries lack history or a witness; no queries: grants but no query in the period",
    },
  ],
});
