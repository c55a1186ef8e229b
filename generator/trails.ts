/**
 * The trails snapshot of a generated lake: what each account's trail recorded, as that account's
 * grants collector would read it (functions/grants/trail-rows.ts), so it agrees with the records
 * the generator delivered. Each account's trail is multi-region, logging, delivers into the lake's
 * trail folder, records management events (write-only when the lake was generated with
 * `trailReadEvents: false`) and S3 object reads of its own lake bucket: the generator writes
 * `GetObject` data events for that bucket only (generator/engines.ts), and no object writes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { trailRows, trailsObject } from "../functions/grants/trail-rows";
import { AdvancedSelector } from "../functions/grants/trail-selectors";
import { DEFAULT_PREFIX, trailsObjectKey } from "../core/layout";
import { ACCOUNTS, MAIN_REGION, orgAccount } from "./org";

/** The bucket the generated trails deliver into: the lake folder stands for it. */
export const GENERATED_TRAIL_BUCKET = "northwind-cloudtrail";
export const GENERATED_TRAIL_NAME = "northwind-org-activity";

export interface GeneratedTrail {
  /** The trail records read management events (Glue catalog reads, GetDataAccess); default true. */
  readEvents?: boolean;
  /** The trail's key prefix, as the lake was generated with (`trailPrefix`). */
  prefix?: string;
}

/** The advanced event selectors of an account's generated trail, as GetEventSelectors answers them. */
export function generatedSelectors(account: string, readEvents: boolean): AdvancedSelector[] {
  return [
    {
      Name: readEvents ? "Management events" : "Management write events",
      FieldSelectors: [
        { Field: "eventCategory", Equals: ["Management"] },
        ...(readEvents ? [] : [{ Field: "readOnly", Equals: ["false"] }]),
      ],
    },
    {
      Name: "Lake object reads",
      FieldSelectors: [
        { Field: "eventCategory", Equals: ["Data"] },
        { Field: "resources.type", Equals: ["AWS::S3::Object"] },
        { Field: "readOnly", Equals: ["true"] },
        { Field: "resources.ARN", StartsWith: [`arn:aws:s3:::${orgAccount(account).lakeBucket}/`] },
      ],
    },
  ];
}

/** Writes one trails snapshot per account for `day`; returns the rows written. */
export function writeTrailsSnapshot(lake: string, day: string, prefix = DEFAULT_PREFIX, trail: GeneratedTrail = {}): number {
  let total = 0;
  for (const account of ACCOUNTS) {
    const reading = {
      trail: {
        TrailARN: `arn:aws:cloudtrail:${MAIN_REGION}:${account}:trail/${GENERATED_TRAIL_NAME}`,
        Name: GENERATED_TRAIL_NAME,
        HomeRegion: MAIN_REGION,
        IsMultiRegionTrail: true,
        IsOrganizationTrail: false,
        S3BucketName: GENERATED_TRAIL_BUCKET,
        ...(trail.prefix ? { S3KeyPrefix: trail.prefix } : {}),
      },
      logging: true,
      selectors: { AdvancedEventSelectors: generatedSelectors(account, trail.readEvents ?? true) },
      problems: [],
    };
    const rows = trailRows([reading], { bucket: GENERATED_TRAIL_BUCKET, prefix: trail.prefix ?? "" }, MAIN_REGION);
    const file = path.join(lake, trailsObjectKey(account, day, prefix));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, trailsObject(rows));
    total += rows.length;
  }
  return total;
}
