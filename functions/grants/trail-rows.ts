/** Trails-table rows from what was read of each trail: shared by the collector and the demo's generator. */
import * as zlib from "node:zlib";
import { LakeTrail } from "../../core/layout";
import { TRAILS } from "../../queries/schema/tables";
import { RowOf } from "../../queries/schema/types";
import { interpretSelectors, Selectors } from "./trail-selectors";

export type TrailRow = RowOf<typeof TRAILS>;

/** DescribeTrails' fields the row keeps. */
export interface TrailDescription {
  TrailARN?: string;
  Name?: string;
  HomeRegion?: string;
  IsMultiRegionTrail?: boolean;
  IsOrganizationTrail?: boolean;
  S3BucketName?: string;
  S3KeyPrefix?: string;
}

export interface TrailReading {
  trail: TrailDescription;
  /** GetTrailStatus IsLogging; undefined when it could not be read. */
  logging?: boolean;
  /** GetEventSelectors' answer; undefined when it could not be read. */
  selectors?: Selectors;
  /** What could not be read, in words. */
  problems: string[];
}

const folder = (prefix: string | undefined) => (prefix ?? "").replace(/^\/+|\/+$/g, "");

export function trailRow(reading: TrailReading, lake: LakeTrail | undefined): TrailRow {
  const { trail } = reading;
  const recording = reading.selectors ? interpretSelectors(reading.selectors) : undefined;
  const notes = [...reading.problems, ...(recording?.notes ?? [])];
  return {
    trail_arn: trail.TrailARN ?? trail.Name ?? "",
    home_region: trail.HomeRegion ?? "",
    multi_region: trail.IsMultiRegionTrail ?? false,
    organization_trail: trail.IsOrganizationTrail ?? false,
    logging: reading.logging ?? null,
    s3_bucket: trail.S3BucketName ?? null,
    s3_prefix: trail.S3KeyPrefix ?? null,
    delivers_to_lake: lake ? trail.S3BucketName === lake.bucket && folder(trail.S3KeyPrefix) === folder(lake.prefix) : null,
    selector_kind: recording?.selectorKind ?? null,
    management_events: recording?.managementEvents ?? null,
    excluded_sources: recording?.excludedSources ?? [],
    s3_read: recording?.s3Read ?? [],
    s3_write: recording?.s3Write ?? [],
    selectors: reading.selectors ? JSON.stringify(reading.selectors) : null,
    note: notes.length > 0 ? notes.join("; ") : null,
  };
}

/**
 * Every trail's row; an account that sees no trail gets one row saying so (no ARN, nothing
 * recorded), so its snapshot is not mistaken for a missing one.
 */
export function trailRows(readings: readonly TrailReading[], lake: LakeTrail | undefined, region: string): TrailRow[] {
  if (readings.length > 0) return readings.map((r) => trailRow(r, lake));
  return [
    {
      ...trailRow({ trail: { HomeRegion: region }, problems: [] }, undefined),
      management_events: "none",
      note: `DescribeTrails in ${region} listed no trail: nothing is recorded`,
    },
  ];
}

/** The snapshot object's bytes: gzip JSON lines, one trail a line in ARN order. */
export function trailsObject(rows: readonly TrailRow[]): Buffer {
  const sorted = [...rows].sort((a, b) => a.trail_arn.localeCompare(b.trail_arn));
  return zlib.gzipSync(sorted.map((r) => JSON.stringify(r)).join("\n") + (sorted.length > 0 ? "\n" : ""));
}
