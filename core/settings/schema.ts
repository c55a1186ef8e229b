/**
 * The schema of every stack setting (zod), the keys each stack kind knows, and the rules that tie
 * settings together. Everything here reports problems instead of throwing, so that one run names
 * every bad key; settings.ts turns them into one ConfigError.
 */
import { z } from "zod";
import { defined } from "../checks";
import { TB_DEFINITION_NAMES, TbDefinition } from "../cost";
import { addDays, daysBetween } from "../days";
import { ACCOUNT_PATTERN, ORGANIZATION_PATTERN, REGION_PATTERN, WORK_GROUP_PATTERN } from "../names";
import { historyDaysRead } from "../work-groups";
import * as rules from "./rules";

/** One refused setting: its key (`cloudTrail.regions`, or `aws:region` outside the namespace) and why. */
export interface Problem {
  key: string;
  problem: string;
}

const got = (value: unknown) => (value === undefined ? "nothing" : JSON.stringify(value));
/** `pulumi config set key ""` (or null from JSON) leaves the setting unset. */
const blank = (value: unknown) => (value === "" || value === null ? undefined : value);
const matches =
  (pattern: RegExp, why: string): rules.Rule =>
  (value) =>
    pattern.test(value) ? undefined : why;

/**
 * The fewest days of history to keep: the scheduled join joins yesterday and reads history from the
 * day before it to the day after (historyDaysRead), so the day before yesterday must still be there.
 * The history collector's first-run backfill (45 days) needs no more: the join deletes only history of days
 * it has joined, and a join over the backfilled days reads them before it deletes any.
 */
const SOME_DAY = "2024-01-02";
const FIRST_DAY_READ = defined(historyDaysRead([addDays(SOME_DAY, -1)])[0], "the first day a join of one day reads");
export const MIN_HISTORY_RETENTION_DAYS = daysBetween(FIRST_DAY_READ, SOME_DAY).length - 1;

/** Text the rule accepts; `required` says why a missing value is needed (and makes it non-optional). */
function text(what: string, rule?: rules.Rule): z.ZodType<string | undefined>;
function text(what: string, rule: rules.Rule | undefined, required: string): z.ZodType<string>;
function text(what: string, rule?: rules.Rule, required?: string): z.ZodType<string | undefined> {
  const value = z
    .string({
      error: (issue) => (issue.input === undefined ? `is required ${required ?? ""}` : `must be ${what}, got ${got(issue.input)}`),
    })
    .superRefine((v, ctx) => {
      const why = rule?.(v);
      if (why) ctx.addIssue({ code: "custom", message: `must be ${what} (${why}), got ${got(v)}` });
    });
  return z.preprocess(blank, required === undefined ? value.optional() : value);
}

function listProblem(items: unknown[], rule: rules.Rule, nonEmpty: boolean): string | undefined {
  if (nonEmpty && items.length === 0) return "none given";
  for (const item of items) {
    if (typeof item !== "string") return `${got(item)} is not text`;
    const why = rule(item);
    if (why) return `${got(item)}: ${why}`;
  }
  const repeated = items.find((item, i) => items.indexOf(item) !== i);
  return repeated === undefined ? undefined : `${got(repeated)} is listed twice`;
}

/** A list of distinct strings, each one the rule accepts; `required` as for text. */
function list(what: string, rule: rules.Rule, nonEmpty?: boolean): z.ZodType<string[] | undefined>;
function list(what: string, rule: rules.Rule, nonEmpty: boolean, required: string): z.ZodType<string[]>;
function list(what: string, rule: rules.Rule, nonEmpty = true, required?: string): z.ZodType<string[] | undefined> {
  const value = z
    .array(z.unknown(), {
      error: (issue) => (issue.input === undefined ? `is required ${required ?? ""}` : `must be ${what}, got ${got(issue.input)}`),
    })
    .superRefine((items, ctx) => {
      const why = listProblem(items, rule, nonEmpty);
      if (why) ctx.addIssue({ code: "custom", message: `must be ${what} (${why}), got ${got(items)}` });
    })
    .transform((items) => items as string[]);
  return z.preprocess(blank, required === undefined ? value.optional() : value);
}

