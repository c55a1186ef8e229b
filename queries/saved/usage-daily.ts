import { defineSavedQuery } from "./query";
import { bytes, cost, queries } from "./shared-columns";
import { pricedWindow } from "./windows";

export const usageDaily = defineSavedQuery({
  name: "usage_daily",
  title: "Usage over time",
  description: "Queries, principals, bytes and cost per day.",
  parameters: pricedWindow,
  columns: [
    { name: "day", type: "varchar" },
    queries,
    { name: "principals", type: "bigint" },
    { name: "failed_or_cancelled", type: "bigint" },
    bytes,
    cost,
  ],
});
