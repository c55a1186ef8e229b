/**
 * The words of the anomaly alerts: one issue per high-severity finding (from the handlebars
 * template), and the job summary's list. The finding's sentence is explainAnomaly's, the one the
 * anomalies page uses, so the issue and the page never describe the same facts differently.
 */
import { issueTitle } from "../channels/issue";
import { codeSpan } from "../channels/markdown";
import { compileMarkdown, markdownEnvironment, templateFile, trusted } from "../channels/templates";
import { engineWords } from "../pages/access-by-engine";
import { Anomaly, explainAnomaly } from "../pages/anomaly-words";
import { count, humanBytes, markdownText, shortArn } from "../pages/format";
import { templatesDirectory } from "../pages/render";
import { DEFAULT_STACK, Rendered } from "./plan";

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
};

/** The unit `measured` is in, by the query's column comment: bytes for volume in bytes and SELECT * scans. */
function amount(f: Anomaly, value: number): string {
  if (
    (f.kind === "volume" && f.subject === "bytes") ||
    (f.kind === "exfiltration" && f.subject.startsWith("select-star:")) ||
    f.kind === "download"
  )
    return humanBytes(value);
  if (f.kind === "probing") return `${count(value)} failures in one hour`;
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
  if (f.baseline === null)
    return f.kind === "volume" ? "no earlier days to compare with" : "none: judged against the principal's history, not a daily median";
  const spread = f.spread === null ? "" : `, typical deviation ${amount(f, f.spread)}`;
  return `median ${amount(f, f.baseline)} a day${spread}`;
}

/** `Anomaly (high): origin by reporting-app on 2026-10-30 (client:cli)`; other stacks are named. */
export function anomalyTitle(f: Anomaly, stack: string = DEFAULT_STACK): string {
  const where = stack === DEFAULT_STACK ? "" : `, ${stack}`;
  const subject = f.subject.length > 48 ? `${f.subject.slice(0, 47)}…` : f.subject;
  // The subject tells apart two findings of one kind, principal and day.
  return issueTitle(`Anomaly (${f.severity}${where}): ${f.kind} by ${shortArn(f.principalArn)} on ${f.day} (${subject})`);
}

let template: ReturnType<typeof compileMarkdown> | undefined;

export function renderAnomalyIssue(f: Anomaly, alertDays: number, stack: string = DEFAULT_STACK, reportUrl?: string): Rendered {
  template ??= compileMarkdown(markdownEnvironment(), templateFile(templatesDirectory(), "anomaly-issue"));
  const body = template({
    // Data, escaped here where a value needs its own cap; the template escapes the rest.
    principal: trusted(markdownText(f.principalArn, 300)),
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
    coverage: f.coverage,
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
  const lines = alerted.map(
    (f) => `- **${f.severity}** ${f.day} ${markdownText(shortArn(f.principalArn))}, ${f.kind}: ${markdownText(explainAnomaly(f), 400)}`,
  );
  return [heading, "", ...lines, ""].join("\n");
}
