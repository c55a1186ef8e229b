import { defineSavedQuery } from "./query";
import { account, shortAndLong } from "./shared-columns";
import { pricedShortWindow } from "./windows";

export const usageByWorkgroup = defineSavedQuery({
  name: "usage_by_workgroup",
  title: "Usage by work group",
  description: "Each work group's use over the short and the long window.",
  parameters: pricedShortWindow,
  columns: [
    { name: "work_group", type: "varchar", comment: "or (unknown)" },
    account,
    ...shortAndLong,
    { name: "principals_long", type: "bigint" },
  ],
});
