/**
 * Writes a lake for the fictional org over N days, deterministic by seed: CloudTrail in the trail's
 * layout and file format, Athena history in the audit's contract, each under the account whose
 * Athena ran the query (generator/org.ts: the main account and the marketing one). Returns the
 * ledger of what it generated, which tests and the demo use as the independent truth.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { defined } from "../core/checks";
import { addDays, dayOf, daysBetween, parseDay } from "../core/days";
import { InputError } from "../core/errors";
import { historyDay, HistoryLine, toHistoryLine } from "../core/history-record";
import { cloudTrailObjectKey, DEFAULT_PREFIX, historyObjectKey } from "../core/layout";
import { GeneratedBill, writeBill } from "./billing";
import { LedgerEntry } from "./ledger";
import { DayPlants, PlantedAnomaly, plantsFor } from "./planted-anomalies";
import { QuietCase, trendPlanter } from "./planted-trends";
import { deliver } from "./cloudtrail";
import { AccessEntry, AccessEvent, aggregateAccess, DirectDownload } from "./engine-ledger";
import { keptWithoutReadEvents } from "./engine-records";
import { engineDay } from "./engines";
import { trailOutages } from "./outages";
import { PlantedDisagreement, plantDisagreements, systemTablesFrom, witnessOf, writeSystemTable } from "./system-tables";
import { failureOf, toQueryExecution, totalExecutionMs } from "./executions";
import { DEFAULT_TB, queryCostUsd, TbDefinition } from "../core/cost";
import { ACCOUNT_ID, accountOf, ACCOUNTS, actorsOf, callerArn, orgAccount, REGIONS, roleArn } from "./org";
import { clientOf } from "./actor";
import { Random } from "./random";
import { PlannedQuery, simulateDay } from "./simulate";
import { databaseOf } from "./sql";

export interface GenerateOptions {
  lake: string;
  /** Last day generated (UTC, inclusive). Fixed by default so the demo is reproducible. */
  endDay?: string;
  /** Days the planted evidence is spread over, ending on `endDay`: the period the demo reports. */
  days?: number;
  /** Days of ordinary use generated before those (default 0): the previous period a report compares with. */
  priorDays?: number;
  seed?: number;
  prefix?: string;
  trailPrefix?: string;
  /** Minutes of events per CloudTrail file (real trails: about 5). */
  deliveryWindowMinutes?: number;
  /** The TB definition the ledger's costs are billed with (core/cost.ts); join with the same one. */
  tb?: TbDefinition;
  /** The trail records read management events (Glue catalog reads, Lake Formation's GetDataAccess); default true. */
  trailReadEvents?: boolean;
  onDay?: (day: string, index: number, total: number) => void;
  /** false: work out the ledger only, writing no file (the same ledger, for sweeps over many seeds); default true. */
  write?: boolean;
}

export interface Ledger {
  /** The first generated day, `priorDays` before the first of `days`. */
  firstDay: string;
  lastDay: string;
  /** The org's accounts, main first (generator/org.ts `ACCOUNTS`). */
  accounts: string[];
  regions: string[];
  /** The TB definition `costUsd` is billed with. */
  tb: TbDefinition;
  queries: LedgerEntry[];
  failedCalls: number;
  cloudTrailRecords: number;
  cloudTrailFiles: number;
  historyFiles: number;
  /** The first day the main account's system table holds (queries submitted from then on). */
  systemTablesFrom: string;
  /** Anomalies planted on purpose (generator/planted-anomalies.ts): each is a finding the audit must make. */
  anomalies: PlantedAnomaly[];
  /** Ordinary habits planted beside them (generator/planted-trends.ts) that no finding may name. */
  quiet: QuietCase[];
  /** Where the system table disagrees with CloudTrail or the SQL parser, on purpose. */
  plantedDisagreements: PlantedDisagreement[];
  systemTableFiles: number;
  /** The demo's bill (generator/billing.ts), the main account's: each day's billed amount, its planted extra cost and estimated days. */
  bill: GeneratedBill;
  /** Reads of tables and their files outside Athena's query records (generator/engines.ts), aggregated as the audit's `access` table. */
  access: AccessEntry[];
  /** The planted direct download of the ledger's files; null when the calendar has no day for it. */
  directDownload: DirectDownload | null;
}

export const DEFAULT_END_DAY = "2026-10-31";

function writeGzip(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, zlib.gzipSync(text, { level: 6 }));
}

