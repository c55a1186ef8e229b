/** Simulates one day of one account's Athena use in one region: queries and every CloudTrail record. */
import { Caller, CloudTrailRecord, noiseRecord, startQueryExecutionRecord } from "./cloudtrail";
import { outcomeOf, SimulatedQuery } from "./executions";
import { clientOf } from "./actor";
import { ACCOUNT_ID, accountOf, Actor, actorsOf, Job, JobQuery, orgAccount, roleArn, tablesOf } from "./org";
import { Random } from "./random";
import { adHoc, adHocJoin, ddl, fullScan, QueryText } from "./sql";

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
  /** The client family when the caller is not one of the actor's clients (a planted anomaly). */
  clientFamily?: string;
}

export interface SimulatedDay {
  queries: PlannedQuery[];
  records: TimedRecord[];
  failedCalls: number;
}

const MS_HOUR = 3_600_000;
/** Athena's default maximum age for a reused result. */
const REUSE_MS = 60 * 60_000;
/** How fast a big scan reads, bytes per millisecond of engine time (about 2 GB/s). */
const SCAN_RATE = 2_000_000;

/** Which of the actor's clients makes a call (`clientIndex`, or one drawn), from where, in which session. */
export function callerFor(actor: Actor, rng: Random, clientIndex?: number): { caller: Caller; clientIndex: number } {
  const index = clientIndex ?? rng.int(0, actor.clients.length - 1);
  const client = clientOf(actor, index);
  const sourceIp = typeof client.sourceIp === "string" ? client.sourceIp : `${client.sourceIp.network}.${rng.int(2, 250)}`;
  const session = actor.sessions ? rng.pick(actor.sessions) : undefined;
  return { caller: { actor, session, userAgent: client.userAgent, sourceIp }, clientIndex: index };
}

/** What one query is before it runs: its text, where it runs, what it would scan. */
interface Draft {
  actor: Actor;
  query: QueryText;
  workGroup: string;
  /** The client that sends it (jobs have one); drawn when absent. */
  clientIndex?: number;
  medianBytes: number;
  spread: number;
  heavy: boolean;
  reuseEnabled: boolean;
}

/** The day's results that reuse could serve: last fresh (scanned) success by work group, database, caller and text. */
type Results = Map<string, number>;

const resultKey = (q: Pick<SimulatedQuery, "region" | "workGroup" | "database" | "actor" | "text">) =>
  [q.region, q.workGroup, q.database, roleArn(q.actor), q.text].join("\n");

