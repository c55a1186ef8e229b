import { addDays, daysBetween } from "../../core/days";
import { defineSavedQuery } from "./query";
import { cost, queries } from "./shared-columns";
import { periodWindow, pricing } from "./windows";

export const periodChange = defineSavedQuery({
  name: "period_change",
  title: "Change on the previous period",
  description: "Each IAM user's and role's queries and cost in the period and in the previous period of the same length.",
  // The previous period: as many days as the period, just before it.
  parameters: (p, o) => ({ previous_from: addDays(p.from, -daysBetween(p.from, p.to).length), ...periodWindow(p), ...pricing(o) }),
  columns: [
    { name: "iam_principal_arn", type: "varchar", comment: "the IAM user or role (a role's sessions together), or (unattributed)" },
    { ...queries, comment: "in the period" },
    { ...cost, comment: "in the period" },
    { name: "previous_queries", type: "bigint", comment: "in the previous period" },
    { name: "previous_cost_usd", type: "double", comment: "in the previous period" },
    {
      name: "first_active_day",
      type: "varchar",
      comment: "the principal's first day with events in the two periods; the earliest of all rows is where the evidence starts",
    },
    { name: "last_active_day", type: "varchar" },
  ],
});
