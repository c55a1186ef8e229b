/**
 * Each function's configuration, read from the process environment in this one place; the
 * variables, their defaults and their parsing are core/environment.ts's.
 */
import {
  BILLING_COLLECTOR_ENVIRONMENT,
  Env,
  EnvironmentValues,
  EVERY_FUNCTION_ENVIRONMENT,
  GRANTS_COLLECTOR_ENVIRONMENT,
  HISTORY_COLLECTOR_ENVIRONMENT,
  JOIN_ENVIRONMENT,
  readEnvironment,
} from "../../core/environment";
import type { LakeTrail } from "../../core/layout";

export type HistoryCollectorConfig = EnvironmentValues<typeof HISTORY_COLLECTOR_ENVIRONMENT>;
export type JoinConfig = EnvironmentValues<typeof JOIN_ENVIRONMENT>;

export interface GrantsCollectorConfig {
  bucket: string;
  prefix: string;
  account: string;
  lakeFormation: boolean;
  /** Where the audit reads CloudTrail from, to tell which trails deliver into the lake; undefined when the stack does not say. */
  lakeTrail?: LakeTrail;
}

export type BillingCollectorConfig = EnvironmentValues<typeof BILLING_COLLECTOR_ENVIRONMENT>;

export function historyCollectorConfig(env: Env = process.env): HistoryCollectorConfig {
  return readEnvironment(HISTORY_COLLECTOR_ENVIRONMENT, env);
}

export function joinConfig(env: Env = process.env): JoinConfig {
  return readEnvironment(JOIN_ENVIRONMENT, env);
}

export function grantsCollectorConfig(env: Env = process.env): GrantsCollectorConfig {
  const { trailBucket, trailPrefix, ...config } = readEnvironment(GRANTS_COLLECTOR_ENVIRONMENT, env);
  return { ...config, lakeTrail: trailBucket ? { bucket: trailBucket, prefix: trailPrefix ?? "" } : undefined };
}

export function billingCollectorConfig(env: Env = process.env): BillingCollectorConfig {
  return readEnvironment(BILLING_COLLECTOR_ENVIRONMENT, env);
}

/** S3-compatible endpoints (MinIO, s3rver) want path-style addressing; AWS S3 takes either. */
export function s3ForcePathStyle(env: Env = process.env): boolean {
  return readEnvironment(EVERY_FUNCTION_ENVIRONMENT, env).s3ForcePathStyle;
}
