/**
 * One day of reads outside Athena's query records, in one account and region (issue 22): the
 * nightly Glue job, Redshift Spectrum a few times a week, the EMR cluster through Lake Formation
 * every day, Athena's own catalog and S3 calls for one query in ten, and, on one day near the end,
 * the reporting app's stolen role downloading the ledger's files with the CLI from a network it never
 * used. Everything draws from the caller's random source (the generator gives the engines their
 * own), so the rest of the lake is what it would be without them.
 */
import { addDays } from "../core/days";
import { Caller } from "./cloudtrail";
import { Engine, ENGINE_ACTORS, GOVERNED_TABLE, tablePrefix } from "./engine-actors";
import { AccessEvent, DirectDownload, noiseAccess, principalOf } from "./engine-ledger";
import { getDataAccessRecord, getObjectRecord, GlueRead, glueReadRecord } from "./engine-records";
import { ACCOUNT_ID, ACTORS, MAIN_REGION } from "./org";
import { Random } from "./random";
import { PlannedQuery, TimedRecord } from "./simulate";
import { databaseOf } from "./sql";

export interface EngineDayInput {
  day: string;
  region: string;
  account: string;
  /** The day's simulated Athena queries and other records of this account and region. */
  queries: readonly PlannedQuery[];
  simulated: readonly TimedRecord[];
  /** The trail's outage this day and region: [fromHour, toHour) UTC, nothing recorded. */
  outage?: readonly [number, number];
  /** The day of the planted direct download. */
  downloadDay: string;
  /** The trail records read management events (Glue reads, GetDataAccess); S3 data events always. */
  trailReadEvents: boolean;
}

export interface EngineDay {
  /** The records to deliver (all but an outage's; read management events are dropped at delivery by a trail without them). */
  records: TimedRecord[];
  access: AccessEvent[];
  directDownload?: DirectDownload;
}

const MS_HOUR = 3_600_000;
const MB = 1024 ** 2;
/** A share of Athena's queries whose own catalog and S3 calls the generator writes. */
const ATHENA_OWN_CALLS = 0.1;
/** The network the stolen role's download comes from: none of the org's principals ever used it. */
const THIEF_NETWORK = "45.155.204";
const CLI =
  "aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#6.5.0-41-generic md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython " +
  "cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.22 command/s3.cp";
/** Spark on EMR and on Glue reads S3 through EMRFS with the AWS SDK for Java. */
const EMRFS =
  "aws-sdk-java/1.12.772 Linux/5.10.227-219.884.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.13+11-LTS java/17.0.13 " +
  "vendor/Amazon.com_Inc. cfg/retry-mode/standard EMRFS/2.66.0";

const as = (key: keyof typeof ENGINE_ACTORS, session: string, userAgent: string, sourceIp: string): Caller => ({
  actor: ENGINE_ACTORS[key].actor,
  session,
  userAgent,
  sourceIp,
});

class DayPlan {
  readonly records: TimedRecord[] = [];
  readonly access: AccessEvent[] = [];

  constructor(
    private readonly input: EngineDayInput,
    private readonly rng: Random,
  ) {}

  private lost(at: Date): boolean {
    const { outage, day } = this.input;
    const start = Date.parse(`${day}T00:00:00Z`);
    return outage !== undefined && at.getTime() >= start + outage[0] * MS_HOUR && at.getTime() < start + outage[1] * MS_HOUR;
  }

  /**
   * Every read is listed; its record goes to delivery unless an outage lost it. Read management
   * events a trail does not record are dropped after delivery (generator/generate.ts), as the
   * simulation's are, so both trails' files are delivered alike.
   */
  private add(
    event: Omit<AccessEvent, "account" | "region" | "recorded" | "principalArn" | "iamPrincipalArn">,
    caller: Caller,
    record: unknown,
  ) {
    const lost = this.lost(event.at);
    const recorded = !lost && (event.source === "s3" || this.input.trailReadEvents);
    const { account, region } = this.input;
    this.access.push({ ...event, ...principalOf(caller), account, region, recorded });
    if (!lost) this.records.push({ at: event.at, record: record as TimedRecord["record"] });
  }

  glue(caller: Caller, at: Date, eventName: GlueRead, table: string, engine: Engine, invokedBy?: string): void {
    const record = glueReadRecord({ caller, region: this.input.region, at, eventName, table, invokedBy }, this.rng);
    const database = eventName === "GetDatabase";
    const resource = database ? databaseOf(table) : table;
    const countedByAudit = engine !== "athena";
    this.add(
      { at, engine, source: "glue", resourceKind: database ? "database" : "table", resource, bytes: 0, countedByAudit },
      caller,
      record,
    );
  }

