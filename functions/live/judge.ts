/**
 * What a finished query shows on its own, judged with the daily detector's settings and rules
 * (queries/sql/anomalies.sql: the `write`, `star` and `probe` facets, and `reach` for sensitive
 * resources). Pure: the state it needs (recent failures, resources read before) is passed in.
 */
import type { AnomalySettings } from "../../core/anomaly-settings";
import * as words from "./words";

export type LiveKind = "exfiltration" | "probing" | "reach";

export interface LiveFinding {
  kind: LiveKind;
  severity: "high" | "medium";
  /** What the daily detector's finding names: `s3://bucket`, `select-star:db.table`, the tables, the resources. */
  subject: string;
  /** Bytes for exfiltration, failures for probing, resources for reach. */
  measured: number;
  sentence: string;
}

/** What GetQueryExecution says of the query, as the rules read it. */
export interface Execution {
  queryId: string;
  sql: string;
  state: string;
  bytes: number;
  /** AthenaError.ErrorMessage, else StateChangeReason. */
  errorMessage: string;
}

// The SQL's patterns, as written there (test/functions/live-judge.test.ts checks they still are).
export const WRITE_STATEMENT = String.raw`(?i)^[ \t\r\n]*(UNLOAD|CREATE[ \t\r\n]+TABLE)`;
export const WRITE_LOCATION = String.raw`(?i)(?:TO|external_location|location)[ \t\r\n]*=?[ \t\r\n]*''s3://([^/'']+)`;
export const UNFILTERED_STAR =
  String.raw`^[ \t\r\n]*select[ \t\r\n]+[*][ \t\r\n]+from[ \t\r\n]+[a-z0-9_."]+` +
  String.raw`([ \t\r\n]+(as[ \t\r\n]+)?"?[a-z0-9_]+"?)?[ \t\r\n;]*$`;
export const PROBE_ERROR =
  String.raw`(TABLE_NOT_FOUND|SCHEMA_NOT_FOUND|CATALOG_NOT_FOUND|AccessDenied|Access Denied|not authorized|` +
  String.raw`Insufficient Lake Formation permission)`;
export const PROBE_EXCEPT = String.raw`^COLUMN_NOT_FOUND`;

/** A Trino pattern as JavaScript reads it: `(?i)` becomes the flag, a SQL-quoted `''` one quote. */
function pattern(source: string): RegExp {
  const insensitive = source.startsWith("(?i)");
  return new RegExp((insensitive ? source.slice(4) : source).replace(/''/g, "'"), insensitive ? "i" : "");
}
const WRITE_STATEMENT_RE = pattern(WRITE_STATEMENT);
const WRITE_LOCATION_RE = pattern(WRITE_LOCATION);
const UNFILTERED_STAR_RE = pattern(UNFILTERED_STAR);
const PROBE_ERROR_RE = pattern(PROBE_ERROR);
const PROBE_EXCEPT_RE = pattern(PROBE_EXCEPT);

/** The bucket an UNLOAD or CTAS writes to when it is outside `knownBuckets`; whatever the state, as the daily rule. */
export function foreignWrite(sql: string, settings: AnomalySettings): string | undefined {
  if (!WRITE_STATEMENT_RE.test(sql)) return undefined;
  const bucket = WRITE_LOCATION_RE.exec(sql)?.[1];
  return bucket && !settings.knownBuckets.includes(bucket) ? bucket : undefined;
}

/** The one table a large, unfiltered, successful SELECT * read. */
export function largeSelectStar(e: Execution, tables: readonly string[], settings: AnomalySettings): string | undefined {
  const [table] = tables;
  if (e.state !== "SUCCEEDED" || tables.length !== 1 || !table || e.bytes < settings.largeScanBytes) return undefined;
  return UNFILTERED_STAR_RE.test(e.sql.toLowerCase()) ? table : undefined;
}

/** A failure saying the caller may not see, or cannot find, what it asked for. */
export function isProbe(e: Execution): boolean {
  return e.state === "FAILED" && PROBE_ERROR_RE.test(e.errorMessage) && !PROBE_EXCEPT_RE.test(e.errorMessage);
}

