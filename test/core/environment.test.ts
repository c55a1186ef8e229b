/** Each Lambda's environment (core/environment.ts): its parsing, the program's builder, and docs/environment-variables.md. */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  BILLING_COLLECTOR_ENVIRONMENT,
  Environment,
  EVERY_FUNCTION_ENVIRONMENT,
  GRANTS_COLLECTOR_ENVIRONMENT,
  HISTORY_COLLECTOR_ENVIRONMENT,
  JOIN_ENVIRONMENT,
  LAMBDA_ENVIRONMENTS,
  LIVE_ENVIRONMENT,
  readEnvironment,
  writeEnvironment,
} from "../../core/environment";
import { grantsCollectorConfig } from "../../functions/runtime/config";

const DOC = path.join(__dirname, "../../docs/environment-variables.md");

interface Row {
  name: string;
  /** "required", "none", or the default's text. */
  presence: string;
  meaning: string;
}

/** The tables of the doc, by the `## ` heading above each: one row per variable. */
function documentedTables(markdown: string): Map<string, Row[]> {
  const tables = new Map<string, Row[]>();
  let heading = "";
  for (const line of markdown.split("\n")) {
    if (line.startsWith("## ")) heading = line.slice(3).trim();
    const row = /^\| `([A-Z0-9_]+)` \| (.+?) \| (.+) \|$/.exec(line);
    if (!row) continue;
    const [, name, cell, meaning] = row;
    if (name === undefined || cell === undefined || meaning === undefined) throw new Error(`a row without its three cells: ${line}`);
    const presence = /^`(.*)`$/.exec(cell)?.[1] ?? cell;
    tables.set(heading, [...(tables.get(heading) ?? []), { name, presence, meaning }]);
  }
  return tables;
}

/** What the doc gets wrong about the module's environments, one line each; empty when it agrees. */
function documentationProblems(markdown: string, environments: Readonly<Record<string, Environment>>): string[] {
  const documented = documentedTables(markdown);
  const problems: string[] = [];
  for (const heading of documented.keys()) if (!(heading in environments)) problems.push(`${heading}: no such function`);
  for (const [heading, environment] of Object.entries(environments)) {
    const rows = documented.get(heading);
    if (!rows) {
      problems.push(`${heading}: no table`);
      continue;
    }
    const variables = Object.values(environment);
    for (const row of rows) if (!variables.some((v) => v.name === row.name)) problems.push(`${heading}: ${row.name} is not read`);
    for (const variable of variables) {
      const row = rows.find((r) => r.name === variable.name);
      const presence = variable.required ? "required" : (variable.fallback ?? "none");
      if (!row) problems.push(`${heading}: ${variable.name} is missing`);
      else if (row.presence !== presence) problems.push(`${heading}: ${variable.name} is ${presence}, documented as ${row.presence}`);
      else if (row.meaning !== variable.meaning) problems.push(`${heading}: ${variable.name} means "${variable.meaning}"`);
    }
  }
  return problems;
}

const BILLING_DOC = `## Billing collector

| variable | default | meaning |
| --- | --- | --- |
| \`AUDIT_BUCKET\` | required | the audit bucket |
| \`AUDIT_PREFIX\` | \`athena-audit\` | key prefix of the audit's tables in the bucket |
| \`AUDIT_ACCOUNT\` | required | the 12-digit id of the account collected: the \`account=\` folder it writes to |
| \`BILLING_WORK_GROUP_TAG\` | none | the cost allocation tag the work groups carry, to split Athena's cost by |
`;

describe("docs/environment-variables.md", () => {
  it("lists each function's variables, required or with their defaults, and what they mean", () => {
    expect(documentationProblems(fs.readFileSync(DOC, "utf8"), LAMBDA_ENVIRONMENTS)).toEqual([]);
    // The check reads every table: six, one per heading, 6 + 9 + 6 + 4 + 6 + 1 rows.
    const sizes = [...documentedTables(fs.readFileSync(DOC, "utf8"))].map(([heading, rows]) => [heading, rows.length]);
    expect(sizes).toEqual([
      ["History collector", 6],
      ["Daily join", 9],
      ["Grants collector", 6],
      ["Billing collector", 4],
      ["Live alerts", 6],
      ["Every function", 1],
    ]);
  });

  it("fails a doc with a row missing, a wrong default, a variable not read or a table missing", () => {
    const billing = { "Billing collector": BILLING_COLLECTOR_ENVIRONMENT };
    expect(documentationProblems(BILLING_DOC, billing)).toEqual([]);
    const withoutAccount = BILLING_DOC.split("\n")
      .filter((line) => !line.startsWith("| `AUDIT_ACCOUNT`"))
      .join("\n");
    expect(documentationProblems(withoutAccount, billing)).toEqual(["Billing collector: AUDIT_ACCOUNT is missing"]);
    expect(documentationProblems(BILLING_DOC.replace("| `athena-audit` |", "| required |"), billing)).toEqual([
      "Billing collector: AUDIT_PREFIX is athena-audit, documented as required",
    ]);
    expect(documentationProblems(`${BILLING_DOC}| \`BILLING_TB\` | \`binary\` | what a TB is |\n`, billing)).toEqual([
      "Billing collector: BILLING_TB is not read",
    ]);
    expect(documentationProblems(BILLING_DOC, { ...billing, "Every function": EVERY_FUNCTION_ENVIRONMENT })).toEqual([
      "Every function: no table",
    ]);
  });
});

