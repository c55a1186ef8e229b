/**
 * Benchmark (not a test): the embedded join on one big region-day against `zcat` of the same files.
 * Generates, in a temporary folder, day D's CloudTrail (and the neighbour-day files around midnight
 * the join reads) as gzip files of about `fileMB` each, `targetMB` in all, with N Athena queries and
 * their history; then, `runs` times, times `gzip -dc` of every file the join reads and the join itself
 * (a fresh engine in a child process each run, open time included), and prints the medians, their
 * ratio against the issue's targets, rows, attribution and the join's peak RSS.
 * With `otherFiles` > 0 it then adds that many CloudTrail files to other days' folders (bytes that
 * are not gzip, so opening one would be counted) and joins once more: a big lake must cost the day
 * nothing and none of them may be opened.
 *   npm run bench:join -- [targetMB] [fileMB] [runs] [neighbourHours] [otherFiles]   (default 100 0.5 3 1 0)
 */
import { execFileSync, fork, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { pipeline } from "node:stream/promises";
import { Writable } from "node:stream";
import { defined } from "../core/checks";
import { addDays } from "../core/days";
import { eventsJoinParameters, filesForWindow } from "../queries/join/parameters";
import { cloudTrailDeliveredAt, cloudTrailObjectKey } from "../core/layout";
import { cloudTrailFiles, historyFiles, LakeLocation } from "../queries/lake/files";
import type { JoinRun } from "./join-child";
import { writeBigDay } from "./join-lake";
import { AccessMix } from "./join-mix";

const DAY = "2026-10-14";
const REGION = "us-east-1";
/** The targets: join ≤ 1.5× zcat with 0.5 MB files, ≤ 2× with ~40 MB files; RSS ≤ 600 MB. */
const RATIO_TARGET_SMALL = 1.5;
const RATIO_TARGET_LARGE = 2;
const RSS_TARGET = 600 * 1024 ** 2;

/**
 * Reads of the lake in the day, as shares of all its records (beside 7% Athena starts). Modeled, as
 * no public record of a whole day's mix exists: a lake account whose trail records read management
 * events and, with the stack's optional setting, S3 data events for the lake's buckets. Athena makes
 * catalog reads and object reads as the user for each query (docs/engines-evidence.md shows how they
 * appear); a Glue job reads the catalog and its table's files; an EMR cluster gets Lake Formation
 * credentials. The noise records add Glue reads of their own (2 kinds in 12), so the day holds about
 * a quarter catalog reads and a sixth object reads; the run prints the exact counts.
 */
const ACCESS_MIX: AccessMix = { athenaCatalog: 0.1, engineCatalog: 0.03, lakeFormation: 0.005, athenaObjects: 0.1, engineObjects: 0.05 };

const MB = 1024 ** 2;
const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = defined(sorted[mid], "a value to take the median of");
  return sorted.length % 2 ? upper : (defined(sorted[mid - 1], "the value below the middle") + upper) / 2;
}

