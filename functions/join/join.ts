/**
 * The daily join: first make every work group whose history the run reads visible to Athena (see
 * work-groups.ts); then for each (day, region), empty the events partition, run the join on Athena
 * as `INSERT INTO events`, and check it; then the same for the access partition (reads of the lake
 * by every other engine, `INSERT INTO access`). A failed insert leaves the partition empty (Athena leaves
 * orphan files behind), and the run reports which day and region failed. Each insert writes one
 * partition (dt, region), well under Athena's 100-partition limit per INSERT. History that Athena
 * could not see is named per (day, region), and fails the run too. It also keeps the grants and
 * trails tables' account enums up to date with the accounts whose snapshots it finds; a failure
 * there fails the run after the join, without holding back the events or the history retention.
 */
import * as glue from "@aws-sdk/client-glue";
import * as s3 from "@aws-sdk/client-s3";
import { defined } from "../../core/checks";
import { addDays, dayOf } from "../../core/days";
import { QueryEngine } from "../../queries/engine";
import { AuditError } from "../../core/errors";
import { accessJoinParameters, eventsJoinParameters } from "../../queries/join/parameters";
import { missingWitnessField } from "../../queries/join/sql";
import {
  accessPartitionPrefix,
  eventsPartitionPrefix,
  eventsTablePrefix,
  historyTablePrefix,
  parseHistoryPartition,
} from "../../core/layout";
import { UnjoinedWorkGroups, unjoinedWorkGroups } from "../../core/work-groups";
import { JoinConfig } from "../runtime/config";
import { Logger } from "../runtime/log";
import { deleteKeys, listKeys } from "../runtime/s3";
import { MAX_JOIN_DAYS } from "./input";
import { scheduledDays, unjoinedHistoryDays } from "./pending";
import { expiredHistoryKeys, joinedDays } from "./retention";
import { keepAccountsProjected } from "./snapshot-accounts";
import { keepWorkGroupsProjected } from "./work-groups";

export interface JoinDeps {
  engine: QueryEngine;
  s3: s3.S3Client;
  /** Reads and extends the history table's work-group and account projections, and the grants table's account projection. */
  glue: glue.GlueClient;
  config: JoinConfig;
  /** The text of queries/sql/events_join.sql. */
  joinSql: string;
  /**
   * The same with the system-table witness reading principals only (queries/join/sql.ts,
   * `witnessTables: false`): run instead, for the rest of the run, once Athena says it cannot resolve
   * a field of `tables_accessed`. Absent without the system table.
   */
  joinSqlWithoutWitnessTables?: string;
  /** The text of queries/sql/access_join.sql. */
  accessSql: string;
  log: Logger;
  now?: Date;
  /** The time left before Lambda stops the run: no partition starts without room for it (the rest waits for the next run). */
  remainingMs?: () => number;
  onPartition?: (day: string, region: string, done: number, total: number) => void;
}

export interface PartitionResult {
  day: string;
  region: string;
  queryId?: string;
  bytesScanned?: number;
  objectsReplaced: number;
  objectsWritten: number;
  /** Objects the access insert wrote (absent when the events insert failed first). */
  accessObjectsWritten?: number;
  error?: string;
}

/** What a run did to a snapshot table's account projection. */
export interface AccountsProjection {
  /** Accounts this run added to the projection. */
  added: string[];
  /** Accounts the table projects after the run (absent when it was not read: no snapshot found, or a failure). */
  projected?: string[];
  /** Why the projection could not be read or extended. */
  error?: string;
}

export interface JoinEventsSummary {
  partitions: PartitionResult[];
  /** Days the run had no time left for, oldest first: the next scheduled run joins them (absent when none). */
  pending?: string[];
  failed: number;
  historyObjectsExpired: number;
  workGroups: {
    /** Work groups this run added to the history table's projection. */
    added: string[];
    /** Work groups the history table projected when the inserts ran (absent when it could not be read). */
    projected?: string[];
    /** Why the projection could not be read or extended. */
    error?: string;
    /** History folders skipped because a name in their key fails AWS's grammar (absent when none). */
    skipped?: string[];
  };
  /** Joined (day, region) pairs whose history holds work groups Athena could not see: their queries are missing. */
  unjoinedWorkGroups: UnjoinedWorkGroups[];
  /** What the run did to the grants table's account projection (a member account's first snapshot). */
  grantsAccounts: AccountsProjection;
  /** The same for the trails table. */
  trailsAccounts: AccountsProjection;
  /** The field of the system table's `tables_accessed` Athena could not resolve: its principals were kept, its tables left out. */
  witnessMissingField?: string;
}