const HISTORY = { AUDIT_BUCKET: "audit-bucket", AUDIT_ACCOUNT: "123456789012" };
const LIVE = { ...HISTORY, LIVE_TOPIC_ARN: "arn:aws:sns:eu-west-1:123456789012:athena-audit-alerts" };
const JOIN = { AUDIT_BUCKET: "audit-bucket", AUDIT_WORK_GROUP: "athena-audit", AUDIT_DATABASE: "athena_audit", JOIN_REGIONS: "us-east-1" };

describe("reading a function's environment", () => {
  it("fills in the defaults", () => {
    expect(readEnvironment(HISTORY_COLLECTOR_ENVIRONMENT, HISTORY)).toEqual({
      bucket: "audit-bucket",
      prefix: "athena-audit",
      account: "123456789012",
      auditWorkGroup: undefined,
      skipOwnWorkGroup: true,
      workGroupConcurrency: 3,
    });
    expect(readEnvironment(JOIN_ENVIRONMENT, { ...JOIN, JOIN_REGIONS: " us-east-1, eu-west-1 ,," })).toEqual({
      bucket: "audit-bucket",
      prefix: "athena-audit",
      workGroup: "athena-audit",
      database: "athena_audit",
      regions: ["us-east-1", "eu-west-1"],
      historyRetentionDays: undefined,
      queryTimeoutMs: 600_000,
      tb: "binary",
      systemTables: false,
    });
  });

  it("reads a documented default as it reads the variable unset", () => {
    const defaulted = Object.values(LAMBDA_ENVIRONMENTS).flatMap((environment) => Object.values(environment).filter((v) => v.fallback));
    expect(defaulted.map((v) => v.name)).toContain("QUERY_TIMEOUT_MS");
    for (const variable of defaulted) expect(variable.parse(variable.fallback), variable.name).toEqual(variable.parse(undefined));
  });

  it("takes values as given, trimmed, and a blank one as unset", () => {
    const env = {
      ...JOIN,
      AUDIT_PREFIX: " audit ",
      HISTORY_RETENTION_DAYS: "90",
      QUERY_TIMEOUT_MS: "",
      BILLING_TB: "Decimal",
      SYSTEM_TABLES: "TRUE",
    };
    expect(readEnvironment(JOIN_ENVIRONMENT, env)).toMatchObject({
      prefix: "audit",
      historyRetentionDays: 90,
      queryTimeoutMs: 600_000,
      tb: "decimal",
      systemTables: true,
    });
    expect(readEnvironment(EVERY_FUNCTION_ENVIRONMENT, { AUDIT_S3_FORCE_PATH_STYLE: "true" })).toEqual({ s3ForcePathStyle: true });
  });

  it("names each required variable when it is missing or blank", () => {
    const cases: [Environment, Record<string, string>][] = [
      [HISTORY_COLLECTOR_ENVIRONMENT, HISTORY],
      [JOIN_ENVIRONMENT, JOIN],
      [GRANTS_COLLECTOR_ENVIRONMENT, HISTORY],
      [BILLING_COLLECTOR_ENVIRONMENT, HISTORY],
      [LIVE_ENVIRONMENT, LIVE],
    ];
    for (const [environment, full] of cases) {
      expect(() => readEnvironment(environment, full)).not.toThrow();
      for (const name of Object.keys(full)) {
        const missing = Object.fromEntries(Object.entries(full).filter(([key]) => key !== name));
        expect(() => readEnvironment(environment, missing)).toThrow(`environment variable ${name} is required`);
        expect(() => readEnvironment(environment, { ...full, [name]: "  " })).toThrow(`environment variable ${name} is required`);
      }
    }
  });

  it("names a malformed variable and what it takes", () => {
    const history = (extra: Record<string, string>) => () => readEnvironment(HISTORY_COLLECTOR_ENVIRONMENT, { ...HISTORY, ...extra });
    const join = (extra: Record<string, string>) => () => readEnvironment(JOIN_ENVIRONMENT, { ...JOIN, ...extra });
    expect(history({ WORK_GROUP_CONCURRENCY: "40" })).toThrow('WORK_GROUP_CONCURRENCY must be a whole number from 1 to 16, got "40"');
    expect(history({ SKIP_OWN_WORK_GROUP: "yes" })).toThrow('SKIP_OWN_WORK_GROUP must be true or false, got "yes"');
    expect(history({ AUDIT_ACCOUNT: "12345" })).toThrow('AUDIT_ACCOUNT must be a 12-digit account id, got "12345"');
    expect(join({ JOIN_REGIONS: "us-east-1,mars" })).toThrow('JOIN_REGIONS: "mars" is not a region name');
    expect(join({ HISTORY_RETENTION_DAYS: "1.5" })).toThrow('HISTORY_RETENTION_DAYS must be a whole number from 1 to 36500, got "1.5"');
    expect(join({ QUERY_TIMEOUT_MS: "999" })).toThrow('QUERY_TIMEOUT_MS must be a whole number from 1000 to 900000, got "999"');
    expect(join({ BILLING_TB: "metric" })).toThrow('BILLING_TB must be binary or decimal, got "metric"');
    expect(() => readEnvironment(LIVE_ENVIRONMENT, { ...LIVE, LIVE_TOPIC_ARN: "alerts" })).toThrow(
      'LIVE_TOPIC_ARN must be an SNS topic ARN, got "alerts"',
    );
    expect(readEnvironment(LIVE_ENVIRONMENT, LIVE)).toEqual({
      bucket: "audit-bucket",
      prefix: "athena-audit",
      account: "123456789012",
      topicArn: LIVE.LIVE_TOPIC_ARN,
      securityHub: false,
      settingsKey: undefined,
    });
  });

  it("gives the grants collector the lake's trail only when the stack names its bucket", () => {
    expect(grantsCollectorConfig({ ...HISTORY, AUDIT_TRAIL_BUCKET: "trail-bucket" }).lakeTrail).toEqual({
      bucket: "trail-bucket",
      prefix: "",
    });
    expect(grantsCollectorConfig({ ...HISTORY, AUDIT_TRAIL_BUCKET: "", AUDIT_TRAIL_PREFIX: "" }).lakeTrail).toBeUndefined();
  });
});

