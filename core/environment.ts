/**
 * Each Lambda's environment, in one place: the variables each function reads, what they mean,
 * their defaults, how the Pulumi program writes them (`writeEnvironment`) and how the function
 * reads them back (`readEnvironment`). docs/environment-variables.md lists the same tables, and
 * test/core/environment.test.ts holds the two together.
 */
import { DEFAULT_TB, parseTbDefinition, TbDefinition } from "./cost";
import { InputError } from "./errors";
import { ACCOUNT_PATTERN, DEFAULT_PREFIX, REGION_PATTERN } from "./names";

/** A process environment, or any record standing in for one. */
export type Env = Readonly<Record<string, string | undefined>>;

/** One variable: `Required` is a literal type, so the program's builder can demand it. */
export interface Variable<T, Required extends boolean = boolean> {
  readonly name: string;
  /** A run fails without it, naming it. */
  readonly required: Required;
  /** The value when unset, as the docs print it; undefined when unset means "not given". */
  readonly fallback?: string;
  /** What it means, in one line (the docs' "meaning" column). */
  readonly meaning: string;
  /** The value from the variable's text as the environment holds it (undefined when unset). */
  readonly parse: (text: string | undefined) => T;
}

/** A function's variables, by the name its code reads the value under. */
export type Environment = Readonly<Record<string, Variable<unknown>>>;

/** A function's values as it reads them. */
export type EnvironmentValues<E extends Environment> = { -readonly [K in keyof E]: E[K] extends Variable<infer T> ? T : never };

type RequiredKeys<E extends Environment> = { [K in keyof E]: E[K] extends Variable<unknown, true> ? K : never }[keyof E];

/** What the program writes: every required variable, the others when it has a value (V: a string, or Pulumi's input of one). */
export type EnvironmentInput<E extends Environment, V> = Record<RequiredKeys<E>, V> &
  Partial<Record<Exclude<keyof E, RequiredKeys<E>>, V | undefined>>;

/** The variable's text, trimmed; undefined when it is unset or blank. */
function trimmed(text: string | undefined): string | undefined {
  const value = text?.trim();
  return value === "" ? undefined : value;
}

/** A variable the function needs; `refine` checks its text and gives the value. */
function required<T>(name: string, meaning: string, refine: (value: string) => T): Variable<T, true> {
  return {
    name,
    required: true,
    meaning,
    parse: (text) => {
      const value = trimmed(text);
      if (value === undefined) throw new InputError(`environment variable ${name} is required`);
      return refine(value);
    },
  };
}

const asIs = (value: string): string => value;

function optionalText(name: string, meaning: string): Variable<string | undefined, false> {
  return { name, required: false, meaning, parse: trimmed };
}

function textWithDefault(name: string, fallback: string, meaning: string): Variable<string, false> {
  return { name, required: false, fallback, meaning, parse: (text) => trimmed(text) ?? fallback };
}

function flag(name: string, fallback: boolean, meaning: string): Variable<boolean, false> {
  return {
    name,
    required: false,
    fallback: String(fallback),
    meaning,
    parse: (text) => {
      const value = trimmed(text)?.toLowerCase();
      if (value === undefined) return fallback;
      if (value === "true" || value === "false") return value === "true";
      throw new InputError(`${name} must be true or false, got ${JSON.stringify(text)}`);
    },
  };
}

