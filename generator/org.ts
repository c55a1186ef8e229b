/**
 * The fictional organisation the generator simulates: Northwind Analytics, two accounts, two
 * regions, people and services reaching Athena in the ways real teams do. Heavy scans come from
 * more than one kind of principal: the nightly Glue pipeline and its Sunday rebuild, analysts who
 * forget a partition filter, the month-end close, the Tableau extract refresh. Dashboards repeat
 * the same queries all day, some with result reuse and some without, and use grows week on week.
 *
 * The main account (`ACCOUNT_ID`, northwind-analytics) holds the data platform: every planted
 * anomaly, the system table and the bill are its own. The second, northwind-marketing
 * (`MARKETING_ACCOUNT_ID`), is the growth-marketing team's account, split off the main one when
 * the team bought its ad tooling: it keeps its own copy of `clickstream` (the same database name as
 * the main account's, fed by its own tag pipeline) and an `ads` database, runs everything in its
 * own `primary` work group (the same name as the main account's), in us-east-1 only, and its trail
 * delivers into the same trail bucket (its own `AWSLogs/<account>/` folder). Its analysts sign in
 * through the org's Identity Center, a Lambda attributes ad clicks to campaigns every night, and an
 * IAM user's access key checks the ad networks' overnight load every morning: steady habits, so it
 * raises no anomaly. It never enabled Athena's system table, and the demo's bill is the main
 * account's alone. Its attribution role may read a `leads` database nobody reads: a permission gap
 * of its own. Its actors draw from their own random source, so the main account's lake is byte for
 * byte what it would be without it.
 */
import { defined } from "../core/checks";
import { Actor } from "./actor";
import { MAIN_ACTORS } from "./main-actors";
import { MARKETING_ACCOUNT_ID, MARKETING_ACTORS, MARKETING_DATABASES } from "./marketing";

export type { Actor, Client, ErrorProfile, Job, JobQuery } from "./actor";
export { MARKETING_ACCOUNT_ID, MARKETING_DATABASES };

/** The main account: the data platform (northwind-analytics). */
export const ACCOUNT_ID = "210987654321";
/** The org's accounts, main first. */
export const ACCOUNTS: readonly string[] = [ACCOUNT_ID, MARKETING_ACCOUNT_ID];
export const MAIN_REGION = "us-east-1";
export const REGIONS = ["us-east-1", "eu-west-1"] as const;

/** The main account's Glue databases and their tables. */
export const DATABASES: Readonly<Record<string, readonly string[]>> = {
  sales: ["orders", "customers", "refunds"],
  finance: ["ledger", "invoices"],
  marketing: ["campaigns", "attribution"],
  clickstream: ["page_views", "sessions"],
  // salaries is governed by Lake Formation: only the EMR cluster reads it (generator/engine-actors.ts).
  hr: ["headcount", "salaries"],
};

/** What the generator needs to know of one account. */
export interface OrgAccount {
  id: string;
  name: string;
  databases: Readonly<Record<string, readonly string[]>>;
  workGroups: readonly string[];
  /** The bucket its tables live in, and the one its Athena writes results to. */
  lakeBucket: string;
  resultBucket: string;
}

const ORG_ACCOUNTS: Readonly<Record<string, OrgAccount>> = {
  [ACCOUNT_ID]: {
    id: ACCOUNT_ID,
    name: "northwind-analytics",
    databases: DATABASES,
    workGroups: ["analysts", "bi", "etl", "primary"],
    lakeBucket: "northwind-lake",
    resultBucket: "northwind-athena-results",
  },
  [MARKETING_ACCOUNT_ID]: {
    id: MARKETING_ACCOUNT_ID,
    name: "northwind-marketing",
    databases: MARKETING_DATABASES,
    workGroups: ["primary"],
    lakeBucket: "northwind-marketing-lake",
    resultBucket: "northwind-marketing-athena-results",
  },
};

/** One of the org's accounts, by id. */
export function orgAccount(account: string): OrgAccount {
  const found = ORG_ACCOUNTS[account];
  if (!found) throw new Error(`no account ${account} in the org`);
  return found;
}

/** An account's databases and their tables. */
export function databasesOf(account: string): Readonly<Record<string, readonly string[]>> {
  return orgAccount(account).databases;
}

/** The tables `actor` reads in `database`: its own list, or all of its account's. */
export function tablesOf(actor: Actor, database: string): readonly string[] {
  const tables = actor.tables?.[database] ?? databasesOf(accountOf(actor))[database];
  return defined(tables, `the tables of ${database}, a database of actor ${actor.key}`);
}

/** Every actor of the org, the main account's first. */
export const ACTORS: readonly Actor[] = [...MAIN_ACTORS, ...MARKETING_ACTORS];

/** The account an actor's principal lives in. */
export function accountOf(actor: Actor): string {
  return actor.account ?? ACCOUNT_ID;
}

/** The actors of one account, in the order of `ACTORS`. */
export function actorsOf(account: string): readonly Actor[] {
  return ACTORS.filter((a) => accountOf(a) === account);
}

export function roleArn(actor: Actor): string {
  const account = accountOf(actor);
  return actor.type === "IAMUser" ? `arn:aws:iam::${account}:user/${actor.name}` : `arn:aws:iam::${account}:role/${actor.name}`;
}

/** The caller ARN CloudTrail shows: the user, or `assumed-role/<role name>/<session>`. */
export function callerArn(actor: Actor, session: string | undefined): string {
  if (actor.type === "IAMUser") return roleArn(actor);
  const roleName = actor.name.split("/").pop() ?? actor.name;
  return `arn:aws:sts::${accountOf(actor)}:assumed-role/${roleName}/${session ?? ""}`;
}
