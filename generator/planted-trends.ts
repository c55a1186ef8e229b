/**
 * The cases an attacker who waits would make, planted beside generator/planted-anomalies.ts (issue
 * 27): a role created in the period that reads ~10 TiB of sales, finance and hr on its first day; a
 * service that reads 30% more each day for ten days; probing spread out so that no clock hour holds
 * five failures; and the ordinary habit a detector must let pass, a month-end close that grows 2.2x
 * month over month. They draw from their own random source, so the rest of the lake is unchanged.
 */
import { defined } from "../core/checks";
import { addDays } from "../core/days";
import { startQueryExecutionRecord } from "./cloudtrail";
import { AthenaFailure } from "./executions";
import { ACTORS, Actor, accountOf, callerArn, roleArn } from "./org";
import { DayPlants, LONG_ENOUGH, Plant, planted } from "./planted-anomalies";
import { FINANCE_CLOSE, NEWCOMER, NEWCOMER_DAYS_BACK } from "./planted-actors";
import { Random } from "./random";
import { PlannedQuery } from "./simulate";
import { CHURN_FEATURES, MONTH_END, queryText, sql, str, tableParts } from "./sql";

const GIB = 1024 ** 3;
const TIB = 1024 ** 4;

/** A planted habit no finding may name: the principal's days that must stay quiet, and why. */
export interface QuietCase {
  principalArn: string;
  days: string[];
  reason: string;
}

/** The drift: ten days ending this many days before the last, each 30% above the day before, from the median before it. */
export const DRIFT = { actor: "churn-lambda", lastDaysBack: 28, days: 10, rate: 1.3, baselineDays: 35 } as const;
/** The month-end close's first day total, and its growth from one month's close to the next. */
export const CLOSE = { firstBytes: 30 * GIB, growth: 2.2, businessDays: 2 } as const;

const orgActor = (key: string): Actor =>
  defined(
    ACTORS.find((a) => a.key === key),
    `actor ${key}`,
  );
const tablesText = (tables: readonly string[]) => [...new Set(tables)].sort().join(", ");

/** Why a probe of `table` failed: Glue or Lake Formation refused it, or it does not exist. */
function probeFailure(who: Actor, table: string, region: string): AthenaFailure {
  const { database, name } = tableParts(table);
  if (table === "hr.salaries")
    return { category: 2, type: 1006, retryable: false, message: `Insufficient Lake Formation permission(s) on ${name}` };
  if (table === "finance.payroll")
    return {
      category: 2,
      type: 1006,
      retryable: false,
      message: `TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.${table}' does not exist`,
    };
  const caller = callerArn(who, who.sessions?.[0]);
  return {
    category: 2,
    type: 1006,
    retryable: false,
    message:
      `AccessDeniedException: User: ${caller} is not authorized to perform: glue:GetTable on resource: ` +
      `arn:aws:glue:${region}:${accountOf(who)}:table/${database}/${name} because no identity-based policy allows the glue:GetTable action`,
  };
}

function probing(actor: string, daysBack: number, tables: readonly string[], at: number, every: number, count: number): Plant {
  const who = orgActor(actor);
  const table = (i: number) => defined(tables[i % tables.length], "a probed table");
  return {
    kind: "probing",
    daysBack,
    actor,
    subject: tablesText(tables),
    at,
    every,
    count,
    workGroup: defined(who.workGroups[0], `a work group of ${actor}`),
    text: (i) => queryText(sql`SELECT * FROM ${table(i)} LIMIT 10`, [table(i)]),
    bytes: 0,
    failure: (i) => probeFailure(who, table(i), who.regions[0] ?? "us-east-1"),
  };
}

/** Probing no clock hour shows: four an hour for six hours (15m20s apart), and five within twelve minutes across noon. */
const PROBES: readonly Plant[] = [
  probing("etl", 14, ["hr.headcount", "hr.salaries", "finance.payroll"], 9 * 60, 15 + 1 / 3, 24),
  probing("quicksight", 25, ["finance.invoices", "finance.ledger"], 11 * 60 + 52, 3, 5),
];