function planQuery(draft: Draft, region: string, submittedAt: Date, bytesFactor: number, results: Results, rng: Random): PlannedQuery {
  const { caller, clientIndex } = callerFor(draft.actor, rng, draft.clientIndex);
  const { query } = draft;
  const base = {
    region,
    actor: draft.actor,
    workGroup: draft.workGroup,
    database: query.database,
    text: query.text,
  };
  const last = results.get(resultKey(base));
  const reused = draft.reuseEnabled && last !== undefined && last <= submittedAt.getTime() && last >= submittedAt.getTime() - REUSE_MS;
  const outcome = reused
    ? { state: "SUCCEEDED" as const, readShare: 0, failure: undefined }
    : outcomeOf(
        draft.actor.errors,
        draft.heavy,
        { tables: query.tables, submittedAt, lakeBucket: orgAccount(accountOf(draft.actor)).lakeBucket },
        rng,
      );
  const full =
    query.statementType === "DDL" || reused ? 0 : Math.max(1, Math.round(rng.logNormal(draft.medianBytes * bytesFactor, draft.spread)));
  const bytes = Math.round(full * outcome.readShare);
  const engineMs = reused ? rng.int(40, 300) : Math.round(300 + bytes / SCAN_RATE + rng.int(0, 900));
  const queueMs = rng.int(20, 900);
  const planningMs = reused ? rng.int(20, 120) : rng.int(60, 700);
  const completedAt = new Date(submittedAt.getTime() + queueMs + planningMs + engineMs + 40);
  if (outcome.state === "SUCCEEDED" && !reused && bytes > 0 && query.substatementType === "SELECT") {
    results.set(resultKey(base), completedAt.getTime());
  }
  // StartQueryExecution is logged at the call, a moment before Athena stamps the submission.
  const eventAt = new Date(Math.floor((submittedAt.getTime() - rng.int(0, 400)) / 1000) * 1000);
  return {
    ...base,
    id: rng.uuid(),
    session: caller.session,
    clientIndex,
    sourceIp: caller.sourceIp,
    tables: query.tables,
    shape: query.shape,
    statementType: query.statementType,
    substatementType: query.substatementType,
    state: outcome.state,
    failure: outcome.failure,
    bytes,
    reuseEnabled: draft.reuseEnabled,
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

/** An ad-hoc query by a person (or a service without jobs): exploring, joining, now and then a full scan or DDL. */
function adHocDraft(actor: Actor, day: string, rng: Random): Draft {
  const pick = (n: number) => rng.int(0, n - 1);
  const database = rng.pick(actor.databases);
  const table = rng.pick(tablesOf(actor, database));
  const workGroup = rng.pick(actor.workGroups);
  const base = { actor, workGroup, medianBytes: actor.medianBytes, spread: actor.spread, heavy: false, reuseEnabled: false };
  if (rng.chance(0.04)) return { ...base, query: ddl(database, table, pick) };
  if (actor.fullScans && actor.databases.includes("clickstream") && rng.chance(actor.fullScans.share)) {
    return { ...base, query: fullScan(pick), medianBytes: actor.fullScans.medianBytes, spread: actor.fullScans.spread, heavy: true };
  }
  const join = rng.chance(0.15) ? adHocJoin(actor.databases, day, pick) : undefined;
  return { ...base, query: join ?? adHoc(database, table, day, pick) };
}

/** Whether a job runs on this day. */
function runsOn(job: Job, day: string): boolean {
  const date = new Date(`${day}T00:00:00Z`);
  const weekday = date.getUTCDay();
  if (job.on === "weekdays") return weekday !== 0 && weekday !== 6;
  if (job.on === "sundays") return weekday === 0;
  if (job.on === "month-end") return new Date(date.getTime() + 3 * 86_400_000).getUTCMonth() !== date.getUTCMonth();
  return true;
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
  /** Weeks from this day to the last generated day (0 on that day): growth is counted back from there. */
  weeksToEnd?: number;
}

/** A job's runs on one day: a pipeline's steps one after the other, or dashboard tiles at random times. */
function runJob(actor: Actor, job: Job, options: DayOptions, dayStart: number, results: Results, rng: Random): PlannedQuery[] {
  const weeksToEnd = options.weeksToEnd ?? 0;
  const growth = (1 + (actor.growth ?? 0)) ** -weeksToEnd;
  const bytesFactor = (1 + (actor.bytesGrowth ?? 0)) ** -weeksToEnd;
  const draft = (query: JobQuery, hour = 0): Draft => ({
    actor,
    query: query.text(options.day, hour),
    workGroup: job.workGroup,
    clientIndex: job.client,
    medianBytes: query.medianBytes,
    spread: query.spread,
    heavy: false,
    reuseEnabled: query.reuse ?? false,
  });
  const [from, to] = job.hours;
  const startAt = () => dayStart + from * MS_HOUR + Math.floor(rng.next() * (to - from) * MS_HOUR);
  const planned: PlannedQuery[] = [];
  if (job.mode === "sequence") {
    // Each step is submitted a few seconds after the last finished; a failed step stops the run.
    let at = startAt();
    for (const query of job.queries) {
      const q = planQuery(draft(query), options.region, new Date(at), bytesFactor, results, rng);
      planned.push(q);
      if (q.state === "FAILED") break;
      at = q.completedAt.getTime() + rng.int(2, 20) * 1000;
    }
    return planned;
  }
  if (job.mode === "hourly") {
    for (let hour = from; hour < to; hour++) {
      const at = dayStart + hour * MS_HOUR + Math.floor(rng.next() * MS_HOUR);
      planned.push(planQuery(draft(rng.pick(job.queries), hour), options.region, new Date(at), bytesFactor, results, rng));
    }
    return planned;
  }
  const weekend = [0, 6].includes(new Date(dayStart).getUTCDay());
  const times = Array.from({ length: rng.poisson(job.runs * growth * (weekend ? 0.35 : 1)) }, startAt).sort((a, b) => a - b);
  for (const at of times) planned.push(planQuery(draft(rng.pick(job.queries)), options.region, new Date(at), bytesFactor, results, rng));
  return planned;
}

/** One account's day in one region: `actors` are the account's (by default the main account's). */
export function simulateDay(options: DayOptions, rng: Random, actors: readonly Actor[] = actorsOf(ACCOUNT_ID)): SimulatedDay {
  const { day, region } = options;
  const dayStart = Date.parse(`${day}T00:00:00Z`);
  const weekday = ![0, 6].includes(new Date(dayStart).getUTCDay());
  const weeksToEnd = options.weeksToEnd ?? 0;
  const results: Results = new Map();
  const queries: PlannedQuery[] = [];
  for (const actor of actors.filter((a) => a.regions.includes(region))) {
    const share = actor.regions.length > 1 ? (region === actor.regions[0] ? 0.75 : 0.25) : 1;
    const growth = (1 + (actor.growth ?? 0)) ** -weeksToEnd;
    const bytesFactor = (1 + (actor.bytesGrowth ?? 0)) ** -weeksToEnd;
    const mean = actor.perDay * share * growth * (weekday || !actor.human ? 1 : 0.25);
    for (let n = rng.poisson(mean); n > 0; n--) {
      const [from, to] = actor.hours;
      const at = dayStart + from * MS_HOUR + Math.floor(rng.next() * (to - from) * MS_HOUR);
      queries.push(planQuery(adHocDraft(actor, day, rng), region, new Date(at), bytesFactor, results, rng));
    }
    // Jobs run in the actor's first region only.
    if (region === actor.regions[0]) {
      for (const job of actor.jobs ?? []) if (runsOn(job, day)) queries.push(...runJob(actor, job, options, dayStart, results, rng));
    }
  }
  const humans = actors.filter((a) => a.human && a.perDay > 0 && a.regions.includes(region));
  if (humans.length > 0 && rng.chance(0.4)) {
    const actor = rng.pick(humans);
    const late = planQuery(adHocDraft(actor, day, rng), region, new Date(dayStart + 86_400_000 - rng.int(60, 600) * 1000), 1, results, rng);
    // Only a query that reads for a while runs past midnight (not one that failed before reading).
    if (late.bytes > 0) runPastMidnight(late, rng);
    queries.push(late);
  }
  if (humans.length > 0 && rng.chance(0.25)) {
    // Called at 23:59:59.9 on D, stamped by Athena at 00:00:00.1 on D+1.
    const actor = rng.pick(humans);
    const q = planQuery(adHocDraft(actor, day, rng), region, new Date(dayStart + 86_400_000 + rng.int(50, 300)), 1, results, rng);
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
