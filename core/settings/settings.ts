/**
 * The stack's configuration, read and checked once before any resource is planned. Every error
 * names the config key (`athena-audit:<key>`) and what it allows, and one run names every bad key:
 * the schema (settings-schema.ts) checks each value as AWS will at deploy time (settings-rules.ts),
 * then settings-relations.ts checks the settings against each other.
 */
import { AnomalySettings, anomalySettings, DEFAULT_ANOMALY_SETTINGS } from "../anomaly-settings";
import { defined } from "../checks";
import { DEFAULT_TB, TbDefinition } from "../cost";
import { ConfigError } from "../errors";
import { DEFAULT_PREFIX, PRODUCT, REGION_PATTERN } from "../names";
import { collectorProblems, mainProblems } from "./relations";
import { editDistance } from "./rules";
import { COLLECTOR_SCHEMA, CollectorInput, issueProblems, keyProblems, MAIN_SCHEMA, MainInput, Problem } from "./schema";

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
  /** The history collector's. */
  history: string;
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
  /**
   * Lake buckets whose object reads (GetObject, read-only data events) the trail the stack creates
   * records beside its management events; none by default (data events are billed per event).
   */
  trailLakeReads: string[];
  joinRegions: string[];
  /**
   * Work groups the history table projects when it is created. The daily join adds every other work
   * group it finds in history before it joins, so the list never needs to be kept by hand.
   */
  workGroups: string[];
  schedules: Schedules;
  historyRetentionDays?: number;
  /** What a TB is in Athena's price for the costs the join writes (core/cost.ts). */
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
  /** What counts as unusual, for the live alerts and the reports (core/anomaly-settings.ts). */
  anomalySettings: AnomalySettings;
  /** Judge each finished query within minutes and alert (docs/live-alerts.md). */
  liveAlerts: boolean;
  /** Also send the live alerts to AWS Security Hub as findings (ASFF). */
  securityHub: boolean;
}

export interface CollectorSettings {
  role: "collector";
  region: string;
  mainRegion: string;
  /** Where history goes: the main stack's bucket, by name or through a stack reference. */
  bucketName?: string;
  mainStack?: string;
  prefix: string;
  schedules: Pick<Schedules, "history" | "grants">;
  kmsKeyArn?: string;
  lambdaRoleArn?: string;
  /**
   * Deploy a grants collector too, writing this account's snapshot into the main bucket. IAM is
   * global: one collector stack per account sets it (typically the one in the account's main region).
   */
  collectGrants: boolean;
  /** With `collectGrants`: read this account's Lake Formation permissions as well. */
  lakeFormation: boolean;
  /** Judge each finished query of this account and region within minutes, with the main stack's anomaly settings. */
  liveAlerts: boolean;
  securityHub: boolean;
}

export type Settings = MainSettings | CollectorSettings;

/** Every problem, one line each, the first one leading (so the message starts with its key). */
function configError(problems: Problem[]): ConfigError {
  const [first, ...rest] = problems;
  const lead = defined(first, "a problem for a refused configuration");
  const line = (p: Problem) => new ConfigError(p.key, p.problem).message;
  return new ConfigError(lead.key, [lead.problem, ...rest.map(line)].join("\n"));
}

const NAMESPACE_LETTERS = NAMESPACE.replace(/[^a-z0-9]/g, "");

/**
 * Config keys in a namespace that misspells this product's (`athena-audti:`, `athena_audit:`,
 * `Athena-Audit:`: within two edits, case and punctuation aside): Pulumi would keep them, and the
 * program would never read them. Other namespaces (`aws:`, `pulumi:`, ...) are not ours to judge.
 */
export function misspeltNamespaceProblems(config: Record<string, unknown>): Problem[] {
  return Object.keys(config).flatMap((key) => {
    const colon = key.indexOf(":");
    const namespace = key.slice(0, colon);
    if (colon < 0 || namespace === NAMESPACE) return [];
    const letters = namespace.toLowerCase().replace(/[^a-z0-9]/g, "");
    if (editDistance(letters, NAMESPACE_LETTERS) > 2) return [];
    const meant = `${NAMESPACE}:${key.slice(colon + 1)}`;
    return [{ key, problem: `is not in the ${NAMESPACE} namespace: did you mean ${meant}?` }];
  });
}

/**
 * This stack's `athena-audit:*` settings from Pulumi's whole config map (`pulumi.runtime.allConfig()`),
 * JSON values parsed (objects, lists, numbers, booleans); a misspelt namespace is refused.
 */
export function stackSettings(config: Record<string, string>): Record<string, unknown> {
  const problems = misspeltNamespaceProblems(config);
  if (problems.length > 0) throw configError(problems);
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (!key.startsWith(`${NAMESPACE}:`)) continue;
    try {
      raw[key.slice(NAMESPACE.length + 1)] = JSON.parse(value);
    } catch {
      raw[key.slice(NAMESPACE.length + 1)] = value;
    }
  }
  return raw;
}