/** A table or database marked sensitive (`database` or `database.table`) that a query read; a failed query read nothing. */
export function sensitiveReads(e: Execution, tables: readonly string[], settings: AnomalySettings): string[] {
  if (e.state === "FAILED") return [];
  const found = new Set<string>();
  for (const table of tables) {
    const database = table.split(".")[0] ?? "";
    if (settings.sensitive.includes(database)) found.add(database);
    if (settings.sensitive.includes(table)) found.add(table);
  }
  return [...found].sort();
}

const HOUR_MS = 60 * 60_000;

/**
 * The most failures in a 60-minute span [s, s + 60 min) that holds the failure at `at` (ms): any
 * 60 minutes, not a clock hour. Failures arrive in any order, so each span around `at` is tried.
 */
export function burstAround(times: readonly number[], at: number): { count: number; from: number; to: number } {
  const near = [...new Set(times)].filter((t) => Math.abs(t - at) < HOUR_MS).sort((a, b) => a - b);
  let best = { count: 0, from: at, to: at };
  for (const start of near.filter((t) => t <= at)) {
    const inside = near.filter((t) => t >= start && t < start + HOUR_MS);
    if (inside.length > best.count) best = { count: inside.length, from: start, to: inside.at(-1) ?? start };
  }
  return best;
}

/** The live state a query is judged against. */
export interface PrincipalState {
  /** Times (ms) of the principal's probe failures near this query's, this one included. */
  failureTimes: number[];
  /** Times (ms) of the probing alerts already made for the principal near this one. */
  probingAlertTimes: number[];
  /** Which of `candidates` (sensitive reads, `select-star:` tables) the principal had before this query. */
  seenBefore: ReadonlySet<string>;
  /** When the live path began watching (ISO); first reads are said only once it has watched minHistoryDays. */
  since: string;
}

/** Every finding of one query, at most one per kind. `at` is when the principal started it (ms). */
export function judge(
  e: Execution,
  tables: readonly string[],
  at: number,
  state: PrincipalState,
  settings: AnomalySettings,
  now: number,
): LiveFinding[] {
  const findings: LiveFinding[] = [];
  const sensitive = (table: string) =>
    settings.sensitive.includes(table) || settings.sensitive.includes(table.split(".")[0] ?? "") ? "high" : "medium";
  const bucket = foreignWrite(e.sql, settings);
  const star = largeSelectStar(e, tables, settings);
  if (bucket) {
    findings.push({
      kind: "exfiltration",
      severity: "high",
      subject: `s3://${bucket}`,
      measured: e.bytes,
      sentence: words.writeSentence(bucket),
    });
  } else if (star && !state.seenBefore.has(`select-star:${star}`)) {
    findings.push({
      kind: "exfiltration",
      severity: sensitive(star),
      subject: `select-star:${star}`,
      measured: e.bytes,
      sentence: words.selectStarSentence(star, e.bytes, state.since),
    });
  }
  if (isProbe(e)) {
    const burst = burstAround(state.failureTimes, at);
    const alerted = state.probingAlertTimes.some((t) => Math.abs(t - at) < HOUR_MS);
    if (burst.count >= settings.probingFailures && !alerted) {
      findings.push({
        kind: "probing",
        severity: burst.count >= 2 * settings.probingFailures ? "high" : "medium",
        subject: tables.length > 0 ? tables.join(", ") : "resources not named",
        measured: burst.count,
        sentence: words.probingSentence(burst.count, new Date(burst.from).toISOString(), new Date(burst.to).toISOString(), tables),
      });
    }
  }
  const watchedDays = (now - Date.parse(state.since)) / (24 * HOUR_MS);
  const fresh = sensitiveReads(e, tables, settings).filter((r) => !state.seenBefore.has(r));
  if (fresh.length > 0 && watchedDays >= settings.minHistoryDays) {
    findings.push({
      kind: "reach",
      severity: "high",
      subject: fresh.join(", "),
      measured: fresh.length,
      sentence: words.firstReadSentence(fresh, state.since),
    });
  }
  return findings;
}
