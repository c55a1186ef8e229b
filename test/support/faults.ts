/**
 * Fault injection for the join: copies of a generated lake with one file or record damaged, and the
 * day's events rows read back, so a test can compare them with an oracle lake joined the same way.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { generateLake, Ledger } from "../../generator/generate";
import { addDays } from "../../core/days";
import { DuckDbEngine } from "../../queries/duckdb/engine";
import { joinDayEmbedded, JoinSummary } from "../../queries/join/embedded";
import { cloudTrailFiles, historyFiles } from "../../queries/lake/files";
import { tempDir } from "./lake";

export type Kind = "history" | "cloudtrail";
export type TrailRecord = Record<string, unknown>;

export interface BaseLake {
  root: string;
  ledger: Ledger;
  /** The day joined: the middle one, so both neighbours exist. */
  day: string;
  region: string;
}

export function baseLake(): BaseLake {
  const root = tempDir("faults-base");
  const ledger = generateLake({ lake: root, days: 3, seed: 11 });
  return { root, ledger, day: addDays(ledger.lastDay, -1), region: "us-east-1" };
}

export function copyLake(base: BaseLake, label: string): string {
  const root = tempDir(`faults-${label}`);
  fs.cpSync(base.root, root, { recursive: true });
  return root;
}

function stable(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

export interface Joined {
  summary: JoinSummary;
  /** Every column of the day's events rows, one JSON text a row, sorted. */
  rows: string[];
}

export async function joinDay(root: string, day: string, region: string): Promise<Joined> {
  const engine = await DuckDbEngine.open({ root });
  try {
    const summary = await joinDayEmbedded(engine, day, region);
    await engine.refresh();
    const result = await engine.run("SELECT * FROM events WHERE dt = :day AND region = :region", { day, region });
    return { summary, rows: result.rows.map(stable).sort() };
  } finally {
    await engine.close();
  }
}

/** The lake's files of one kind in the day's own folder (not its neighbours'), in the copy at `root`. */
export function dayFiles(root: string, kind: Kind, day: string, region: string): string[] {
  return kind === "history" ? historyFiles({ root }, { region, dts: [day] }) : cloudTrailFiles({ root }, { region, days: [day] });
}

export function gunzipText(file: string): string {
  return zlib.gunzipSync(fs.readFileSync(file)).toString("utf8");
}

export function writeGz(file: string, data: string | Buffer): void {
  fs.writeFileSync(file, zlib.gzipSync(data));
}

export function historyLines(file: string): string[] {
  return gunzipText(file).trimEnd().split("\n");
}

export function writeHistoryLines(file: string, lines: (string | Buffer)[]): void {
  const parts = lines.flatMap((l) => [typeof l === "string" ? Buffer.from(l) : l, Buffer.from("\n")]);
  writeGz(file, Buffer.concat(parts));
}

export function trailRecords(file: string): TrailRecord[] {
  return (JSON.parse(gunzipText(file)) as { Records: TrailRecord[] }).Records;
}

export function writeTrailRecords(file: string, records: unknown[]): void {
  writeGz(file, JSON.stringify({ Records: records }));
}

/** A StartQueryExecution that names its execution and caller: its removal changes the day's rows. */
export function isStart(record: TrailRecord): boolean {
  const response = record.responseElements as { queryExecutionId?: string } | null | undefined;
  return record.eventName === "StartQueryExecution" && !record.errorCode && typeof response?.queryExecutionId === "string";
}

/** A file of the day holding a record `pick` accepts, and that record's index (a line, or a position in Records). */
export function findRecord(
  root: string,
  kind: Kind,
  day: string,
  region: string,
  pick: (record: TrailRecord) => boolean,
): { file: string; index: number } {
  for (const file of dayFiles(root, kind, day, region)) {
    const records = kind === "history" ? historyLines(file).map((l) => JSON.parse(l) as TrailRecord) : trailRecords(file);
    const index = records.findIndex(pick);
    if (index >= 0) return { file, index };
  }
  throw new Error(`no ${kind} record of ${day} fits`);
}

/**
 * Rewrites record `index` of `file`: `change` gives the new record (an object, raw text for history, raw
 * bytes for either), or undefined to delete it.
 */
export function editRecord(file: string, kind: Kind, index: number, change: (record: TrailRecord) => unknown): void {
  if (kind === "history") {
    const lines: (string | Buffer)[] = historyLines(file);
    const next = change(JSON.parse(lines[index] as string) as TrailRecord);
    if (next === undefined) lines.splice(index, 1);
    else lines[index] = typeof next === "string" || Buffer.isBuffer(next) ? next : JSON.stringify(next);
    writeHistoryLines(file, lines);
    return;
  }
  const records: unknown[] = trailRecords(file);
  const next = change(records[index] as TrailRecord);
  if (next === undefined) records.splice(index, 1);
  else records[index] = next;
  if (!Buffer.isBuffer(next)) {
    writeTrailRecords(file, records);
    return;
  }
  // Raw bytes for one record: the document is written around them.
  const parts = records.map((r) => (Buffer.isBuffer(r) ? r : Buffer.from(JSON.stringify(r))));
  const commas = parts.flatMap((part, i) => (i === 0 ? [part] : [Buffer.from(","), part]));
  writeGz(file, Buffer.concat([Buffer.from('{"Records":['), ...commas, Buffer.from("]}")]));
}

/** The same path in another copy of the lake. */
export function inCopy(file: string, from: string, to: string): string {
  return path.join(to, path.relative(from, file));
}

/** A time `2026-10-30T10:11:12.345Z` written as the same instant at `+HH:00` (local time, with the offset). */
export function withOffset(iso: string, hours: number): string {
  const fraction = /\.\d+/.exec(iso)?.[0] ?? "";
  const local = new Date(Date.parse(iso) + hours * 3_600_000).toISOString().slice(0, 19) + fraction;
  const sign = hours < 0 ? "-" : "+";
  return `${local}${sign}${String(Math.abs(hours)).padStart(2, "0")}:00`;
}
