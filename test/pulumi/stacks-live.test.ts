/**
 * Issue 27's live path in the plan: on by default in a main and a collector stack (EventBridge rules
 * for finished queries and for the StartQueryExecution calls, a function, an encrypted SNS topic),
 * Security Hub only when asked, the anomaly settings object the live rules read, and none of it with
 * `liveAlerts` false.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { anomalySettingsKey, liveStatePrefix, liveTransientPrefix } from "../../core/layout";
import { DEFAULT_ANOMALY_SETTINGS } from "../../core/anomaly-settings";
import { build, ofType, Plan, plan, PlannedResource, policies, PolicyStatement } from "./plan";
import { present } from "../support/defined";

const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const MAIN = {
  "aws:region": "us-east-1",
  role: "main",
  createTrail: true,
  kmsKeyArn: KEY,
  securityHub: true,
  billingTb: "decimal",
  anomalySettings: { knownBuckets: ["northwind-exports"], sensitive: ["finance", "hr"] },
};
const COLLECTOR = { "aws:region": "eu-west-1", role: "collector", mainRegion: "us-east-1", bucketName: "athena-audit-main-bucket" };

let main: Plan;
let collector: Plan;
let quiet: Plan;

beforeAll(() => {
  build();
  main = plan("main", MAIN);
  collector = plan("collector", COLLECTOR);
  quiet = plan("quiet", { ...COLLECTOR, liveAlerts: false });
});

const fn = (p: Plan, name: string): PlannedResource | undefined => ofType(p, "aws:lambda/function:Function").find((f) => f.name === name);
const env = (p: Plan, name: string) =>
  (present(fn(p, name), `function ${name}`).inputs.environment as { variables: Record<string, string> }).variables;
const rolePolicy = (p: Plan, name: string): PolicyStatement[] =>
  present(
    policies(p).find((d) => d.resource.type === "aws:iam/rolePolicy:RolePolicy" && d.resource.name === name),
    `the role policy ${name}`,
  ).statements;
const patterns = (p: Plan) =>
  ofType(p, "aws:cloudwatch/eventRule:EventRule")
    .filter((r) => r.name === "live" || r.name.startsWith("live-"))
    .map((r) => JSON.parse(String(r.inputs.eventPattern)) as Record<string, unknown>);

describe("the live alerts", () => {
  it("are on by default in a main and a collector stack: a rule for finished queries and one for the calls that start them", () => {
    for (const p of [main, collector]) {
      expect(p.error).toBeUndefined();
      expect(patterns(p)).toEqual([
        {
          source: ["aws.athena"],
          "detail-type": ["Athena Query State Change"],
          detail: { currentState: ["SUCCEEDED", "FAILED", "CANCELLED"], workgroupName: [{ "anything-but": "athena-audit" }] },
        },
        {
          source: ["aws.athena"],
          "detail-type": ["AWS API Call via CloudTrail"],
          detail: { eventSource: ["athena.amazonaws.com"], eventName: ["StartQueryExecution"] },
        },
      ]);
      // Each rule invokes the function with the event itself (no fixed input), and may.
      const targets = ofType(p, "aws:cloudwatch/eventTarget:EventTarget").filter((t) => t.name.startsWith("live"));
      expect(targets.map((t) => t.inputs.input)).toEqual([undefined, undefined]);
      expect(ofType(p, "aws:lambda/permission:Permission").filter((t) => t.name.startsWith("live"))).toHaveLength(2);
    }
    expect(ofType(quiet, "aws:sns/topic:Topic")).toEqual([]);
    expect(fn(quiet, "live")).toBeUndefined();
  });

  it("publish to an encrypted topic the stack outputs, with the audit's key when there is one", () => {
    const [topic] = ofType(main, "aws:sns/topic:Topic");
    expect(topic?.inputs.kmsMasterKeyId).toBe(KEY);
    expect(ofType(collector, "aws:sns/topic:Topic")[0]?.inputs.kmsMasterKeyId).toBe("alias/aws/sns");
    expect(topic?.inputs.name).toBe("athena-audit-alerts-main");
    expect(main.outputs?.alertTopic).toEqual(expect.any(String));
    expect(env(main, "live")).toMatchObject({
      AUDIT_PREFIX: "athena-audit",
      LIVE_SECURITY_HUB: "true",
      ANOMALY_SETTINGS_KEY: anomalySettingsKey("athena-audit"),
    });
    expect(env(collector, "live").LIVE_SECURITY_HUB).toBe("false");
  });

  it("come with the console's named queries priced in the stack's TB, as its reports are", () => {
    const queries = ofType(main, "aws:athena/namedQuery:NamedQuery").map((q) => String(q.inputs.query));
    const priced = queries.filter((q) => q.includes("-- Costs in"));
    expect(priced.length).toBeGreaterThan(0);
    expect(priced.every((q) => q.includes("-- Costs in decimal units"))).toBe(true);
  });

  it("read the main stack's anomaly settings, written into the bucket as the stack was given them", () => {
    const object = present(
      ofType(main, "aws:s3/bucketObjectv2:BucketObjectv2").find((o) => o.name === "anomaly-settings"),
      "settings",
    );
    expect(object.inputs.key).toBe(anomalySettingsKey("athena-audit"));
    expect(JSON.parse(String(object.inputs.content))).toEqual({ ...DEFAULT_ANOMALY_SETTINGS, ...MAIN.anomalySettings });
  });

  it("may read the query, keep their state in their own account's folder, read the settings and publish: nothing else", () => {
    const account = present(env(main, "live").AUDIT_ACCOUNT, "the account");
    const statements = rolePolicy(main, "live");
    const state = liveStatePrefix("athena-audit", account);
    expect(statements.map((s) => [s.Sid, s.Action])).toEqual([
      ["ReadQuery", ["athena:GetQueryExecution"]],
      ["ListState", ["s3:ListBucket"]],
      ["KeepState", ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]],
      ["LogAlerts", ["s3:PutObject"]],
      ["ReadSettings", ["s3:GetObject"]],
      ["Alert", ["sns:Publish"]],
      ["Findings", ["securityhub:BatchImportFindings"]],
      ["Logs", ["logs:CreateLogStream", "logs:PutLogEvents"]],
      ["AuditKey", ["kms:Decrypt", "kms:GenerateDataKey"]],
    ]);
    // What it keeps, and the short-lived keys the bucket expires a day after they are written.
    expect(statements.find((s) => s.Sid === "KeepState")?.Resource).toEqual([
      expect.stringMatching(new RegExp(`/${state}\\*$`)),
      expect.stringMatching(new RegExp(`/${liveTransientPrefix("athena-audit", account)}\\*$`)),
    ]);
    expect(statements.find((s) => s.Sid === "Findings")?.Resource).toBe(
      `arn:aws:securityhub:us-east-1:${account}:product/${account}/default`,
    );
    expect(rolePolicy(collector, "live").map((s) => s.Sid)).not.toContain("Findings");
  });

  it("refuses Security Hub without the live alerts, and anomaly settings it cannot use, naming the key", () => {
    const refused = plan("refused", { ...COLLECTOR, liveAlerts: false, securityHub: true });
    expect(refused.error).toMatch(/athena-audit:securityHub has no effect unless athena-audit:liveAlerts is true/);
    const bad = plan("bad", { ...MAIN, anomalySettings: { largeScanBytes: -1 } });
    expect(bad.error).toMatch(/athena-audit:anomalySettings.*largeScanBytes must be a positive number/);
  });
});
