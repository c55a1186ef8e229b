/**
 * An anomaly finding in words, for the page, the index headline and the issue that alerts on it:
 * what happened, against what normal was, and how sure the evidence is. Pure, so tests pin it.
 */
import { camelRow, CamelRow, SAVED, SavedRow } from "../../queries/saved";
import { engineWords } from "./engine-words";
import { humanBytes } from "./format";

export type AnomalyRow = SavedRow<typeof SAVED.anomalies>;
export type Anomaly = CamelRow<typeof SAVED.anomalies>;

const count = (n: number) => Math.round(n).toLocaleString("en-US");
const hour = (h: string) => `${h.padStart(2, "0")}:00`;

/** What a finding on a day with partial coverage adds: said once per finding, or once per page. */
export const PARTIAL_EVIDENCE = "The day's evidence is partial: some of its queries have no known principal.";

/** The finding's sentence, without Markdown: callers escape or format it. */
export function explainAnomaly(a: Anomaly | AnomalyRow): string {
  const f = "principalArn" in a ? a : camelRow(SAVED.anomalies, a);
  return f.coverage === "partial" ? `${anomalySentence(f)} ${PARTIAL_EVIDENCE}` : anomalySentence(f);
}

/**
 * The sessions behind a role's finding, without Markdown: `carol@example.com`, or the heaviest the
 * query names and how many more. None for an IAM user, nor for a role whose one session bears the
 * role's own name (a service naming its sessions after itself says nothing more).
 */
export function sessionWords(a: Anomaly | AnomalyRow): string | undefined {
  const f = "principalArn" in a ? a : camelRow(SAVED.anomalies, a);
  const named = (f.sessions ?? "").split(", ").filter((s) => s !== "");
  const total = Math.max(named.length, f.sessionCount);
  if (named.length === 0 || (total === 1 && named[0] === f.principalArn.split("/").pop())) return undefined;
  return total > named.length ? `${named.join(", ")} and ${count(total - named.length)} more` : named.join(", ");
}

/**
 * The finding alone, without what its day's coverage adds: for a page that marks partial days itself.
 * A finding the live path alerted on already says when, so nobody takes it for news.
 */
export function anomalySentence(a: Anomaly | AnomalyRow): string {
  const f = "principalArn" in a ? a : camelRow(SAVED.anomalies, a);
  const live = liveAlertTime(f);
  return live === undefined ? whatHappened(f) : `${whatHappened(f)} Alerted live at ${live}.`;
}

/** ISO-8601 UTC as the live path writes it (the query keeps no other; a findings file is checked again here). */
const ALERTED_AT = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}):\d{2}\.\d{3}Z$/;

/** When the live path alerted on the finding: `10:42 UTC`, with the day when it is not the finding's (a query near midnight). */
export function liveAlertTime(a: Anomaly | AnomalyRow): string | undefined {
  const f = "principalArn" in a ? a : camelRow(SAVED.anomalies, a);
  const [, day, clock] = ALERTED_AT.exec(f.alertedAt ?? "") ?? [];
  if (day === undefined || clock === undefined) return undefined;
  return `${clock} UTC${day === f.day ? "" : ` on ${day}`}`;
}

function whatHappened(f: Anomaly): string {
  const who = f.human ? "this person" : "this service";
  switch (f.kind) {
    case "volume": {
      const amount =
        f.subject === "bytes" ? humanBytes : f.subject === "calls" ? (n: number) => calls(n) : (n: number) => `${count(n)} ${plural(n)}`;
      const typical = f.baseline === null ? "" : `, against a median of ${amount(f.baseline)} a day over the previous weeks`;
      const times = f.baseline && f.baseline > 0 ? ` (${(f.measured / f.baseline).toFixed(1)}×)` : "";
      // The queries subject said "Scanned ran 1,200 queries": each subject has its own verb.
      const did =
        f.subject === "bytes"
          ? `Scanned ${humanBytes(f.measured)}`
          : f.subject === "calls"
            ? `Made ${calls(f.measured)} to the catalog with ${engineWords(f.engine)}`
            : `Ran ${amount(f.measured)}`;
      return `${did} in one day${typical}${times}.`;
    }
    case "reach":
      return `First read of ${f.subject}, which ${who} had not read in the retained history (${behind(f)}).`;
    case "origin":
      return f.subject.startsWith("client:")
        ? `First use of the ${f.subject.slice("client:".length)} client by ${who} (${behind(f)}).`
        : `First call from ${f.subject}, ${NETWORK.test(f.subject) ? "a network" : "a source"} ${who} had not called from before ` +
            `(${behind(f)}).`;
    case "download":
      return downloadSentence(f, who);
    case "newcomer":
      return newcomerSentence(f);
    case "drift": {
      const median = f.baseline ?? 0;
      const times = median > 0 ? ` (${(f.measured / median).toFixed(1)}× its median of ${humanBytes(median)} a day)` : "";
      return (
        `Scanned ${humanBytes(f.measured)} in one day${times}, the busiest of the previous weeks, after days each above its ` +
        `usual: the excess over its median, summed day by day (CUSUM), reached ${f.score.toFixed(1)} standard deviations.`
      );
    }
    case "time":
      // Three hours, on the clock: the query's rule (queries/sql/anomalies.sql, new_hours).
      return (
        `Active at ${hour(f.subject)} UTC, at least three hours from every hour ${who} was active before ` +
        `(${count(f.queries)} ${plural(f.queries)}).`
      );
    case "probing": {
      // `peak` is the most failures within any hour (sliding); a spread-out probe fired on the day's count.
      const within =
        f.peak === null || f.measured <= f.peak
          ? "within one hour"
          : `within 24 hours, at most ${count(f.peak)} in any one hour (${count(f.queries)} that day)`;
      return f.subject === UNNAMED
        ? `${count(f.measured)} access-denied or not-found failures ${within}; the failed queries name no table.`
        : `${count(f.measured)} access-denied or not-found failures ${within}, on ${f.subject}.`;
    }
    case "exfiltration":
      return f.subject.startsWith("select-star:")
        ? `An unfiltered SELECT * of ${f.subject.slice("select-star:".length)} scanned ${humanBytes(f.measured)}, ` +
            `a query ${who} had not run before.`
        : `Wrote query results to ${f.subject}, outside the account's known buckets.`;
  }
}

