/**
 * Labelled anomalies planted in the generated org, one of each kind the audit looks for, on fixed
 * days counted back from the last generated day, plus the normal variation an honest detector must
 * let pass: a new project that starts reading a database on the day the demo's settings announce.
 * Planted queries come from their own random source and their CloudTrail records go to their own
 * files, so the rest of the lake is byte for byte what it would be without them. Only lakes long
 * enough for baselines (LONG_ENOUGH days) get them.
 */
import { AnomalySettings, anomalySettings } from "../core/anomaly-settings";
import { defined } from "../core/checks";
import { addDays } from "../core/days";
import { clientOf } from "./actor";
import { startQueryExecutionRecord } from "./cloudtrail";
import { AthenaFailure } from "./executions";
import { trailOutages } from "./outages";
import { Actor, roleArn } from "./org";
import { anyActor } from "./planted-actors";
import { Random } from "./random";
import { PlannedQuery, TimedRecord } from "./simulate";
import { queryText, sql, str } from "./sql";
import demoSettings from "./demo-anomaly-settings.json";

// `newcomer` and `drift` are planted by generator/planted-trends.ts.
export type AnomalyKind = "volume" | "reach" | "origin" | "time" | "probing" | "exfiltration" | "newcomer" | "drift";

/** What the ledger records of a planted anomaly: the finding the audit must make. */
export interface PlantedAnomaly {
  kind: AnomalyKind;
  day: string;
  /** The IAM user or role the finding names. */
  principalArn: string;
  /** The finding's subject (queries/sql/anomalies.sql): bytes, a database, client:cli, an hour, ... */
  subject: string;
  queryIds: string[];
  /** A case that spans days (a drift): all of them, `day` the last; a finding on any of them finds it. */
  days?: string[];
}

export const LONG_ENOUGH = 60;
const MS_MINUTE = 60_000;
const GB = 1e9;

const actor = (key: string): Actor => defined(anyActor(key), `actor ${key}`);

export interface Plant {
  kind: AnomalyKind;
  /** Its day: days before the last generated day, or a day of the calendar. */
  daysBack: number | ((calendar: readonly string[]) => string);
  actor: string;
  subject: string;
  /** Minutes after midnight UTC of the first query, and between queries. */
  at: number;
  every: number;
  count: number;
  workGroup: string;
  text: (i: number, day: string) => ReturnType<typeof queryText>;
  bytes: number;
  client?: { userAgent: string; sourceIp: string; clientFamily: string };
  failure?: (i: number) => AthenaFailure;
  session?: string;
}

const NOT_FOUND = ["hr.salaries", "finance.payroll", "sales.credit_cards"];
const notFound = (i: number) => defined(NOT_FOUND[i % NOT_FOUND.length], "a table that does not exist");

