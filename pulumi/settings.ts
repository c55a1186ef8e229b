/**
 * The stack's configuration, read and checked once before any resource is planned. Every error
 * names the config key (`athena-audit:<key>`) and what it allows.
 */
import { parseTbDefinition, TbDefinition } from "../queries/cost";
import { InputError } from "../queries/errors";
import {
  ACCOUNT_PATTERN as ACCOUNT,
  DEFAULT_PREFIX,
  KEY_PREFIX_PATTERN,
  ORGANIZATION_PATTERN,
  PRODUCT,
  REGION_PATTERN as REGION,
  WORK_GROUP_PATTERN,
} from "../queries/names";

export const NAMESPACE = PRODUCT;

export interface CloudTrailSource {
  bucket: string;
  prefix: string;
  organizationId?: string;
  accounts: string[];
  regions: string[];
  /** The KMS key the trail encrypts its log files with, when it uses SSE-KMS: Athena decrypts with it as the join. */
  kmsKeyArn?: string;
}

export interface Schedules {
  collector: string;
  join: string;
  grants: string;
  /** The billing collector's, when `collectBilling` is on. */
  billing: string;
}

export interface MainSettings {
  role: "main";
  region: string;
  /** Existing bucket to use; undefined creates one. */
  bucketName?: string;
  prefix: string;
  /** Where the CloudTrail logs are; `createTrail` makes a trail writing into the audit bucket. */
  cloudTrail?: CloudTrailSource;
  createTrail: boolean;
  joinRegions: string[];
  /**
   * Work groups the history table projects when it is created. The daily join adds every other work
   * group it finds in history before it joins, so the list never needs to be kept by hand.
   */
  workGroups: string[];
  schedules: Schedules;
  historyRetentionDays?: number;
  /** What a TB is in Athena's price for the costs the join writes (queries/cost.ts). */
  billingTb: TbDefinition;
  kmsKeyArn?: string;
  lambdaRoleArn?: string;
  bytesScannedCutoff: number;
  githubRepository?: string;
  githubOidcProviderArn?: string;
  /** Read Lake Formation permissions as a second access path. */
  lakeFormation: boolean;
  /** Deploy the billing collector (Cost Explorer's daily cost of Athena into the billing table). */
  collectBilling: boolean;
  /** The cost allocation tag the work groups carry, to split the bill by work group. */
  billingWorkGroupTag?: string;
  /** Let the join read Athena's system table query_executions (enabled in the account beforehand). */
  systemTables: boolean;
  /** Member accounts whose collector stacks write history into this stack's bucket (their own folders only). */
  memberAccounts: string[];
  /** Admit every account of this organization's collectors the same way. */
  organizationId?: string;
}

export interface CollectorSettings {
  role: "collector";
  region: string;
  mainRegion: string;
  /** Where history goes: the main stack's bucket, by name or through a stack reference. */
  bucketName?: string;
  mainStack?: string;
  prefix: string;
  schedules: Pick<Schedules, "collector" | "grants">;
  kmsKeyArn?: string;
  lambdaRoleArn?: string;
  /**
   * Deploy a grants collector too, writing this account's snapshot into the main bucket. IAM is
   * global: one collector stack per account sets it (typically the one in the account's main region).
   */
  collectGrants: boolean;
  /** With `collectGrants`: read this account's Lake Formation permissions as well. */
  lakeFormation: boolean;
}

export type Settings = MainSettings | CollectorSettings;