function wholeNumberOf(name: string, text: string | undefined, min: number, max: number): number | undefined {
  const value = trimmed(text);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new InputError(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return n;
}

function wholeNumber(name: string, min: number, max: number, fallback: number, meaning: string): Variable<number, false> {
  const range = `${meaning} (${min} to ${max})`;
  return {
    name,
    required: false,
    fallback: String(fallback),
    meaning: range,
    parse: (text) => wholeNumberOf(name, text, min, max) ?? fallback,
  };
}

function optionalWholeNumber(name: string, min: number, max: number, meaning: string): Variable<number | undefined, false> {
  return { name, required: false, meaning: `${meaning} (${min} to ${max})`, parse: (text) => wholeNumberOf(name, text, min, max) };
}

const bucket = required("AUDIT_BUCKET", "the audit bucket", asIs);
const prefix = textWithDefault("AUDIT_PREFIX", DEFAULT_PREFIX, "key prefix of the audit's tables in the bucket");
const account = required("AUDIT_ACCOUNT", "the 12-digit id of the account collected: the `account=` folder it writes to", (value) => {
  if (!ACCOUNT_PATTERN.test(value)) throw new InputError(`AUDIT_ACCOUNT must be a 12-digit account id, got ${JSON.stringify(value)}`);
  return value;
});

export const HISTORY_COLLECTOR_ENVIRONMENT = {
  bucket,
  prefix,
  account,
  auditWorkGroup: optionalText("AUDIT_WORK_GROUP", "the audit's own work group, skipped unless `SKIP_OWN_WORK_GROUP` is `false`"),
  skipOwnWorkGroup: flag("SKIP_OWN_WORK_GROUP", true, "`false` to collect the audit's own queries too"),
  // ListQueryExecutions allows 5 calls a second per account.
  workGroupConcurrency: wholeNumber("WORK_GROUP_CONCURRENCY", 1, 16, 3, "work groups collected at once"),
};

const regions = required("JOIN_REGIONS", "the regions joined, comma-separated", (value) => {
  const list = value
    .split(",")
    .map((r) => r.trim())
    .filter(Boolean);
  for (const region of list)
    if (!REGION_PATTERN.test(region)) throw new InputError(`JOIN_REGIONS: ${JSON.stringify(region)} is not a region name`);
  return list;
});

const TB = "BILLING_TB";
const tb: Variable<TbDefinition, false> = {
  name: TB,
  required: false,
  fallback: DEFAULT_TB,
  meaning: "what a TB is in the costs it writes: `binary` or `decimal`",
  parse: (text) => parseTbDefinition(trimmed(text), TB),
};

export const JOIN_ENVIRONMENT = {
  bucket,
  prefix,
  workGroup: required("AUDIT_WORK_GROUP", "the audit's own work group, which the join's queries run in", asIs),
  database: required("AUDIT_DATABASE", "the Glue database of the audit's tables", asIs),
  regions,
  historyRetentionDays: optionalWholeNumber(
    "HISTORY_RETENTION_DAYS",
    1,
    36_500,
    "days of joined history kept: older is deleted, unset keeps all",
  ),
  queryTimeoutMs: wholeNumber(
    "QUERY_TIMEOUT_MS",
    1000,
    15 * 60_000,
    10 * 60_000,
    "stop a query running longer than this many milliseconds",
  ),
  tb,
  // The join's role allows reading query_executions only when the stack sets this.
  systemTables: flag("SYSTEM_TABLES", false, "`true` to read Athena's system table `query_executions` as a second witness"),
};

export const GRANTS_COLLECTOR_ENVIRONMENT = {
  bucket,
  prefix,
  account,
  lakeFormation: flag("LAKE_FORMATION", false, "`true` to read Lake Formation permissions too"),
  trailBucket: optionalText(
    "AUDIT_TRAIL_BUCKET",
    "where the audit reads CloudTrail from, to tell which trails deliver there (unset: unknown)",
  ),
  trailPrefix: optionalText("AUDIT_TRAIL_PREFIX", "key prefix of the trail's logs in that bucket (unset: its root)"),
};

export const BILLING_COLLECTOR_ENVIRONMENT = {
  bucket,
  prefix,
  account,
  workGroupTag: optionalText("BILLING_WORK_GROUP_TAG", "the cost allocation tag the work groups carry, to split Athena's cost by"),
};

const topicArn = required("LIVE_TOPIC_ARN", "the SNS topic each live alert is published to", (value) => {
  if (!/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/.test(value))
    throw new InputError(`LIVE_TOPIC_ARN must be an SNS topic ARN, got ${JSON.stringify(value)}`);
  return value;
});

export const LIVE_ENVIRONMENT = {
  bucket,
  prefix,
  account,
  topicArn,
  securityHub: flag("LIVE_SECURITY_HUB", false, "`true` to import each live alert into Security Hub as a finding too"),
  settingsKey: optionalText(
    "ANOMALY_SETTINGS_KEY",
    "the key, in the audit bucket, of the anomaly settings JSON the live rules read (unset: the defaults)",
  ),
};

/** Read by every function's S3 client; the program never sets it (AWS S3 takes either addressing). */
export const EVERY_FUNCTION_ENVIRONMENT = {
  s3ForcePathStyle: flag("AUDIT_S3_FORCE_PATH_STYLE", false, "`true` for S3-compatible endpoints that want path-style URLs"),
};

/** Each environment under the heading docs/environment-variables.md gives its table. */
export const LAMBDA_ENVIRONMENTS: Readonly<Record<string, Environment>> = {
  "History collector": HISTORY_COLLECTOR_ENVIRONMENT,
  "Daily join": JOIN_ENVIRONMENT,
  "Grants collector": GRANTS_COLLECTOR_ENVIRONMENT,
  "Billing collector": BILLING_COLLECTOR_ENVIRONMENT,
  "Live alerts": LIVE_ENVIRONMENT,
  "Every function": EVERY_FUNCTION_ENVIRONMENT,
};

/** The function's values, parsed in declaration order; the first missing or malformed variable throws, naming it. */
export function readEnvironment<E extends Environment>(environment: E, env: Env): EnvironmentValues<E> {
  return Object.fromEntries(
    Object.entries(environment).map(([key, variable]) => [key, variable.parse(env[variable.name])]),
  ) as EnvironmentValues<E>;
}

/** The variables the program sets on the function: the values given, by variable name. */
export function writeEnvironment<E extends Environment, V>(environment: E, values: EnvironmentInput<E, V>): Record<string, V> {
  const given = values as Partial<Record<string, V>>;
  const written: Record<string, V> = {};
  for (const [key, variable] of Object.entries(environment)) {
    const value = given[key];
    if (value !== undefined) written[variable.name] = value;
  }
  return written;
}
