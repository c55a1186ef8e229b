/**
 * The anomaly issues: one per high-severity finding of the alert window (the last `alertDays` days
 * of the period; the anomalies saved query), labelled `athena-audit:anomaly`, and the job
 * summary's list. An issue is found again by its marker, which carries the finding's fingerprint
 * (kind, principal, subject and day: what the finding is, not its numbers, so new numbers update the
 * issue rather than open another), its day and the stack. Its marker is not the permission-gap
 * issues' marker, so neither family ever reads the other's issues as its own. An issue closes, with
 * the reason, when its finding is no longer high, no longer found, or older than the alert window.
 * The finding's sentence is explainAnomaly's, the one the anomalies page uses, so the issue and the
 * page never describe the same facts differently.
 */
import { addDays } from "../../core/days";
import { SAVED } from "../../queries/saved";
import { issueTitle, trailingMarker } from "../channels/issue";
import { codeSpan } from "../channels/markdown";
import { markdownTemplate, trusted } from "../channels/templates";
import { Anomaly, bySeverity, explainAnomaly, liveAlertTime, sessionWords } from "../pages/anomaly-words";
import { engineWords } from "../pages/engine-words";
import { count, humanBytes, markdownText, shortArn } from "../pages/format";
import { redactSql } from "../pages/redact";
import { toFinding } from "./findings";
import { checkStack, DEFAULT_STACK, hash, IssueFamily, Marker, OpenIssue, Rendered, WantedIssue } from "./plan";
import { syncFamily, SyncOptions, SyncReport } from "./sync";

export const DEFAULT_ALERT_DAYS = 14;
/** The whole last line of the body (channels/issue.ts reads no other). */
const ANOMALY_MARKER = /^<!-- athena-audit:anomaly=([0-9a-f]{16}) day=(\d{4}-\d{2}-\d{2}) stack=([A-Za-z0-9._-]+) -->$/;

/** Stack-independent: the same finding in two stacks has one fingerprint, the stack in the marker tells them apart. */
export function anomalyFingerprint(f: Pick<Anomaly, "kind" | "principalArn" | "subject" | "day">): string {
  return hash(`${f.kind}|${f.principalArn}|${f.subject}|${f.day}`);
}

export function anomalyMarker(fp: string, day: string, stack: string): string {
  return `<!-- athena-audit:anomaly=${fp} day=${day} stack=${stack} -->`;
}

/** The fingerprint, day and stack an anomaly issue's body names, or undefined for an issue that is not one. */
export function anomalyMarkerOf(body: string): Marker | undefined {
  const [, fingerprint, day, stack] = trailingMarker(body, ANOMALY_MARKER) ?? [];
  return fingerprint && day && stack ? { fingerprint, day, stack } : undefined;
}

export const ANOMALIES: IssueFamily = { label: "athena-audit:anomaly", formerLabels: [], readMarker: anomalyMarkerOf };

/** An anomalies row (snake_case) or a findings-file entry (camelCase), checked. */
export function toAnomaly(row: Record<string, unknown>, where: string): Anomaly {
  return toFinding(SAVED.anomalies, row, where);
}

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

/** What to do first, by kind: the step that settles whether the finding is harmless. */
const ADVICE: Record<Anomaly["kind"], string> = {
  volume: "ask the owner what the extra scanning was for; if neither they nor a planned job account for it, rotate the credentials.",
  reach:
    "confirm with the owner that reading this data is part of their work; " +
    "revoke the grant if it is not, and rotate the credentials if nobody ran the queries.",
  origin: "confirm the new client or network with the owner; rotate the credentials if nobody does.",
  time: "confirm with the owner that the activity at this hour was theirs (a new schedule, travel); rotate the credentials if nobody does.",
  probing:
    "find out who tried resources they cannot use: a person exploring is fine, an unknown caller is not; " +
    "rotate the credentials if nobody owns it.",
  exfiltration:
    "check what was written or scanned in bulk and where it went; " +
    "if the owner does not know the destination, block it and rotate the credentials.",
  download:
    "ask the owner whether a job or a person of theirs copied these objects, and from that network; if nobody did, " +
    "revoke the role's sessions and rotate its credentials, then check the bucket policy for other readers.",
  newcomer:
    "find out who created this principal and what it is for; a new user or role reading this much in its first days is " +
    "what a stolen or planted credential looks like: if nobody owns it, disable it and find the credentials that created it.",
  drift:
    "ask the owner why its reading has grown day after day; a job can grow with its data, but a slow climb is also how " +
    "someone stays under a daily threshold: if nobody can account for it, rotate the credentials.",
};

