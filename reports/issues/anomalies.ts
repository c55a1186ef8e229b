/**
 * Anomaly alerts: one issue per high-severity finding of the alert window (the last `alertDays`
 * days of the period), label `athena-audit:anomaly`. An issue is found again by its marker, which
 * carries the finding's fingerprint (kind, principal, subject and day: what the finding is, not its
 * numbers, so new numbers update the issue rather than open another), its day and the stack. Its
 * marker is not the permission issues' marker, so neither family ever reads the other's issues as
 * its own. An issue closes, with the reason, when its finding is no longer high, no longer found,
 * or older than the alert window.
 */
import { addDays } from "../../core/days";
import { trailingMarker } from "../channels/issue";
import { Anomaly, bySeverity } from "../pages/anomaly-words";
import { anomalyTitle, renderAnomalyIssue } from "./anomaly-render";
import { checkStack, DEFAULT_STACK, hash, Marker, OpenIssue, WantedIssue } from "./plan";
import { IssueFamily, syncFamily, SyncOptions, SyncReport } from "./sync";

export const ANOMALY_LABEL = "athena-audit:anomaly";
export const DEFAULT_ALERT_DAYS = 14;
const ANOMALY_MARKER = /^<!-- athena-audit:anomaly=([0-9a-f]{16}) day=(\d{4}-\d{2}-\d{2}) stack=([A-Za-z0-9._-]+) -->$/;

/** Stack-independent: the same finding in two stacks has one fingerprint, the stack in the marker tells them apart. */
export function anomalyFingerprint(f: Pick<Anomaly, "kind" | "principalArn" | "subject" | "day">): string {
  return hash(`${f.kind}|${f.principalArn}|${f.subject}|${f.day}`);
}

export function anomalyMarker(fp: string, day: string, stack: string): string {
  return `<!-- athena-audit:anomaly=${fp} day=${day} stack=${stack} -->`;
}

export function anomalyMarkerOf(body: string): Marker | undefined {
  const found = trailingMarker(body, ANOMALY_MARKER);
  return found ? { fingerprint: found[1], day: found[2], stack: found[3] } : undefined;
}

export const ANOMALIES: IssueFamily = { label: ANOMALY_LABEL, readMarker: anomalyMarkerOf };

/** The alert window: the last `alertDays` days of the period ending `periodEnd`. */
export function alertWindow(periodEnd: string, alertDays: number): { from: string; to: string } {
  return { from: addDays(periodEnd, 1 - alertDays), to: periodEnd };
}

/** The findings that get an issue: high, and of a day in the window; most important first (the cap keeps those). */
export function alerted(findings: readonly Anomaly[], window: { from: string; to: string }): Anomaly[] {
  return bySeverity(findings.filter((f) => f.severity === "high" && f.day >= window.from && f.day <= window.to));
}

const days = (n: number) => `${n} day${n === 1 ? "" : "s"}`;
const KEPT = "Closing; the anomalies page still lists it.";

/** Why an open issue's finding no longer gets one, in words for its closing comment. */
function closingReason(
  marker: Marker,
  findings: ReadonlyMap<string, Anomaly>,
  window: { from: string; to: string },
  alertDays: number,
): string {
  const now = findings.get(marker.fingerprint);
  const day = now?.day ?? marker.day;
  if (day && day < window.from)
    return (
      `This finding of ${day} is now older than the alert window (the last ${days(alertDays)}, ${window.from} to ${window.to}). ` +
      "Closing; the anomalies page still lists it while it is in the reporting period."
    );
  if (now) return `This finding is now ${now.severity}, no longer high (the evidence or the anomaly settings changed). ${KEPT}`;
  return `This finding is no longer found in the evidence up to ${window.to} (the evidence or the anomaly settings changed). Closing.`;
}

export interface AnomalySyncOptions extends SyncOptions {
  /** The period's last day: the alert window ends there. */
  periodEnd: string;
  alertDays: number;
  /** The published anomalies page, linked from each issue when known. */
  reportUrl?: string;
}

export interface AnomalySyncReport extends SyncReport {
  /** The findings that have (or should have) an issue, in the order they were considered. */
  alerted: Anomaly[];
  window: { from: string; to: string };
}

export async function syncAnomalyIssues(findings: readonly Anomaly[], options: AnomalySyncOptions): Promise<AnomalySyncReport> {
  const stack = options.stack ?? DEFAULT_STACK;
  checkStack(stack);
  const window = alertWindow(options.periodEnd, options.alertDays);
  const chosen = alerted(findings, window);
  const wanted: WantedIssue[] = chosen.map((f) => {
    const fp = anomalyFingerprint(f);
    return {
      fingerprint: fp,
      key: `${anomalyTitle(f, stack)} [${f.principalArn}]`,
      ...renderAnomalyIssue(f, options.alertDays, stack, options.reportUrl),
      marker: anomalyMarker(fp, f.day, stack),
    };
  });
  const byFingerprint = new Map(
    bySeverity(findings)
      .map((f) => [anomalyFingerprint(f), f] as const)
      .reverse(),
  );
  const report = await syncFamily(
    ANOMALIES,
    wanted,
    (_issue: OpenIssue, marker: Marker) => closingReason(marker, byFingerprint, window, options.alertDays),
    options,
  );
  return { ...report, alerted: chosen, window };
}