/** A stack setting the program cannot use; the message starts with the full config key. */
export class ConfigError extends InputError {
  constructor(key: string, problem: string) {
    super(`${key.includes(":") ? key : `${NAMESPACE}:${key}`} ${problem}`);
  }
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const SCHEDULE = /^(cron|rate)\(.+\)$/;
const ARN = /^arn:aws[a-z-]*:/;

type Raw = Record<string, unknown>;

const KNOWN = [
  "role",
  "mainRegion",
  "bucketName",
  "workGroups",
  "mainStack",
  "prefix",
  "cloudTrail",
  "createTrail",
  "joinRegions",
  "schedules",
  "historyRetentionDays",
  "billingTb",
  "kmsKeyArn",
  "lambdaRoleArn",
  "bytesScannedCutoff",
  "githubRepository",
  "githubOidcProviderArn",
  "lakeFormation",
  "collectBilling",
  "billingWorkGroupTag",
  "systemTables",
  "memberAccounts",
  "organizationId",
  "collectGrants",
];

/** Settings a collector stack has no use for: refused there rather than silently ignored. */
const MAIN_ONLY = ["collectBilling", "billingWorkGroupTag", "systemTables", "memberAccounts", "organizationId"];

// A tag key as AWS allows it (1-128 letters, digits, spaces and _ . : / = + - @); `aws:` keys are AWS's own.
const TAG_KEY = /^(?!aws:)[\p{L}\p{N}\p{Zs}_.:/=+\-@]{1,128}$/u;

function text(raw: Raw, key: string, pattern?: RegExp, allowed?: string, label = key): string | undefined {
  const value = raw[key];
  if (value === undefined || value === "") return undefined;
  if (typeof value !== "string" || (pattern && !pattern.test(value)))
    throw new ConfigError(label, `must be ${allowed ?? "text"}, got ${JSON.stringify(value)}`);
  return value;
}

function list(raw: unknown, key: string, pattern: RegExp, allowed: string): string[] {
  if (!Array.isArray(raw) || raw.length === 0 || !raw.every((v) => typeof v === "string" && pattern.test(v))) {
    throw new ConfigError(key, `must be a non-empty list of ${allowed}, got ${JSON.stringify(raw)}`);
  }
  return raw as string[];
}

function wholeNumber(raw: Raw, key: string, min: number, max: number): number | undefined {
  const value = raw[key];
  if (value === undefined || value === "") return undefined;
  const n = typeof value === "string" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max)
    throw new ConfigError(key, `must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return n;
}

function flag(raw: Raw, key: string): boolean {
  const value = raw[key];
  if (value === undefined || value === "" || value === false || value === "false") return false;
  if (value === true || value === "true") return true;
  throw new ConfigError(key, `must be true or false, got ${JSON.stringify(value)}`);
}

function cloudTrail(raw: Raw): CloudTrailSource | undefined {
  const value = raw.cloudTrail;
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new ConfigError("cloudTrail", "must be an object { bucket, prefix?, organizationId?, accounts, regions, kmsKeyArn? }");
  const t = value as Raw;
  const bucket = text(t, "bucket", BUCKET, "an S3 bucket name", "cloudTrail.bucket");
  if (!bucket) throw new ConfigError("cloudTrail.bucket", "is required: the bucket the trail delivers to");
  return {
    bucket,
    prefix: (text(t, "prefix", undefined, undefined, "cloudTrail.prefix") ?? "").replace(/^\/+|\/+$/g, ""),
    organizationId: text(t, "organizationId", ORGANIZATION_PATTERN, "an organization id like o-abc123defg", "cloudTrail.organizationId"),
    accounts: list(t.accounts, "cloudTrail.accounts", ACCOUNT, "12-digit account ids"),
    regions: list(t.regions, "cloudTrail.regions", REGION, "region names"),
    kmsKeyArn: text(t, "kmsKeyArn", /^arn:aws[a-z-]*:kms:/, "a KMS key ARN", "cloudTrail.kmsKeyArn"),
  };
}

/** `memberAccounts`: distinct account ids, any number (an empty list admits none). */
function memberAccounts(raw: Raw): string[] {
  const value = raw.memberAccounts ?? [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string" && ACCOUNT.test(v)) || new Set(value).size !== value.length)
    throw new ConfigError("memberAccounts", `must be a list of distinct 12-digit account ids, got ${JSON.stringify(value)}`);
  return value as string[];
}

function schedules(raw: Raw): Schedules {
  const value = (raw.schedules ?? {}) as Raw;
  if (typeof value !== "object" || Array.isArray(value))
    throw new ConfigError("schedules", "must be an object { collector?, join?, grants?, billing? }");
  // Renamed with the daily join (was "joiner"): say so rather than ignore the old key.
  if (value.joiner !== undefined) throw new ConfigError("schedules.joiner", "was renamed: use athena-audit:schedules.join");
  const collector =
    text(value, "collector", SCHEDULE, "an EventBridge schedule like cron(15 0 * * ? *)", "schedules.collector") ?? "cron(15 0 * * ? *)";
  const join = text(value, "join", SCHEDULE, "an EventBridge schedule like cron(15 2 * * ? *)", "schedules.join") ?? "cron(15 2 * * ? *)";
  const grants =
    text(value, "grants", SCHEDULE, "an EventBridge schedule like cron(0 1 * * ? *)", "schedules.grants") ?? "cron(0 1 * * ? *)";
  // Cost Explorer refreshes its data at least once a day, at no published hour: midday UTC is half a
  // day after the billed day closes, and each run rereads the last three days, so a late refresh is
  // picked up the next day.
  const billing =
    text(value, "billing", SCHEDULE, "an EventBridge schedule like cron(0 12 * * ? *)", "schedules.billing") ?? "cron(0 12 * * ? *)";
  return { collector, join, grants, billing };
}

/** Checks raw config (as `pulumi.Config` returns it) for a stack in `region`. */
export function parseSettings(raw: Raw, region: string | undefined): Settings {
  const unknown = Object.keys(raw).filter((k) => !KNOWN.includes(k));
  if (unknown.length > 0) throw new ConfigError(unknown[0], `is not a setting; known: ${KNOWN.join(", ")}`);
  if (!region || !REGION.test(region))
    throw new ConfigError("aws:region", "must be set to the region this stack deploys to (pulumi config set aws:region ...)");
  const role = raw.role;
  if (role !== "main" && role !== "collector") throw new ConfigError("role", `must be "main" or "collector", got ${JSON.stringify(role)}`);
  const prefix =
    text(raw, "prefix", KEY_PREFIX_PATTERN, "a key prefix without leading or trailing slash, `.` or `..` segments") ?? DEFAULT_PREFIX;
  const bucketName = text(raw, "bucketName", BUCKET, "an S3 bucket name");
  const kmsKeyArn = text(raw, "kmsKeyArn", /^arn:aws[a-z-]*:kms:/, "a KMS key ARN");
  const lambdaRoleArn = text(raw, "lambdaRoleArn", /^arn:aws[a-z-]*:iam::\d{12}:role\//, "an IAM role ARN");
  if (role === "collector") {
    const misplaced = MAIN_ONLY.find((k) => raw[k] !== undefined);
    if (misplaced) throw new ConfigError(misplaced, "applies to the main stack only (athena-audit:role main)");
    const mainRegion = text(raw, "mainRegion", REGION, "a region name");
    if (!mainRegion) throw new ConfigError("mainRegion", "is required for a collector stack: the region of the main stack");
    const mainStack = text(raw, "mainStack", /^[^/]+\/[^/]+\/[^/]+$/, "a stack reference like org/athena-audit/main");
    if (!bucketName && !mainStack)
      throw new ConfigError("bucketName", "or athena-audit:mainStack is required for a collector stack: where history goes");
    const collectGrants = flag(raw, "collectGrants");
    const lakeFormation = flag(raw, "lakeFormation");
    if (lakeFormation && !collectGrants)
      throw new ConfigError("lakeFormation", "has no effect in a collector stack unless athena-audit:collectGrants is true");
    const { collector, grants } = schedules(raw);
    return {
      role,
      region,
      mainRegion,
      bucketName,
      mainStack,
      prefix,
      schedules: { collector, grants },
      kmsKeyArn,
      lambdaRoleArn,
      collectGrants,
      lakeFormation,
    };
  }
  // The main stack always collects its own account's grants.
  if (raw.collectGrants !== undefined)
    throw new ConfigError("collectGrants", "applies to collector stacks only (the main stack always deploys the grants collector)");
  const trail = cloudTrail(raw);
  const createTrail = flag(raw, "createTrail");
  if (!trail && !createTrail)
    throw new ConfigError(
      "cloudTrail",
      "is required (the existing trail's bucket, accounts and regions), or set athena-audit:createTrail true",
    );
  if (trail && createTrail) throw new ConfigError("createTrail", "cannot be true when athena-audit:cloudTrail names an existing trail");
  if (createTrail && bucketName)
    throw new ConfigError(
      "createTrail",
      "needs the bucket the stack creates (its policy admits the trail); remove athena-audit:bucketName",
    );
  const collectBilling = flag(raw, "collectBilling");
  const billingWorkGroupTag = text(
    raw,
    "billingWorkGroupTag",
    TAG_KEY,
    "a tag key (up to 128 letters, digits, spaces and _ . : / = + - @, not starting with aws:)",
  );
  if (billingWorkGroupTag && !collectBilling)
    throw new ConfigError("billingWorkGroupTag", "has no effect unless athena-audit:collectBilling is true");
  const members = memberAccounts(raw);
  const organizationId = text(raw, "organizationId", ORGANIZATION_PATTERN, "an organization id like o-abc123defg");
  if ((members.length > 0 || organizationId) && bucketName)
    throw new ConfigError(
      members.length > 0 ? "memberAccounts" : "organizationId",
      "needs the bucket the stack creates (its policy admits the members); remove athena-audit:bucketName",
    );
  const joinRegions = raw.joinRegions === undefined ? [region] : list(raw.joinRegions, "joinRegions", REGION, "region names");
  return {
    role,
    region,
    bucketName,
    prefix,
    cloudTrail: trail,
    createTrail,
    joinRegions,
    workGroups:
      raw.workGroups === undefined ? ["primary"] : list(raw.workGroups, "workGroups", WORK_GROUP_PATTERN, "Athena work group names"),
    schedules: schedules(raw),
    historyRetentionDays: wholeNumber(raw, "historyRetentionDays", 1, 36500),
    billingTb: parseTbDefinition(text(raw, "billingTb"), "billingTb"),
    kmsKeyArn,
    lambdaRoleArn,
    bytesScannedCutoff: wholeNumber(raw, "bytesScannedCutoff", 10_485_760, Number.MAX_SAFE_INTEGER) ?? 100 * 1024 ** 3,
    githubRepository: text(raw, "githubRepository", /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "owner/repository"),
    githubOidcProviderArn: text(raw, "githubOidcProviderArn", ARN, "an IAM OIDC provider ARN"),
    lakeFormation: flag(raw, "lakeFormation"),
    collectBilling,
    billingWorkGroupTag,
    systemTables: flag(raw, "systemTables"),
    memberAccounts: members,
    organizationId,
  };
}
