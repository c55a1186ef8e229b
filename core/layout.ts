/**
 * Where each table's objects live, as S3 keys relative to the bucket (or to a local lake folder,
 * which mirrors the keys one to one). This is public interface: users query these files directly.
 */
import { cloudTrailDay } from "./days";
import { ACCOUNT_PATTERN, DEFAULT_PREFIX } from "./names";

export { DEFAULT_PREFIX };

/**
 * History is keyed by the account whose Athena ran the queries first: two accounts of an
 * organization that both have a `primary` work group write different objects, and a bucket policy
 * can give each member account its own folder (`account=${aws:PrincipalAccount}/`).
 */
export interface HistoryPartition {
  account: string;
  region: string;
  dt: string;
  workGroup: string;
}

export function historyTablePrefix(prefix = DEFAULT_PREFIX): string {
  return `${prefix}/history/`;
}

/** One account's history: what its collector may write and list. */
export function historyAccountPrefix(account: string, prefix = DEFAULT_PREFIX): string {
  return `${historyTablePrefix(prefix)}account=${account}/`;
}

/** Every work group's history of one account, region and day: what one listing shows the collector. */
export function historyDayPrefix(p: Omit<HistoryPartition, "workGroup">, prefix = DEFAULT_PREFIX): string {
  return `${historyAccountPrefix(p.account, prefix)}region=${p.region}/dt=${p.dt}/`;
}

export function historyPartitionPrefix(p: HistoryPartition, prefix = DEFAULT_PREFIX): string {
  return `${historyDayPrefix(p, prefix)}workgroup=${p.workGroup}/`;
}

/** One object per (region, dt, work group): a rerun overwrites it instead of adding a copy. */
export function historyObjectKey(p: HistoryPartition, prefix = DEFAULT_PREFIX): string {
  return `${historyPartitionPrefix(p, prefix)}history.json.gz`;
}

/**
 * The partition a history key or folder names (`.../history/account=A/region=R/dt=D/workgroup=W/...`),
 * or undefined when it names none. Names are taken as they stand: the caller decides what it can use.
 */
export function parseHistoryPartition(keyOrFolder: string, prefix = DEFAULT_PREFIX): HistoryPartition | undefined {
  const table = historyTablePrefix(prefix);
  if (!keyOrFolder.startsWith(table)) return undefined;
  const [, account, region, dt, workGroup] =
    /^account=([^/]+)\/region=([^/]+)\/dt=(\d{4}-\d{2}-\d{2})\/workgroup=([^/]+)\//.exec(keyOrFolder.slice(table.length)) ?? [];
  return account && region && dt && workGroup ? { account, region, dt, workGroup } : undefined;
}

/**
 * A key of the layout before accounts (`.../history/region=R/dt=D/workgroup=W/<file>`) and the key
 * it moves to under `account`; undefined for any other key. What `athena-audit migrate-history` does.
 */
export function migratedHistoryKey(key: string, account: string, prefix = DEFAULT_PREFIX): string | undefined {
  const table = historyTablePrefix(prefix);
  if (!key.startsWith(table)) return undefined;
  const rest = key.slice(table.length);
  if (!/^region=[^/]+\/dt=\d{4}-\d{2}-\d{2}\/workgroup=[^/]+\/[^/]+$/.test(rest)) return undefined;
  return `${historyAccountPrefix(account, prefix)}${rest}`;
}

export function eventsTablePrefix(prefix = DEFAULT_PREFIX): string {
  return `${prefix}/events/`;
}

export function eventsPartitionPrefix(dt: string, region: string, prefix = DEFAULT_PREFIX): string {
  return `${eventsTablePrefix(prefix)}dt=${dt}/region=${region}/`;
}

export function accessTablePrefix(prefix = DEFAULT_PREFIX): string {
  return `${prefix}/access/`;
}

export function accessPartitionPrefix(dt: string, region: string, prefix = DEFAULT_PREFIX): string {
  return `${accessTablePrefix(prefix)}dt=${dt}/region=${region}/`;
}

export function grantsTablePrefix(prefix = DEFAULT_PREFIX): string {
  return `${prefix}/grants/`;
}

/**
 * One account's grants: each account's collector reads only its own IAM and writes only here, so a
 * member account's snapshot never replaces the main account's (`account=${aws:PrincipalAccount}/`).
 */
export function grantsAccountPrefix(account: string, prefix = DEFAULT_PREFIX): string {
  return `${grantsTablePrefix(prefix)}account=${account}/`;
}

export function grantsPartitionPrefix(account: string, dt: string, prefix = DEFAULT_PREFIX): string {
  return `${grantsAccountPrefix(account, prefix)}dt=${dt}/`;
}

/** One snapshot object an account a day: a rerun replaces it. */
export function grantsObjectKey(account: string, dt: string, prefix = DEFAULT_PREFIX): string {
  return `${grantsPartitionPrefix(account, dt, prefix)}grants.json.gz`;
}