/** The incidents: each reads as the kind of event the issue names. */
const PLANTS: readonly Plant[] = [
  {
    // The reporting app's key reads all of order history, again and again, in one morning.
    kind: "volume",
    daysBack: 20,
    actor: "reporting-shared",
    subject: "bytes",
    at: 10 * 60,
    every: 5,
    count: 24,
    workGroup: "primary",
    text: () =>
      queryText(sql`SELECT customer_id, order_id, amount, order_date FROM "sales"."orders" WHERE order_date >= DATE ${str("2015-01-01")}`, [
        "sales.orders",
      ]),
    bytes: 700 * GB,
  },
  {
    // bob, who works on finance, looks at everyone's headcount record.
    kind: "reach",
    daysBack: 16,
    actor: "bob",
    subject: "hr",
    at: 14 * 60 + 10,
    every: 7,
    count: 2,
    workGroup: "primary",
    text: () => queryText(sql`SELECT employee_id, name, salary_band, manager FROM hr.headcount`, ["hr.headcount"]),
    bytes: 2 * GB,
  },
  {
    // The Glue pipeline's role, used from someone's laptop with the CLI.
    kind: "origin",
    daysBack: 12,
    actor: "etl",
    subject: "client:cli",
    at: 2 * 60 + 30,
    every: 3,
    count: 3,
    workGroup: "etl",
    text: (_i, day) => queryText(sql`SELECT count(*) FROM clickstream.page_views WHERE dt = ${str(day)}`, ["clickstream.page_views"]),
    bytes: 4 * GB,
    client: {
      userAgent:
        "aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/macos#23.4.0 md/arch#arm64 lang/python#3.11.8 command/athena.start-query-execution",
      sourceIp: "192.0.2.77",
      clientFamily: "cli",
    },
    session: "laptop",
  },
  {
    // alice, a nine-to-five analyst, querying at three in the morning, on the day of the first CloudTrail
    // outage (hours later), so its finding says the day's evidence is partial.
    kind: "time",
    daysBack: (calendar) => defined([...trailOutages(calendar).keys()][0], "the first trail outage's day"),
    actor: "alice",
    subject: "03",
    at: 3 * 60 + 10,
    every: 9,
    count: 2,
    workGroup: "analysts",
    text: (_i, day) =>
      queryText(sql`SELECT region, sum(amount) AS total FROM sales.orders WHERE order_date = DATE ${str(day)} GROUP BY region`, [
        "sales.orders",
      ]),
    bytes: 3 * GB,
  },
  {
    // The churn Lambda's role trying tables that do not exist: someone mapping what it can reach.
    kind: "probing",
    daysBack: 6,
    actor: "churn-lambda",
    subject: [...NOT_FOUND].sort().join(", "),
    at: 5 * 60 + 20,
    every: 1,
    count: 12,
    workGroup: "primary",
    text: (i) => {
      const table = notFound(i);
      return queryText(sql`SELECT * FROM ${table} LIMIT 100`, [table]);
    },
    bytes: 0,
    failure: (i) => ({
      category: 2,
      type: 1006,
      retryable: false,
      message: `TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.${notFound(i)}' does not exist`,
    }),
  },
  {
    // An analyst unloads the customer table to a bucket of her own.
    kind: "exfiltration",
    daysBack: 3,
    actor: "analysts-sso",
    subject: "s3://carol-transfer-2026",
    at: 15 * 60,
    every: 1,
    count: 1,
    workGroup: "analysts",
    text: () =>
      queryText(
        sql`UNLOAD (SELECT * FROM "sales"."customers") TO 's3://carol-transfer-2026/customers/' WITH (format = 'PARQUET', compression = 'SNAPPY')`,
        ["sales.customers"],
        "UNLOAD",
      ),
    bytes: 45 * GB,
    session: "carol@northwind.example",
  },
  {
    // bob copies the whole invoice table, a query he never ran before.
    kind: "exfiltration",
    daysBack: 2,
    actor: "bob",
    subject: "select-star:finance.invoices",
    at: 16 * 60 + 40,
    every: 1,
    count: 1,
    workGroup: "primary",
    text: () => queryText(sql`SELECT * FROM finance.invoices`, ["finance.invoices"]),
    bytes: 260 * GB,
  },
];

/** The demo's settings (sensitive data, buckets, announcement), in the file `report --anomaly-settings` reads too. */
export const DEMO_ANOMALY_SETTINGS: AnomalySettings = anomalySettings(demoSettings, "generator/demo-anomaly-settings.json");

/** The new project the settings announce: from its day on, the reporting app reads a table of it every weekday. */
export const ANNOUNCED = {
  actor: "reporting-shared",
  ...defined(DEMO_ANOMALY_SETTINGS.announcements[0], "an announcement in the demo's anomaly settings"),
  table: "clickstream.sessions",
} as const;

