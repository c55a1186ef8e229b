import { defineSavedQuery } from "./query";
import { account, bytes, cost, principal, rank } from "./shared-columns";
import { periodWindow, pricing } from "./windows";

export const heaviestQueries = defineSavedQuery({
  name: "heaviest_queries",
  title: "Heaviest queries",
  description: "The heaviest single run of each query shape, with how often the shape ran.",
  parameters: (p, o) => ({ ...periodWindow(p), limit: o.limit, ...pricing(o) }),
  // One row per query shape (cost_by_query_shape's): its heaviest run, then the shape's runs in the period.
  columns: [
    { name: "query_execution_id", type: "varchar", comment: "the shape's heaviest run" },
    { name: "event_time", type: "timestamp", nullable: true },
    principal,
    { name: "work_group", type: "varchar", nullable: true },
    { name: "database_name", type: "varchar", nullable: true },
    { name: "state", type: "varchar", nullable: true },
    bytes,
    { ...cost, nullable: true },
    { name: "total_execution_ms", type: "bigint", nullable: true },
    { name: "query_text", type: "varchar", nullable: true, comment: "the heaviest run's own text" },
    { name: "region", type: "varchar" },
    { ...account, nullable: true },
    { name: "shape_runs", type: "bigint", comment: "the shape's runs in the period, the heaviest included" },
    { name: "shape_data_scanned_bytes", type: "bigint", comment: "what the shape's runs scanned in all" },
    { name: "shape_cost_usd", type: "double", comment: "what the shape's runs cost in all, priced in the report's TB" },
    { ...rank, comment: "by the heaviest run's bytes" },
  ],
});
