/**
 * The trails snapshot (issue 22): every trail the account can see (DescribeTrails with shadow
 * trails, so an organization trail shows in its members), whether it is logging (GetTrailStatus)
 * and what it records (GetEventSelectors), one row a trail, written beside the grants snapshot.
 * Status and selectors are asked of the trail's home region. A call that fails gives that trail's
 * row a note and leaves what it would have said unknown (null): never a crash, and never a trail
 * taken to record everything. When the trails cannot be listed at all, no snapshot is written, so
 * the reports say the snapshot is missing.
 */
import * as cloudtrail from "@aws-sdk/client-cloudtrail";
import * as s3 from "@aws-sdk/client-s3";
import { trailsObjectKey } from "../../core/layout";
import { Logger } from "../runtime/log";
import { LakeTrail } from "../../core/layout";
import { TrailReading, trailRows, trailsObject } from "./trail-rows";

export interface TrailsDeps {
  /** A CloudTrail client for a region: the collector's own, and each trail's home region. */
  cloudTrail: (region?: string) => cloudtrail.CloudTrailClient;
  s3: s3.S3Client;
  bucket: string;
  prefix: string;
  account: string;
  /** Where the audit reads CloudTrail from; unset, whether a trail delivers there is unknown. */
  lake?: LakeTrail;
  log: Logger;
}

export interface TrailsSummary {
  /** The key written; null when the trails could not be listed. */
  key: string | null;
  trails: number;
  /** Trails with a note: something could not be read. */
  noted: number;
  error?: string;
}

const reason = (error: unknown) =>
  error instanceof Error ? `${error.name}${error.message && error.message !== error.name ? `: ${error.message}` : ""}` : String(error);

async function readTrail(deps: TrailsDeps, trail: cloudtrail.Trail, calls: Record<string, number>): Promise<TrailReading> {
  const reading: TrailReading = { trail, problems: [] };
  const name = trail.TrailARN ?? trail.Name ?? "";
  const client = deps.cloudTrail(trail.HomeRegion);
  calls.GetTrailStatus = (calls.GetTrailStatus ?? 0) + 1;
  try {
    reading.logging = (await client.send(new cloudtrail.GetTrailStatusCommand({ Name: name }))).IsLogging;
    if (reading.logging === undefined) reading.problems.push("GetTrailStatus did not say whether it is logging");
  } catch (error) {
    reading.problems.push(`GetTrailStatus failed (${reason(error)})`);
  }
  calls.GetEventSelectors = (calls.GetEventSelectors ?? 0) + 1;
  try {
    const { EventSelectors, AdvancedEventSelectors } = await client.send(new cloudtrail.GetEventSelectorsCommand({ TrailName: name }));
    reading.selectors = { EventSelectors, AdvancedEventSelectors };
  } catch (error) {
    reading.problems.push(`GetEventSelectors failed (${reason(error)})`);
  }
  return reading;
}

/** Reads every trail and writes the day's snapshot; failures are noted and logged, never thrown. */
export async function collectTrails(deps: TrailsDeps, day: string, calls: Record<string, number>): Promise<TrailsSummary> {
  const client = deps.cloudTrail();
  let trails: cloudtrail.Trail[];
  try {
    calls.DescribeTrails = (calls.DescribeTrails ?? 0) + 1;
    trails = (await client.send(new cloudtrail.DescribeTrailsCommand({ includeShadowTrails: true }))).trailList ?? [];
  } catch (error) {
    const message = `DescribeTrails failed (${reason(error)}): no trails snapshot written`;
    deps.log.error("trails-not-read", { reason: message });
    return { key: null, trails: 0, noted: 0, error: message };
  }
  const readings: TrailReading[] = [];
  for (const trail of trails) readings.push(await readTrail(deps, trail, calls));
  const rows = trailRows(readings, deps.lake, await client.config.region());
  const key = trailsObjectKey(deps.account, day, deps.prefix);
  await deps.s3.send(
    new s3.PutObjectCommand({ Bucket: deps.bucket, Key: key, Body: trailsObject(rows), ContentType: "application/x-ndjson" }),
  );
  calls.PutObject = (calls.PutObject ?? 0) + 1;
  for (const row of rows) if (row.note) deps.log.error("trail-noted", { trailArn: row.trail_arn, note: row.note });
  return { key, trails: trails.length, noted: rows.filter((r) => r.note).length };
}
