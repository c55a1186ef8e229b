/**
 * One EventBridge event through the live path: record its half of the query; once both halves are
 * known, ask Athena for the query, judge it, and send each finding once (per query and kind).
 * A failure to send undoes the claims this event made and throws, so Lambda's retry sends it.
 */
import * as athena from "@aws-sdk/client-athena";
import type { AnomalySettings } from "../../core/anomaly-settings";
import * as layout from "../../core/layout";
import type { LIVE_ALERTS } from "../../queries/schema/tables";
import type { RowOf } from "../../queries/schema/types";
import { queryReferences } from "../history/references";
import type { Logger } from "../runtime/log";
import { alertMessage, alertSubject, asffFinding, LiveAlert } from "./deliver";
import { Finished, readEvent, Started } from "./events";
import { Execution, isProbe, judge, largeSelectStar, sensitiveReads } from "./judge";
import { LiveState } from "./state";

export interface LiveDeps {
  state: LiveState;
  athena: athena.AthenaClient;
  settings: () => Promise<AnomalySettings>;
  publish: (subject: string, message: string) => Promise<string>;
  /** Undefined when Security Hub is not asked for. */
  importFindings?: (findings: readonly object[]) => Promise<void>;
  partition: string;
  log: Logger;
  now?: () => Date;
}

export interface LiveResult {
  outcome: "ignored" | "waiting" | "judged";
  reason?: string;
  queryId?: string;
  alerts: { kind: string; severity: string; subject: string }[];
  calls: Record<string, number>;
}

async function execution(
  client: athena.AthenaClient,
  queryId: string,
  calls: Record<string, number>,
): Promise<Execution & { database?: string }> {
  calls.GetQueryExecution = (calls.GetQueryExecution ?? 0) + 1;
  const { QueryExecution: q } = await client.send(new athena.GetQueryExecutionCommand({ QueryExecutionId: queryId }));
  return {
    queryId,
    sql: q?.Query ?? "",
    state: q?.Status?.State ?? "UNKNOWN",
    bytes: q?.Statistics?.DataScannedInBytes ?? 0,
    errorMessage: q?.Status?.AthenaError?.ErrorMessage ?? q?.Status?.StateChangeReason ?? "",
    database: q?.QueryExecutionContext?.Database,
  };
}

/**
 * Appends the alert sent to the live alerts' log (table live_alerts), for the daily detector to say
 * "alerted live at …". Sent is sent: when the log cannot be written the call does not fail (a retry
 * would find the claim and write nothing either), it says so, and the daily finding reads as new.
 */
async function logAlert(deps: LiveDeps, a: LiveAlert): Promise<void> {
  const { account, prefix } = deps.state;
  const dt = a.started.time.slice(0, 10);
  try {
    const key = layout.liveAlertsObjectKey({ account, dt, queryId: a.execution.queryId, kind: a.finding.kind }, prefix);
    const record: RowOf<typeof LIVE_ALERTS> = {
      query_execution_id: a.execution.queryId,
      account_id: account,
      region: a.started.region,
      principal_arn: a.started.principal,
      kind: a.finding.kind,
      subject: a.finding.subject,
      severity: a.finding.severity,
      alerted_at: a.at,
      event_time: a.started.time,
    };
    // One line: Athena's JSON SerDe reads a record a line.
    await deps.state.write(key, `${JSON.stringify(record)}\n`);
  } catch (error) {
    deps.log.error("alert not logged", { queryId: a.execution.queryId, kind: a.finding.kind, error: (error as Error).message });
  }
}

export async function handleLiveEvent(input: unknown, deps: LiveDeps): Promise<LiveResult> {
  const calls: Record<string, number> = {};
  const result = (r: Omit<LiveResult, "calls">): LiveResult => ({ ...r, calls: { ...deps.state.calls, ...calls } });
  const event = readEvent(input);
  if ("ignored" in event) return result({ outcome: "ignored", reason: event.ignored, alerts: [] });
  const other = await deps.state.meet(event);
  if (!other) return result({ outcome: "waiting", queryId: event.queryId, alerts: [] });
  const finished = (event.half === "finished" ? event : other) as Finished;
  const started = (event.half === "started" ? event : other) as Started;

  const now = deps.now?.() ?? new Date();
  const settings = await deps.settings();
  const e = await execution(deps.athena, event.queryId, calls);
  const tables = queryReferences(e.sql, e.database).tables;
  const at = Date.parse(started.time);
  const since = await deps.state.since(now);

  // The state this query is judged against; what it records is undone if the alerts cannot be sent.
  const star = largeSelectStar(e, tables, settings);
  const candidates = [...sensitiveReads(e, tables, settings), ...(star ? [`select-star:${star}`] : [])];
  const seenBefore = await deps.state.readBefore(started.principal, candidates);
  const claimedReads = candidates.filter((c) => !seenBefore.has(c));
  const probe = isProbe(e) ? await deps.state.failuresAround(started.principal, at, e.queryId) : { failures: [], alerts: [] };
  const findings = judge(
    e,
    tables,
    at,
    { failureTimes: probe.failures, probingAlertTimes: probe.alerts, seenBefore, since },
    settings,
    now.getTime(),
  );

  const alerts: LiveResult["alerts"] = [];
  for (const finding of findings) {
    const key = layout.liveAlertKey(deps.state.transient, e.queryId, finding.kind);
    if (!(await deps.state.claim(key, JSON.stringify({ ...finding, at: now.toISOString() })))) continue;
    const alert: LiveAlert = { finding, started, finished, execution: e, at: now.toISOString() };
    try {
      calls.Publish = (calls.Publish ?? 0) + 1;
      await deps.publish(alertSubject(alert), alertMessage(alert));
      if (deps.importFindings) {
        calls.BatchImportFindings = (calls.BatchImportFindings ?? 0) + 1;
        await deps.importFindings([asffFinding(alert, deps.partition)]);
      }
    } catch (error) {
      await deps.state.release(key);
      await deps.state.forgetReads(started.principal, claimedReads);
      throw error;
    }
    await logAlert(deps, alert);
    if (finding.kind === "probing") await deps.state.markProbingAlert(started.principal, at, e.queryId);
    alerts.push({ kind: finding.kind, severity: finding.severity, subject: finding.subject });
    deps.log.info("alerted", { queryId: e.queryId, kind: finding.kind, severity: finding.severity });
  }
  return result({ outcome: "judged", queryId: event.queryId, alerts });
}
