/**
 * The fictional org's IAM and Glue catalog, account by account: each principal's inline policy is
 * built from the grants declared here, some deliberately beyond what the principal uses, so the
 * permission-gaps query has something true to find. Each account's IAM holds only its own
 * principals. Returned in GetAccountAuthorizationDetails' shape (documents decoded).
 */
import { defined } from "../core/checks";
import { addDays } from "../core/days";
import { GRANTED_ENGINE_ACTORS, tableLocations } from "./engine-actors";
import { ACCOUNT_ID, accountOf, ACCOUNTS, ACTORS, Actor, orgAccount, roleArn } from "./org";
import { PLANTED_ACTORS, plantedCreated } from "./planted-actors";
import { tableParts } from "./sql";

/** The main account's lake bucket. */
export const LAKE_BUCKET = orgAccount(ACCOUNT_ID).lakeBucket;

export interface DeclaredGrants {
  /** The account whose IAM holds the principal. */
  account: string;
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
  // Allowed the marketing account's CRM export for a lead-scoring step that was never built.
  "campaign-attribution": { databases: ["leads"] },
};

/** Principals of the main account with Athena access that are not actors: one that never runs anything, one created lately. */
function bystanders(lastDay: string): DeclaredGrants[] {
  return [
    {
      account: ACCOUNT_ID,
      principalArn: `arn:aws:iam::${ACCOUNT_ID}:user/old-contractor`,
      type: "user",
      created: "2024-02-01T09:00:00.000Z",
      workGroups: ["primary"],
      databases: ["sales"],
    },
    {
      account: ACCOUNT_ID,
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
    account: accountOf(actor),
    principalArn: roleArn(actor),
    type: actor.type === "IAMUser" ? "user" : "role",
    created: "2025-06-01T09:00:00.000Z",
    workGroups: [...new Set([...actor.workGroups, ...(extra.workGroups ?? [])])].sort(),
    databases: [...new Set([...actor.databases, ...(extra.databases ?? [])])].sort(),
  };
}

/** The grants of one account's principals, or of every account's when none is named (main account first). */
export function declaredGrants(lastDay: string, account?: string): DeclaredGrants[] {
  // The engines' roles (Glue, Redshift, EMR) read tables outside Athena: no work group, their databases' tables.
  // The planted cases' principals (generator/planted-actors.ts): the new role's snapshot names the day it was created.
  const planted = PLANTED_ACTORS.map((a) => ({ ...declared(a), created: plantedCreated(a, lastDay) }));
  const all = [...ACTORS.map(declared), ...GRANTED_ENGINE_ACTORS.map(declared), ...planted, ...bystanders(lastDay)].sort(
    (a, b) => ACCOUNTS.indexOf(a.account) - ACCOUNTS.indexOf(b.account),
  );
  return account === undefined ? all : all.filter((g) => g.account === account);
}

function policy(g: DeclaredGrants) {
  const { account } = g;
  const bucket = orgAccount(account).lakeBucket;
  return {
    Version: "2012-10-17",
    // A statement needs a resource: a principal with no work group (an engine's role) has no WorkGroups statement.
    Statement: [
      {
        Sid: "WorkGroups",
        Effect: "Allow",
        Action: ["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults"],
        Resource: g.workGroups.map((w) => `arn:aws:athena:*:${account}:workgroup/${w}`),
      },
      {
        Sid: "Catalog",
        Effect: "Allow",
        Action: ["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"],
        Resource: [
          `arn:aws:glue:*:${account}:catalog`,
          ...g.databases.flatMap((d) => [`arn:aws:glue:*:${account}:database/${d}`, `arn:aws:glue:*:${account}:table/${d}/*`]),
        ],
      },
      { Sid: "Data", Effect: "Allow", Action: ["s3:GetObject"], Resource: g.databases.map((d) => `arn:aws:s3:::${bucket}/${d}/*`) },
    ].filter((statement) => statement.Resource.length > 0),
  };
}

/** One account's authorization details, as its IAM would answer GetAccountAuthorizationDetails (the main account's by default). */
export function authorizationDetails(lastDay: string, account = ACCOUNT_ID): Record<string, Record<string, unknown>[]> {
  const users: Record<string, unknown>[] = [];
  const roles: Record<string, unknown>[] = [];
  for (const g of declaredGrants(lastDay, account)) {
    const name = defined(g.principalArn.split(/:(?:user|role)\//)[1], `a user or role name in ${g.principalArn}`);
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

/** The Glue catalog and work groups one account's lake has (the main account's by default). */
export function orgCatalog(region: string, account = ACCOUNT_ID) {
  const { databases, workGroups } = orgAccount(account);
  return {
    partition: "aws",
    region,
    account,
    workGroups: [...workGroups],
    databases: Object.keys(databases).sort(),
    tables: tableLocations(account).map(({ table, location }) => ({ ...tableParts(table), location })),
  };
}
