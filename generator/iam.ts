/**
 * The fictional org's IAM and Glue catalog: each principal's inline policy is built from the grants
 * declared here, some deliberately beyond what the principal uses, so the permission-gaps query has
 * something true to find. Returned in GetAccountAuthorizationDetails' shape (documents decoded).
 */
import { addDays } from "../queries/days";
import { ACCOUNT_ID, ACTORS, Actor, DATABASES, roleArn } from "./org";

export const LAKE_BUCKET = "northwind-lake";

export interface DeclaredGrants {
  principalArn: string;
  type: "user" | "role";
  created: string;
  workGroups: string[];
  databases: string[];
}

/** Grants beyond each actor's own use (never used by design). */
const EXTRA: Record<string, Partial<Pick<DeclaredGrants, "workGroups" | "databases">>> = {
  alice: { databases: ["finance"] },
  bob: { databases: ["hr"] },
  "analysts-sso": { workGroups: ["bi"] },
  "reporting-shared": { databases: ["hr"] },
  "churn-lambda": { databases: ["clickstream"] },
};

/** Principals with Athena access that are not actors: one that never runs anything, one created lately. */
function bystanders(lastDay: string): DeclaredGrants[] {
  return [
    {
      principalArn: `arn:aws:iam::${ACCOUNT_ID}:user/old-contractor`,
      type: "user",
      created: "2024-02-01T09:00:00.000Z",
      workGroups: ["primary"],
      databases: ["sales"],
    },
    {
      principalArn: `arn:aws:iam::${ACCOUNT_ID}:user/new-analyst`,
      type: "user",
      created: `${addDays(lastDay, -3)}T09:00:00.000Z`,
      workGroups: ["analysts"],
      databases: ["marketing"],
    },
  ];
}

function declared(actor: Actor): DeclaredGrants {
  const extra = EXTRA[actor.key] ?? {};
  return {
    principalArn: roleArn(actor),
    type: actor.type === "IAMUser" ? "user" : "role",
    created: "2025-06-01T09:00:00.000Z",
    workGroups: [...new Set([...actor.workGroups, ...(extra.workGroups ?? [])])].sort(),
    databases: [...new Set([...actor.databases, ...(extra.databases ?? [])])].sort(),
  };
}

export function declaredGrants(lastDay: string): DeclaredGrants[] {
  return [...ACTORS.map(declared), ...bystanders(lastDay)];
}

function policy(g: DeclaredGrants) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "WorkGroups",
        Effect: "Allow",
        Action: ["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults"],
        Resource: g.workGroups.map((w) => `arn:aws:athena:*:${ACCOUNT_ID}:workgroup/${w}`),
      },
      {
        Sid: "Catalog",
        Effect: "Allow",
        Action: ["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"],
        Resource: [
          `arn:aws:glue:*:${ACCOUNT_ID}:catalog`,
          ...g.databases.flatMap((d) => [`arn:aws:glue:*:${ACCOUNT_ID}:database/${d}`, `arn:aws:glue:*:${ACCOUNT_ID}:table/${d}/*`]),
        ],
      },
      { Sid: "Data", Effect: "Allow", Action: ["s3:GetObject"], Resource: g.databases.map((d) => `arn:aws:s3:::${LAKE_BUCKET}/${d}/*`) },
    ],
  };
}

/** The org's authorization details, as IAM would answer GetAccountAuthorizationDetails. */
export function authorizationDetails(lastDay: string): Record<string, Record<string, unknown>[]> {
  const users: Record<string, unknown>[] = [];
  const roles: Record<string, unknown>[] = [];
  for (const g of declaredGrants(lastDay)) {
    const name = g.principalArn.split(/:(?:user|role)\//)[1];
    const inline = [{ PolicyName: "athena-access", PolicyDocument: policy(g) }];
    if (g.type === "user")
      users.push({
        UserName: name,
        Arn: g.principalArn,
        CreateDate: g.created,
        UserPolicyList: inline,
        AttachedManagedPolicies: [],
        GroupList: [],
      });
    else
      roles.push({
        RoleName: name.split("/").pop(),
        Path: `/${name.split("/").slice(0, -1).join("/")}${name.includes("/") ? "/" : ""}`,
        Arn: g.principalArn,
        CreateDate: g.created,
        RolePolicyList: inline,
        AttachedManagedPolicies: [],
      });
  }
  return { UserDetailList: users, RoleDetailList: roles, GroupDetailList: [], Policies: [] };
}

/** The Glue catalog and work groups the org's lake has. */
export function orgCatalog(region: string) {
  return {
    partition: "aws",
    region,
    account: ACCOUNT_ID,
    workGroups: ["analysts", "bi", "etl", "primary"],
    databases: Object.keys(DATABASES).sort(),
    tables: Object.entries(DATABASES).flatMap(([database, tables]) =>
      tables.map((name) => ({ database, name, location: `s3://${LAKE_BUCKET}/${database}/${name}/` })),
    ),
  };
}
