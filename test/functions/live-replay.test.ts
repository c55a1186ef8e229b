/**
 * Issue 27, part 5, the live half: the demo's generated days replayed as the events AWS would send
 * (Athena's "Query State Change" and CloudTrail's StartQueryExecution, in the order they happened)
 * through the live handler, against s3rver, the local Athena and the local SNS server. Each planted
 * anomaly the live rules can judge gives exactly the alerts its queries imply, of its principal: one
 * for an exfiltration or a probe, one per query making a first sensitive read (a new principal's
 * `newcomer` kind itself needs its peers' history, so its first reads are what the live path sees);
 * the busiest ordinary day gives none. What is expected is worked out from the generator's ledger alone.
 *
 * The live state is seeded as a live path watching since the lake's first day would have left it:
 * the sensitive databases each principal read before the replayed day (from the ledger).
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { addDays } from "../../core/days";
import { liveReadKey, liveSinceKey, liveStatePrefix } from "../../core/layout";
import { handler } from "../../functions/live/handler";
import { principalKey } from "../../functions/live/state";
import { DEFAULT_END_DAY, generateLake, Ledger } from "../../generator/generate";
import { LedgerEntry } from "../../generator/ledger";
import { finishedQueries, FinishedQuery } from "../../generator/live-events";
import { DEMO_ANOMALY_SETTINGS, PlantedAnomaly } from "../../generator/planted-anomalies";
import { startAthenaServer } from "../support/athena-server";
import { cleanupAfterAll } from "../support/cleanup";
import { LocalS3, startS3, useLocalAws } from "../support/s3";
import { SnsServer, startSnsServer } from "../support/sns-server";

const BUCKET = "audit-bucket";
const PREFIX = "athena-audit";
const SETTINGS_KEY = "settings/anomaly-settings.json";
const settings = DEMO_ANOMALY_SETTINGS;
const HOUR = 3_600_000;

let ledger: Ledger;
let s3: LocalS3;
/** SNS, one endpoint per region as AWS has them. */
const sns = new Map<string, SnsServer>();
const executions = new Map<string, Record<string, unknown>>();
const topicOf = (account: string, region: string) => `arn:aws:sns:${region}:${account}:athena-audit-alerts`;

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  // The demo's ledger (seed 42, 90 days reported after 90 ordinary ones), without writing a lake.
  ledger = generateLake({ lake: "", write: false, days: 90, priorDays: 90, seed: 42, endDay: DEFAULT_END_DAY });
  s3 = await startS3(BUCKET);
  cleanUp(() => s3.close());
  const athena = await startAthenaServer({ executions });
  cleanUp(() => athena.close());
  for (const region of new Set(ledger.queries.map((q) => q.region))) {
    const topics = [...new Set(ledger.queries.filter((q) => q.region === region).map((q) => topicOf(q.account, region)))];
    const server = await startSnsServer({ topics, region });
    cleanUp(() => server.close());
    sns.set(region, server);
  }
  cleanUp(
    useLocalAws({
      AWS_ENDPOINT_URL_S3: s3.url,
      AWS_ENDPOINT_URL_ATHENA: athena.url,
      AUDIT_BUCKET: BUCKET,
      LIVE_SECURITY_HUB: "false",
      ANOMALY_SETTINGS_KEY: SETTINGS_KEY,
    }),
  );
  await put(SETTINGS_KEY, JSON.stringify(settings));
  for (const account of new Set(ledger.queries.map((q) => q.account)))
    await put(liveSinceKey(liveStatePrefix(PREFIX, account)), JSON.stringify({ since: `${ledger.firstDay}T00:00:00.000Z` }));
}, 120_000);

const put = (key: string, body: string) => s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));

/** The sensitive resources (a database or `database.table` of the settings) a query read: a failed query read nothing. */
function sensitiveOf(q: Pick<LedgerEntry, "state" | "tables">): string[] {
  if (q.state === "FAILED") return [];
  return [...new Set(q.tables.flatMap((t) => [t.split(".")[0] ?? "", t].filter((r) => settings.sensitive.includes(r))))].sort();
}

/** Records, as the live path would have, every sensitive read before `day`. */
async function seedReads(day: string): Promise<void> {
  const seen = new Set<string>();
  for (const q of ledger.queries) {
    if (q.completedAt.slice(0, 10) >= day || q.iamPrincipalArn === null) continue;
    for (const r of sensitiveOf(q)) seen.add(`${q.account} ${q.iamPrincipalArn} ${r}`);
  }
  for (const key of seen) {
    const [account = "", arn = "", resource = ""] = key.split(" ");
    await put(liveReadKey(liveStatePrefix(PREFIX, account), principalKey(arn), resource), "{}");
  }
}

