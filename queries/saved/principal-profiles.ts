import { defineSavedQuery } from "./query";
import { iamPrincipal } from "./shared-columns";
import { periodWindow } from "./windows";

export const principalProfiles = defineSavedQuery({
  name: "principal_profiles",
  title: "Principal profiles",
  description:
    "Humans and services: how each IAM user or role reaches Athena, what it reads, " +
    "and which service principals several applications share.",
  parameters: (p, o) => ({ ...periodWindow(p), min_client_families: o.minClientFamilies }),
  columns: [
    iamPrincipal,
    { name: "principal_type", type: "varchar", nullable: true },
    { name: "kind", type: "varchar", values: ["human", "service"], comment: "human when any call shows a person's signs" },
    { name: "callers", type: "bigint", comment: "distinct callers: the role's sessions, or the user" },
    { name: "client_families", type: "varchar", comment: "of every call: comma-separated, sorted" },
    { name: "work_groups", type: "varchar", comment: "comma-separated, sorted" },
    { name: "databases", type: "varchar", comment: "comma-separated, sorted" },
    // Service calls: not on behalf of a person, not an Identity Center role, not the console.
    { name: "service_client_families", type: "bigint", comment: "distinct client families of its service calls" },
    { name: "service_client_family_list", type: "varchar", nullable: true, comment: "comma-separated, sorted; null without service calls" },
    { name: "source_networks", type: "bigint", comment: "of its service calls: IPv4 /24s, or the AWS service calling" },
    { name: "source_network_list", type: "varchar", nullable: true, comment: "comma-separated, sorted; null without service calls" },
    { name: "user_agents", type: "bigint", comment: "distinct user agents of its service calls" },
    { name: "shared", type: "boolean", comment: "service calls from at least minClientFamilies client families" },
    { name: "first_active_day", type: "varchar" },
    { name: "last_active_day", type: "varchar" },
  ],
});