/** The trails table: what each account's trails record, a snapshot an account a day, laid out as grants. */
export function trailsTablePrefix(prefix = DEFAULT_PREFIX): string {
  return `${prefix}/trails/`;
}

export function trailsAccountPrefix(account: string, prefix = DEFAULT_PREFIX): string {
  return `${trailsTablePrefix(prefix)}account=${account}/`;
}

export function trailsPartitionPrefix(account: string, dt: string, prefix = DEFAULT_PREFIX): string {
  return `${trailsAccountPrefix(account, prefix)}dt=${dt}/`;
}

export function trailsObjectKey(account: string, dt: string, prefix = DEFAULT_PREFIX): string {
  return `${trailsPartitionPrefix(account, dt, prefix)}trails.json.gz`;
}

/**
 * A grants key of the layout before accounts (`.../grants/dt=D/<file>`) and the key it moves to
 * under `account`; undefined for any other key.
 */
export function migratedGrantsKey(key: string, account: string, prefix = DEFAULT_PREFIX): string | undefined {
  const table = grantsTablePrefix(prefix);
  if (!key.startsWith(table)) return undefined;
  const rest = key.slice(table.length);
  if (!/^dt=\d{4}-\d{2}-\d{2}\/[^/]+$/.test(rest)) return undefined;
  return `${grantsAccountPrefix(account, prefix)}${rest}`;
}

export function billingTablePrefix(prefix = DEFAULT_PREFIX): string {
  return `${prefix}/billing/`;
}

export function billingPartitionPrefix(dt: string, prefix = DEFAULT_PREFIX): string {
  return `${billingTablePrefix(prefix)}dt=${dt}/`;
}

/** One object per billed day: a rerun (Cost Explorer revises recent days) replaces it. */
export function billingObjectKey(dt: string, prefix = DEFAULT_PREFIX): string {
  return `${billingPartitionPrefix(dt, prefix)}billing.json.gz`;
}

/**
 * Where the embedded mode reads a copy of Athena's system table (see docs/witnesses-and-bill.md):
 * under the lake root, named as Athena names the table, a folder per UTC day of submission. On AWS
 * the table lives in the account's `aws-athena` S3 Tables bucket, not in the audit bucket.
 */
export function systemTablePrefix(table: { catalog: string; schema: string; name: string }): string {
  return `${table.catalog}/${table.schema}/${table.name}/`;
}

export function systemTableObjectKey(table: { catalog: string; schema: string; name: string }, day: string, part = "part-00000"): string {
  return `${systemTablePrefix(table)}day=${day}/${part}.json.gz`;
}

export interface CloudTrailFolder {
  account: string;
  region: string;
  day: string;
  /** Organization trails put the organization id before the account. */
  organizationId?: string;
}

/**
 * The CloudTrail key layout, written once: `[<trail prefix>/]AWSLogs/[<org id>/]<account>/CloudTrail/<region>/<yyyy>/<MM>/<dd>/<file>`.
 * The lake reader, the DuckDB views, the Glue table, the roles and the trail's bucket policy all
 * build on these.
 */
export const CLOUDTRAIL_ROOT = "AWSLogs";

/** `[<trail prefix>/]AWSLogs/[<org id>/]`: where a trail's account folders start. */
export function cloudTrailRoot(trailPrefix = "", organizationId?: string): string {
  const base = trailPrefix ? `${trailPrefix.replace(/\/+$/, "")}/` : "";
  return `${base}${CLOUDTRAIL_ROOT}/${organizationId ? `${organizationId}/` : ""}`;
}

/** `<account>/CloudTrail/<region>/<day>` below the root, with each part given (or a placeholder). */
export function cloudTrailAccountPath(account: string, region: string, day: string): string {
  return `${account}/CloudTrail/${region}/${day}`;
}

/** `[<prefix>/]AWSLogs/[<org>/]<account>/CloudTrail/<region>/<yyyy>/<MM>/<dd>/` */
export function cloudTrailFolder(f: CloudTrailFolder, trailPrefix = ""): string {
  return `${cloudTrailRoot(trailPrefix, f.organizationId)}${cloudTrailAccountPath(f.account, f.region, cloudTrailDay(f.day))}/`;
}

/** The key CloudTrail gives a log file delivered at `deliveredAt`. */
export function cloudTrailObjectKey(f: Omit<CloudTrailFolder, "day">, deliveredAt: Date, uniqueSuffix: string, trailPrefix = ""): string {
  const iso = deliveredAt.toISOString();
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
  const folder = cloudTrailFolder({ ...f, day: iso.slice(0, 10) }, trailPrefix);
  return `${folder}${f.account}_CloudTrail_${f.region}_${stamp}_${uniqueSuffix}.json.gz`;
}

const DELIVERY_STAMP = /_(\d{8}T\d{4})Z_[^/\\]*\.json\.gz$/;