const flag = () =>
  z.preprocess(
    (value) => (value === "true" ? true : value === "false" ? false : blank(value)),
    z.boolean({ error: (issue) => `must be true or false, got ${got(issue.input)}` }).optional(),
  );

function wholeNumber(min: number, max: number, why?: string) {
  const message = (value: unknown) => `must be a whole number from ${min} to ${max}${why ? ` (${why})` : ""}, got ${got(value)}`;
  return z.preprocess(
    (value) => (typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : blank(value)),
    z
      .number({ error: (issue) => message(issue.input) })
      .refine((n) => Number.isInteger(n) && n >= min && n <= max, { error: (issue) => message(issue.input) })
      .optional(),
  );
}

function object<S extends z.ZodRawShape>(shape: S, what: string) {
  return z.preprocess(blank, z.object(shape, { error: (issue) => `must be ${what}, got ${got(issue.input)}` }).optional());
}

const REGION = matches(REGION_PATTERN, "like us-east-1");
const schedule = () => text("an EventBridge schedule", rules.scheduleExpression);
const ORGANIZATION = "an organization id like o-abc123defg";
const organization = () => text(ORGANIZATION, matches(ORGANIZATION_PATTERN, "o- then 10 to 32 lowercase letters or digits"));

const CLOUD_TRAIL_SHAPE = {
  bucket: text("an S3 bucket name", rules.bucketName, "(an S3 bucket name): the bucket the trail delivers to"),
  prefix: z.preprocess((v) => (typeof v === "string" ? v.replace(/^\/+|\/+$/g, "") : v), text("a key prefix", rules.trailPrefix)),
  organizationId: organization(),
  accounts: list(
    "a non-empty list of 12-digit account ids",
    matches(ACCOUNT_PATTERN, "not a 12-digit account id"),
    true,
    "(12-digit account ids): the accounts whose logs the trail holds",
  ),
  regions: list("a non-empty list of region names", REGION, true, "(region names): the regions the trail logs"),
  kmsKeyArn: text("a KMS key ARN", rules.kmsKeyArn),
};
const MAIN_SCHEDULES_SHAPE = { history: schedule(), join: schedule(), grants: schedule(), billing: schedule() };
const COLLECTOR_SCHEDULES_SHAPE = { history: schedule(), grants: schedule() };

const COMMON_SHAPE = {
  role: z.unknown(),
  prefix: text("a key prefix", rules.keyPrefix),
  bucketName: text("an S3 bucket name", rules.bucketName),
  kmsKeyArn: text("a KMS key ARN", rules.kmsKeyArn),
  lambdaRoleArn: text("an IAM role ARN", rules.roleArn),
  lakeFormation: flag(),
  liveAlerts: flag(),
  securityHub: flag(),
};

const MAIN_SHAPE = {
  ...COMMON_SHAPE,
  cloudTrail: object(CLOUD_TRAIL_SHAPE, "an object { bucket, prefix?, organizationId?, accounts, regions, kmsKeyArn? }"),
  createTrail: flag(),
  trailLakeReads: list("a list of S3 bucket names", rules.bucketName, false),
  joinRegions: list("a non-empty list of region names", REGION),
  workGroups: list("a non-empty list of Athena work group names", matches(WORK_GROUP_PATTERN, "1 to 128 of a-z A-Z 0-9 . _ -")),
  schedules: object(MAIN_SCHEDULES_SHAPE, "an object { history?, join?, grants?, billing? }"),
  historyRetentionDays: wholeNumber(
    MIN_HISTORY_RETENTION_DAYS,
    36_500,
    `the daily join reads history back to ${MIN_HISTORY_RETENTION_DAYS} days ago`,
  ),
  billingTb: z.preprocess(
    (v) => (typeof v === "string" ? blank(v.trim().toLowerCase()) : blank(v)),
    z
      .enum(TB_DEFINITION_NAMES as [TbDefinition, ...TbDefinition[]], {
        error: (issue) => `must be ${TB_DEFINITION_NAMES.join(" or ")}, got ${got(issue.input)}`,
      })
      .optional(),
  ),
  // Athena's own floor is 10 MB; a MiB under the default keeps an accidental tiny limit out.
  bytesScannedCutoff: wholeNumber(10_485_760, Number.MAX_SAFE_INTEGER),
  githubRepository: text("owner/repository", rules.githubRepository),
  githubOidcProviderArn: text("an IAM OIDC provider ARN", rules.githubOidcProviderArn),
  collectBilling: flag(),
  billingWorkGroupTag: text("a tag key", rules.tagKey),
  systemTables: flag(),
  memberAccounts: list("a list of distinct 12-digit account ids", matches(ACCOUNT_PATTERN, "not a 12-digit account id"), false),
  organizationId: organization(),
  // Checked against the anomaly settings' own rules in relations.ts, so each key's problem is named.
  anomalySettings: z.preprocess(blank, z.unknown().optional()),
};