  lakeFormation(caller: Caller, at: Date, table: string, lakeFormationSession: string, clusterId: string): void {
    const record = getDataAccessRecord(
      {
        caller,
        region: this.input.region,
        at,
        table,
        requesterService: "UNKNOWN",
        platformType: "EMR_ON_EC2",
        clusterId,
        lakeFormationSession,
      },
      this.rng,
    );
    this.add(
      { at, engine: "emr", source: "lakeformation", resourceKind: "table", resource: table, bytes: 0, countedByAudit: true },
      caller,
      record,
    );
  }

  s3(caller: Caller, at: Date, table: string, key: string, bytes: number, engine: Engine, invokedBy?: string): void {
    const { bucket, prefix } = tablePrefix(this.input.account, table);
    const record = getObjectRecord({ caller, region: this.input.region, at, bucket, key: prefix + key, bytes, invokedBy }, this.rng);
    this.add(
      {
        at,
        engine,
        source: "s3",
        resourceKind: "prefix",
        resource: `${bucket}/${prefix}`,
        object: `${bucket}/${prefix}${key}`,
        bytes,
        countedByAudit: engine !== "athena",
      },
      caller,
      record,
    );
  }

  at(hour: number, spreadMinutes: number): number {
    return Date.parse(`${this.input.day}T00:00:00Z`) + hour * MS_HOUR + Math.floor(this.rng.next() * spreadMinutes * 60_000);
  }

  bytes(median: number): number {
    return Math.max(1, Math.round(this.rng.logNormal(median, 0.4)));
  }
}

const seconds = (from: number, rng: Random, min: number, max: number) =>
  new Date(Math.floor((from + rng.int(min, max) * 1000) / 1000) * 1000);

/** The nightly Glue job: the catalog of orders (a partitioned table) and customers, then yesterday's files of each. */
function glueEtl(plan: DayPlan, day: string, rng: Random): void {
  const workerIp = `3.237.${rng.int(0, 255)}.${rng.int(2, 250)}`;
  const catalog = as("glueEtl", "GlueJobRunnerSession", "glue.amazonaws.com", "glue.amazonaws.com");
  const workers = as("glueEtl", "GlueJobRunnerSession", `${EMRFS} AWS_Glue/4.0`, workerIp);
  let t = plan.at(1, 30);
  for (const [table, files, median, partitioned] of [
    ["sales.orders", rng.int(12, 24), 96 * MB, true],
    ["sales.customers", rng.int(2, 4), 24 * MB, false],
  ] as const) {
    plan.glue(catalog, new Date(Math.floor(t / 1000) * 1000), "GetTable", table, "glue-etl");
    if (partitioned) plan.glue(catalog, seconds(t, rng, 1, 3), "GetPartitions", table, "glue-etl");
    const folder = partitioned ? `dt=${addDays(day, -1)}/` : "";
    for (let i = 0; i < files; i++) {
      t += rng.int(1, 4) * 1000;
      plan.s3(
        workers,
        seconds(t, rng, 3, 6),
        table,
        `${folder}part-${String(i).padStart(5, "0")}.snappy.parquet`,
        plan.bytes(median),
        "glue-etl",
      );
    }
    t += 60_000;
  }
}

/** Redshift Spectrum's reads of the ledger, Mondays, Wednesdays and Fridays: the same partitions read again by later queries. */
function redshiftSpectrum(plan: DayPlan, day: string, rng: Random): void {
  if (![1, 3, 5].includes(new Date(`${day}T00:00:00Z`).getUTCDay())) return;
  const service = "redshift.amazonaws.com";
  const caller = as("redshift", "RedshiftIamRoleSession", service, service);
  const starts = Array.from({ length: rng.int(1, 3) }, () => plan.at(9, 8 * 60)).sort((a, b) => a - b);
  starts.forEach((start, n) => {
    if (n === 0) plan.glue(caller, seconds(start, rng, 0, 0), "GetDatabase", "finance.ledger", "redshift-spectrum", service);
    plan.glue(caller, seconds(start, rng, 1, 1), "GetTable", "finance.ledger", "redshift-spectrum", service);
    plan.glue(caller, seconds(start, rng, 2, 2), "GetPartitions", "finance.ledger", "redshift-spectrum", service);
    for (let i = rng.int(4, 10); i > 0; i--) {
      const key = `dt=${addDays(day, -rng.int(1, 7))}/part-${String(rng.int(0, 3)).padStart(5, "0")}.snappy.parquet`;
      plan.s3(caller, seconds(start, rng, 3, 40), "finance.ledger", key, plan.bytes(48 * MB), "redshift-spectrum", service);
    }
  });
}