export function planted(p: Plant, index: number, day: string, region: string, rng: Random): PlannedQuery {
  const who = actor(p.actor);
  const text = p.text(index, day);
  const submittedAt = new Date(Date.parse(`${day}T00:00:00Z`) + (p.at + index * p.every) * MS_MINUTE + rng.int(0, 50_000));
  const engineMs = p.failure ? rng.int(200, 900) : Math.round(2000 + p.bytes / 2_000_000);
  const queueMs = rng.int(20, 400);
  const planningMs = rng.int(60, 500);
  const completedAt = new Date(submittedAt.getTime() + queueMs + planningMs + engineMs + 40);
  const first = clientOf(who, 0);
  const client = p.client ?? {
    ...first,
    sourceIp: typeof first.sourceIp === "string" ? first.sourceIp : `${first.sourceIp.network}.${rng.int(2, 250)}`,
  };
  const session = p.session ?? who.sessions?.[0];
  const eventAt = new Date(Math.floor((submittedAt.getTime() - rng.int(0, 400)) / 1000) * 1000);
  return {
    id: rng.uuid(),
    region,
    actor: who,
    session,
    clientIndex: 0,
    clientFamily: client.clientFamily,
    sourceIp: client.sourceIp,
    workGroup: p.workGroup,
    database: text.database,
    tables: text.tables,
    text: text.text,
    shape: text.shape,
    statementType: text.statementType,
    substatementType: text.substatementType,
    state: p.failure ? "FAILED" : "SUCCEEDED",
    failure: p.failure?.(index),
    bytes: p.failure ? 0 : Math.round(p.bytes * (0.9 + rng.next() * 0.2)),
    reuseEnabled: false,
    reused: false,
    submittedAt,
    completedAt,
    engineMs,
    queueMs,
    planningMs,
    eventAt,
    caller: { actor: who, session, userAgent: client.userAgent, sourceIp: client.sourceIp },
    textForm: "queryString",
    midnightCrossing: false,
    straddle: false,
    trailGap: false,
  };
}

function announcedQuery(day: string, region: string, rng: Random): PlannedQuery {
  const plant: Plant = {
    kind: "reach",
    daysBack: 0,
    actor: ANNOUNCED.actor,
    subject: ANNOUNCED.resource,
    at: 9 * 60 + rng.int(0, 400),
    every: 0,
    count: 1,
    workGroup: "primary",
    text: () =>
      queryText(sql`SELECT session_id, count(*) AS views FROM clickstream.sessions WHERE dt = ${str(day)} GROUP BY session_id`, [
        ANNOUNCED.table,
      ]),
    bytes: 6 * GB,
  };
  return planted(plant, 0, day, region, rng);
}

export interface DayPlants {
  queries: PlannedQuery[];
  records: TimedRecord[];
  anomalies: PlantedAnomaly[];
}

/** What to add to one day and region of a lake whose days are `calendar`. */
export function plantsFor(day: string, region: string, calendar: readonly string[], rng: Random): DayPlants {
  const out: DayPlants = { queries: [], records: [], anomalies: [] };
  const last = calendar.at(-1);
  if (calendar.length < LONG_ENOUGH || last === undefined) return out;
  for (const p of PLANTS) {
    const plantDay = typeof p.daysBack === "number" ? addDays(last, -p.daysBack) : p.daysBack(calendar);
    if (plantDay !== day || actor(p.actor).regions[0] !== region) continue;
    const queries = Array.from({ length: p.count }, (_, i) => planted(p, i, day, region, rng));
    out.queries.push(...queries);
    out.anomalies.push({
      kind: p.kind,
      day,
      principalArn: roleArn(actor(p.actor)),
      subject: p.subject,
      queryIds: queries.map((q) => q.id),
    });
  }
  const weekday = ![0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay());
  if (weekday && day >= ANNOUNCED.from && actor(ANNOUNCED.actor).regions[0] === region) {
    out.queries.push(announcedQuery(day, region, rng));
  }
  for (const q of out.queries) {
    out.records.push({ at: q.eventAt, record: startQueryExecutionRecord({ ...q, at: q.eventAt, queryId: q.id }, rng) });
  }
  return out;
}
