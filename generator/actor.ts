/** What an actor of the generated organization is: how it reaches Athena, what it runs, how it fails. */
import { defined } from "../core/checks";
import { DailyText } from "./sql";

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

/** The actor's client at `index` (a job's `client`, a query's `clientIndex`). */
export function clientOf(actor: Actor, index: number): Client {
  return defined(actor.clients[index], `client ${index} of actor ${actor.key}`);
}

export const GB = 1024 ** 3;
export const MB = 1024 ** 2;
export const TB = 1024 ** 4;

export const CONSOLE: Client = {
  userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  sourceIp: { network: "203.0.113" },
  clientFamily: "console",
};

export const daily = (text: DailyText, medianBytes: number, spread = 0.3, reuse?: boolean): JobQuery => ({
  text,
  medianBytes,
  spread,
  reuse,
});
