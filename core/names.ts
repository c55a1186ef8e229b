/**
 * The audit's default names and the shapes of AWS names it checks, written once. The Pulumi
 * program, the functions' configuration and the command line all read them from here.
 */

/** The product's name: the Pulumi config namespace, the prefix of deployed resource names. */
export const PRODUCT = "athena-audit";
/** Default key prefix of the audit's tables in its bucket. */
export const DEFAULT_PREFIX = "athena-audit";
/** The audit's Glue database (Glue names take no hyphen). */
export const DEFAULT_DATABASE = "athena_audit";
/** The audit's own Athena work group. */
export const DEFAULT_WORK_GROUP = "athena-audit";
/** Key prefix under which the trail the audit creates delivers its logs, in the audit bucket. */
export const TRAIL_PREFIX = "cloudtrail";

/** A deployed resource's name for one stack: `athena-audit-<what>-<stack>`. */
export function resourceName(what: string, stack: string): string {
  return `${PRODUCT}-${what}-${stack}`;
}

export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d$/;
/** A key prefix: `/`-separated segments of S3's safe characters, none of them `.` or `..`. */
export const KEY_PREFIX_PATTERN = /^(?!\.{1,2}(?:\/|$))(?!.*\/\.{1,2}(?:\/|$))[a-zA-Z0-9!_.*'()-]+(\/[a-zA-Z0-9!_.*'()-]+)*$/;
export const ACCOUNT_PATTERN = /^\d{12}$/;
export const ORGANIZATION_PATTERN = /^o-[a-z0-9]{10,32}$/;
/** An Athena work group name (CreateWorkGroup's `Name`): no comma, so it can stand in an enum projection's list. */
export const WORK_GROUP_PATTERN = /^[a-zA-Z0-9._-]{1,128}$/;
/**
 * A Glue database or table name (GetTable's `DatabaseName`, `Name`): 1 to 255 characters of Glue's
 * single-line string, so no line break or other control character but tab.
 */
export const GLUE_NAME_PATTERN = /^[\t\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]{1,255}$/u;
/** An Athena data catalog name (CreateDataCatalog's `Name`): the same single-line string, up to 256. */
export const CATALOG_NAME_PATTERN = /^[\t\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]{1,256}$/u;
/** A table as the collector records it: `database.table` or `catalog.database.table`, each part a Glue name. */
export const REFERENCED_TABLE_PATTERN = /^[\t\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]{3,768}$/u;
/**
 * A principal's ARN as CloudTrail names callers and session issuers (`arn:aws:iam::<account>:user/x`,
 * `arn:aws:sts::<account>:assumed-role/r/s`): a partition, a service, an optional region, an optional
 * account, and a resource of printable ASCII (IAM names and paths allow no more), 2048 at most.
 */
export const PRINCIPAL_ARN_PATTERN = /^(?=.{1,2048}$)arn:aws(?:-[a-z]+)*:[a-z0-9-]+:(?:[a-z]{2}(?:-[a-z]+)+-\d)?:(?:\d{12})?:[\x21-\x7e]+$/;
