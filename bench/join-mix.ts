/**
 * The join benchmark's records besides Athena's starts: reads of the lake the access join keeps
 * (Glue catalog, Lake Formation, S3 objects; Athena's own among them) with the odds of an AccessMix,
 * and other management events.
 */
import { Caller, CloudTrailRecord, noiseRecord } from "../generator/cloudtrail";
import { ENGINE_ACTORS, tablePrefix } from "../generator/engine-actors";
import { getDataAccessRecord, getObjectRecord, glueReadRecord } from "../generator/engine-records";
import { ACCOUNT_ID, Actor, tablesOf } from "../generator/org";
import { Random } from "../generator/random";
import { callerFor } from "../generator/simulate";

const ATHENA = "athena.amazonaws.com";

/** Shares of all records: reads of the lake besides Athena's starts, the access join's input. */
export interface AccessMix {
  /** Glue catalog reads Athena makes for its queries (`invokedBy` athena.amazonaws.com). */
  athenaCatalog: number;
  /** Glue catalog reads by other engines (a Glue job's role). */
  engineCatalog: number;
  /** Lake Formation's GetDataAccess for an integrated engine. */
  lakeFormation: number;
  /** S3 GetObject data events Athena makes reading a query's files. */
  athenaObjects: number;
  /** S3 GetObject data events by other engines and clients. */
  engineObjects: number;
}

/** What the join does with a record, as the benchmark counts them. */
export type RecordKind = "athena start" | "glue catalog read" | "lake formation" | "s3 GetObject" | "other";

/** A record that is no Athena start: a read of the lake with the mix's odds, else other management noise. */
export function otherRecord(actor: Actor, region: string, at: Date, mix: AccessMix | undefined, rng: Random): CloudTrailRecord {
  const roll = rng.next();
  let edge = 0;
  const below = (share: number | undefined) => roll < (edge += share ?? 0);
  const table = () => {
    const database = rng.pick(actor.databases);
    return `${database}.${rng.pick(tablesOf(actor, database))}`;
  };
  const file = (t: string) => {
    const { bucket, prefix } = tablePrefix(ACCOUNT_ID, t);
    return { bucket, key: `${prefix}dt=2026-10-${String(rng.int(1, 13)).padStart(2, "0")}/part-${rng.hex(8)}.snappy.parquet` };
  };
  const own = callerFor(actor, rng).caller;
  const viaAthena: Caller = { ...own, userAgent: ATHENA, sourceIp: ATHENA };
  const glueJob = ENGINE_ACTORS.glueEtl.actor;
  const job: Caller = {
    actor: glueJob,
    session: glueJob.sessions?.[0],
    userAgent: "aws-sdk-java/1.12.767 Linux/5.10 OpenJDK_64-Bit_Server_VM",
    sourceIp: "10.0.12.34",
  };
  if (below(mix?.athenaCatalog))
    return glueReadRecord(
      { caller: viaAthena, region, at, eventName: rng.pick(["GetTable", "GetPartitions"] as const), table: table(), invokedBy: ATHENA },
      rng,
    );
  if (below(mix?.engineCatalog))
    return glueReadRecord(
      { caller: job, region, at, eventName: rng.pick(["GetTable", "GetPartitions"] as const), table: "sales.orders" },
      rng,
    );
  if (below(mix?.lakeFormation)) {
    const emr = ENGINE_ACTORS.emr.actor;
    const caller: Caller = { actor: emr, session: emr.sessions?.[0], userAgent: "aws-sdk-java/1.12.767", sourceIp: "10.0.40.7" };
    return getDataAccessRecord(
      {
        caller,
        region,
        at,
        table: "hr.salaries",
        requesterService: "EMR",
        platformType: "EMR_ON_EC2",
        clusterId: "j-2AXXXXXXGAPLF",
        lakeFormationSession: `AWSLF-00-EM-${ACCOUNT_ID}-${rng.hex(8)}`,
      },
      rng,
    );
  }
  const bytes = () => Math.max(1, Math.round(rng.logNormal(64 * 2 ** 20, 0.8)));
  if (below(mix?.athenaObjects))
    return getObjectRecord({ caller: viaAthena, region, at, ...file(table()), bytes: bytes(), invokedBy: ATHENA }, rng);
  if (below(mix?.engineObjects)) return getObjectRecord({ caller: job, region, at, ...file("sales.orders"), bytes: bytes() }, rng);
  return noiseRecord(own, region, at, rng);
}

export function kindOf(record: CloudTrailRecord): RecordKind {
  if (record.eventName === "StartQueryExecution") return "athena start";
  if (record.eventSource === "glue.amazonaws.com") return "glue catalog read";
  if (record.eventSource === "lakeformation.amazonaws.com") return "lake formation";
  if (record.eventName === "GetObject") return "s3 GetObject";
  return "other";
}
