import { defineSavedQuery } from "./query";
import { account, bytes, cost, principal, queries, rank } from "./shared-columns";
import { periodWindow, previousPeriod, pricing } from "./windows";

/** How many of a principal's sessions the page lists beneath it, the costliest first; the rest are summed. */
export const SESSIONS_PER_PRINCIPAL = 5;

export const topScanners = defineSavedQuery({
  name: "top_scanners",
  title: "Top scanners",
  description:
    "The IAM users and roles ranked by what their queries cost, against the previous period, with the sessions behind each role.",
  parameters: (p, o) => ({
    previous_from: previousPeriod(p).from,
    ...periodWindow(p),
    limit: o.limit,
    session_limit: SESSIONS_PER_PRINCIPAL,
    ...pricing(o),
  }),
  columns: [
    { name: "iam_principal_arn", type: "varchar", comment: "the IAM user or role (a role's sessions together), or (unattributed)" },
    { ...principal, comment: "the session: the caller ARN (an IAM user's own ARN), or (unattributed)" },
    account,
    { name: "principal_type", type: "varchar", nullable: true },
    { ...queries, comment: "the session's, in the period" },
    { ...bytes, comment: "the session's, in the period" },
    { ...cost, comment: "the session's, in the period" },
    { name: "previous_queries", type: "bigint", comment: "the session's, in the previous period" },
    { name: "previous_cost_usd", type: "double", comment: "the session's, in the previous period" },
    { name: "first_active_day", type: "varchar", comment: "the session's first day with events in the two periods" },
    { name: "principal_cost_usd", type: "double", comment: "the IAM principal's, in the period" },
    { name: "principal_data_scanned_bytes", type: "bigint", comment: "the IAM principal's, in the period" },
    { name: "principal_queries", type: "bigint", comment: "the IAM principal's, in the period" },
    { name: "principal_previous_cost_usd", type: "double", comment: "the IAM principal's, in the previous period" },
    { name: "principal_previous_queries", type: "bigint", comment: "the IAM principal's, in the previous period" },
    { name: "session_count", type: "bigint", comment: "the IAM principal's sessions with queries in the period" },
    { name: "session_rank", type: "bigint", comment: "the session's place under its principal, the costliest first" },
    { name: "total_queries", type: "bigint", comment: "every principal's, in the period" },
    { name: "total_cost_usd", type: "double", comment: "every principal's, in the period" },
    { name: "total_previous_queries", type: "bigint", comment: "every principal's, in the previous period" },
    { name: "total_previous_cost_usd", type: "double", comment: "every principal's, in the previous period" },
    { name: "total_sessions", type: "bigint", comment: "attributed sessions with queries in the period" },
    { name: "evidence_from", type: "varchar", comment: "the first day with events in the two periods: where a comparison can start" },
    { ...rank, comment: "the IAM principal's rank by cost" },
    { name: "total_principals", type: "bigint", comment: "attributed IAM principals with queries in the period" },
  ],
});