/** The EMR cluster's daily read of the governed salaries table: Lake Formation's credentials, then S3 in its `AWSLF-` session. */
function emr(plan: DayPlan, rng: Random): void {
  const clusterIp = `10.60.3.${rng.int(10, 60)}`;
  const clusterId = "j-2AXXXXXXGAPLF";
  const cluster = as("emr", ENGINE_ACTORS.emr.actor.sessions?.[0] ?? "", `${EMRFS} emr-7.5.0`, clusterIp);
  const start = plan.at(3, 60);
  for (let call = rng.int(1, 2); call > 0; call--) {
    const session = `AWSLF-00-EM-${ACCOUNT_ID}-${rng.hex(10)}`;
    const at = start + (2 - call) * 15 * 60_000;
    plan.lakeFormation(cluster, seconds(at, rng, 0, 2), GOVERNED_TABLE, session, clusterId);
    const reader = as("lakeFormation", session, `${EMRFS} emr-7.5.0`, clusterIp);
    for (let i = rng.int(3, 8); i > 0; i--) {
      plan.s3(
        reader,
        seconds(at, rng, 3, 90),
        GOVERNED_TABLE,
        `part-${String(rng.int(0, 7)).padStart(5, "0")}.snappy.parquet`,
        plan.bytes(8 * MB),
        "emr",
      );
    }
  }
}

/** Athena's own calls for one query in ten: the table's catalog entry, then the files the query read, as the user, by Athena. */
function athenaOwnCalls(plan: DayPlan, input: EngineDayInput, rng: Random): void {
  const service = "athena.amazonaws.com";
  for (const q of input.queries) {
    if (!rng.chance(ATHENA_OWN_CALLS) || q.trailGap || q.tables.length === 0) continue;
    const caller: Caller = { actor: q.actor, session: q.session, userAgent: service, sourceIp: service };
    for (const table of q.tables) {
      plan.glue(caller, seconds(q.eventAt.getTime(), rng, 1, 2), "GetTable", table, "athena", service);
      if (q.bytes === 0 || q.reused) continue;
      const files = rng.int(1, 3);
      const share = Math.max(1, Math.round(q.bytes / q.tables.length / files));
      for (let i = 0; i < files; i++) {
        const key = `dt=${addDays(input.day, -rng.int(0, 3))}/part-${String(i).padStart(5, "0")}.snappy.parquet`;
        plan.s3(caller, seconds(q.eventAt.getTime(), rng, 2, 20), table, key, share, "athena", service);
      }
    }
  }
}

/** The stolen reporting-app role downloads 400 of the ledger's files, about 30 GiB, with the CLI. */
function directDownload(plan: DayPlan, input: EngineDayInput, rng: Random): DirectDownload {
  const actor = ACTORS.find((a) => a.key === "reporting-shared");
  if (!actor) throw new Error("no reporting-shared actor to steal the role of");
  const sourceIp = `${THIEF_NETWORK}.${rng.int(2, 250)}`;
  const caller: Caller = { actor, session: actor.sessions?.[0], userAgent: CLI, sourceIp };
  let t = plan.at(2, 10) + 10 * 60_000;
  let bytes = 0;
  const objects = 400;
  for (let i = 0; i < objects; i++) {
    t += rng.int(2, 8) * 1000;
    const size = Math.max(1, Math.round(rng.logNormal(75 * MB, 0.5)));
    const key = `dt=${addDays(input.day, -1 - Math.floor(i / 8))}/part-${String(i % 8).padStart(5, "0")}.snappy.parquet`;
    plan.s3(caller, new Date(t), "finance.ledger", key, size, "cli");
    bytes += size;
  }
  const { bucket, prefix } = tablePrefix(ACCOUNT_ID, "finance.ledger");
  return {
    day: input.day,
    account: ACCOUNT_ID,
    ...principalOf(caller),
    sourceIp,
    userAgent: CLI,
    resource: `${bucket}/${prefix}`,
    table: "finance.ledger",
    objects,
    bytes,
  };
}

/** One account's and region's reads outside Athena's query records, on one day. */
export function engineDay(input: EngineDayInput, rng: Random): EngineDay {
  const plan = new DayPlan(input, rng);
  const main = input.account === ACCOUNT_ID && input.region === MAIN_REGION;
  if (main) {
    glueEtl(plan, input.day, rng);
    redshiftSpectrum(plan, input.day, rng);
    emr(plan, rng);
  }
  // Both accounts' lake buckets and the tables Athena reads are in the main region.
  if (input.region === MAIN_REGION) athenaOwnCalls(plan, input, rng);
  const download = main && input.day === input.downloadDay ? directDownload(plan, input, rng) : undefined;
  const noise = noiseAccess(input.simulated, input.account, input.region).map((e) => ({ ...e, recorded: input.trailReadEvents }));
  return { records: plan.records, access: [...plan.access, ...noise], directDownload: download };
}