/**
 * A new principal's day against its peers' (the query's peer groups: the account's IAM users, the
 * roles of one SSO permission set, the account's other roles under one IAM path), or the ceiling.
 */
function newcomerSentence(f: Anomaly): string {
  const [, , , , account = "", resource = ""] = f.principalArn.split(":");
  const permissionSet = /^role\/aws-reserved\/sso\.amazonaws\.com\/AWSReservedSSO_(.+)_[0-9a-f]+$/.exec(resource)?.[1];
  const path = /^role\/(.+)\/[^/]+$/.exec(resource)?.[1];
  const peers = resource.startsWith("user/")
    ? `any IAM user of account ${account}`
    : permissionSet !== undefined
      ? `any role of the ${permissionSet} permission set in account ${account}`
      : path !== undefined
        ? `any role under /${path}/ in account ${account}`
        : `any role of account ${account}`;
  const did = `Scanned ${humanBytes(f.measured)} in one day, a principal new to the lake (too little history for its own baseline)`;
  if (f.peak === null || f.peak <= 0)
    return `${did}; no other principal of its kind (${peers.replace(/^any /, "")}) scanned anything before.`;
  const times = f.measured / f.peak;
  // Below its peers' busiest day, only the ceiling for a new principal can have fired it.
  return times >= 1
    ? `${did}: ${times.toFixed(1)}× the most ${peers} scanned in a day over the previous weeks (${humanBytes(f.peak)}).`
    : `${did}, above the ceiling set for a new principal; the most ${peers} scanned in a day over the previous weeks ` +
        `was ${humanBytes(f.peak)}.`;
}

/**
 * Direct reads: what was read, how much, by which engine and from where, against the principal's
 * own days before, or why there was nothing to compare with.
 */
function downloadSentence(f: Anomaly, who: string): string {
  const objects = f.objects ?? 0;
  const read = `Read ${humanBytes(f.measured)} in ${count(objects)} object${objects === 1 ? "" : "s"} of ${f.subject} straight from S3`;
  const networks = f.networks ?? "";
  const fresh = f.newNetworks ?? "";
  const where =
    networks === ""
      ? ""
      : fresh === ""
        ? ` from ${networks}`
        : fresh === networks
          ? ` from ${networks}, ${fresh.includes(",") ? "networks" : "a network"} ${who} had never used`
          : ` from ${networks} (never used by ${who} before: ${fresh})`;
  const against =
    f.baseline !== null
      ? `, against a median of ${humanBytes(f.baseline)} and ${count(f.baselineObjects ?? 0)} objects a day over the previous weeks ` +
        `(busiest day ${humanBytes(f.peak ?? 0)})`
      : fresh !== ""
        ? "; too little history for a baseline of its direct reads"
        : "; the first direct reads by a principal not seen in the retained history, so there is no baseline to compare with";
  return `${read} with ${engineWords(f.engine)}${where}${against}.`;
}

/** The reads behind a first-time finding: Athena's queries, other engines' calls, or both. */
function behind(f: Anomaly): string {
  const others = f.engine
    .split(", ")
    .filter((e) => e !== "athena")
    .join(", ");
  const parts = [
    ...(f.queries > 0 || f.calls === 0 ? [`${count(f.queries)} ${plural(f.queries)}`] : []),
    ...(f.calls > 0 ? [`${calls(f.calls)} by ${engineWords(others)}`] : []),
  ];
  return parts.join(" and ");
}

const calls = (n: number) => `${count(n)} call${n === 1 ? "" : "s"}`;

/** An IPv4 /24 (the query's form of an address); other origins are what CloudTrail names, such as an AWS service. */
const NETWORK = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.0\/24$/;
/** The probing subject when the failed queries name no table. */
const UNNAMED = "resources not named";
const plural = (n: number) => (n === 1 ? "query" : "queries");

/** Severity first, then score: what to look at first. */
export function bySeverity<T extends { severity: string; score: number; day: string }>(rows: readonly T[]): T[] {
  const rank: Record<string, number> = { high: 0, medium: 1, low: 2 };
  return [...rows].sort((a, b) => (rank[a.severity] ?? 3) - (rank[b.severity] ?? 3) || b.score - a.score || a.day.localeCompare(b.day));
}
