/**
 * Stack settings are checked completely before anything is planned (issue 23): parseSettings and
 * the namespace check called directly, on bad settings of every kind (each refusal starts with its
 * key), on good ones (parsed to hand-written values), and on the shipped examples.
 */
import { DEFAULT_ANOMALY_SETTINGS } from "../../core/anomaly-settings";
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../core/errors";
import { misspeltNamespaceProblems, parseSettings, stackSettings } from "../../core/settings/settings";
import { bucketName, scheduleExpression } from "../../core/settings/rules";
import { at } from "../support/defined";

const MAIN = { role: "main", createTrail: true };
const TRAIL = { bucket: "org-trail-logs", accounts: ["111122223333"], regions: ["us-east-1"] };
const WITH_TRAIL = { role: "main", cloudTrail: TRAIL };
const COLLECTOR = { "aws:region": "eu-west-1", role: "collector", mainRegion: "us-east-1", bucketName: "athena-audit-main" };
const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const EU_KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const US = "us-east-1";
const EU = "eu-west-1";
const M = MAIN;
const C = COLLECTOR;
const trail = (change: Record<string, unknown>) => ({ role: "main", cloudTrail: { ...TRAIL, ...change } });
const when = (schedules: Record<string, string>) => ({ ...MAIN, collectBilling: true, schedules });

/** The refusal's first line (the one every message starts with); settings that pass fail the test. */
function refusal(row: Record<string, unknown>): string {
  // The stack's region rides along in the row, as Pulumi's config holds it (us-east-1 unless given).
  const { "aws:region": region = US, ...raw } = row;
  try {
    parseSettings(raw, region as string);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return at(error.message.split("\n"), 0, "line of the refusal");
  }
  throw new Error(`accepted: ${JSON.stringify(row)}`);
}

