/**
 * Glue table arguments derived from the single table definition: columns, SerDe, and partition
 * projection (no crawler, no MSCK REPAIR). Pure, so the stack tests can check them directly.
 */
import { ACCESS, BILLING, CLOUDTRAIL, EVENTS, GRANTS, HISTORY, LIVE_ALERTS, TableDefinition, TRAILS } from "../queries/schema/tables";
import { glueType, sqlName } from "../queries/schema/types";
import {
  billingPartitionPrefix,
  billingTablePrefix,
  cloudTrailAccountPath,
  cloudTrailRoot,
  eventsPartitionPrefix,
  eventsTablePrefix,
  accessPartitionPrefix,
  accessTablePrefix,
  grantsPartitionPrefix,
  grantsTablePrefix,
  historyPartitionPrefix,
  historyTablePrefix,
  liveAlertsPartitionPrefix,
  liveAlertsTablePrefix,
  trailsPartitionPrefix,
  trailsTablePrefix,
} from "../core/layout";
import { ACCOUNT_KEY, ACCOUNT_VALUES, WORK_GROUP_KEY, WORK_GROUP_VALUES } from "../core/work-groups";
import { CloudTrailSource } from "../core/settings/settings";

export interface GlueTableSpec {
  name: string;
  description: string;
  location: string;
  columns: { name: string; type: string; comment?: string }[];
  partitionKeys: { name: string; type: string; comment?: string }[];
  inputFormat: string;
  outputFormat: string;
  serde: { library: string; parameters?: Record<string, string> };
  parameters: Record<string, string>;
}

const TEXT_INPUT = "org.apache.hadoop.mapred.TextInputFormat";
const TEXT_OUTPUT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat";
const DAYS = "NOW-5YEARS,NOW";

/** Partition projection of a day column (`yyyy-MM-dd`, or the trail's `yyyy/MM/dd`). */
function dayProjection(column: string, format: string): Record<string, string> {
  return {
    [`projection.${column}.type`]: "date",
    [`projection.${column}.format`]: format,
    [`projection.${column}.range`]: DAYS,
    [`projection.${column}.interval`]: "1",
    [`projection.${column}.interval.unit`]: "DAYS",
  };
}

function enumProjection(column: string, values: readonly string[]): Record<string, string> {
  return { [`projection.${column}.type`]: "enum", [`projection.${column}.values`]: values.join(",") };
}

type Storage = Pick<GlueTableSpec, "inputFormat" | "outputFormat" | "serde">;

const JSON_LINES = (serdeParameters: Record<string, string>): Storage => ({
  inputFormat: TEXT_INPUT,
  outputFormat: TEXT_OUTPUT,
  serde: { library: "org.openx.data.jsonserde.JsonSerDe", parameters: serdeParameters },
});

/** A table's spec: columns and partition keys from its definition, storage and projection as given. */
function spec(table: TableDefinition, location: string, storage: Storage, parameters: Record<string, string>): GlueTableSpec {
  return {
    name: table.name,
    description: table.description,
    location,
    columns: table.columns.map((c) => ({ name: sqlName(c), type: glueType(c.type), ...(c.comment ? { comment: c.comment } : {}) })),
    partitionKeys: table.partitionKeys.map((p) => ({ name: p.name, type: "string", comment: p.format })),
    ...storage,
    parameters: { "projection.enabled": "true", ...parameters },
  };
}

/**
 * Table parameters the program keeps after creation, by table: the daily join adds every work group
 * and account it finds in history to the history table's enums, and every account it finds in
 * grants and trails to those tables' (functions/join/work-groups.ts, snapshot-accounts.ts). Pulumi sets them when it creates
 * the table and then leaves them to the program (`ignoreChanges`), so an update does not take back
 * what the join added.
 */
export const KEPT_BY_PROGRAM: Readonly<Record<string, readonly string[]>> = {
  [HISTORY.name]: [WORK_GROUP_VALUES, ACCOUNT_VALUES],
  [GRANTS.name]: [ACCOUNT_VALUES],
  [TRAILS.name]: [ACCOUNT_VALUES],
};

/** A table parameter as a Pulumi property path (`parameters["projection.workgroup.values"]`: the key holds dots). */
export function parameterPath(key: string): string {
  return `parameters[${JSON.stringify(key)}]`;
}

/**
 * `workGroups` and `accounts` are the lists the table starts with; the join extends both from the
 * history it finds (see KEPT_BY_PROGRAM).
 */
export function historyTable(bucket: string, prefix: string, regions: string[], workGroups: string[], accounts: string[]): GlueTableSpec {
  const location = `s3://${bucket}/${historyTablePrefix(prefix)}`;
  return spec(HISTORY, location, JSON_LINES({ "case.insensitive": "true", "ignore.malformed.json": "true" }), {
    classification: "json",
    ...enumProjection(ACCOUNT_KEY, accounts),
    ...enumProjection("region", regions),
    ...dayProjection("dt", "yyyy-MM-dd"),
    ...enumProjection(WORK_GROUP_KEY, workGroups),
    "storage.location.template": `s3://${bucket}/${historyPartitionPrefix({ account: "${account}", region: "${region}", dt: "${dt}", workGroup: "${workgroup}" }, prefix)}`,
  });
}