/** Which join text a run uses: the one deployed, until the system table lacks a field the witness reads. */
interface WitnessState {
  joinSql: string;
  missingField?: string;
}

/** Empties the access partition and inserts the day's reads by other engines; the objects written. */
async function joinAccess(day: string, region: string, deps: JoinDeps): Promise<number> {
  const { bucket, prefix } = deps.config;
  const partition = accessPartitionPrefix(day, region, prefix);
  await deleteKeys(deps.s3, bucket, await listKeys(deps.s3, bucket, partition));
  try {
    await deps.engine.run(`INSERT INTO access\n${deps.accessSql}`, accessJoinParameters(day, region), "access_join");
    return (await listKeys(deps.s3, bucket, partition)).length;
  } catch (error) {
    await deleteKeys(deps.s3, bucket, await listKeys(deps.s3, bucket, partition));
    throw error;
  }
}

async function joinPartition(day: string, region: string, deps: JoinDeps, witness: WitnessState): Promise<PartitionResult> {
  const { bucket, prefix } = deps.config;
  const partition = eventsPartitionPrefix(day, region, prefix);
  const objectsReplaced = await deleteKeys(deps.s3, bucket, await listKeys(deps.s3, bucket, partition));
  try {
    const result = await deps.engine.run(
      `INSERT INTO events\n${witness.joinSql}`,
      eventsJoinParameters(day, region, deps.config.tb),
      "events_join",
    );
    const objectsWritten = (await listKeys(deps.s3, bucket, partition)).length;
    const accessObjectsWritten = await joinAccess(day, region, deps);
    const { queryId, bytesScanned } = result;
    const done: PartitionResult = { day, region, queryId, bytesScanned, objectsReplaced, objectsWritten, accessObjectsWritten };
    deps.log.info("partition", { ...done });
    return done;
  } catch (error) {
    // Whatever the failed insert managed to write is removed: the partition is whole or empty.
    const orphans = await deleteKeys(deps.s3, bucket, await listKeys(deps.s3, bucket, partition));
    const reason = (error as Error).message;
    const field = witness.missingField === undefined ? missingWitnessField(reason) : undefined;
    if (field !== undefined && deps.joinSqlWithoutWitnessTables !== undefined) {
      // Said once a run: the day is joined again with the witness's principals, without its tables.
      deps.log.error("system-table-field-missing", {
        field: `tables_accessed[].${field}`,
        reason,
        effect: "the system table still names principals; the tables it says queries read are left out",
      });
      witness.missingField = field;
      witness.joinSql = deps.joinSqlWithoutWitnessTables;
      return joinPartition(day, region, deps, witness);
    }
    deps.log.error("partition-failed", { day, region, reason, orphansRemoved: orphans });
    return { day, region, objectsReplaced, objectsWritten: 0, error: reason };
  }
}

async function expireHistory(deps: JoinDeps): Promise<number> {
  const retention = deps.config.historyRetentionDays;
  if (retention === undefined) return 0;
  const { bucket, prefix } = deps.config;
  const eventKeys = await listKeys(deps.s3, bucket, eventsTablePrefix(prefix));
  let expired = 0;
  // Every account's history at once, split by region as its keys name it.
  const historyKeys = await listKeys(deps.s3, bucket, historyTablePrefix(prefix));
  for (const region of deps.config.regions) {
    const joined = joinedDays(eventKeys.filter((k) => k.includes(`/region=${region}/`)));
    const keys = historyKeys.filter((k) => parseHistoryPartition(k, prefix)?.region === region);
    expired += await deleteKeys(deps.s3, bucket, expiredHistoryKeys(keys, joined, dayOf(deps.now ?? new Date()), retention));
  }
  deps.log.info("history-expired", { objects: expired, retentionDays: retention });
  return expired;
}

/** Time kept in hand at the end of a run: Lambda stops a run mid-insert otherwise, leaving the partition to the next. */
const RESERVE_MS = 60_000;

/** Whether another partition fits in the time left: twice the slowest so far, and the reserve. */
function roomFor(slowestMs: number, remainingMs: number | undefined): boolean {
  return remainingMs === undefined || remainingMs > RESERVE_MS + 2 * slowestMs;
}