/** CloudTrail's record of the call that started the query, as EventBridge delivers it. */
function startedEvent(q: FinishedQuery, entry: LedgerEntry) {
  const caller = q.principalArn ?? "";
  const role = caller.includes(":assumed-role/");
  return {
    version: "0",
    id: `${q.queryExecutionId.slice(0, 8)}-c0c0-${q.queryExecutionId.slice(14)}`,
    "detail-type": "AWS API Call via CloudTrail",
    source: "aws.athena",
    account: q.account,
    time: q.eventAt.replace(/\.\d{3}Z$/, "Z"),
    region: q.region,
    resources: [],
    detail: {
      eventVersion: "1.09",
      userIdentity: role
        ? {
            type: "AssumedRole",
            arn: caller,
            accountId: q.account,
            sessionContext: { sessionIssuer: { type: "Role", arn: q.iamPrincipalArn } },
          }
        : { type: "IAMUser", arn: caller, accountId: q.account, userName: caller.split("/").pop() },
      eventTime: q.eventAt.replace(/\.\d{3}Z$/, "Z"),
      eventSource: "athena.amazonaws.com",
      eventName: "StartQueryExecution",
      awsRegion: q.region,
      sourceIPAddress: entry.sourceIp ?? "athena.amazonaws.com",
      userAgent: "aws-sdk-java/2.25.0",
      requestParameters: { queryString: "***OMITTED***", workGroup: q.workGroup },
      responseElements: { queryExecutionId: q.queryExecutionId },
      readOnly: false,
      eventType: "AwsApiCall",
      managementEvent: true,
      recipientAccountId: q.account,
      eventCategory: "Management",
    },
  };
}

/** What GetQueryExecution answers for it. */
function execution(q: FinishedQuery, entry: LedgerEntry): Record<string, unknown> {
  const seconds = (iso: string) => Date.parse(iso) / 1000;
  return {
    QueryExecutionId: q.queryExecutionId,
    Query: q.sql,
    StatementType: q.statementType,
    SubstatementType: q.substatementType,
    QueryExecutionContext: { Database: entry.database, Catalog: "AwsDataCatalog" },
    WorkGroup: q.workGroup,
    ResultConfiguration: { OutputLocation: q.outputLocation },
    Status: {
      State: q.state,
      SubmissionDateTime: seconds(q.submittedAt),
      CompletionDateTime: seconds(q.completedAt),
      ...(q.error && {
        StateChangeReason: q.error.message,
        AthenaError: { ErrorCategory: q.error.category, ErrorType: q.error.type, Retryable: false, ErrorMessage: q.error.message },
      }),
    },
    Statistics: { DataScannedInBytes: q.bytes, EngineExecutionTimeInMillis: entry.engineMs, TotalExecutionTimeInMillis: entry.totalMs },
  };
}

interface Alert {
  account: string;
  principal: string;
  kind: string;
  subject: string;
  queryId: string;
}

/**
 * Replays the day's queries (all of them, or those `only` keeps) in the order AWS would send their
 * events: each StartQueryExecution call when it was made, each state change when the query ended.
 * A query the trail lost (an outage) has no call, so the live path never learns its principal.
 */
async function replay(day: string, only: (q: LedgerEntry) => boolean = () => true): Promise<Alert[]> {
  await seedReads(day);
  const entries = new Map(ledger.queries.map((q) => [q.id, q]));
  const queries = finishedQueries(ledger, day).filter((q) => only(entries.get(q.queryExecutionId) as LedgerEntry));
  const events: { at: string; account: string; region: string; event: unknown }[] = [];
  for (const q of queries) {
    const entry = entries.get(q.queryExecutionId) as LedgerEntry;
    executions.set(q.queryExecutionId, execution(q, entry));
    events.push({ at: q.completedAt, account: q.account, region: q.region, event: q.event });
    if (q.principalArn !== null) events.push({ at: q.eventAt, account: q.account, region: q.region, event: startedEvent(q, entry) });
  }
  events.sort((a, b) => a.at.localeCompare(b.at));
  const alerts: Alert[] = [];
  for (const e of events) {
    // Each account and region's own deployment: its account, its topic.
    process.env.AUDIT_ACCOUNT = e.account;
    process.env.AWS_REGION = e.region;
    process.env.LIVE_TOPIC_ARN = topicOf(e.account, e.region);
    process.env.AWS_ENDPOINT_URL_SNS = sns.get(e.region)?.url;
    const result = await handler(e.event);
    const queryId = result.queryId ?? "";
    const entry = entries.get(queryId);
    for (const a of result.alerts)
      alerts.push({ account: e.account, principal: entry?.iamPrincipalArn ?? "", kind: a.kind, subject: a.subject, queryId });
  }
  return alerts;
}