function ledgerEntry(q: PlannedQuery, lateDelivered: boolean, tb: TbDefinition, witnessFrom: string): LedgerEntry {
  const attributed = !q.trailGap;
  const failure = failureOf(q);
  const account = accountOf(q.actor);
  return {
    id: q.id,
    account,
    region: q.region,
    eventDay: attributed ? dayOf(q.eventAt) : dayOf(q.submittedAt),
    historyDay: dayOf(q.submittedAt),
    eventAt: q.eventAt.toISOString(),
    actor: q.actor.key,
    human: q.actor.human,
    principalArn: attributed ? callerArn(q.actor, q.session) : null,
    iamPrincipalArn: attributed ? roleArn(q.actor) : null,
    clientFamily: attributed ? (q.clientFamily ?? clientOf(q.actor, q.clientIndex).clientFamily) : null,
    sourceIp: attributed ? q.sourceIp : null,
    workGroup: q.workGroup,
    database: q.database,
    tables: q.tables,
    text: q.text,
    shape: q.shape,
    state: q.state,
    statementType: q.statementType,
    substatementType: q.substatementType,
    errorCategory: failure?.category ?? null,
    errorType: failure?.type ?? null,
    errorMessage: failure?.message ?? null,
    bytes: q.bytes,
    costUsd: queryCostUsd({ bytesScanned: q.bytes, statementType: q.statementType, state: q.state }, tb),
    engineMs: q.engineMs,
    totalMs: totalExecutionMs(q),
    submittedAt: q.submittedAt.toISOString(),
    completedAt: q.completedAt.toISOString(),
    reuseEnabled: q.reuseEnabled,
    reused: q.reused,
    attributed,
    textForm: q.textForm,
    midnightCrossing: q.midnightCrossing,
    straddle: q.straddle,
    lateDelivered,
    // Only the main account enabled the system table.
    witness: account === ACCOUNT_ID && dayOf(q.submittedAt) >= witnessFrom ? witnessOf(q.actor.key, q.session, q.tables) : null,
  };
}

