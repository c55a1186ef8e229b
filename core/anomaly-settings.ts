/**
 * The anomaly settings: what counts as unusual for the `anomalies` saved query, with defaults a
 * demanding user can start from, read from a JSON file (`--anomaly-settings`) and checked with
 * errors that name the key. The SQL takes them as parameters; lists travel as comma-joined text
 * because Athena's execution parameters are single literals.
 */
import * as fs from "node:fs";
import { parseDay } from "./days";
import { InputError } from "./errors";

export interface Announcement {
  /** A database or `database.table` people were told to start using. */
  resource: string;
  /** From this day (UTC) on, first reads of it are expected, not findings. */
  from: string;
}

export interface AnomalySettings {
  /** Days before each day that make a principal's volume baseline (median, MAD, busiest day): 5 weeks hold its weekly and monthly peaks. */
  baselineDays: number;
  /** A day is a volume finding at this many scaled MADs above the principal's median ... */
  volumeMads: number;
  /** ... and this many times the busiest of those days ... */
  volumeRatio: number;
  /**
   * ... or, on a day at a point of the cycle where the principal habitually peaks (the month's last five
   * days, a weekday), this many times that point's peak in the baseline: a close that grows is not an anomaly.
   */
  seasonalRatio: number;
  /** A drift: the principal's daily bytes over its median, summed in scaled MADs (CUSUM), reaching this. */
  driftMads: number;
  /** A principal without a full baseline yet is a newcomer finding from this many bytes scanned in a day, whatever its peers read. */
  newcomerCeilingBytes: number;
  /** ... and at least this much (so tiny baselines do not fire): bytes scanned, queries, catalog calls (Glue, Lake Formation). */
  volumeFloorBytes: number;
  volumeFloorQueries: number;
  volumeFloorCalls: number;
  /** Direct object reads (S3 GetObject outside Athena's queries) are judged by the volume rules from these floors a day. */
  downloadFloorBytes: number;
  downloadFloorObjects: number;
  /** Days of a principal's activity before first-time kinds (reach, origin, time) judge it. */
  minHistoryDays: number;
  /** Days looked back for "never before". */
  lookbackDays: number;
  /** Databases or `database.table`s whose first reads are raised a severity. */
  sensitive: string[];
  announcements: Announcement[];
  /** Access-denied or not-found failures by one principal within any hour (sliding) that make a probing burst ... */
  probingFailures: number;
  /** ... or within any 24 hours (sliding): probing spread out at a lower rate. */
  probingDayFailures: number;
  /** Buckets UNLOAD and CTAS may write to; any other location is an exfiltration finding. */
  knownBuckets: string[];
  /** An unfiltered `SELECT *` a principal never ran before is a finding from this many bytes scanned. */
  largeScanBytes: number;
}

const GIB = 1024 ** 3;
const TIB = 1024 * GIB;

export const DEFAULT_ANOMALY_SETTINGS: AnomalySettings = {
  baselineDays: 35,
  volumeMads: 6,
  volumeRatio: 2,
  // A close that doubles is business; one that quadruples is worth a look.
  seasonalRatio: 4,
  // Six days in a row at 3 deviations or more (each day adds at most 2.5): more than a spike, a close or a
  // busy week of an analyst (the demo's ordinary principals stay below 10).
  driftMads: 15,
  // $25 of scanning a day at Athena's price: far beyond a new person's or service's first days.
  newcomerCeilingBytes: 5 * TIB,
  volumeFloorBytes: 10 * GIB,
  volumeFloorQueries: 50,
  // Spark and Spectrum read the catalog a few times a run; 500 calls a day is far more than a job's.
  volumeFloorCalls: 500,
  // A table's files are tens of MB each: 100 objects or 1 GiB read straight out of the lake in a day.
  downloadFloorBytes: GIB,
  downloadFloorObjects: 100,
  minHistoryDays: 14,
  lookbackDays: 90,
  sensitive: [],
  announcements: [],
  probingFailures: 5,
  // Four an hour over five hours: a lower rate than a burst, for longer than a person's mistakes last.
  probingDayFailures: 20,
  knownBuckets: [],
  largeScanBytes: 100 * GIB,
};

const NUMBERS = [
  "baselineDays",
  "volumeMads",
  "volumeRatio",
  "seasonalRatio",
  "driftMads",
  "newcomerCeilingBytes",
  "volumeFloorBytes",
  "volumeFloorQueries",
  "volumeFloorCalls",
  "downloadFloorBytes",
  "downloadFloorObjects",
  "minHistoryDays",
  "lookbackDays",
  "probingFailures",
  "probingDayFailures",
  "largeScanBytes",
] as const;
const RESOURCE = /^[a-z0-9_]+(\.[a-z0-9_]+)?$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function text(value: unknown, key: string, pattern: RegExp, what: string): string {
  if (typeof value !== "string" || !pattern.test(value))
    throw new InputError(`anomaly settings: ${key} must be ${what}, got ${JSON.stringify(value)}`);
  return value;
}

function list(value: unknown, key: string, pattern: RegExp, what: string): string[] {
  if (!Array.isArray(value)) throw new InputError(`anomaly settings: ${key} must be a list of ${what}`);
  return value.map((item, i) => text(item, `${key}[${i}]`, pattern, what));
}

/** Settings from a parsed JSON object: every key optional, none unknown, each checked. */
export function anomalySettings(raw: unknown, where = "anomaly settings"): AnomalySettings {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new InputError(`${where} must be a JSON object`);
  const input = raw as Record<string, unknown>;
  const known = new Set<string>(Object.keys(DEFAULT_ANOMALY_SETTINGS));
  const unknown = Object.keys(input).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new InputError(`${where}: unknown setting ${unknown.join(", ")} (known: ${[...known].join(", ")})`);
  const settings: AnomalySettings = { ...DEFAULT_ANOMALY_SETTINGS };
  for (const key of NUMBERS) {
    if (input[key] === undefined) continue;
    const n = input[key];
    if (typeof n !== "number" || !Number.isFinite(n) || n <= 0)
      throw new InputError(`${where}: ${key} must be a positive number, got ${JSON.stringify(n)}`);
    settings[key] = n;
  }
  if (input.sensitive !== undefined)
    settings.sensitive = list(input.sensitive, "sensitive", RESOURCE, "a database or database.table (lower case)");
  if (input.knownBuckets !== undefined) settings.knownBuckets = list(input.knownBuckets, "knownBuckets", BUCKET, "an S3 bucket name");
  if (input.announcements !== undefined) {
    if (!Array.isArray(input.announcements)) throw new InputError(`${where}: announcements must be a list of { resource, from }`);
    settings.announcements = input.announcements.map((a: unknown, i) => {
      const entry = (a ?? {}) as Record<string, unknown>;
      const resource = text(entry.resource, `announcements[${i}].resource`, RESOURCE, "a database or database.table (lower case)");
      if (typeof entry.from !== "string") throw new InputError(`${where}: announcements[${i}].from must be a day (YYYY-MM-DD)`);
      return { resource, from: parseDay(entry.from, `announcements[${i}].from`) };
    });
  }
  return settings;
}

/** Settings from a JSON file, or the defaults without one. */
export function readAnomalySettings(file: string | undefined): AnomalySettings {
  if (!file) return DEFAULT_ANOMALY_SETTINGS;
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new InputError(`anomaly settings ${file}: ${(error as Error).message}`);
  }
  return anomalySettings(parsed, `anomaly settings ${file}`);
}