/** When CloudTrail delivered a log file, from the stamp in its name (minute precision); undefined for other names. */
export function cloudTrailDeliveredAt(file: string): Date | undefined {
  const stamp = DELIVERY_STAMP.exec(file)?.[1];
  if (!stamp) return undefined;
  // yyyyMMddTHHmm, at fixed positions.
  const at = new Date(`${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:00Z`);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/** An account folder's name, and an organization folder's, below `AWSLogs/`. */
export const ACCOUNT_FOLDER = ACCOUNT_PATTERN;
export const ORGANIZATION_FOLDER = /^o-[a-z0-9]+$/;

/**
 * A CloudTrail folder path as a regular expression (no anchors, `/` separators): groups 1 account,
 * 2 region, 3 `yyyy/MM/dd`. Used by the key parser here and by the DuckDB view's `regexp_extract`.
 */
export const CLOUDTRAIL_FOLDER_PATTERN = `${CLOUDTRAIL_ROOT}/(?:o-[a-z0-9]+/)?(\\d{12})/CloudTrail/([^/]+)/(\\d{4}/\\d{2}/\\d{2})/`;

/** Partition values of a CloudTrail key, or undefined when the key is not a CloudTrail log file. */
export function parseCloudTrailKey(key: string): { account: string; region: string; day: string } | undefined {
  const [, account, region, day] = new RegExp(`${CLOUDTRAIL_FOLDER_PATTERN}[^/]+\\.json\\.gz$`).exec(key) ?? [];
  return account && region && day ? { account, region, day: day.replace(/\//g, "-") } : undefined;
}

/** Where the audit reads CloudTrail from: a trail delivering there is one whose records the join sees. */
export interface LakeTrail {
  bucket: string;
  prefix: string;
}

/** Where the main stack writes the anomaly settings it was given, for every stack's live alerts to read. */
export function anomalySettingsKey(prefix = DEFAULT_PREFIX): string {
  return `${prefix}/settings/anomaly-settings.json`;
}

/**
 * The live alerts' small state (docs/live-alerts.md), none of it a table, one folder per account (a
 * bucket policy can give each member account its own, as for history): each query's two halves
 * (Athena's event and CloudTrail's) until both are known, the alerts made (one object per query and
 * kind, created only if absent), and per principal its recent access-denied failures and the
 * sensitive resources it has read. Principals are named by a hash of their ARN: an ARN holds `/`.
 * The functions below take this folder (`root`).
 */
export function liveStatePrefix(prefix: string, account: string): string {
  return `${prefix}/live/account=${account}/`;
}

/**
 * The live path's short-lived keys (a query's halves, the alerts claimed, the recent failures), one
 * folder per account beside the kept state: a lifecycle rule on liveTransientRoot expires them a day
 * after they are written, which no key under the kept folder could be picked out for.
 */
export function liveTransientRoot(prefix: string): string {
  return `${prefix}/live-transient/`;
}

export function liveTransientPrefix(prefix: string, account: string): string {
  return `${liveTransientRoot(prefix)}account=${account}/`;
}

/** When the live path first ran: first reads are judged once it has watched long enough. */
export function liveSinceKey(root: string): string {
  return `${root}since.json`;
}

/** A query's halves, `finished.json` and `started.json`, under the transient folder (liveTransientPrefix). */
export function liveQueryPrefix(root: string, queryId: string): string {
  return `${root}queries/${queryId}/`;
}

export function liveAlertKey(root: string, queryId: string, kind: string): string {
  return `${root}alerts/${queryId}/${kind}`;
}

/** A principal's failures, `<ISO time>_<query id>`, sorted by time, under the transient folder too. */
export function liveFailuresPrefix(root: string, principalKey: string): string {
  return `${root}failures/${principalKey}/`;
}

/** The sensitive resources (`database` or `database.table`) and large `select-star:` tables a principal has read: kept. */
export function liveReadKey(root: string, principalKey: string, resource: string): string {
  return `${root}reads/${principalKey}/${resource}`;
}

/**
 * The live alerts' log (table `live_alerts`): one small JSON object per alert the live path sent,
 * never rewritten, so that the daily detector and the issues can say a finding was alerted live.
 * By account (the role of each account's live function writes only its own folder) and by the UTC
 * day of the query's CloudTrail event time (the day the daily detector files the finding under).
 */
export function liveAlertsTablePrefix(prefix = DEFAULT_PREFIX): string {
  return `${prefix}/live_alerts/`;
}

export function liveAlertsAccountPrefix(account: string, prefix = DEFAULT_PREFIX): string {
  return `${liveAlertsTablePrefix(prefix)}account=${account}/`;
}

export function liveAlertsPartitionPrefix(account: string, dt: string, prefix = DEFAULT_PREFIX): string {
  return `${liveAlertsAccountPrefix(account, prefix)}dt=${dt}/`;
}

/** Named by query and kind, as the claim is: a duplicate event that got past the claim writes the same object again. */
export function liveAlertsObjectKey(p: { account: string; dt: string; queryId: string; kind: string }, prefix = DEFAULT_PREFIX): string {
  return `${liveAlertsPartitionPrefix(p.account, p.dt, prefix)}${p.queryId}-${p.kind}.json`;
}