/** The unit `measured` is in, by the query's column comment: bytes for volume in bytes, exfiltration, downloads, newcomers and drifts. */
function amount(f: Anomaly, value: number): string {
  if (
    (f.kind === "volume" && f.subject === "bytes") ||
    f.kind === "newcomer" ||
    f.kind === "drift" ||
    // Both shapes measure the bytes their query scanned (queries/sql/anomalies.sql).
    f.kind === "exfiltration" ||
    f.kind === "download"
  )
    return humanBytes(value);
  if (f.kind === "probing") return `${count(value)} failures within an hour or a day`;
  if (f.kind === "volume" && f.subject === "calls") return `${count(value)} catalog call${value === 1 ? "" : "s"}`;
  return `${count(value)} ${value === 1 ? "query" : "queries"}`;
}

function normal(f: Anomaly): string {
  if (f.kind === "download") {
    if (f.baseline === null)
      return f.newNetworks === null ? "none: a principal not seen in the retained history" : "none: too little history for a baseline";
    return (
      `median ${humanBytes(f.baseline)} and ${count(f.baselineObjects ?? 0)} objects a day, ` +
      `busiest day ${humanBytes(f.peak ?? 0)}, typical deviation ${humanBytes(f.spread ?? 0)}`
    );
  }
  if (f.kind === "newcomer")
    return f.peak === null || f.peak <= 0
      ? "none: no principal of its kind scanned anything before"
      : `its peers' busiest day ${humanBytes(f.peak)} (a new principal has no baseline of its own)`;
  if (f.baseline === null)
    return f.kind === "volume" ? "no earlier days to compare with" : "none: judged against the principal's history, not a daily median";
  const spread = f.spread === null ? "" : `, typical deviation ${amount(f, f.spread)}`;
  return `median ${amount(f, f.baseline)} a day${spread}`;
}

/**
 * `Anomaly (high): origin by reporting-app on 2026-10-30 (client:cli)`; other stacks are named. A
 * finding the live path alerted on says so first: the notification reads as that alert's follow-up.
 */
export function anomalyTitle(f: Anomaly, stack: string = DEFAULT_STACK): string {
  const where = stack === DEFAULT_STACK ? "" : `, ${stack}`;
  const live = liveAlertTime(f) === undefined ? "" : ", alerted live";
  const subject = f.subject.length > 48 ? `${f.subject.slice(0, 47)}…` : f.subject;
  // The subject tells apart two findings of one kind, principal and day.
  return issueTitle(`Anomaly (${f.severity}${where}${live}): ${f.kind} by ${shortArn(f.principalArn)} on ${f.day} (${subject})`);
}

export function renderAnomalyIssue(f: Anomaly, alertDays: number, stack: string = DEFAULT_STACK, reportUrl?: string): Rendered {
  const sessions = sessionWords(f);
  const body = markdownTemplate("anomaly-issue")({
    // Data, escaped here where a value needs its own cap; the template escapes the rest.
    principal: trusted(markdownText(f.principalArn, 300)),
    sessions: sessions === undefined ? null : trusted(markdownText(sessions, 200)),
    who: f.human ? "used by a person" : "a service",
    day: f.day,
    explanation: trusted(markdownText(explainAnomaly(f), 600)),
    kind: f.kind,
    subject: trusted(markdownText(f.subject, 200)),
    measured: amount(f, f.measured),
    baseline: normal(f),
    score: f.score.toFixed(1),
    queries: count(f.queries),
    // Other engines' evidence, shown only when the finding has some, so Athena's findings read as before.
    engine: f.engine === "athena" ? null : trusted(markdownText(engineWords(f.engine), 200)),
    calls: f.calls > 0 ? count(f.calls) : null,
    objects: f.objects === null ? null : count(f.objects),
    networks: f.networks === null ? null : trusted(markdownText(f.networks, 200)),
    exampleQueryId: f.exampleQueryId ? trusted(codeSpan(f.exampleQueryId, 100)) : null,
    // Redacted as on the pages: an issue reaches as many readers as the reports.
    exampleQuery: f.exampleQuery ? trusted(codeSpan(redactSql(f.exampleQuery), 200)) : null,
    coverage: f.coverage,
    alertedLive: liveAlertTime(f) ?? null,
    partial: f.coverage === "partial",
    advice: ADVICE[f.kind],
    reportUrl: reportUrl ?? null,
    alertWindow: `${alertDays} day${alertDays === 1 ? "" : "s"}`,
  }).trim();
  return { title: anomalyTitle(f, stack), body };
}

/** The job summary: one line per alerted finding (severity, day, principal, kind, explanation). */
export function anomalySummary(alerted: readonly Anomaly[], window: { from: string; to: string }, stack: string): string {
  const n = alerted.length;
  const what = `${n === 0 ? "no" : n} high-severity finding${n === 1 ? "" : "s"}`;
  const heading = `### Anomalies (${stack}): ${what}, ${window.from} to ${window.to}`;
  const lines = alerted.map((f) => {
    const sessions = sessionWords(f);
    const who = `${markdownText(shortArn(f.principalArn))}${sessions === undefined ? "" : ` (${markdownText(sessions, 200)})`}`;
    return `- **${f.severity}** ${f.day} ${who}, ${f.kind}: ${markdownText(explainAnomaly(f), 400)}`;
  });
  return [heading, "", ...lines, ""].join("\n");
}
