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
