import { defineSavedQuery } from "./query";
import { cost, iamPrincipal, queries } from "./shared-columns";
import { periodWindow, pricing } from "./windows";

export const sharedPrincipals = defineSavedQuery({
  name: "shared_principals",
  title: "Shared principals",
  description: "Service users and roles that several applications use.",
  parameters: (p, o) => ({ ...periodWindow(p), min_client_families: o.minClientFamilies, ...pricing(o) }),
  columns: [
    iamPrincipal,
    { name: "client_families", type: "bigint" },
    { name: "client_family_list", type: "varchar" },
    { name: "source_networks", type: "bigint", comment: "IPv4 /24s, or the AWS service calling" },
    { name: "source_network_list", type: "varchar" },
    { name: "user_agents", type: "bigint" },
    queries,
    cost,
  ],
});