export function generateLake(options: GenerateOptions): Ledger {
  const days = options.days ?? 90;
  const priorDays = options.priorDays ?? 0;
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw new InputError(`days must be a whole number from 1 to 3650, got ${days}`);
  if (!Number.isInteger(priorDays) || priorDays < 0 || priorDays > 3650)
    throw new InputError(`prior days must be a whole number from 0 to 3650, got ${priorDays}`);
  const lastDay = parseDay(options.endDay ?? DEFAULT_END_DAY, "end day");
  const firstDay = addDays(lastDay, 1 - days - priorDays);
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const rng = new Random(options.seed ?? 42);
  const calendar = daysBetween(firstDay, lastDay);
  // The outages, the system table's first day and every plant fall in the last `days`, where a lake without prior days has them.
  const story = calendar.slice(priorDays);
  // Two outages of the main account's trail, so some history has no CloudTrail record to name its principal.
  const outages = trailOutages(story);
  const history = new Map<string, HistoryLine[]>();
  const ledger: Omit<Ledger, "bill" | "access"> = {
    firstDay,
    lastDay,
    accounts: [...ACCOUNTS],
    regions: [...REGIONS],
    tb: options.tb ?? DEFAULT_TB,
    queries: [],
    failedCalls: 0,
    cloudTrailRecords: 0,
    cloudTrailFiles: 0,
    historyFiles: 0,
    systemTablesFrom: systemTablesFrom(story),
    plantedDisagreements: [],
    anomalies: [],
    quiet: [],
    systemTableFiles: 0,
    directDownload: null,
  };
  const trailReadEvents = options.trailReadEvents ?? true;
  const accessEvents: AccessEvent[] = [];
  const downloadDay = defined(story[Math.max(0, story.length - 4)], "a day for the direct download (the calendar is empty)");
  const seed = options.seed ?? 42;
  const plantRng = new Random((seed ^ 0xa40d) >>> 0);
  // Each other account draws from its own source: the main account's lake is what it would be without them.
  const accounts = ACCOUNTS.map((account, i) => ({ account, accountRng: i === 0 ? rng : new Random((seed ^ (0xacc0 + i)) >>> 0) }));
  const noPlants: DayPlants = { queries: [], records: [], anomalies: [] };
  const write = options.write ?? true;
  // The cases an attacker who waits makes, and the month-end close that must pass: their own random source too.
  const trends = trendPlanter(story, calendar);
  ledger.quiet = trends.quiet;
  const trendRng = new Random((seed ^ 0x7e4d) >>> 0);
  const scanned = new Map<string, number>();
  const bytesOn = (principalArn: string, day: string) => scanned.get(`${principalArn} ${day}`) ?? 0;
  // Reads outside Athena's query records (issue 22) draw from their own source and go to their own files.
  const engineRng = new Random((seed ^ 0xe261) >>> 0);
  calendar.forEach((day, index) => {
    options.onDay?.(day, index, calendar.length);
    for (const region of REGIONS) {
      for (const { account, accountRng } of accounts) {
        const actors = actorsOf(account);
        if (!actors.some((a) => a.regions.includes(region))) continue;
        const main = account === ACCOUNT_ID;
        const simulated = simulateDay(
          {
            day,
            region,
            outage: main && region === REGIONS[0] ? outages.get(day) : undefined,
            weeksToEnd: (calendar.length - 1 - index) / 7,
          },
          accountRng,
          actors,
        );
        // Planted anomalies (the main account's) draw from their own source and go to their own files: the rest stays as it was.
        const plants = main ? plantsFor(day, region, story, plantRng) : noPlants;
        const trend = main ? trends.forDay({ day, region, today: simulated.queries, bytesOn }, trendRng) : noPlants;
        ledger.anomalies.push(...plants.anomalies, ...trend.anomalies);
        const outage = main && region === REGIONS[0] ? outages.get(day) : undefined;
        const engines = engineDay(
          { day, region, account, queries: simulated.queries, simulated: simulated.records, outage, downloadDay, trailReadEvents },
          engineRng,
        );
        accessEvents.push(...engines.access);
        ledger.directDownload ??= engines.directDownload ?? null;
        const folderOf = new Map<unknown, string>();
        for (const [records, random] of [
          [simulated.records, accountRng],
          [plants.records, plantRng],
          [engines.records, engineRng],
          [trend.records, trendRng],
        ] as const) {
          for (const file of deliver(region, records, options.deliveryWindowMinutes ?? 30, random)) {
            // Each account's trail delivers into its own folder of the one trail bucket.
            const key = cloudTrailObjectKey({ account, region }, file.deliveredAt, random.hex(16).toUpperCase(), options.trailPrefix);
            // A trail without read management events drops them from files delivered as before, so the rest stays as it was.
            const kept = trailReadEvents ? file.records : file.records.filter(keptWithoutReadEvents);
            if (kept.length === 0) continue;
            if (write) writeGzip(path.join(options.lake, key), JSON.stringify({ Records: kept }));
            for (const record of file.records) folderOf.set(record, dayOf(file.deliveredAt));
            ledger.cloudTrailRecords += kept.length;
            ledger.cloudTrailFiles++;
          }
        }
        const recordOf = new Map(
          [...simulated.records, ...plants.records, ...trend.records].map((r) => [
            (r.record.responseElements as { queryExecutionId?: string } | null)?.queryExecutionId,
            r.record,
          ]),
        );
        for (const q of [...simulated.queries, ...plants.queries, ...trend.queries]) {
          const record = recordOf.get(q.id);
          const lateDelivered = record !== undefined && folderOf.get(record) !== dayOf(q.eventAt);
          ledger.queries.push(ledgerEntry(q, lateDelivered, ledger.tb, ledger.systemTablesFrom));
          const scannedKey = `${roleArn(q.actor)} ${dayOf(q.eventAt)}`;
          scanned.set(scannedKey, (scanned.get(scannedKey) ?? 0) + q.bytes);
          const line = toHistoryLine(toQueryExecution(q, orgAccount(account).resultBucket), {
            Region: region,
            CollectedAt: `${addDays(dayOf(q.submittedAt), 1)}T01:00:00.000Z`,
            Source: "generator",
            ReferencedTables: q.tables,
            ReferencedDatabases: [...new Set(q.tables.map(databaseOf))],
          });
          // Keyed by account: the two accounts' `primary` work groups never share an object.
          const key = historyObjectKey({ account, region, dt: historyDay(line), workGroup: q.workGroup }, prefix);
          const lines = history.get(key) ?? [];
          lines.push(line);
          history.set(key, lines);
        }
        ledger.failedCalls += simulated.failedCalls;
      }
    }
  });
  for (const [key, lines] of [...history.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    lines.sort((a, b) => String(a.Status?.SubmissionDateTime).localeCompare(String(b.Status?.SubmissionDateTime)));
    if (write) writeGzip(path.join(options.lake, key), lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
    ledger.historyFiles++;
  }
  ledger.plantedDisagreements = plantDisagreements(ledger.queries);
  // Only the main account enabled the system table.
  ledger.systemTableFiles = writeSystemTable(options.lake, ledger.queries, ACCOUNT_ID, write);
  // The main account's bill (its Cost Explorer's answer), from its own random source, so the bill never changes the rest of the lake.
  const billed = ledger.queries.filter((q) => q.account === ACCOUNT_ID);
  const bill = writeBill(options.lake, prefix, calendar, billed, new Random((seed ^ 0xb111) >>> 0), story, undefined, write);
  return { ...ledger, bill, access: aggregateAccess(accessEvents) };
}