// [the refusal's first line starts with (after athena-audit:), settings]
const BAD: [string, Record<string, unknown>][] = [
  // Unknown and misplaced keys, at every level
  ["colour is not a setting; known: role, prefix", { ...M, colour: "blue" }],
  ["lakeformation is not a setting; did you mean athena-audit:lakeFormation?", { ...M, lakeformation: true }],
  ["histroyRetentionDays is not a setting; did you mean athena-audit:historyRetentionDays?", { ...M, histroyRetentionDays: 400 }],
  ["cloudTrail.organisationId is not a setting; did you mean athena-audit:cloudTrail.organizationId?", trail({ organisationId: "o-x" })],
  ["schedules.histroy is not a setting; did you mean athena-audit:schedules.history?", { ...M, schedules: { histroy: "x" } }],
  ["schedules.joiner was renamed: use athena-audit:schedules.join", { ...M, schedules: { joiner: "cron(15 2 * * ? *)" } }],
  ["schedules.collector was renamed: use athena-audit:schedules.history", { ...M, schedules: { collector: "cron(15 0 * * ? *)" } }],
  ["schedules.collector was renamed: use athena-audit:schedules.history", { ...C, schedules: { collector: "cron(15 0 * * ? *)" } }],
  ["collectBilling applies to the main stack only", { ...C, collectBilling: true }],
  ["workGroups applies to the main stack only", { ...C, workGroups: ["primary"] }],
  ["historyRetentionDays applies to the main stack only", { ...C, historyRetentionDays: 400 }],
  ["cloudTrail applies to the main stack only", { ...C, cloudTrail: TRAIL }],
  ["schedules.join applies to the main stack only", { ...C, schedules: { join: "cron(15 2 * * ? *)" } }],
  ["collectGrants applies to collector stacks only", { ...M, collectGrants: true }],
  ["mainRegion applies to collector stacks only", { ...M, mainRegion: US }],
  ["mainStack applies to collector stacks only", { ...M, mainStack: "org/athena-audit/main" }],
  // Required settings
  ["aws:region must be set", { ...M, "aws:region": "" }],
  ['role must be "main" or "collector", got "mian"', { ...M, role: "mian" }],
  ["cloudTrail is required", { role: "main" }],
  ["cloudTrail must be an object { bucket", { role: "main", cloudTrail: "org-trail-logs" }],
  ["cloudTrail.bucket is required", trail({ bucket: undefined })],
  ["cloudTrail.regions is required", trail({ regions: undefined })],
  ["mainRegion is required for a collector stack", { ...C, mainRegion: undefined }],
  ["bucketName or athena-audit:mainStack is required", { ...C, bucketName: undefined }],
  // Bucket names (S3's rules)
  ["bucketName must be an S3 bucket name (2 characters, not 3 to 63)", { ...WITH_TRAIL, bucketName: "ab" }],
  ["bucketName must be an S3 bucket name (only lowercase", { ...WITH_TRAIL, bucketName: "My-Bucket" }],
  ["bucketName must be an S3 bucket name (no two adjacent periods)", { ...WITH_TRAIL, bucketName: "my..bucket" }],
  ["bucketName must be an S3 bucket name (not formatted as an IP address)", { ...WITH_TRAIL, bucketName: "192.168.5.4" }],
  ["bucketName must be an S3 bucket name (the prefix xn-- is reserved)", { ...WITH_TRAIL, bucketName: "xn--bucket" }],
  ["bucketName must be an S3 bucket name (the suffix -s3alias is reserved)", { ...WITH_TRAIL, bucketName: "data-s3alias" }],
  ["bucketName must be an S3 bucket name (the suffix --ol-s3 is reserved)", { ...WITH_TRAIL, bucketName: "data--ol-s3" }],
  ["bucketName must be an S3 bucket name (it must begin and end", { ...WITH_TRAIL, bucketName: "-data" }],
  ["cloudTrail.bucket must be an S3 bucket name", trail({ bucket: "Trail_Logs" })],
  ["bucketName must be an S3 bucket name (1 characters", { ...C, bucketName: "b" }],
  // Key prefixes
  ["prefix must be a key prefix", { ...M, prefix: "/audit" }],
  ["prefix must be a key prefix", { ...M, prefix: "a//b" }],
  ["prefix must be a key prefix", { ...M, prefix: "a/../b" }],
  ["cloudTrail.prefix must be a key prefix (201 characters", trail({ prefix: "p".repeat(201) })],
  // Schedules (EventBridge's grammar)
  ["schedules.join must be an EventBridge schedule (rate(...) or cron(...))", { ...M, schedules: { join: "daily" } }],
  ["schedules.join must be an EventBridge schedule (exactly one of day-of-month", { ...M, schedules: { join: "cron(0 1 * * * *)" } }],
  ["schedules.history must be an EventBridge schedule (six fields", { ...M, schedules: { history: "cron(0 1 * * ?)" } }],
  ["schedules.grants must be an EventBridge schedule (hours 24 is outside 0-23)", { ...M, schedules: { grants: "cron(0 24 * * ? *)" } }],
  ["schedules.join must be an EventBridge schedule (minutes 60", { ...M, schedules: { join: "cron(60 2 * * ? *)" } }],
  ["schedules.join must be an EventBridge schedule (month 13", { ...M, schedules: { join: "cron(0 2 1 13 ? *)" } }],
  ["schedules.join must be an EventBridge schedule (year 2200", { ...M, schedules: { join: "cron(0 2 * * ? 2200)" } }],
  ["schedules.billing must be an EventBridge schedule (day-of-week", when({ billing: "cron(0 12 ? * MON#6 *)" })],
  ["schedules.history must be an EventBridge schedule (rate(1 hour): the unit is singular", when({ history: "rate(1 hours)" })],
  ["schedules.history must be an EventBridge schedule (rate(5 hours): the unit is plural", when({ history: "rate(5 hour)" })],
  ["schedules.join must be an EventBridge schedule (a rate of at least 1)", when({ join: "rate(0 minutes)" })],
  ["schedules.history must be an EventBridge schedule (six fields", { ...C, schedules: { history: "cron(0 1 * * ? )" } }],
  // KMS keys
  ["kmsKeyArn is a key in eu-west-1, but the audit bucket", { ...M, kmsKeyArn: EU_KEY }],
  ["kmsKeyArn must be a KMS key ARN (a key ARN, not an alias)", { ...M, kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:alias/audit" }],
  ["kmsKeyArn must be a KMS key ARN (key id", { ...M, kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/audit" }],
  ["kmsKeyArn is a key in eu-west-1, but the main bucket it encrypts is in us-east-1", { ...C, kmsKeyArn: EU_KEY }],
  ["cloudTrail.kmsKeyArn must be a KMS key ARN", trail({ kmsKeyArn: "arn:aws:kms:us-east-1:1234:key/x" })],
  [
    "kmsKeyArn is in partition aws, but cn-north-1 is in aws-cn",
    { ...M, "aws:region": "cn-north-1", kmsKeyArn: KEY.replace(US, "cn-north-1") },
  ],
  // IAM, GitHub and tags
  ["lambdaRoleArn must be an IAM role ARN", { ...M, lambdaRoleArn: "arn:aws:iam::123456789012:user/deployer" }],
  [
    "lambdaRoleArn must be an IAM role ARN (a role name of 1 to 64",
    { ...M, lambdaRoleArn: `arn:aws:iam::123456789012:role/${"r".repeat(65)}` },
  ],
  ["lambdaRoleArn is in partition aws-cn, but us-east-1 is in aws", { ...M, lambdaRoleArn: "arn:aws-cn:iam::123456789012:role/audit" }],
  [
    "githubOidcProviderArn must be an IAM OIDC provider ARN",
    { ...M, githubOidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/gitlab.com" },
  ],
  [
    "githubOidcProviderArn has no effect without",
    { ...M, githubOidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" },
  ],
  ["githubRepository must be owner/repository (owner/repository)", { ...M, githubRepository: "northwind" }],
  ['githubRepository must be owner/repository (owner "north--wind"', { ...M, githubRepository: "north--wind/reports" }],
  [
    'githubRepository must be owner/repository (repository "reports.git": name it without .git',
    { ...M, githubRepository: "n/reports.git" },
  ],
  ["billingWorkGroupTag must be a tag key (the aws: prefix is reserved", { ...M, collectBilling: true, billingWorkGroupTag: "AWS:team" }],
  ["billingWorkGroupTag must be a tag key (1 to 128", { ...M, collectBilling: true, billingWorkGroupTag: "t".repeat(129) }],
  ["billingWorkGroupTag has no effect unless athena-audit:collectBilling is true", { ...M, billingWorkGroupTag: "team" }],
  // Lists: names, ids, repeats
  [
    'workGroups must be a non-empty list of Athena work group names ("primary" is listed twice)',
    { ...M, workGroups: ["primary", "primary"] },
  ],
  ["workGroups must be a non-empty list of Athena work group names", { ...M, workGroups: ["a,b"] }],
  ["workGroups must be a non-empty list of Athena work group names (none given)", { ...M, workGroups: [] }],
  ["memberAccounts must be a list of distinct 12-digit account ids", { ...M, memberAccounts: ["12345"] }],
  [
    'memberAccounts must be a list of distinct 12-digit account ids ("210987654321" is listed twice)',
    { ...M, memberAccounts: ["210987654321", "210987654321"] },
  ],
  ["organizationId must be an organization id like o-abc123defg", { ...M, organizationId: "o-abc" }],
  ["cloudTrail.organizationId must be an organization id", trail({ organizationId: "O-ABCDEFGHIJ" })],
  ["cloudTrail.accounts must be a non-empty list of 12-digit account ids", trail({ accounts: ["1234"] })],
  ['cloudTrail.regions must be a non-empty list of region names ("us-east-1" is listed twice)', trail({ regions: [US, US] })],
  ["joinRegions must be a non-empty list of region names", { ...M, joinRegions: [US, "mars"] }],
  ['joinRegions must be a non-empty list of region names ("us-east-1" is listed twice)', { ...M, joinRegions: [US, EU, US] }],
  ["mainRegion must be a region name", { ...C, mainRegion: "useast1" }],
  ["mainStack must be a stack reference like org/athena-audit/main", { ...C, bucketName: undefined, mainStack: "main" }],
  // Numbers, flags and words
  [
    "historyRetentionDays must be a whole number from 2 to 36500 (the daily join reads history back to 2 days ago), got 1",
    { ...M, historyRetentionDays: 1 },
  ],
  ["historyRetentionDays must be a whole number from 2", { ...M, historyRetentionDays: "1.5" }],
  ["bytesScannedCutoff must be a whole number from 10485760", { ...M, bytesScannedCutoff: 1000 }],
  ['billingTb must be binary or decimal, got "metric"', { ...M, billingTb: "metric" }],
  ['liveAlerts must be true or false, got "yes"', { ...C, liveAlerts: "yes" }],
  ["securityHub has no effect unless athena-audit:liveAlerts is true", { ...M, liveAlerts: false, securityHub: true }],
  ["anomalySettings unknown setting largeScan (known: baselineDays", { ...M, anomalySettings: { largeScan: 1 } }],
  ["anomalySettings largeScanBytes must be a positive number, got -1", { ...M, anomalySettings: { largeScanBytes: -1 } }],
  ['createTrail must be true or false, got "yes"', { role: "main", createTrail: "yes" }],
  ['collectGrants must be true or false, got "on"', { ...C, collectGrants: "on" }],
  // Settings against each other
  [
    "cloudTrail.regions must include each join region (athena-audit:joinRegions, default: the stack's); missing eu-west-1",
    { ...WITH_TRAIL, joinRegions: [US, EU] },
  ],
  [
    "cloudTrail.regions must include each join region (athena-audit:joinRegions, default: the stack's); missing eu-west-1",
    { ...WITH_TRAIL, "aws:region": EU },
  ],
  [
    "cloudTrail.accounts must include each account of athena-audit:memberAccounts; missing 210987654321",
    { ...WITH_TRAIL, memberAccounts: ["210987654321"] },
  ],
  ["schedules.billing has no effect unless athena-audit:collectBilling is true", { ...M, schedules: { billing: "cron(0 12 * * ? *)" } }],
  ["schedules.grants has no effect unless athena-audit:collectGrants is true", { ...C, schedules: { grants: "cron(0 1 * * ? *)" } }],
  ["lakeFormation has no effect in a collector stack unless athena-audit:collectGrants", { ...C, lakeFormation: true }],
  ["mainStack cannot be set with athena-audit:bucketName", { ...C, mainStack: "org/athena-audit/main" }],
  ["mainRegion is in partition aws-cn, but eu-west-1 is in aws", { ...C, mainRegion: "cn-north-1" }],
  ["createTrail cannot be true when athena-audit:cloudTrail names an existing trail", { ...WITH_TRAIL, createTrail: true }],
  ["createTrail needs the bucket the stack creates", { ...M, bucketName: "my-audit" }],
  [
    "memberAccounts needs the bucket the stack creates",
    { ...trail({ accounts: ["210987654321"] }), bucketName: "my-audit", memberAccounts: ["210987654321"] },
  ],
];

describe("bad settings are refused, naming the key", () => {
  it("tries at least 50 kinds", () => expect(BAD.length).toBeGreaterThanOrEqual(50));

  it.each(BAD)("%s", (expected, row) => {
    // A first word with a colon names its own namespace (aws:region); the rest are athena-audit's.
    const full = /^[^ ]*:/.test(expected) ? expected : `athena-audit:${expected}`;
    expect(refusal(row).slice(0, full.length)).toBe(full);
  });

  it("names every bad key in one run, unknown keys first", () => {
    const raw = { ...MAIN, organisationId: "o-abcdefghij", bucketName: "My..Bucket", schedules: { join: "cron(0 1 * * * *)" } };
    expect(() => parseSettings(raw, US)).toThrow(ConfigError);
    const keys = (() => {
      try {
        parseSettings(raw, US);
        return [];
      } catch (error) {
        return (error as Error).message.split("\n").map((line) => line.split(" ")[0]);
      }
    })();
    expect(keys).toEqual(["athena-audit:organisationId", "athena-audit:bucketName", "athena-audit:schedules.join"]);
  });
});

describe("a misspelt namespace is refused, naming the key", () => {
  it.each([
    [
      "athena-audti:lakeFormation",
      "athena-audti:lakeFormation is not in the athena-audit namespace: did you mean athena-audit:lakeFormation?",
    ],
    ["athena_audit:role", "athena_audit:role is not in the athena-audit namespace: did you mean athena-audit:role?"],
    ["athenaaudit:createTrail", "athenaaudit:createTrail is not in the athena-audit namespace: did you mean athena-audit:createTrail?"],
    ["Athena-Audit:prefix", "Athena-Audit:prefix is not in the athena-audit namespace: did you mean athena-audit:prefix?"],
  ])("%s", (key, message) => {
    const config = { "aws:region": US, "athena-audit:role": "main", [key]: "true" };
    expect(misspeltNamespaceProblems(config)).toEqual([{ key, problem: message.slice(key.length + 1) }]);
    expect(() => stackSettings(config)).toThrow(new ConfigError(key, message.slice(key.length + 1)));
  });

  it("leaves other namespaces alone and parses the product's values", () => {
    const config = {
      "aws:region": US,
      "pulumi:template": "aws-typescript",
      "athena:workGroup": "primary",
      "mock:account": "123456789012",
      "athena-audit:role": "main",
      "athena-audit:createTrail": "true",
      "athena-audit:historyRetentionDays": "400",
      "athena-audit:joinRegions": '["us-east-1","eu-west-1"]',
      "athena-audit:prefix": "audit/v1",
    };
    expect(misspeltNamespaceProblems(config)).toEqual([]);
    expect(stackSettings(config)).toEqual({
      role: "main",
      createTrail: true,
      historyRetentionDays: 400,
      joinRegions: ["us-east-1", "eu-west-1"],
      prefix: "audit/v1",
    });
  });
});

describe("good settings parse to exactly what the stacks use", () => {
  const defaults = {
    history: "cron(15 0 * * ? *)",
    join: "cron(15 2 * * ? *)",
    grants: "cron(0 1 * * ? *)",
    billing: "cron(0 12 * * ? *)",
  };

  it("a minimal main stack gets the defaults", () => {
    expect(parseSettings({ role: "main", createTrail: "true" }, US)).toEqual({
      role: "main",
      region: US,
      bucketName: undefined,
      prefix: "athena-audit",
      cloudTrail: undefined,
      createTrail: true,
      trailLakeReads: [],
      joinRegions: [US],
      workGroups: ["primary"],
      schedules: defaults,
      historyRetentionDays: undefined,
      billingTb: "binary",
      kmsKeyArn: undefined,
      lambdaRoleArn: undefined,
      bytesScannedCutoff: 107_374_182_400,
      githubRepository: undefined,
      githubOidcProviderArn: undefined,
      lakeFormation: false,
      collectBilling: false,
      billingWorkGroupTag: undefined,
      systemTables: false,
      memberAccounts: [],
      organizationId: undefined,
      anomalySettings: DEFAULT_ANOMALY_SETTINGS,
      liveAlerts: true,
      securityHub: false,
    });
  });

  it("a main stack on an existing trail, every setting given", () => {
    const raw = {
      role: "main",
      cloudTrail: {
        ...TRAIL,
        prefix: "/trails/",
        organizationId: "o-abcdefghij",
        regions: [US, EU],
        accounts: ["111122223333", "210987654321"],
      },
      joinRegions: [EU, US],
      workGroups: ["primary", "analysts.v2"],
      schedules: { join: "rate(1 day)", billing: "cron(0 12 ? * MON-FRI *)" },
      historyRetentionDays: "2",
      billingTb: " Decimal ",
      kmsKeyArn: KEY,
      lambdaRoleArn: "arn:aws:iam::123456789012:role/service/audit-functions",
      bytesScannedCutoff: "10485760",
      githubRepository: "north-wind/audit.reports",
      githubOidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
      lakeFormation: true,
      collectBilling: true,
      billingWorkGroupTag: "cost centre/athena",
      systemTables: "false",
      memberAccounts: ["210987654321"],
      organizationId: "o-zyxwvutsrq",
      prefix: "",
      anomalySettings: { sensitive: ["hr"], knownBuckets: ["northwind-exports"] },
      liveAlerts: "true",
      securityHub: "true",
    };
    expect(parseSettings(raw, US)).toEqual({
      role: "main",
      region: US,
      bucketName: undefined,
      prefix: "athena-audit",
      cloudTrail: {
        bucket: "org-trail-logs",
        prefix: "trails",
        organizationId: "o-abcdefghij",
        accounts: ["111122223333", "210987654321"],
        regions: [US, EU],
      },
      createTrail: false,
      trailLakeReads: [],
      joinRegions: [EU, US],
      workGroups: ["primary", "analysts.v2"],
      schedules: { ...defaults, join: "rate(1 day)", billing: "cron(0 12 ? * MON-FRI *)" },
      historyRetentionDays: 2,
      billingTb: "decimal",
      kmsKeyArn: KEY,
      lambdaRoleArn: "arn:aws:iam::123456789012:role/service/audit-functions",
      bytesScannedCutoff: 10_485_760,
      githubRepository: "north-wind/audit.reports",
      githubOidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
      lakeFormation: true,
      collectBilling: true,
      billingWorkGroupTag: "cost centre/athena",
      systemTables: false,
      memberAccounts: ["210987654321"],
      organizationId: "o-zyxwvutsrq",
      anomalySettings: { ...DEFAULT_ANOMALY_SETTINGS, sensitive: ["hr"], knownBuckets: ["northwind-exports"] },
      liveAlerts: true,
      securityHub: true,
    });
  });

  it("a member account's collector with its grants collector", () => {
    const raw = {
      role: "collector",
      mainRegion: US,
      mainStack: "acme/athena-audit/main",
      kmsKeyArn: KEY,
      collectGrants: true,
      lakeFormation: "true",
      schedules: { grants: "cron(30 1 ? * 2#1 *)" },
    };
    expect(parseSettings(raw, EU)).toEqual({
      role: "collector",
      region: EU,
      mainRegion: US,
      bucketName: undefined,
      mainStack: "acme/athena-audit/main",
      prefix: "athena-audit",
      schedules: { history: "cron(15 0 * * ? *)", grants: "cron(30 1 ? * 2#1 *)" },
      kmsKeyArn: KEY,
      lambdaRoleArn: undefined,
      collectGrants: true,
      lakeFormation: true,
      liveAlerts: true,
      securityHub: false,
    });
  });

  it("accepts AWS's own examples of schedules and bucket names", () => {
    const schedules = [
      "cron(0 10 * * ? *)",
      "cron(15 12 * * ? *)",
      "cron(0 18 ? * MON-FRI *)",
      "cron(0 8 1 * ? *)",
      "cron(0/15 * * * ? *)",
    ];
    const more = [
      "cron(0/10 * ? * MON-FRI *)",
      "cron(0/5 8-17 ? * MON-FRI *)",
      "cron(0 9 ? * 2#1 *)",
      "cron(0 0 L * ? *)",
      "rate(1 minute)",
      "rate(5 minutes)",
    ];
    expect([...schedules, ...more].map((s) => [s, scheduleExpression(s)])).toEqual([...schedules, ...more].map((s) => [s, undefined]));
    const names = [
      "docexamplebucket1",
      "log-delivery-march-2020",
      "my-hosted-content",
      "docexamplewebsite.com",
      "www.docexamplewebsite.com",
      "my.example.s3.bucket",
    ];
    expect(names.map((n) => [n, bucketName(n)])).toEqual(names.map((n) => [n, undefined]));
  });
});

describe("the shipped examples (pulumi/examples) parse", () => {
  const dir = path.join(__dirname, "..", "..", "pulumi", "examples");
  const examples = fs.readdirSync(dir).filter((f) => f.endsWith(".yaml"));

  it.each(examples)("%s", (file) => {
    const { config } = yaml.load(fs.readFileSync(path.join(dir, file), "utf8")) as { config: Record<string, unknown> };
    // As `pulumi.runtime.allConfig()` gives them: strings as they are, everything else as JSON.
    const asPulumi = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
    const settings = parseSettings(stackSettings(asPulumi), config["aws:region"] as string);
    expect([settings.role, settings.region]).toEqual([config["athena-audit:role"], config["aws:region"]]);
  });

  it("are the three stack kinds docs/settings.md describes", () =>
    expect(examples.sort()).toEqual(["Pulumi.collector-eu-west-1.yaml", "Pulumi.main.yaml", "Pulumi.member-us-east-1.yaml"]));
});
