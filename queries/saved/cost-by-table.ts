import { defineSavedQuery } from "./query";
import { account, bytes, cost, queries } from "./shared-columns";
import { periodWindow, pricing } from "./windows";

export const costByTable = defineSavedQuery({
  name: "cost_by_table",
  title: "Cost by table",
  description: "What reading each table cost; a query that read several tables is split evenly between them.",
  parameters: (p, o) => ({ ...periodWindow(p), limit: o.limit, ...pricing(o) }),
  columns: [
    {
      name: "table_name",
      type: "varchar",
      comment: "database.table; (no table) for queries that named none; (other tables) past the limit",
    },
    { ...account, comment: "the account whose catalog holds the table; (all) for (other tables)" },
    { ...cost, comment: "even share: a query that read n tables gives each 1/n of its cost; the rows add up to the period's cost" },
    { ...bytes, type: "double", comment: "even share, as the cost (fractional bytes)" },
    { ...queries, comment: "queries that read the table" },
    { name: "shared_queries", type: "bigint", comment: "of those, the ones that read other tables too (their cost split)" },
    { name: "principals", type: "bigint", comment: "distinct callers CloudTrail named; unattributed queries not counted" },
  ],
});
