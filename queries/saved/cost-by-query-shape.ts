import { defineSavedQuery } from "./query";
import { bytes, cost } from "./shared-columns";
import { periodWindow, pricing } from "./windows";

export const costByQueryShape = defineSavedQuery({
  name: "cost_by_query_shape",
  title: "Cost by query shape",
  description: "Queries that differ only in their values, grouped: runs, bytes, cost, and what result reuse did and could have saved.",
  parameters: (p, o) => ({ ...periodWindow(p), limit: o.limit, ...pricing(o) }),
  columns: [
    {
      name: "query_shape",
      type: "varchar",
      comment: "lower-cased, comments dropped, literals masked ('?', ?), white space folded; (no query text), (other shapes)",
    },
    { name: "runs", type: "bigint" },
    { name: "principals", type: "bigint", comment: "distinct callers CloudTrail named; unattributed runs not counted" },
    bytes,
    { name: "bytes_per_run", type: "bigint", comment: "mean, rounded up" },
    cost,
    { name: "reused_runs", type: "bigint", comment: "runs Athena answered from an earlier result (reuse was on for them)" },
    {
      name: "repeat_runs",
      type: "bigint",
      comment: "billed runs that result reuse (60-minute maximum age) would have answered: same text, caller and context, within the hour",
    },
    { name: "repeat_cost_usd", type: "double", comment: "what the repeat runs were billed" },
  ],
});
