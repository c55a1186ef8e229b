import { defineSavedQuery } from "./query";
import { principal, shortAndLong } from "./shared-columns";
import { pricedShortWindow } from "./windows";

export const usageByPrincipal = defineSavedQuery({
  name: "usage_by_principal",
  title: "Usage by principal",
  description: "Each principal's use over the short and the long window.",
  parameters: pricedShortWindow,
  columns: [principal, ...shortAndLong, { name: "last_active_day", type: "varchar" }],
});