/** The trail's own layout; organization trails put the organization id before the account. */
export function cloudTrailTable(source: CloudTrailSource): GlueTableSpec {
  const base = `s3://${source.bucket}/${cloudTrailRoot(source.prefix, source.organizationId)}`;
  const storage: Storage = {
    inputFormat: "com.amazon.emr.cloudtrail.CloudTrailInputFormat",
    outputFormat: TEXT_OUTPUT,
    serde: { library: "org.apache.hive.hcatalog.data.JsonSerDe" },
  };
  return spec(CLOUDTRAIL, base, storage, {
    classification: "cloudtrail",
    ...enumProjection("account", source.accounts),
    ...enumProjection("region", source.regions),
    ...dayProjection("day", "yyyy/MM/dd"),
    "storage.location.template": `${base}${cloudTrailAccountPath("${account}", "${region}", "${day}")}`,
  });
}

const PARQUET: Storage = {
  inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
  outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
  serde: { library: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe" },
};

export function eventsTable(bucket: string, prefix: string, regions: string[]): GlueTableSpec {
  const location = `s3://${bucket}/${eventsTablePrefix(prefix)}`;
  return spec(EVENTS, location, PARQUET, {
    classification: "parquet",
    "parquet.compression": "SNAPPY",
    ...dayProjection("dt", "yyyy-MM-dd"),
    ...enumProjection("region", regions),
    "storage.location.template": `s3://${bucket}/${eventsPartitionPrefix("${dt}", "${region}", prefix)}`,
  });
}

/** Reads of the lake by engines other than Athena's own query runs (queries/sql/access_join.sql), laid out as events. */
export function accessTable(bucket: string, prefix: string, regions: string[]): GlueTableSpec {
  const location = `s3://${bucket}/${accessTablePrefix(prefix)}`;
  return spec(ACCESS, location, PARQUET, {
    classification: "parquet",
    "parquet.compression": "SNAPPY",
    ...dayProjection("dt", "yyyy-MM-dd"),
    ...enumProjection("region", regions),
    "storage.location.template": `s3://${bucket}/${accessPartitionPrefix("${dt}", "${region}", prefix)}`,
  });
}

/**
 * `accounts`: the main account and the members whose grants collectors the stack expects; the join
 * adds any other account whose grants appear (see KEPT_BY_PROGRAM).
 */
export function grantsTable(bucket: string, prefix: string, accounts: string[]): GlueTableSpec {
  const location = `s3://${bucket}/${grantsTablePrefix(prefix)}`;
  return spec(GRANTS, location, JSON_LINES({ "ignore.malformed.json": "true" }), {
    classification: "json",
    ...enumProjection(ACCOUNT_KEY, accounts),
    ...dayProjection("dt", "yyyy-MM-dd"),
    "storage.location.template": `s3://${bucket}/${grantsPartitionPrefix("${account}", "${dt}", prefix)}`,
  });
}

/**
 * What each account's trails record, written beside its grants by the same collector. `accounts` as
 * for grants; the join does not extend this enum, so an account admitted only through the
 * organization id is read once it is listed in `memberAccounts`.
 */
export function trailsTable(bucket: string, prefix: string, accounts: string[]): GlueTableSpec {
  const location = `s3://${bucket}/${trailsTablePrefix(prefix)}`;
  return spec(TRAILS, location, JSON_LINES({ "ignore.malformed.json": "true" }), {
    classification: "json",
    ...enumProjection(ACCOUNT_KEY, accounts),
    ...dayProjection("dt", "yyyy-MM-dd"),
    "storage.location.template": `s3://${bucket}/${trailsPartitionPrefix("${account}", "${dt}", prefix)}`,
  });
}

/**
 * Deployed whether or not the billing collector is: the reconciliation query then runs on an empty
 * table and says no bill was collected, instead of failing on a missing one.
 */
export function billingTable(bucket: string, prefix: string): GlueTableSpec {
  const location = `s3://${bucket}/${billingTablePrefix(prefix)}`;
  return spec(BILLING, location, JSON_LINES({ "ignore.malformed.json": "true" }), {
    classification: "json",
    ...dayProjection("dt", "yyyy-MM-dd"),
    "storage.location.template": `s3://${bucket}/${billingPartitionPrefix("${dt}", prefix)}`,
  });
}

/**
 * The live alerts' log, laid out as trails (an account, a day). `accounts` as for trails: the main
 * account and its listed members, whose live functions write there; the join does not extend it.
 */
export function liveAlertsTable(bucket: string, prefix: string, accounts: string[]): GlueTableSpec {
  const location = `s3://${bucket}/${liveAlertsTablePrefix(prefix)}`;
  return spec(LIVE_ALERTS, location, JSON_LINES({ "ignore.malformed.json": "true" }), {
    classification: "json",
    ...enumProjection(ACCOUNT_KEY, accounts),
    ...dayProjection("dt", "yyyy-MM-dd"),
    "storage.location.template": `s3://${bucket}/${liveAlertsPartitionPrefix("${account}", "${dt}", prefix)}`,
  });
}
