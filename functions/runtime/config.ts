/** The functions' configuration, read from the environment in this one place. */
import { parseTbDefinition, TbDefinition } from "../../core/cost";
import { InputError } from "../../core/errors";
import { ACCOUNT_PATTERN, DEFAULT_PREFIX, REGION_PATTERN } from "../../core/names";

export interface CollectorConfig {
  bucket: string;
  prefix: string;
  /** The audit's own work group: its queries are skipped unless `skipOwnWorkGroup` is false. */
  auditWorkGroup?: string;
  skipOwnWorkGroup: boolean;
  /** Work groups collected at once (ListQueryExecutions is 5 calls/s per account). */
  workGroupConcurrency: number;
}

export interface JoinConfig {
  bucket: string;
  prefix: string;
  workGroup: string;
  database: string;
  regions: string[];
  /** Delete joined history older than this many days; undefined keeps it forever. */
  historyRetentionDays?: number;
  queryTimeoutMs: number;
  /** What a TB is in the costs the join writes (`BILLING_TB`, default binary). */
  tb: TbDefinition;
  /** Athena's system table query_executions may be read (`SYSTEM_TABLES`, default false): the role allows it only then. */
  systemTables: boolean;
}

type Env = Record<string, string | undefined>;

/** The variable's value, trimmed; undefined when it is unset or blank. */
function optional(env: Env, key: string): string | undefined {
  const value = env[key]?.trim();
  return value === "" ? undefined : value;
}

function required(env: Env, key: string): string {
  const value = optional(env, key);
  if (value === undefined) throw new InputError(`environment variable ${key} is required`);
  return value;
}

function wholeNumber(env: Env, key: string, fallback: number, min: number, max: number): number;
function wholeNumber(env: Env, key: string, fallback: undefined, min: number, max: number): number | undefined;
function wholeNumber(env: Env, key: string, fallback: number | undefined, min: number, max: number): number | undefined {
  const text = env[key]?.trim();
  if (!text) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new InputError(`${key} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  return n;
}

function flag(env: Env, key: string, fallback: boolean): boolean {
  const text = env[key]?.trim().toLowerCase();
  if (!text) return fallback;
  if (text === "true" || text === "false") return text === "true";
  throw new InputError(`${key} must be true or false, got ${JSON.stringify(env[key])}`);
}

/** The history and grants collectors': their account too, which keys what they write (`AUDIT_ACCOUNT`, 12 digits). */
export interface AccountCollectorConfig extends CollectorConfig {
  account: string;
}

export function accountCollectorConfig(env: Env = process.env): AccountCollectorConfig {
  const account = required(env, "AUDIT_ACCOUNT");
  if (!ACCOUNT_PATTERN.test(account)) throw new InputError(`AUDIT_ACCOUNT must be a 12-digit account id, got ${JSON.stringify(account)}`);
  return { ...collectorConfig(env), account };
}

export function collectorConfig(env: Env = process.env): CollectorConfig {
  return {
    bucket: required(env, "AUDIT_BUCKET"),
    prefix: optional(env, "AUDIT_PREFIX") ?? DEFAULT_PREFIX,
    auditWorkGroup: optional(env, "AUDIT_WORK_GROUP"),
    skipOwnWorkGroup: flag(env, "SKIP_OWN_WORK_GROUP", true),
    workGroupConcurrency: wholeNumber(env, "WORK_GROUP_CONCURRENCY", 3, 1, 16),
  };
}

export function joinConfig(env: Env = process.env): JoinConfig {
  const regions = required(env, "JOIN_REGIONS")
    .split(",")
    .map((r) => r.trim())
    .filter(Boolean);
  for (const region of regions) {
    if (!REGION_PATTERN.test(region)) throw new InputError(`JOIN_REGIONS: ${JSON.stringify(region)} is not a region name`);
  }
  return {
    bucket: required(env, "AUDIT_BUCKET"),
    prefix: optional(env, "AUDIT_PREFIX") ?? DEFAULT_PREFIX,
    workGroup: required(env, "AUDIT_WORK_GROUP"),
    database: required(env, "AUDIT_DATABASE"),
    regions,
    historyRetentionDays: wholeNumber(env, "HISTORY_RETENTION_DAYS", undefined, 1, 36500),
    queryTimeoutMs: wholeNumber(env, "QUERY_TIMEOUT_MS", 10 * 60_000, 1000, 15 * 60_000),
    tb: parseTbDefinition(optional(env, "BILLING_TB"), "BILLING_TB"),
    systemTables: flag(env, "SYSTEM_TABLES", false),
  };
}

/** Whether the grants collector also reads Lake Formation permissions (LAKE_FORMATION=true). */
export function lakeFormationEnabled(env: Env = process.env): boolean {
  return flag(env, "LAKE_FORMATION", false);
}

/**
 * Where the audit reads CloudTrail from (`AUDIT_TRAIL_BUCKET`, `AUDIT_TRAIL_PREFIX`), for the grants
 * collector to tell which trails deliver into the lake; undefined when the stack does not say.
 */
export function lakeTrail(env: Env = process.env): { bucket: string; prefix: string } | undefined {
  const bucket = optional(env, "AUDIT_TRAIL_BUCKET");
  return bucket ? { bucket, prefix: optional(env, "AUDIT_TRAIL_PREFIX") ?? "" } : undefined;
}

/** S3-compatible endpoints (MinIO, s3rver) want path-style addressing; AWS S3 takes either. */
export function s3ForcePathStyle(env: Env = process.env): boolean {
  return flag(env, "AUDIT_S3_FORCE_PATH_STYLE", false);
}

/** The cost allocation tag the work groups carry, for the billing collector to split Athena's cost by (`BILLING_WORK_GROUP_TAG`). */
export function billingWorkGroupTag(env: Env = process.env): string | undefined {
  const tag = env.BILLING_WORK_GROUP_TAG?.trim();
  return tag === "" ? undefined : tag;
}