/** The most failures of `queries` within any 60 minutes. */
function hourPeak(queries: readonly LedgerEntry[]): number {
  const times = queries.map((q) => Date.parse(q.completedAt)).sort((a, b) => a - b);
  return Math.max(0, ...times.map((t, i) => times.slice(i).filter((u) => u - t < HOUR).length));
}

/** The first reads of sensitive resources among `queries`, one alert per query that made any (its new resources as subject). */
function firstReads(queries: readonly LedgerEntry[], before: ReadonlySet<string>): string[] {
  const seen = new Set(before);
  const subjects: string[] = [];
  for (const q of [...queries].sort((x, y) => x.eventAt.localeCompare(y.eventAt))) {
    const fresh = sensitiveOf(q).filter((r) => !seen.has(r));
    fresh.forEach((r) => seen.add(r));
    if (fresh.length > 0) subjects.push(fresh.join(", "));
  }
  return subjects;
}

/** The sensitive resources a principal read before `day`. */
function readBefore(principal: string, day: string): Set<string> {
  return new Set(ledger.queries.filter((q) => q.iamPrincipalArn === principal && q.completedAt.slice(0, 10) < day).flatMap(sensitiveOf));
}

/** The planted anomalies a live rule judges from one query or the last hour, with the alerts each must give (kind, subject if fixed). */
function liveJudgeable(): { planted: PlantedAnomaly; alerts: { kind: string; subject?: string }[] }[] {
  const byId = new Map(ledger.queries.map((q) => [q.id, q]));
  const queriesOf = (a: PlantedAnomaly) => a.queryIds.map((id) => byId.get(id)).filter((q): q is LedgerEntry => q !== undefined);
  return ledger.anomalies.flatMap((a) => {
    if (a.kind === "exfiltration") return [{ planted: a, alerts: [{ kind: "exfiltration", subject: a.subject }] }];
    if (a.kind === "probing" && hourPeak(queriesOf(a)) >= settings.probingFailures) return [{ planted: a, alerts: [{ kind: "probing" }] }];
    // A first read of a sensitive database, and a new principal's first reads of them: one alert per query that made any.
    if ((a.kind === "reach" && settings.sensitive.includes(a.subject)) || a.kind === "newcomer") {
      const mine = ledger.queries.filter((q) => q.iamPrincipalArn === a.principalArn && q.completedAt.startsWith(a.day));
      const subjects = firstReads(mine, readBefore(a.principalArn, a.day));
      return subjects.length > 0 ? [{ planted: a, alerts: subjects.map((subject) => ({ kind: "reach", subject })) }] : [];
    }
    return [];
  });
}

describe("the live path, replaying the demo's days", () => {
  it("gives each plant the live rules can judge the alerts its queries imply, and nothing else on its principal's day", async () => {
    const cases = liveJudgeable();
    expect(cases.map((c) => c.planted.kind).sort(), "the live-judgeable plants").toEqual([
      "exfiltration",
      "exfiltration",
      "newcomer",
      "probing",
      "probing",
      "reach",
    ]);
    for (const c of cases) {
      const a = c.planted;
      const alerts = await replay(a.day, (q) => q.iamPrincipalArn === a.principalArn);
      const what = `${a.kind} by ${a.principalArn} on ${a.day}`;
      expect(
        alerts.map((x) => ({ kind: x.kind, ...(c.alerts.every((e) => e.subject === undefined) ? {} : { subject: x.subject }) })),
        what,
      ).toEqual(c.alerts);
      expect(
        alerts.every((x) => x.principal === a.principalArn),
        what,
      ).toBe(true);
      if (a.kind === "exfiltration") expect(a.queryIds, what).toContain(alerts[0]?.queryId);
    }
  }, 120_000);

  it("says nothing on the demo's busiest ordinary day", async () => {
    const planted = new Set([...ledger.anomalies.map((a) => a.day), ...ledger.anomalies.flatMap((a) => a.days ?? [])]);
    const counts = new Map<string, number>();
    for (const q of ledger.queries) counts.set(q.completedAt.slice(0, 10), (counts.get(q.completedAt.slice(0, 10)) ?? 0) + 1);
    const [busiest] = [...counts.entries()]
      .filter(([day]) => !planted.has(day) && day >= addDays(ledger.firstDay, 14))
      .sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
    expect(busiest, "an ordinary day").toBeDefined();
    const [day = "", queries = 0] = busiest ?? [];
    expect(queries).toBeGreaterThan(100);
    expect(await replay(day)).toEqual([]);
  }, 120_000);
});