const COLLECTOR_SHAPE = {
  ...COMMON_SHAPE,
  mainRegion: text("a region name", REGION, "for a collector stack: the region of the main stack"),
  mainStack: text("a stack reference like org/athena-audit/main", rules.stackReference),
  schedules: object(COLLECTOR_SCHEDULES_SHAPE, "an object { history?, grants? }"),
  collectGrants: flag(),
};

export const MAIN_SCHEMA = z.object(MAIN_SHAPE);
export const COLLECTOR_SCHEMA = z.object(COLLECTOR_SHAPE);
export type MainInput = z.output<typeof MAIN_SCHEMA>;
export type CollectorInput = z.output<typeof COLLECTOR_SCHEMA>;

/** The zod issues as problems, each naming its key path. */
export function issueProblems(error: z.ZodError): Problem[] {
  return error.issues.map((issue) => ({ key: issue.path.join("."), problem: issue.message }));
}

const MAIN_ONLY = "applies to the main stack only (athena-audit:role main)";
const COLLECTOR_ONLY = "applies to collector stacks only";
/** Said of a key that belongs to the other stack kind, rather than "not a setting". */
const ELSEWHERE: Record<"main" | "collector", Record<string, string>> = {
  main: {
    ...Object.fromEntries(Object.keys(COLLECTOR_SHAPE).map((k) => [k, COLLECTOR_ONLY])),
    collectGrants: `${COLLECTOR_ONLY} (the main stack always deploys the grants collector)`,
  },
  collector: Object.fromEntries(Object.keys(MAIN_SHAPE).map((k) => [k, MAIN_ONLY])),
};

function unknownKey(path: string, key: string, known: string[]): Problem {
  const guess = rules.nearest(key, known);
  const full = (k: string) => `athena-audit:${path ? `${path}.` : ""}${k}`;
  return {
    key: path ? `${path}.${key}` : key,
    problem: guess ? `is not a setting; did you mean ${full(guess)}?` : `is not a setting; known: ${known.join(", ")}`,
  };
}

function objectKeyProblems(value: unknown, path: string, known: string[], elsewhere: Record<string, string>): Problem[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return [];
  return Object.keys(value)
    .filter((key) => !known.includes(key))
    .map((key) => (elsewhere[key] ? { key: path ? `${path}.${key}` : key, problem: elsewhere[key] } : unknownKey(path, key, known)));
}

/** Keys the stack kind has no use for, at the top and inside `cloudTrail` and `schedules`: refused, never ignored. */
export function keyProblems(raw: Record<string, unknown>, role: "main" | "collector"): Problem[] {
  const main = role === "main";
  const schedulesElsewhere: Record<string, string> = {
    // Renamed keys are refused with their new name rather than ignored: "joiner" with the daily
    // join, "collector" when the history collector took the name history everywhere.
    joiner: "was renamed: use athena-audit:schedules.join",
    collector: "was renamed: use athena-audit:schedules.history",
    ...(main ? {} : { join: MAIN_ONLY, billing: MAIN_ONLY }),
  };
  return [
    ...objectKeyProblems(raw, "", Object.keys(main ? MAIN_SHAPE : COLLECTOR_SHAPE), ELSEWHERE[role]),
    ...(main ? objectKeyProblems(raw.cloudTrail, "cloudTrail", Object.keys(CLOUD_TRAIL_SHAPE), {}) : []),
    ...objectKeyProblems(
      raw.schedules,
      "schedules",
      Object.keys(main ? MAIN_SCHEDULES_SHAPE : COLLECTOR_SCHEDULES_SHAPE),
      schedulesElsewhere,
    ),
  ];
}
