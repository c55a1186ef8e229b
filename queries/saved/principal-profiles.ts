import { defineSavedQuery } from "./query";
import { bytes, cost, iamPrincipal, queries } from "./shared-columns";
import { pricedWindow } from "./windows";

export const principalProfiles = defineSavedQuery({
  name: "principal_profiles",
  title: "Principal profiles",
  description: "Humans and services: how each IAM user or role reaches Athena, and what it reads.",
  parameters: pricedWindow,
  columns: [
    iamPrincipal,
    { name: "principal_type", type: "varchar", nullable: true },
    { name: "kind", type: "varchar", values: ["human", "service"] },
    { name: "callers", type: "bigint" },
    { name: "client_families", type: "varchar", comment: "comma-separated, sorted" },
    { name: "work_groups", type: "varchar" },
    { name: "databases", type: "varchar" },
    queries,
    bytes,
    cost,
    { name: "first_active_day", type: "varchar" },
    { name: "last_active_day", type: "varchar" },
  ],
});
