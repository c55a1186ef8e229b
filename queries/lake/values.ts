/**
 * Values the audit takes from the lake, checked where they enter against AWS's grammar (the
 * patterns in core/names.ts): partition folders (`account=`, `region=`, `dt=`, `workgroup=`) and
 * the fields of history and CloudTrail records that become names in events, reports and paths. A
 * value that fails is named JSON-escaped (so it cannot carry a line break into a message) and its
 * record or folder is skipped; nothing here throws.
 */
import { parseDay } from "../../core/days";
import {
  ACCOUNT_PATTERN,
  CATALOG_NAME_PATTERN,
  GLUE_NAME_PATTERN,
  PRINCIPAL_ARN_PATTERN,
  REFERENCED_TABLE_PATTERN,
  REGION_PATTERN,
  WORK_GROUP_PATTERN,
} from "../../core/names";
import { isRecord } from "./checked";

/** A grammar: what a value must match, and how a message describes it. */
interface Grammar {
  pattern: RegExp;
  is: string;
}

const ACCOUNT: Grammar = { pattern: ACCOUNT_PATTERN, is: "an account id (12 digits)" };
const REGION: Grammar = { pattern: REGION_PATTERN, is: "a region name (like us-east-1)" };
const WORK_GROUP: Grammar = { pattern: WORK_GROUP_PATTERN, is: "a work-group name ([a-zA-Z0-9._-], 1 to 128)" };
const GLUE_NAME: Grammar = { pattern: GLUE_NAME_PATTERN, is: "a Glue name (one line, 1 to 255 characters)" };
const CATALOG: Grammar = { pattern: CATALOG_NAME_PATTERN, is: "a data catalog name (one line, 1 to 256 characters)" };
const TABLE: Grammar = { pattern: REFERENCED_TABLE_PATTERN, is: "a table name (database.table, one line)" };
const ARN: Grammar = { pattern: PRINCIPAL_ARN_PATTERN, is: "a principal ARN (arn:aws:iam::<account>:...)" };

/** Why `value` at `at` fails `grammar`; undefined when it is absent (null) or fits. */
function misfit(value: unknown, at: string, grammar: Grammar): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string" && grammar.pattern.test(value)) return undefined;
  return `${at} ${JSON.stringify(value)} is not ${grammar.is}`;
}

function field(holder: unknown, key: string): unknown {
  return isRecord(holder) ? holder[key] : undefined;
}

/** The first of `checks` that fails. */
function first(checks: readonly (() => string | undefined)[]): string | undefined {
  for (const check of checks) {
    const problem = check();
    if (problem) return problem;
  }
  return undefined;
}

function each(values: unknown, at: string, grammar: Grammar): string | undefined {
  if (!Array.isArray(values)) return undefined;
  for (let i = 0; i < values.length; i++) {
    const problem = misfit(values[i], `${at}[${i}]`, grammar);
    if (problem) return problem;
  }
  return undefined;
}

/** A history line's names: its work group, database and catalog, the tables and databases it read, its region. */
export function historyValuesProblem(record: Record<string, unknown>): string | undefined {
  const context = record.QueryExecutionContext;
  const audit = record.Audit;
  return first([
    () => misfit(record.WorkGroup, "WorkGroup", WORK_GROUP),
    () => misfit(field(context, "Database"), "QueryExecutionContext.Database", GLUE_NAME),
    () => misfit(field(context, "Catalog"), "QueryExecutionContext.Catalog", CATALOG),
    () => misfit(field(audit, "Region"), "Audit.Region", REGION),
    () => each(field(audit, "ReferencedTables"), "Audit.ReferencedTables", TABLE),
    () => each(field(audit, "ReferencedDatabases"), "Audit.ReferencedDatabases", GLUE_NAME),
  ]);
}

