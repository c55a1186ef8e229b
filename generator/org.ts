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
import {
  AD_SYNC_CHECKS,
  ATTRIBUTION_STEPS,
  CHURN_FEATURES,
  DailyText,
  DASHBOARD_TILES,
  ETL_REBUILD,
  ETL_STEPS,
  FRESHNESS_CHECK,
  MONTH_END,
  RECONCILIATION,
  TABLEAU_EXTRACTS,
  TABLEAU_LIVE,
} from "./sql";

/** The main account: the data platform (northwind-analytics). */
export const ACCOUNT_ID = "210987654321";
/** The growth-marketing team's account (northwind-marketing). */
export const MARKETING_ACCOUNT_ID = "109876543210";
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
  hr: ["headcount"],
};

/** The marketing account's: its own `clickstream` (named as the main account's), `ads`, and `leads`, which nobody reads. */
export const MARKETING_DATABASES: Readonly<Record<string, readonly string[]>> = {
  clickstream: ["page_views", "ad_clicks"],
  ads: ["impressions", "spend"],
  leads: ["contacts"],
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

/** How one caller (a person's session, or a service's client) reaches Athena. */
export interface Client {
  userAgent: string;
  /** Where calls come from: a fixed IP, a /24 to draw from, or a service name. */
  sourceIp: string | { network: string };
  clientFamily: string;
}

/** How an actor's queries go wrong (see executions.ts): people mistype, pipelines meet bad data and throttling. */
export type ErrorProfile = "person" | "pipeline" | "dashboard" | "app";

/** One query of a job or dashboard, and what it scans. */
export interface JobQuery {
  text: DailyText;
  medianBytes: number;
  spread: number;
  /** The query asks Athena to reuse a result up to 60 minutes old (ResultReuseByAgeConfiguration). */
  reuse?: boolean;
}

/** Scheduled or repeated work: a pipeline, an extract refresh, a dashboard. */
export interface Job {
  key: string;
  /** Which of the actor's clients sends it (index into `clients`), and in which work group. */
  client: number;
  workGroup: string;
  /** UTC hours [from, to) a run starts in. */
  hours: readonly [number, number];
  /** `sequence`: one run a day sends every query, each after the last finished (a pipeline).
   * `pick`: a Poisson number of runs (mean `runs`), each one query picked at random (dashboard tiles).
   * `hourly`: one run in every hour of `hours`, each one query picked at random (a freshness check). */
  mode: "sequence" | "pick" | "hourly";
  runs: number;
  on: "daily" | "weekdays" | "sundays" | "month-end";
  queries: readonly JobQuery[];
}

export interface Actor {
  key: string;
  /** The account the actor's user or role lives in, and whose Athena it queries (default: the main account). */
  account?: string;
  /** `IAMUser` or `AssumedRole`. */
  type: "IAMUser" | "AssumedRole";
  /** User or role name; role paths included (`service-role/...`). */
  name: string;
  /** Assumed-role session names; one is drawn per query. */
  sessions?: readonly string[];
  /** Identity Center users behind the sessions (same order), for `onBehalfOf`. */
  identityCenterUsers?: readonly string[];
  clients: readonly Client[];
  regions: readonly string[];
  workGroups: readonly string[];
  databases: readonly string[];
  /** Tables the actor reads, per database (default: all of its account's). */
  tables?: Readonly<Record<string, readonly string[]>>;
  /** Mean ad-hoc queries a weekday (weekends get a quarter for people). */
  perDay: number;
  /** UTC hours the actor works in, [from, to). */
  hours: readonly [number, number];
  /** Median bytes an ad-hoc query scans, and the log-normal spread. */
  medianBytes: number;
  spread: number;
  /** Share of ad-hoc queries that are a full scan of page views (no partition filter), and what those scan. */
  fullScans?: { share: number; medianBytes: number; spread: number };
  /** Scheduled and repeated work. */
  jobs?: readonly Job[];
  /** Weekly growth of the actor's query count (0.04: 4% more each week), counted back from the last generated day. */
  growth?: number;
  /** Weekly growth of what its queries scan (tables that grow). */
  bytesGrowth?: number;
  errors: ErrorProfile;
  human: boolean;
}

const GB = 1024 ** 3;
const MB = 1024 ** 2;
const TB = 1024 ** 4;

const CONSOLE: Client = {
  userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  sourceIp: { network: "203.0.113" },
  clientFamily: "console",
};

const daily = (text: DailyText, medianBytes: number, spread = 0.3, reuse?: boolean): JobQuery => ({ text, medianBytes, spread, reuse });

/** The main account's actors. */
const MAIN_ACTORS: readonly Actor[] = [
  {
    key: "alice",
    type: "IAMUser",
    name: "alice",
    clients: [{ userAgent: "aws-internal/3 aws-sdk-java/1.12.772", sourceIp: { network: "198.51.100" }, clientFamily: "console" }],
    regions: ["us-east-1"],
    workGroups: ["analysts"],
    databases: ["sales", "marketing"],
    perDay: 6,
    hours: [8, 18],
    medianBytes: 900 * MB,
    spread: 1.2,
    errors: "person",
    human: true,
  },
  {
    key: "bob",
    type: "IAMUser",
    name: "bob",
    clients: [
      {
        userAgent:
          "aws-cli/2.22.4 md/awscrt#0.22.0 ua/2.0 os/linux#6.1.0 md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython " +
          "cfg/retry-mode#standard md/installer#exe md/distrib#debian.12 command/athena.start-query-execution",
        sourceIp: { network: "198.51.100" },
        clientFamily: "cli",
      },
      CONSOLE,
    ],
    regions: ["us-east-1", "eu-west-1"],
    workGroups: ["primary"],
    databases: ["finance"],
    perDay: 3,
    hours: [9, 17],
    medianBytes: 300 * MB,
    spread: 1.0,
    // The month-end close reads the whole ledger, from the CLI.
    jobs: [
      {
        key: "month-end",
        client: 0,
        workGroup: "primary",
        hours: [10, 16],
        mode: "pick",
        runs: 3,
        on: "month-end",
        queries: MONTH_END.map((text) => daily(text, 120 * GB, 0.4)),
      },
    ],
    errors: "person",
    human: true,
  },
  {
    key: "analysts-sso",
    type: "AssumedRole",
    name: "aws-reserved/sso.amazonaws.com/AWSReservedSSO_DataAnalyst_5f3e2a1b0c9d8e7f",
    sessions: ["carol@northwind.example", "dave@northwind.example", "erin@northwind.example"],
    identityCenterUsers: [
      "9067a5a2c4-5b1e0f2a-8c1d-4b7e-a3f0-2d6c9e8b1a40",
      "9067a5a2c4-7d3c2b1a-0e9f-4a8b-b7c6-5d4e3f2a1b09",
      "9067a5a2c4-1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
    ],
    clients: [CONSOLE],
    regions: ["us-east-1", "eu-west-1"],
    workGroups: ["analysts"],
    databases: ["sales", "marketing", "clickstream"],
    perDay: 24,
    hours: [7, 19],
    medianBytes: 2 * GB,
    spread: 1.4,
    // A team that grows, and now and then a scan of every day of page views.
    fullScans: { share: 0.08, medianBytes: 350 * GB, spread: 0.4 },
    growth: 0.05,
    errors: "person",
    human: true,
  },
  {
    key: "etl",
    type: "AssumedRole",
    name: "etl-nightly-glue",
    sessions: ["GlueJobRunnerSession"],
    clients: [
      {
        userAgent:
          "aws-sdk-java/1.12.772 Linux/5.10.227 OpenJDK_64-Bit_Server_VM/25.402-b06 java/1.8.0_402 scala/2.12.18 " +
          "vendor/Amazon.com_Inc. exec-env/AWS_Glue",
        sourceIp: "glue.amazonaws.com",
        clientFamily: "glue",
      },
    ],
    regions: ["us-east-1"],
    workGroups: ["etl"],
    databases: ["clickstream", "sales"],
    perDay: 0,
    hours: [0, 4],
    medianBytes: 0,
    spread: 0,
    jobs: [
      {
        key: "nightly",
        client: 0,
        workGroup: "etl",
        hours: [0, 1],
        mode: "sequence",
        runs: 1,
        on: "daily",
        queries: [150 * GB, 60 * GB, 25 * GB, 40 * GB, 30 * GB].map((bytes, i) => daily(ETL_STEPS[i], bytes)),
      },
      // Every hour, day and night: is the last hour of page views in?
      {
        key: "freshness",
        client: 0,
        workGroup: "etl",
        hours: [0, 24],
        mode: "hourly",
        runs: 1,
        on: "daily",
        queries: [daily(FRESHNESS_CHECK, 400 * MB, 0.5)],
      },
      {
        key: "weekly-rebuild",
        client: 0,
        workGroup: "etl",
        hours: [2, 3],
        mode: "sequence",
        runs: 1,
        on: "sundays",
        queries: [daily(ETL_REBUILD, 1.8 * TB, 0.15)],
      },
    ],
    // The tables grow, so each night reads a little more.
    bytesGrowth: 0.02,
    errors: "pipeline",
    human: false,
  },
  {
    key: "quicksight",
    type: "AssumedRole",
    name: "service-role/aws-quicksight-service-role-v0",
    sessions: ["QuickSight-RoleSession-1700000001", "QuickSight-RoleSession-1700000002"],
    clients: [{ userAgent: "sbAthenaJDBCDriver/2.0, aws-internal/3", sourceIp: "quicksight.amazonaws.com", clientFamily: "quicksight" }],
    regions: ["us-east-1"],
    workGroups: ["bi"],
    databases: ["sales", "marketing"],
    perDay: 0,
    hours: [7, 20],
    medianBytes: 0,
    spread: 0,
    // Dashboards opened all day; three tiles reuse results, three scan every time.
    jobs: [
      {
        key: "dashboards",
        client: 0,
        workGroup: "bi",
        hours: [7, 20],
        mode: "pick",
        runs: 36,
        on: "daily",
        queries: DASHBOARD_TILES.map((text, i) => daily(text, [8, 5, 2.5, 6, 10, 4][i] * GB, 0.3, i % 2 === 0)),
      },
    ],
    growth: 0.04,
    errors: "dashboard",
    human: false,
  },
  {
    key: "reporting-shared",
    type: "AssumedRole",
    name: "reporting-app",
    sessions: ["reporting-app"],
    clients: [
      {
        userAgent: "AthenaJDBC/3.3.0 (Linux; amd64) Tableau/2024.2",
        sourceIp: { network: "10.20.1" },
        clientFamily: "jdbc",
      },
      {
        userAgent:
          "Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/linux#5.10.225 md/arch#x86_64 lang/python#3.11.10 md/pyimpl#CPython " +
          "cfg/retry-mode#legacy Botocore/1.35.36",
        sourceIp: { network: "10.40.7" },
        clientFamily: "sdk",
      },
    ],
    regions: ["us-east-1"],
    workGroups: ["bi", "primary"],
    databases: ["sales", "finance"],
    perDay: 0,
    hours: [6, 22],
    medianBytes: 0,
    spread: 0,
    jobs: [
      // Tableau's extract refresh every morning, and its live dashboard (no result reuse) in office hours.
      {
        key: "extracts",
        client: 0,
        workGroup: "bi",
        hours: [6, 7],
        mode: "sequence",
        runs: 1,
        on: "daily",
        queries: [daily(TABLEAU_EXTRACTS[0], 45 * GB), daily(TABLEAU_EXTRACTS[1], 15 * GB), daily(TABLEAU_EXTRACTS[2], 20 * GB)],
      },
      {
        key: "live",
        client: 0,
        workGroup: "bi",
        hours: [8, 18],
        mode: "pick",
        runs: 14,
        on: "weekdays",
        queries: [daily(TABLEAU_LIVE[0], 8 * GB)],
      },
      // The Python job that reconciles the ledger every afternoon.
      {
        key: "reconciliation",
        client: 1,
        workGroup: "primary",
        hours: [13, 15],
        mode: "sequence",
        runs: 1,
        on: "daily",
        queries: [daily(RECONCILIATION, 8 * GB)],
      },
    ],
    growth: 0.03,
    errors: "app",
    human: false,
  },
  {
    key: "churn-lambda",
    type: "AssumedRole",
    name: "churn-scoring-lambda",
    sessions: ["churn-scoring"],
    clients: [
      {
        userAgent:
          "aws-sdk-js/3.654.0 ua/2.1 os/linux#5.10.226 lang/js md/nodejs#20.17.0 api/athena#3.654.0 exec-env/AWS_Lambda_nodejs20.x",
        sourceIp: { network: "52.212.40" },
        clientFamily: "sdk",
      },
    ],
    regions: ["eu-west-1"],
    workGroups: ["primary"],
    databases: ["marketing", "sales"],
    perDay: 0,
    hours: [5, 6],
    medianBytes: 0,
    spread: 0,
    jobs: [
      {
        key: "features",
        client: 0,
        workGroup: "primary",
        hours: [5, 6],
        mode: "sequence",
        runs: 1,
        on: "daily",
        queries: [daily(CHURN_FEATURES[0], 6 * GB), daily(CHURN_FEATURES[1], 9 * GB)],
      },
    ],
    errors: "app",
    human: false,
  },
];

/**
 * The marketing account's actors: all in its `primary` work group, in us-east-1, with habits as
 * steady as the main account's services (the anomaly detector must find nothing in them).
 */
const MARKETING_ACTORS: readonly Actor[] = [
  {
    key: "growth-analysts-sso",
    account: MARKETING_ACCOUNT_ID,
    type: "AssumedRole",
    name: "aws-reserved/sso.amazonaws.com/AWSReservedSSO_MarketingAnalyst_3c2b1a0f9e8d7c6b",
    sessions: ["grace@northwind.example", "heidi@northwind.example"],
    identityCenterUsers: ["9067a5a2c4-3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7", "9067a5a2c4-6b5a4f3e-2d1c-4b0a-9f8e-7d6c5b4a3f2e"],
    clients: [CONSOLE],
    regions: ["us-east-1"],
    workGroups: ["primary"],
    databases: ["clickstream", "ads"],
    perDay: 6,
    hours: [8, 18],
    medianBytes: 1.2 * GB,
    spread: 0.9,
    errors: "person",
    human: true,
  },
  {
    key: "campaign-attribution",
    account: MARKETING_ACCOUNT_ID,
    type: "AssumedRole",
    name: "campaign-attribution-lambda",
    sessions: ["campaign-attribution"],
    clients: [
      {
        userAgent:
          "aws-sdk-js/3.654.0 ua/2.1 os/linux#5.10.226 lang/js md/nodejs#20.17.0 api/athena#3.654.0 exec-env/AWS_Lambda_nodejs20.x",
        sourceIp: { network: "34.229.12" },
        clientFamily: "sdk",
      },
    ],
    regions: ["us-east-1"],
    workGroups: ["primary"],
    databases: ["clickstream", "ads"],
    perDay: 0,
    hours: [3, 4],
    medianBytes: 0,
    spread: 0,
    jobs: [
      {
        key: "attribution",
        client: 0,
        workGroup: "primary",
        hours: [3, 4],
        mode: "sequence",
        runs: 1,
        on: "daily",
        queries: [daily(ATTRIBUTION_STEPS[0], 30 * GB), daily(ATTRIBUTION_STEPS[1], 22 * GB), daily(ATTRIBUTION_STEPS[2], 2 * GB)],
      },
    ],
    bytesGrowth: 0.01,
    errors: "app",
    human: false,
  },
  {
    key: "ads-spend-sync",
    account: MARKETING_ACCOUNT_ID,
    type: "IAMUser",
    name: "ads-spend-sync",
    clients: [
      {
        userAgent:
          "Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/linux#6.1.0 md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython " +
          "cfg/retry-mode#standard Botocore/1.35.36",
        sourceIp: "54.210.33.18",
        clientFamily: "sdk",
      },
    ],
    regions: ["us-east-1"],
    workGroups: ["primary"],
    databases: ["ads"],
    perDay: 0,
    hours: [6, 7],
    medianBytes: 0,
    spread: 0,
    // Every morning, from a cron host with an access key: did yesterday's spend and impressions arrive?
    jobs: [
      {
        key: "morning-sync",
        client: 0,
        workGroup: "primary",
        hours: [6, 7],
        mode: "sequence",
        runs: 1,
        on: "daily",
        queries: [daily(AD_SYNC_CHECKS[0], 400 * MB), daily(AD_SYNC_CHECKS[1], 1.5 * GB)],
      },
    ],
    errors: "pipeline",
    human: false,
  },
];

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
