/**
 * Where each table's objects live, as S3 keys relative to the bucket (or to a local lake folder,
 * which mirrors the keys one to one). This is public interface: users query these files directly.
 */
import { cloudTrailDay } from "./days";

export const DEFAULT_PREFIX = "athena-audit";

export interface HistoryPartition {
  region: string;
  dt: string;
  workGroup: string;
}

export function historyTablePrefix(prefix = DEFAULT_PREFIX): string {
  return `${prefix}/history/`;
}

/** Every work group's history of one (region, day): what one listing shows the collector. */
export function historyDayPrefix(p: Omit<HistoryPartition, "workGroup">, prefix = DEFAULT_PREFIX): string {
  return `${historyTablePrefix(prefix)}region=${p.region}/dt=${p.dt}/`;
}

export function historyPartitionPrefix(p: HistoryPartition, prefix = DEFAULT_PREFIX): string {
  return `${historyDayPrefix(p, prefix)}workgroup=${p.workGroup}/`;
}

/** One object per (region, dt, work group): a rerun overwrites it instead of adding a copy. */
export function historyObjectKey(p: HistoryPartition, prefix = DEFAULT_PREFIX): string {
  return `${historyPartitionPrefix(p, prefix)}history.json.gz`;
}

export function eventsTablePrefix(prefix = DEFAULT_PREFIX): string {
  return `${prefix}/events/`;
}

export function eventsPartitionPrefix(dt: string, region: string, prefix = DEFAULT_PREFIX): string {
  return `${eventsTablePrefix(prefix)}dt=${dt}/region=${region}/`;
}

export function grantsTablePrefix(prefix = DEFAULT_PREFIX): string {
  return `${prefix}/grants/`;
}

/** One snapshot object a day: a rerun replaces it. */
export function grantsObjectKey(dt: string, prefix = DEFAULT_PREFIX): string {
  return `${grantsTablePrefix(prefix)}dt=${dt}/grants.json.gz`;
}

export interface CloudTrailFolder {
  account: string;
  region: string;
  day: string;
  /** Organization trails put the organization id before the account. */
  organizationId?: string;
}

/** `[<prefix>/]AWSLogs/[<org>/]<account>/CloudTrail/<region>/<yyyy>/<MM>/<dd>/` */
export function cloudTrailFolder(f: CloudTrailFolder, trailPrefix = ""): string {
  const org = f.organizationId ? `${f.organizationId}/` : "";
  const base = trailPrefix ? `${trailPrefix.replace(/\/+$/, "")}/` : "";
  return `${base}AWSLogs/${org}${f.account}/CloudTrail/${f.region}/${cloudTrailDay(f.day)}/`;
}

/** The key CloudTrail gives a log file delivered at `deliveredAt`. */
export function cloudTrailObjectKey(
  f: Omit<CloudTrailFolder, "day">,
  deliveredAt: Date,
  uniqueSuffix: string,
  trailPrefix = "",
): string {
  const iso = deliveredAt.toISOString();
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
  const folder = cloudTrailFolder({ ...f, day: iso.slice(0, 10) }, trailPrefix);
  return `${folder}${f.account}_CloudTrail_${f.region}_${stamp}_${uniqueSuffix}.json.gz`;
}

/** Partition values of a CloudTrail key, or undefined when the key is not a CloudTrail log file. */
export function parseCloudTrailKey(key: string): { account: string; region: string; day: string } | undefined {
  const m = /AWSLogs\/(?:o-[a-z0-9]+\/)?(\d{12})\/CloudTrail\/([^/]+)\/(\d{4})\/(\d{2})\/(\d{2})\/[^/]+\.json\.gz$/.exec(key);
  return m ? { account: m[1], region: m[2], day: `${m[3]}-${m[4]}-${m[5]}` } : undefined;
}
