/** Simulates one day of the org's Athena use in one region: queries and every CloudTrail record. */
import { addDays } from "../queries/days";
import { Caller, CloudTrailRecord, noiseRecord, startQueryExecutionRecord } from "./cloudtrail";
import { ddlText, queryText, SimulatedQuery } from "./executions";
import { ACTORS, Actor, DATABASES } from "./org";
import { Random } from "./random";

export interface TimedRecord {
  at: Date;
  record: CloudTrailRecord;
}

export interface PlannedQuery extends SimulatedQuery {
  /** StartQueryExecution's event time (whole seconds, may fall a moment before submission). */
  eventAt: Date;
  caller: Caller;
  textForm: "omitted" | "queryString" | "query";
  midnightCrossing: boolean;
  /** Event time on day D, submission on D+1. */
  straddle: boolean;
  /** CloudTrail lost this query's record (trail outage): history only. */
  trailGap: boolean;
}

export interface SimulatedDay {
  queries: PlannedQuery[];
  records: TimedRecord[];
  failedCalls: number;
}

const MS_HOUR = 3_600_000;

/** Which of the actor's clients makes a call, from where, in which session. */
export function callerFor(actor: Actor, rng: Random): { caller: Caller; clientIndex: number } {
  const clientIndex = rng.int(0, actor.clients.length - 1);
  const client = actor.clients[clientIndex];
  const sourceIp = typeof client.sourceIp === "string" ? client.sourceIp : `${client.sourceIp.network}.${rng.int(2, 250)}`;
  const session = actor.sessions ? rng.pick(actor.sessions) : undefined;
  return { caller: { actor, session, userAgent: client.userAgent, sourceIp }, clientIndex };
}

function planQuery(actor: Actor, region: string, submittedAt: Date, rng: Random, day: string): PlannedQuery {
  const { caller, clientIndex } = callerFor(actor, rng);
  const database = rng.pick(actor.databases);
  const table = rng.pick(actor.tables?.[database] ?? DATABASES[database]);
  const ddl = rng.chance(0.04);
  const state = rng.weighted([
    ["SUCCEEDED", 90],
    ["FAILED", 6],
    ["CANCELLED", 4],
  ] as const);
  const reused = !ddl && state === "SUCCEEDED" && rng.chance(actor.reuse ?? 0);
  let bytes = ddl || reused ? 0 : Math.max(1, Math.round(rng.logNormal(actor.medianBytes, actor.spread)));
  if (state !== "SUCCEEDED") bytes = rng.chance(0.3) ? 0 : Math.round(bytes * rng.next() * 0.5);
  const engineMs = Math.round(300 + bytes / 160_000 + rng.int(0, 900));
  const queueMs = rng.int(20, 900);
  const planningMs = rng.int(60, 700);
  const completedAt = new Date(submittedAt.getTime() + queueMs + planningMs + engineMs + 40);
  // StartQueryExecution is logged at the call, a moment before Athena stamps the submission.
  const eventAt = new Date(Math.floor((submittedAt.getTime() - rng.int(0, 400)) / 1000) * 1000);
  return {
    id: rng.uuid(),
    region,
    actor,
    session: caller.session,
    clientIndex,
    sourceIp: caller.sourceIp,
    workGroup: rng.pick(actor.workGroups),
    database,
    tables: ddl ? [] : [`${database}.${table}`],
    text: ddl ? ddlText(rng, database, table) : queryText(rng, database, table, addDays(day, -rng.int(1, 30))),
    statementType: ddl ? "DDL" : "DML",
    substatementType: ddl ? "SHOW" : "SELECT",
    state,
    bytes,
    reused,
    submittedAt,
    completedAt,
    engineMs,
    queueMs,
    planningMs,
    eventAt,
    caller,
    textForm: rng.weighted([
      ["omitted", 7],
      ["queryString", 2],
      ["query", 1],
    ] as const),
    midnightCrossing: completedAt.toISOString().slice(0, 10) !== submittedAt.toISOString().slice(0, 10),
    straddle: eventAt.toISOString().slice(0, 10) !== submittedAt.toISOString().slice(0, 10),
    trailGap: false,
  };
}