const COLUMNS: Readonly<Record<string, string>> = {
  "sales.orders": "order_id, customer_id, amount, order_date",
  "sales.customers": "customer_id, name, email, country",
  "finance.ledger": "entry_id, account_id, debit, credit, posted_at",
  "finance.invoices": "invoice_id, customer_id, amount, issued_at, paid_at",
  "hr.headcount": "employee_id, name, salary_band, manager",
};
const NEWCOMER_TABLES = Object.keys(COLUMNS);

/** The new role's first day: ten whole-table reads of 1 TiB each, from 01:10. */
const NEWCOMER_PLANT: Plant = {
  kind: "newcomer",
  daysBack: NEWCOMER_DAYS_BACK,
  actor: NEWCOMER.key,
  subject: "bytes",
  at: 60 + 10,
  every: 4,
  count: 10,
  workGroup: "primary",
  text: (i) => {
    const table = defined(NEWCOMER_TABLES[i % NEWCOMER_TABLES.length], "a table the new role reads");
    return queryText(sql`SELECT ${defined(COLUMNS[table], table)} FROM ${table}`, [table]);
  },
  bytes: TIB,
};

/** The close job's evening reconciliation (about 3 GB), and the close's queries. */
const RECONCILE: Plant = {
  kind: "volume",
  daysBack: 0,
  actor: FINANCE_CLOSE.key,
  subject: "bytes",
  at: 18 * 60 + 5,
  every: 7,
  count: 2,
  workGroup: "primary",
  text: (i, day) =>
    i === 0
      ? queryText(
          sql`SELECT account_id, sum(debit) - sum(credit) AS net FROM finance.ledger
WHERE posted_at >= TIMESTAMP ${str(`${addDays(day, -1)} 00:00:00`)} GROUP BY account_id`,
          ["finance.ledger"],
        )
      : queryText(sql`SELECT count(*) AS open_invoices FROM finance.invoices WHERE paid_at IS NULL`, ["finance.invoices"]),
  bytes: 1.5e9,
};
const CLOSE_RUN: Plant = {
  ...RECONCILE,
  at: 18 * 60 + 30,
  every: 12,
  count: 4,
  text: (i, day) => defined(MONTH_END[i % 2], "a close query")(day),
};

/** Sets what a planted query scanned, and how long it ran for it. */
function withBytes(q: PlannedQuery, bytes: number): PlannedQuery {
  q.bytes = Math.round(bytes);
  q.engineMs = Math.round(2000 + q.bytes / 2_000_000);
  q.completedAt = new Date(q.submittedAt.getTime() + q.queueMs + q.planningMs + q.engineMs + 40);
  return q;
}

/** The last `CLOSE.businessDays` weekdays of each month of `calendar`, in order, with the month's place among them. */
export function closeDays(calendar: readonly string[]): { day: string; cycle: number }[] {
  const weekdays = calendar.filter((d) => ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay()));
  const byMonth = new Map<string, string[]>();
  for (const d of weekdays) byMonth.set(d.slice(0, 7), [...(byMonth.get(d.slice(0, 7)) ?? []), d]);
  // A month the calendar ends in before its last business day has not closed yet.
  const last = calendar.at(-1) ?? "";
  const closed = [...byMonth.entries()].filter(([month]) => {
    let end = `${month}-28`;
    while (addDays(end, 1).startsWith(month)) end = addDays(end, 1);
    while ([0, 6].includes(new Date(`${end}T00:00:00Z`).getUTCDay())) end = addDays(end, -1);
    return end <= last;
  });
  return closed.flatMap(([, days], cycle) => days.slice(-CLOSE.businessDays).map((day) => ({ day, cycle })));
}

export interface TrendDay {
  day: string;
  region: string;
  /** The day's simulated queries in this region. */
  today: readonly PlannedQuery[];
  /** What a principal (its IAM ARN) scanned on an earlier day, every region together. */
  bytesOn: (principalArn: string, day: string) => number;
}

export interface TrendPlanter {
  /** What to add to one day and region of the main account. */
  forDay(d: TrendDay, rng: Random): DayPlants;
  /** The habits no finding may name. */
  quiet: QuietCase[];
}

