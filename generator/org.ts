/**
 * The fictional organisation the generator simulates: Northwind Analytics, one account, two
 * regions, people and services reaching Athena in the ways real teams do. Heavy scans come from
 * more than one kind of principal: the nightly Glue pipeline and its Sunday rebuild, analysts who
 * forget a partition filter, the month-end close, the Tableau extract refresh. Dashboards repeat
 * the same queries all day, some with result reuse and some without, and use grows week on week.
 */
import {
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

export const ACCOUNT_ID = "210987654321";
export const MAIN_REGION = "us-east-1";
export const REGIONS = ["us-east-1", "eu-west-1"] as const;

export const DATABASES: Readonly<Record<string, readonly string[]>> = {
  sales: ["orders", "customers", "refunds"],
  finance: ["ledger", "invoices"],
  marketing: ["campaigns", "attribution"],
  clickstream: ["page_views", "sessions"],
  hr: ["headcount"],
};

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
  /** Tables the actor reads, per database (default: all of them). */
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

export const ACTORS: readonly Actor[] = [
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

export function roleArn(actor: Actor): string {
  return actor.type === "IAMUser" ? `arn:aws:iam::${ACCOUNT_ID}:user/${actor.name}` : `arn:aws:iam::${ACCOUNT_ID}:role/${actor.name}`;
}

/** The caller ARN CloudTrail shows: the user, or `assumed-role/<role name>/<session>`. */
export function callerArn(actor: Actor, session: string | undefined): string {
  if (actor.type === "IAMUser") return roleArn(actor);
  const roleName = actor.name.split("/").pop() ?? actor.name;
  return `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${roleName}/${session ?? ""}`;
}