/** Stretches a query so it runs past midnight (long ETL, heavy ad-hoc scans). */
function runPastMidnight(q: PlannedQuery, rng: Random): void {
  q.engineMs = rng.int(6, 25) * 60_000;
  q.completedAt = new Date(q.submittedAt.getTime() + q.queueMs + q.planningMs + q.engineMs + 40);
  q.midnightCrossing = true;
}

export interface DayOptions {
  day: string;
  region: string;
  /** Trail outage for this day and region: [fromHour, toHour) UTC with no records at all. */
  outage?: readonly [number, number];
}

export function simulateDay(options: DayOptions, rng: Random): SimulatedDay {
  const { day, region } = options;
  const dayStart = Date.parse(`${day}T00:00:00Z`);
  const weekday = ![0, 6].includes(new Date(dayStart).getUTCDay());
  const queries: PlannedQuery[] = [];
  for (const actor of ACTORS.filter((a) => a.regions.includes(region))) {
    const share = actor.regions.length > 1 ? (region === actor.regions[0] ? 0.75 : 0.25) : 1;
    const mean = actor.perDay * share * (weekday || !actor.human ? 1 : 0.25);
    for (let n = rng.poisson(mean); n > 0; n--) {
      const [from, to] = actor.hours;
      const at = dayStart + from * MS_HOUR + Math.floor(rng.next() * (to - from) * MS_HOUR);
      queries.push(planQuery(actor, region, new Date(at), rng, day));
    }
  }
  const humans = ACTORS.filter((a) => a.human && a.regions.includes(region));
  if (humans.length > 0 && rng.chance(0.4)) {
    const late = planQuery(rng.pick(humans), region, new Date(dayStart + 86_400_000 - rng.int(60, 600) * 1000), rng, day);
    runPastMidnight(late, rng);
    queries.push(late);
  }
  if (humans.length > 0 && rng.chance(0.25)) {
    // Called at 23:59:59.9 on D, stamped by Athena at 00:00:00.1 on D+1.
    const q = planQuery(rng.pick(humans), region, new Date(dayStart + 86_400_000 + rng.int(50, 300)), rng, day);
    q.eventAt = new Date(dayStart + 86_400_000 - 1000);
    q.straddle = true;
    queries.push(q);
  }
  const records: TimedRecord[] = [];
  const inOutage = (at: Date) =>
    options.outage !== undefined &&
    at.getTime() >= dayStart + options.outage[0] * MS_HOUR &&
    at.getTime() < dayStart + options.outage[1] * MS_HOUR;
  for (const q of queries) {
    q.trailGap = inOutage(q.eventAt);
    if (!q.trailGap) {
      records.push({ at: q.eventAt, record: startQueryExecutionRecord({ ...q, at: q.eventAt, queryId: q.id }, rng) });
    }
    for (let n = rng.poisson(6); n > 0; n--) {
      const at = new Date(Math.floor((q.eventAt.getTime() + rng.int(-300, 300) * 1000) / 1000) * 1000);
      if (at.getTime() >= dayStart && at.getTime() < dayStart + 86_400_000 && !inOutage(at)) {
        records.push({ at, record: noiseRecord(q.caller, region, at, rng) });
      }
    }
  }
  let failedCalls = 0;
  if (queries.length > 0 && rng.chance(0.5)) {
    // A rejected StartQueryExecution: logged with errorCode, started nothing, has no history.
    const q = rng.pick(queries);
    const at = new Date(Math.floor((q.eventAt.getTime() - 5000) / 1000) * 1000);
    if (at.getTime() >= dayStart && !inOutage(at)) {
      records.push({
        at,
        record: startQueryExecutionRecord({ ...q, at, textForm: "queryString", errorCode: "InvalidRequestException" }, rng),
      });
      failedCalls++;
    }
  }
  return { queries, records, failedCalls };
}