function hasGzip(): boolean {
  try {
    execFileSync("gzip", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Wall and CPU time (user + system) of decompressing every file to nothing. */
interface Timed {
  ms: number;
  cpuMs: number;
}

/**
 * `gzip -dc` of every file, output to /dev/null. The file list goes to xargs on stdin (no argument
 * limit), and the shell's `times` prints its children's CPU time: gzip's, as the join's is its own.
 */
async function zcat(files: readonly string[], useGzip: boolean): Promise<Timed> {
  const started = performance.now();
  if (useGzip) {
    const child = spawn("sh", ["-c", "xargs -0 gzip -dc > /dev/null && times"], { stdio: ["pipe", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stdin.end(files.join("\0"));
    const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
    if (code !== 0) throw new Error(`gzip -dc exited with ${String(code)}`);
    // `times`: the shell's user and system time, then its children's.
    const spent = [...out.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => (Number(m[1]) * 60 + Number(m[2])) * 1000);
    const [, , childrenUser, childrenSystem, ...more] = spent;
    if (childrenUser === undefined || childrenSystem === undefined || more.length > 0)
      throw new Error(`unexpected output of times: ${out}`);
    return { ms: performance.now() - started, cpuMs: childrenUser + childrenSystem };
  }
  const cpuStart = process.cpuUsage();
  const discard = () => new Writable({ write: (_chunk, _encoding, done) => done() });
  for (const file of files) await pipeline(fs.createReadStream(file), zlib.createGunzip(), discard());
  const cpu = process.cpuUsage(cpuStart);
  return { ms: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** One join in a child process, wall time measured around the whole child too. */
async function join(lake: string): Promise<JoinRun & { childMs: number }> {
  const started = performance.now();
  const child = fork(path.join(__dirname, "join-child.js"), [lake, DAY, REGION], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  let run: JoinRun | undefined;
  child.on("message", (m) => (run = m as JoinRun));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0 || !run) throw new Error(`the join child exited with ${String(code)}`);
  return { ...run, childMs: performance.now() - started };
}

function argument(index: number, fallback: number, what: string, valid: (n: number) => boolean): number {
  const text = process.argv[index] ?? String(fallback);
  const value = Number(text);
  if (!Number.isFinite(value) || !valid(value)) throw new Error(`${what}: got ${text}`);
  return value;
}

/** The saved SQL beside the compiled queries (tsc copies no .sql), where `readSql` looks for it. */
function copySavedSql(): void {
  const compiled = path.join(__dirname, "..", "queries", "sql");
  fs.cpSync(path.join(__dirname, "..", "..", "..", "queries", "sql"), compiled, { recursive: true });
}

async function main(): Promise<void> {
  const positive = (n: number) => n > 0;
  const whole = (n: number) => Number.isInteger(n) && n >= 1;
  const targetMB = argument(2, 100, "targetMB must be a number > 0", positive);
  const fileMB = argument(3, 0.5, "fileMB must be a number > 0", positive);
  const runs = argument(4, 3, "runs must be a whole number ≥ 1", whole);
  const neighbourHours = argument(5, 1, "neighbourHours must be from 0 to 24", (n) => n >= 0 && n <= 24);
  const otherFiles = argument(6, 0, "otherFiles must be a whole number ≥ 0", (n) => Number.isInteger(n) && n >= 0);
  copySavedSql();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "athena-audit-bench-join-"));
  try {
    const generating = performance.now();
    const made = await writeBigDay({
      lake: root,
      day: DAY,
      region: REGION,
      targetBytes: targetMB * MB,
      fileBytes: fileMB * MB,
      neighbourHours,
      queryShare: 0.07,
      accessMix: ACCESS_MIX,
      seed: 11,
    });
    console.log(
      `generated in ${seconds(performance.now() - generating)}: ${made.cloudTrailFiles} CloudTrail files ` +
        `(${mb(made.cloudTrailBytes)} gzip, ${mb(made.cloudTrailRawBytes)} JSON, ${made.records} records, ` +
        `${DAY} ±${neighbourHours} h), ${made.historyFiles} history files (${mb(made.historyBytes)} gzip) for ${made.queries} queries`,
    );
    const lake: LakeLocation = { root };
    const window = [addDays(DAY, -1), DAY, addDays(DAY, 1)];
    const trail = filesForWindow(
      cloudTrailFiles(lake, { region: REGION, days: window }),
      eventsJoinParameters(DAY, REGION),
      cloudTrailDeliveredAt,
    );
    const files = [...trail, ...historyFiles(lake, { region: REGION, dts: window })];
    const useGzip = hasGzip();
    const zcats: Timed[] = [];
    const joins: (JoinRun & { childMs: number })[] = [];
    for (let i = 0; i < runs; i++) {
      const unzipped = await zcat(files, useGzip);
      zcats.push(unzipped);
      fs.rmSync(path.join(root, "athena-audit", "events"), { recursive: true, force: true });
      const last = await join(root);
      joins.push(last);
      console.log(
        `run ${i + 1}: zcat ${seconds(unzipped.ms)} (CPU ${seconds(unzipped.cpuMs)}), join ${seconds(last.openMs + last.joinMs)} ` +
          `(CPU ${seconds(last.cpuMs)}; ` +
          `open ${seconds(last.openMs)}, join ${seconds(last.joinMs)}, child ${seconds(last.childMs)}), peak RSS ${mb(last.maxRss)}`,
      );
    }
    const { summary } = defined(joins.at(-1), "a join run (runs must be ≥ 1)");
    const zcatMs = median(zcats.map((z) => z.ms));
    const zcatCpuMs = median(zcats.map((z) => z.cpuMs));
    const joinCpuMs = median(joins.map((j) => j.cpuMs));
    const cpuRatio = joinCpuMs / zcatCpuMs;
    const joinMs = median(joins.map((j) => j.openMs + j.joinMs));
    const peakRss = Math.max(...joins.map((j) => j.maxRss));
    const ratio = joinMs / zcatMs;
    const ratioTarget = fileMB >= 10 ? RATIO_TARGET_LARGE : RATIO_TARGET_SMALL;
    const attributedAll = summary.attributed === made.queries && summary.rows === made.queries;
    const lines: [string, string][] = [
      [
        "files read",
        `${files.length} (${made.cloudTrailFiles} CloudTrail of ${mb(made.cloudTrailBytes / made.cloudTrailFiles)} on average, ` +
          `${made.historyFiles} history)`,
      ],
      [
        "size",
        `${mb(made.cloudTrailBytes + made.historyBytes)} compressed, ${mb(made.cloudTrailRawBytes + made.historyRawBytes)} uncompressed`,
      ],
      ["records", `${summary.cloudTrail.records} CloudTrail (generated ${made.records}), ${summary.history.records} history`],
      [
        "CloudTrail mix",
        Object.entries(made.kinds)
          .map(([kind, n]) => `${kind} ${((100 * n) / made.records).toFixed(1)}%`)
          .join(", "),
      ],
      ["access rows", String(summary.access)],
      ["rows joined", String(summary.rows)],
      [
        "attributed",
        `${summary.attributed} of N = ${made.queries} (unattributed ${summary.unattributed}, without history ${summary.withoutHistory})` +
          (attributedAll ? ": met" : ": NOT MET"),
      ],
      [
        "zcat (median)",
        `${seconds(zcatMs)}, CPU ${seconds(zcatCpuMs)} (${useGzip ? "gzip -dc > /dev/null" : "Node zlib streaming; gzip not installed"})`,
      ],
      [
        "join (median)",
        `${seconds(joinMs)} (open ${seconds(median(joins.map((j) => j.openMs)))} + ` +
          `join ${seconds(median(joins.map((j) => j.joinMs)))}), CPU ${seconds(joinCpuMs)}`,
      ],
      [
        "join / zcat",
        `${ratio.toFixed(2)}× (target ≤ ${ratioTarget}× with ${fileMB >= 10 ? "~40" : "0.5"} MB files: ` +
          `${ratio <= ratioTarget ? "met" : "NOT MET"})`,
      ],
      ["join / zcat, CPU", `${cpuRatio.toFixed(2)}× (target ≤ ${ratioTarget}×: ${cpuRatio <= ratioTarget ? "met" : "NOT MET"})`],
      ["join peak RSS", `${mb(peakRss)} (max of ${runs} runs; target ≤ ${mb(RSS_TARGET)}: ${peakRss <= RSS_TARGET ? "met" : "NOT MET"})`],
    ];
    const width = Math.max(...lines.map(([k]) => k.length));
    for (const [key, value] of lines) console.log(`${key.padEnd(width)}  ${value}`);
    const { cloudTrail, history } = summary;
    if (cloudTrail.skippedRecords || history.skippedRecords || cloudTrail.skippedFiles || history.skippedFiles) {
      console.log(`skipped (first problems): ${JSON.stringify([...cloudTrail.problems.slice(0, 3), ...history.problems.slice(0, 3)])}`);
    }
    if (otherFiles > 0) await bigLake(root, otherFiles, joinMs);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** `count` CloudTrail files in other days' folders (not gzip: opening one would be counted), then one more join. */
async function bigLake(root: string, count: number, dayJoinMs: number): Promise<void> {
  const started = performance.now();
  const days = 60;
  for (let i = 0; i < count; i++) {
    // Days D-63 .. D-4 (each 5-minute window): none can hold D's window.
    const dayStart = Date.parse(`${addDays(DAY, -4 - (i % days))}T00:00:00Z`);
    const deliveredAt = new Date(dayStart + (Math.floor(i / days) % 288) * 300_000);
    const key = cloudTrailObjectKey({ account: "210987654321", region: REGION }, deliveredAt, `OTHER${String(i).padStart(11, "0")}`);
    if (i < days) fs.mkdirSync(path.dirname(path.join(root, key)), { recursive: true });
    fs.writeFileSync(path.join(root, key), "not gzip");
  }
  console.log(`added ${count} CloudTrail files in ${days} other days' folders in ${seconds(performance.now() - started)}`);
  fs.rmSync(path.join(root, "athena-audit", "events"), { recursive: true, force: true });
  const run = await join(root);
  const opened = run.summary.cloudTrail.skippedFiles;
  console.log(
    `big lake: join ${seconds(run.openMs + run.joinMs)} (the day alone: ${seconds(dayJoinMs)}), peak RSS ${mb(run.maxRss)}, ` +
      `other days' files opened: ${opened}${opened === 0 ? " (met)" : " (NOT MET)"}`,
  );
}

void main();