/** The scheduled run's days: what pending.ts picks from the history and events the bucket holds. */
export async function scheduledJoinDays(asked: readonly string[], deps: JoinDeps): Promise<string[]> {
  const yesterday = defined(asked.at(-1), "the scheduled run's day");
  const { bucket, prefix } = deps.config;
  const [historyKeys, eventKeys] = await Promise.all([
    listKeys(deps.s3, bucket, historyTablePrefix(prefix)),
    listKeys(deps.s3, bucket, eventsTablePrefix(prefix)),
  ]);
  const unjoined = unjoinedHistoryDays(historyKeys, eventKeys, deps.config.regions, addDays(yesterday, -1), prefix);
  // Within what one run may join; older history waits for a run given those days.
  const days = scheduledDays(unjoined, yesterday).slice(-MAX_JOIN_DAYS);
  if (unjoined.length > 0) deps.log.info("unjoined-history", { days: unjoined.length, first: unjoined[0], last: unjoined.at(-1) });
  return days;
}

export async function joinEvents(days: readonly string[], deps: JoinDeps): Promise<JoinEventsSummary> {
  const workGroups = await keepWorkGroupsProjected(days, deps);
  const grantsAccounts = await keepAccountsProjected(deps, "grants");
  const trailsAccounts = await keepAccountsProjected(deps, "trails");
  const partitions: PartitionResult[] = [];
  const witness: WitnessState = { joinSql: deps.joinSql };
  const total = days.length * deps.config.regions.length;
  let slowestMs = 0;
  const pending: string[] = [];
  for (const day of days) {
    for (const region of deps.config.regions) {
      if (pending.length > 0 || !roomFor(slowestMs, deps.remainingMs?.())) {
        if (!pending.includes(day)) pending.push(day);
        continue;
      }
      const started = Date.now();
      partitions.push(await joinPartition(day, region, deps, witness));
      slowestMs = Math.max(slowestMs, Date.now() - started);
      deps.onPartition?.(day, region, partitions.length, total);
    }
  }
  if (pending.length > 0)
    deps.log.info("pending", { days: pending, reason: "no time left in this run; the next scheduled run joins them" });
  const failed = partitions.filter((p) => p.error);
  const joined = partitions.filter((p) => !p.error);
  const unjoined = unjoinedWorkGroups(workGroups.history, workGroups.projected, joined);
  if (unjoined.length > 0) deps.log.error("work-groups-not-joined", { unjoinedWorkGroups: unjoined, reason: workGroups.error });
  // Nothing is deleted from history while any of it is missing from events: it may be all that is left.
  const complete = failed.length === 0 && unjoined.length === 0 && !workGroups.error && pending.length === 0;
  const summary: JoinEventsSummary = {
    partitions,
    pending: pending.length > 0 ? pending : undefined,
    failed: failed.length,
    historyObjectsExpired: complete ? await expireHistory(deps) : 0,
    workGroups: {
      added: workGroups.added,
      projected: workGroups.projected,
      error: workGroups.error,
      skipped: workGroups.skipped?.length ? workGroups.skipped : undefined,
    },
    unjoinedWorkGroups: unjoined,
    grantsAccounts: { added: grantsAccounts.added, projected: grantsAccounts.projected, error: grantsAccounts.error },
    trailsAccounts: { added: trailsAccounts.added, projected: trailsAccounts.projected, error: trailsAccounts.error },
    witnessMissingField: witness.missingField,
  };
  deps.log.info("done", {
    partitions: partitions.length,
    failed: failed.length,
    historyObjectsExpired: summary.historyObjectsExpired,
    workGroupsAdded: workGroups.added,
    unjoinedWorkGroups: unjoined,
    grantsAccountsAdded: grantsAccounts.added,
    trailsAccountsAdded: trailsAccounts.added,
  });
  const problems: string[] = [];
  if (failed.length > 0) {
    const list = failed.map((p) => `${p.day} ${p.region}: ${p.error ?? "unknown error"}`).join("; ");
    problems.push(`events join failed for ${failed.length} of ${partitions.length} partition(s): ${list}`);
  }
  if (unjoined.length > 0) {
    const list = unjoined.map((u) => `${u.day} ${u.region}: ${u.workGroups.join(", ")}`).join("; ");
    problems.push(`history of work group(s) that Athena could not see was not joined: ${list}`);
  }
  if (workGroups.error) problems.push(workGroups.error);
  if (grantsAccounts.error) problems.push(grantsAccounts.error);
  if (trailsAccounts.error) problems.push(trailsAccounts.error);
  if (problems.length > 0) throw new AuditError(problems.join("; "));
  return summary;
}