const SCHEDULES: Schedules = {
  history: "cron(15 0 * * ? *)",
  join: "cron(15 2 * * ? *)",
  grants: "cron(0 1 * * ? *)",
  // Cost Explorer refreshes its data at least once a day, at no published hour: midday UTC is half a
  // day after the billed day closes, and each run rereads the last three days, so a late refresh is
  // picked up the next day.
  billing: "cron(0 12 * * ? *)",
};

/** The anomaly settings as given; relations.ts has already named any problem in them, so one here only leaves the defaults. */
function checkedAnomalySettings(raw: unknown): AnomalySettings {
  if (raw === undefined) return DEFAULT_ANOMALY_SETTINGS;
  try {
    return anomalySettings(raw);
  } catch {
    return DEFAULT_ANOMALY_SETTINGS;
  }
}

function mainSettings(s: MainInput, region: string): MainSettings {
  return {
    role: "main",
    region,
    bucketName: s.bucketName,
    prefix: s.prefix ?? DEFAULT_PREFIX,
    cloudTrail: s.cloudTrail && { ...s.cloudTrail, prefix: s.cloudTrail.prefix ?? "" },
    createTrail: s.createTrail ?? false,
    trailLakeReads: s.trailLakeReads ?? [],
    joinRegions: s.joinRegions ?? [region],
    workGroups: s.workGroups ?? ["primary"],
    schedules: {
      history: s.schedules?.history ?? SCHEDULES.history,
      join: s.schedules?.join ?? SCHEDULES.join,
      grants: s.schedules?.grants ?? SCHEDULES.grants,
      billing: s.schedules?.billing ?? SCHEDULES.billing,
    },
    historyRetentionDays: s.historyRetentionDays,
    billingTb: s.billingTb ?? DEFAULT_TB,
    kmsKeyArn: s.kmsKeyArn,
    lambdaRoleArn: s.lambdaRoleArn,
    bytesScannedCutoff: s.bytesScannedCutoff ?? 100 * 1024 ** 3,
    githubRepository: s.githubRepository,
    githubOidcProviderArn: s.githubOidcProviderArn,
    lakeFormation: s.lakeFormation ?? false,
    collectBilling: s.collectBilling ?? false,
    billingWorkGroupTag: s.billingWorkGroupTag,
    systemTables: s.systemTables ?? false,
    memberAccounts: s.memberAccounts ?? [],
    organizationId: s.organizationId,
    anomalySettings: checkedAnomalySettings(s.anomalySettings),
    liveAlerts: s.liveAlerts ?? true,
    securityHub: s.securityHub ?? false,
  };
}

function collectorSettings(s: CollectorInput, region: string): CollectorSettings {
  return {
    role: "collector",
    region,
    mainRegion: s.mainRegion,
    bucketName: s.bucketName,
    mainStack: s.mainStack,
    prefix: s.prefix ?? DEFAULT_PREFIX,
    schedules: { history: s.schedules?.history ?? SCHEDULES.history, grants: s.schedules?.grants ?? SCHEDULES.grants },
    kmsKeyArn: s.kmsKeyArn,
    lambdaRoleArn: s.lambdaRoleArn,
    collectGrants: s.collectGrants ?? false,
    lakeFormation: s.lakeFormation ?? false,
    liveAlerts: s.liveAlerts ?? true,
    securityHub: s.securityHub ?? false,
  };
}

/**
 * Checks raw config (the namespace's keys, as stackSettings returns them) for a stack in `region`:
 * every bad key is named in one ConfigError, before anything is planned.
 */
export function parseSettings(raw: Record<string, unknown>, region: string | undefined): Settings {
  if (!region || !REGION_PATTERN.test(region))
    throw new ConfigError("aws:region", "must be set to the region this stack deploys to (pulumi config set aws:region ...)");
  const role = raw.role;
  if (role !== "main" && role !== "collector") throw new ConfigError("role", `must be "main" or "collector", got ${JSON.stringify(role)}`);
  const problems = keyProblems(raw, role);
  let settings: Settings | undefined;
  if (role === "main") {
    const parsed = MAIN_SCHEMA.safeParse(raw);
    if (parsed.success) {
      problems.push(...mainProblems(parsed.data, region));
      settings = mainSettings(parsed.data, region);
    } else problems.push(...issueProblems(parsed.error));
  } else {
    const parsed = COLLECTOR_SCHEMA.safeParse(raw);
    if (parsed.success) {
      problems.push(...collectorProblems(parsed.data, region));
      settings = collectorSettings(parsed.data, region);
    } else problems.push(...issueProblems(parsed.error));
  }
  if (problems.length > 0 || settings === undefined) throw configError(problems);
  return settings;
}