/** A StartQueryExecution record's names: accounts, caller and issuer ARNs, region, work group, database. */
export function trailValuesProblem(record: Record<string, unknown>): string | undefined {
  const identity = record.userIdentity;
  const issuer = field(field(identity, "sessionContext"), "sessionIssuer");
  const request = record.requestParameters;
  const context = field(request, "queryExecutionContext");
  return first([
    () => misfit(record.recipientAccountId, "recipientAccountId", ACCOUNT),
    () => misfit(field(identity, "accountId"), "userIdentity.accountId", ACCOUNT),
    () => misfit(field(identity, "arn"), "userIdentity.arn", ARN),
    () => misfit(field(issuer, "accountId"), "userIdentity.sessionContext.sessionIssuer.accountId", ACCOUNT),
    () => misfit(field(issuer, "arn"), "userIdentity.sessionContext.sessionIssuer.arn", ARN),
    () => misfit(record.awsRegion, "awsRegion", REGION),
    () => misfit(field(request, "workGroup"), "requestParameters.workGroup", WORK_GROUP),
    () => misfit(field(context, "database"), "requestParameters.queryExecutionContext.database", GLUE_NAME),
    () => misfit(field(context, "catalog"), "requestParameters.queryExecutionContext.catalog", CATALOG),
  ]);
}

/** A Glue catalog read's names (GetTable's `databaseName` and `name`, GetPartitions' `tableName`): Glue's grammar. */
export function catalogReadValuesProblem(record: Record<string, unknown>): string | undefined {
  const request = record.requestParameters;
  return first([
    () => trailValuesProblem(record),
    () => misfit(field(request, "databaseName"), "requestParameters.databaseName", GLUE_NAME),
    () => misfit(field(request, "name"), "requestParameters.name", GLUE_NAME),
    () => misfit(field(request, "tableName"), "requestParameters.tableName", GLUE_NAME),
  ]);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Where a parsed JSON value holds a lone surrogate (a `\ud800` escape with no partner, which
 * `JSON.stringify` writes for such a string): DuckDB refuses the whole file for it, and no text
 * can stand for it, so the record is skipped rather than silently changed. Keys count too.
 */
export function loneSurrogateAt(value: unknown, at = ""): string | undefined {
  if (typeof value === "string") return LONE_SURROGATE.test(value) ? at || "(the value)" : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = loneSurrogateAt(value[i], `${at}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (isRecord(value)) {
    for (const [key, inner] of Object.entries(value)) {
      const name = at ? `${at}.${key}` : key;
      if (LONE_SURROGATE.test(key)) return `the key ${JSON.stringify(name)}`;
      const found = loneSurrogateAt(inner, name);
      if (found) return found;
    }
  }
  return undefined;
}

/** A record's text may hold an escaped surrogate only where it has `\u`: the walk is skipped for the rest. */
export function surrogateProblem(text: string, value: unknown): string | undefined {
  if (!text.includes("\\u")) return undefined;
  const at = loneSurrogateAt(value);
  return at ? `a lone surrogate escape (\\ud800-\\udfff without its pair) in ${at}` : undefined;
}

/** The grammar of each hive partition key of the audit's tables. */
const PARTITION_KEYS: Record<"account" | "region" | "workgroup", Grammar> = {
  account: ACCOUNT,
  region: REGION,
  workgroup: WORK_GROUP,
};

/**
 * Why the folder `name` is not `<key>=<value>` with a value AWS allows for `key`; undefined when it
 * is. A name that does not even start with `<key>=` is named as such.
 */
export function partitionFolderProblem(key: "account" | "region" | "dt" | "workgroup", name: string): string | undefined {
  if (!name.startsWith(`${key}=`)) return `folder ${JSON.stringify(name)} is not a ${key}= partition`;
  const value = name.slice(key.length + 1);
  if (key === "dt") {
    try {
      parseDay(value);
      return undefined;
    } catch {
      return `folder ${JSON.stringify(name)}: ${JSON.stringify(value)} is not a day (YYYY-MM-DD)`;
    }
  }
  const grammar = PARTITION_KEYS[key];
  return grammar.pattern.test(value) ? undefined : `folder ${JSON.stringify(name)}: ${JSON.stringify(value)} is not ${grammar.is}`;
}

/** Whether `name` is a region folder of CloudTrail's own layout (`.../CloudTrail/<region>/`). */
export function isRegionName(name: string): boolean {
  return REGION_PATTERN.test(name);
}
