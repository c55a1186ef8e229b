import { defineSavedQuery } from "./query";
import { account, bytes, cost, principal, rank } from "./shared-columns";
import { periodWindow, pricing } from "./windows";

export const heaviestQueries = defineSavedQuery({
  name: "heaviest_queries",
  title: "Heaviest queries",
  description: "The single queries that scanned the most.",
  parameters: (p, o) => ({ ...periodWindow(p), limit: o.limit, ...pricing(o) }),
  columns: [
    { name: "query_execution_id", type: "varchar" },
    { name: "event_time", type: "timestamp", nullable: true },
    principal,
    { name: "work_group", type: "varchar", nullable: true },
    { name: "database_name", type: "varchar", nullable: true },
    { name: "state", type: "varchar", nullable: true },
    bytes,
    { ...cost, nullable: true },
    { name: "total_execution_ms", type: "bigint", nullable: true },
    { name: "query_text", type: "varchar", nullable: true },
    { name: "region", type: "varchar" },
    { ...account, nullable: true },
    rank,
  ],
});