describe("writing a function's environment", () => {
  it("sets each variable given under its name, and leaves out the ones without a value", () => {
    // Typed as the program's environment is, which makes the values' type the builder's.
    const written: Record<string, string> = writeEnvironment(JOIN_ENVIRONMENT, {
      bucket: "audit-bucket",
      prefix: "audit",
      workGroup: "athena-audit",
      database: "athena_audit",
      regions: "us-east-1,eu-west-1",
      historyRetentionDays: undefined,
      systemTables: "true",
    });
    expect(written).toEqual({
      AUDIT_BUCKET: "audit-bucket",
      AUDIT_PREFIX: "audit",
      AUDIT_WORK_GROUP: "athena-audit",
      AUDIT_DATABASE: "athena_audit",
      JOIN_REGIONS: "us-east-1,eu-west-1",
      SYSTEM_TABLES: "true",
    });
    expect(readEnvironment(JOIN_ENVIRONMENT, written)).toMatchObject({
      prefix: "audit",
      regions: ["us-east-1", "eu-west-1"],
      systemTables: true,
    });
  });

  // The refusals are type errors, so the type check (`npm run typecheck`) is what fails if one is accepted.
  it("refuses a program that leaves out a required variable, gives a value of the wrong type or names one not read", () => {
    // Values of any type pass through untouched (the program's are Pulumi inputs).
    const bucket = { pending: "bucket" };
    expect(writeEnvironment(BILLING_COLLECTOR_ENVIRONMENT, { bucket, account: bucket })).toEqual({
      AUDIT_BUCKET: bucket,
      AUDIT_ACCOUNT: bucket,
    });
    // @ts-expect-error -- `account` (AUDIT_ACCOUNT) is required
    expect(writeEnvironment(BILLING_COLLECTOR_ENVIRONMENT, { bucket: "b" })).toEqual({ AUDIT_BUCKET: "b" });
    // @ts-expect-error -- a number is no variable's text where the program wants strings
    const numbered: Record<string, string> = writeEnvironment(BILLING_COLLECTOR_ENVIRONMENT, { bucket: 1, account: "a" });
    expect(numbered).toEqual({ AUDIT_BUCKET: 1, AUDIT_ACCOUNT: "a" });
    // @ts-expect-error -- the billing collector reads no `regions`
    expect(writeEnvironment(BILLING_COLLECTOR_ENVIRONMENT, { bucket: "b", account: "a", regions: "r" })).toEqual({
      AUDIT_BUCKET: "b",
      AUDIT_ACCOUNT: "a",
    });
  });
});
