import { defineSavedQuery } from "./query";
import { account, bytes, cost, iamPrincipal, principal, queries, rank } from "./shared-columns";
import { periodWindow, pricing } from "./windows";

export const topScanners = defineSavedQuery({
  name: "top_scanners",
  title: "Top scanners",
  description: "Principals ranked by what their queries cost.",
  parameters: (p, o) => ({ ...periodWindow(p), limit: o.limit, ...pricing(o) }),
  columns: [
    principal,
    account,
    iamPrincipal,
    { name: "principal_type", type: "varchar", nullable: true },
    queries,
    { name: "failed_or_cancelled", type: "bigint" },
    bytes,
    cost,
    { name: "largest_query_bytes", type: "bigint" },
    rank,
  ],
});