/**
 * The planter for a lake whose reported days are `story` and generated days `calendar` (the close
 * job runs on all of them, so a report has earlier cycles to compare with); nothing for short lakes.
 */
export function trendPlanter(story: readonly string[], calendar: readonly string[]): TrendPlanter {
  const last = story.at(-1);
  const long = story.length >= LONG_ENOUGH && last !== undefined;
  const closes = long ? closeDays(calendar) : [];
  const driftDays = long ? Array.from({ length: DRIFT.days }, (_, i) => addDays(last, i + 1 - DRIFT.days - DRIFT.lastDaysBack)) : [];
  const driftIds: string[] = [];
  const quiet: QuietCase[] = closes.length
    ? [
        {
          principalArn: roleArn(FINANCE_CLOSE),
          days: closes.map((c) => c.day),
          reason: `month-end close, ${CLOSE.growth}x the previous month's on each of the last ${CLOSE.businessDays} business days`,
        },
      ]
    : [];
  const forDay = ({ day, region, today, bytesOn }: TrendDay, rng: Random): DayPlants => {
    const out: DayPlants = { queries: [], records: [], anomalies: [] };
    if (!long) return out;
    const run = (p: Plant, count = p.count) => Array.from({ length: count }, (_, i) => planted(p, i, day, region, rng));
    for (const p of [NEWCOMER_PLANT, ...PROBES]) {
      const who = p.actor === NEWCOMER.key ? NEWCOMER : orgActor(p.actor);
      if (addDays(last, -Number(p.daysBack)) !== day || who.regions[0] !== region) continue;
      // The new role's reads are exactly 1 TiB each: its day is 10 TiB.
      const queries = run(p).map((q) => (p.bytes > 0 ? withBytes(q, p.bytes) : q));
      out.queries.push(...queries);
      out.anomalies.push({ kind: p.kind, day, principalArn: roleArn(who), subject: p.subject, queryIds: queries.map((q) => q.id) });
    }
    const drifting = orgActor(DRIFT.actor);
    const step = driftDays.indexOf(day) + 1;
    if (step > 0 && drifting.regions[0] === region) {
      const start = defined(driftDays[0], "the drift's first day");
      const before = Array.from({ length: DRIFT.baselineDays }, (_, i) => bytesOn(roleArn(drifting), addDays(start, -1 - i))).sort(
        (a, b) => a - b,
      );
      const median = defined(before[Math.floor(before.length / 2)], "the drift's baseline median");
      const normal = today.filter((q) => q.actor.key === DRIFT.actor).reduce((n, q) => n + q.bytes, 0);
      const extra = median * DRIFT.rate ** step - normal;
      if (extra > 0) {
        const n = Math.max(1, Math.ceil(extra / (40 * GIB)));
        const p: Plant = {
          ...RECONCILE,
          kind: "drift",
          actor: DRIFT.actor,
          at: 5 * 60 + 30,
          every: 2,
          text: (i, d) => defined(CHURN_FEATURES[i % 2], "a feature query")(d),
        };
        const queries = run(p, n).map((q) => withBytes(q, extra / n));
        out.queries.push(...queries);
        driftIds.push(...queries.map((q) => q.id));
      }
      if (day === driftDays.at(-1))
        out.anomalies.push({
          kind: "drift",
          day,
          principalArn: roleArn(drifting),
          subject: "bytes",
          queryIds: [...driftIds],
          days: driftDays,
        });
    }
    if (FINANCE_CLOSE.regions[0] === region) {
      const reconcile = run(RECONCILE);
      out.queries.push(...reconcile);
      const close = closes.find((c) => c.day === day);
      if (close) {
        const total = CLOSE.firstBytes * CLOSE.growth ** close.cycle - reconcile.reduce((n, q) => n + q.bytes, 0);
        out.queries.push(...run(CLOSE_RUN).map((q) => withBytes(q, total / CLOSE_RUN.count)));
      }
    }
    for (const q of out.queries) {
      out.records.push({ at: q.eventAt, record: startQueryExecutionRecord({ ...q, at: q.eventAt, queryId: q.id }, rng) });
    }
    return out;
  };
  return { forDay, quiet };
}
