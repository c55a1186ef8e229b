/**
 * The join touches nothing outside the partition it names: names are checked before paths are
 * built, input reached through a symbolic link is skipped and named, a day that read nothing keeps
 * its partition, and a mistyped region is an error, not an empty success.
 */
import { ACCOUNT_ID } from "../../generator/org";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { generateLake, Ledger } from "../../generator/generate";
import { addDays } from "../../core/days";
import { DuckDbEngine } from "../../queries/duckdb/engine";
import { InputError, LakeError } from "../../core/errors";
import { joinDayEmbedded } from "../../queries/join/embedded";
import { cleanStaleScratch, LEFTOVER_AGE_MS, PARTITION_FILE } from "../../queries/join/partition";
import { historyFiles } from "../../queries/lake/files";
import { DEFAULT_PREFIX, eventsPartitionPrefix, eventsTablePrefix, historyPartitionPrefix } from "../../core/layout";
import { at, only } from "../support/defined";
import { tempDir } from "../support/lake";

const ROOT = path.join(__dirname, "..", "..");
const REGION = "us-east-1";
const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

beforeAll(() => {
  // The command line is tested as users run it: the bundle `npm ci` builds.
  execFileSync(process.execPath, [path.join(ROOT, "scripts", "bundle.mjs"), "cli"], { cwd: ROOT });
});

function lake(): { root: string; ledger: Ledger; day: string } {
  const root = tempDir("safety");
  roots.push(root);
  const ledger = generateLake({ lake: root, days: 3, seed: 17 });
  return { root, ledger, day: addDays(ledger.lastDay, -1) };
}

/** Every file under `dir` with a hash of its bytes: what "nothing changed" means. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    if (entry.isFile()) files[path.relative(dir, full)] = crypto.createHash("sha256").update(fs.readFileSync(full)).digest("hex");
  }
  return files;
}

async function withEngine<T>(root: string, work: (engine: DuckDbEngine) => Promise<T>, prefix?: string): Promise<T> {
  const engine = await DuckDbEngine.open({ root, prefix });
  try {
    return await work(engine);
  } finally {
    await engine.close();
  }
}

describe("the join stays inside the partition it names", () => {
  it.each(["../../..", "..", "us-east-1/../../athena-audit", "US-EAST-1", ""])(
    "refuses the region %j before building a path",
    async (region) => {
      const { root, day } = lake();
      const before = snapshot(root);
      const refused = withEngine(root, (engine) => joinDayEmbedded(engine, day, region));
      await expect(refused).rejects.toThrow(InputError);
      await expect(refused).rejects.toThrow(`region ${JSON.stringify(region)} is not an AWS region name`);
      expect(snapshot(root)).toEqual(before);
    },
  );

  it.each(["..", "../outside", "athena-audit/../..", "./x"])("refuses the prefix %j before building a path", async (prefix) => {
    const { root, day } = lake();
    const before = snapshot(root);
    await expect(withEngine(root, (engine) => joinDayEmbedded(engine, day, REGION), prefix)).rejects.toThrow(
      `prefix ${JSON.stringify(prefix)} is not a key prefix`,
    );
    expect(snapshot(root)).toEqual(before);
  });

  it("skips and names a history file reached through a symbolic link, and still joins the rest of the day", async () => {
    const { root, ledger, day } = lake();
    const linked = at(historyFiles({ root }, { region: REGION, dts: [day] }), 0, "history file of the day");
    // Another day's history, linked into this day's partition, would be counted twice.
    const other = at(historyFiles({ root }, { region: REGION, dts: [ledger.firstDay] }), 0, "history file of the first day");
    fs.rmSync(linked);
    fs.symlinkSync(other, linked);
    const summary = await withEngine(root, (engine) => joinDayEmbedded(engine, day, REGION));
    expect(summary.history.skippedFiles).toBe(1);
    expect(summary.history.problems).toEqual([
      { file: linked, reason: `reached through a symbolic link (it leads to ${fs.realpathSync(other)}): skipped` },
    ]);
    expect(summary.rows).toBeGreaterThan(0);
  });

  it("skips a history day folder linked to a folder outside the lake", async () => {
    const { root, day } = lake();
    const outside = tempDir("outside");
    roots.push(outside);
    const folder = path
      .join(root, historyPartitionPrefix({ account: ACCOUNT_ID, region: REGION, dt: day, workGroup: "primary" }))
      .replace(/\/$/, "");
    fs.cpSync(folder, outside, { recursive: true });
    fs.rmSync(folder, { recursive: true });
    fs.symlinkSync(outside, folder);
    const summary = await withEngine(root, (engine) => joinDayEmbedded(engine, day, REGION));
    expect(summary.history.problems.map((p) => p.reason)).toEqual([expect.stringContaining("reached through a symbolic link") as unknown]);
  });

  it("refuses to replace a partition when the events table is a link out of the lake, and leaves its target alone", async () => {
    const { root, day } = lake();
    const outside = tempDir("outside-events");
    roots.push(outside);
    fs.writeFileSync(path.join(outside, "precious.txt"), "not the audit's");
    fs.rmSync(path.join(root, eventsTablePrefix(DEFAULT_PREFIX)), { recursive: true, force: true });
    fs.mkdirSync(path.dirname(path.join(root, eventsTablePrefix(DEFAULT_PREFIX))), { recursive: true });
    fs.symlinkSync(outside, path.join(root, eventsTablePrefix(DEFAULT_PREFIX)).replace(/\/$/, ""));
    await expect(withEngine(root, (engine) => joinDayEmbedded(engine, day, REGION))).rejects.toThrow(LakeError);
    expect(snapshot(outside)).toEqual({ "precious.txt": crypto.createHash("sha256").update("not the audit's").digest("hex") });
  });

  it("keeps the joined partition, and says so, when none of the day's input can be read any more", async () => {
    const { root, day } = lake();
    const first = await withEngine(root, (engine) => joinDayEmbedded(engine, day, REGION));
    const partition = path.join(root, eventsPartitionPrefix(day, REGION));
    const joined = snapshot(partition);
    expect(first.rows).toBeGreaterThan(0);
    // History expired and the trail's logs lifecycled away: the evidence is gone, the events stay.
    fs.rmSync(path.join(root, DEFAULT_PREFIX, "history"), { recursive: true });
    fs.rmSync(path.join(root, "AWSLogs"), { recursive: true });
    const again = await withEngine(root, (engine) => joinDayEmbedded(engine, day, REGION));
    expect(again.kept).toBe("no history or CloudTrail file could be read for the day");
    expect(snapshot(partition)).toEqual(joined);
  });
});

describe("athena-audit join on the command line", () => {
  const cli = (args: string[]) => spawnSync(process.execPath, [path.join(ROOT, "dist", "cli", "main.js"), ...args], { encoding: "utf8" });

  it("exits non-zero, naming the region, when the region matches nothing in the lake", () => {
    const { root, day } = lake();
    const before = snapshot(root);
    const run = cli(["join", "--lake", root, "--day", day, "--region", "us-esat-1"]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("athena-audit: no history or CloudTrail for region us-esat-1");
    expect(run.stderr).toContain("(it has: eu-west-1, us-east-1)");
    expect(snapshot(root)).toEqual(before);
  });

  it("exits non-zero on a region that is not a region name, and on a prefix that names no tables", () => {
    const { root, day } = lake();
    const bad = cli(["join", "--lake", root, "--day", day, "--region", "../.."]);
    expect([bad.status, bad.stderr.trim()]).toEqual([1, 'athena-audit: region "../.." is not an AWS region name (like us-east-1)']);
    const typo = cli(["join", "--lake", root, "--day", day, "--prefix", "athena-adit"]);
    expect(typo.status).toBe(1);
    expect(typo.stderr).toContain("holds no history under prefix athena-adit");
  });
});

describe("a partition is whole at every instant", () => {
  const sha = (file: string) => crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
  const visible = (dir: string) => fs.readdirSync(dir).filter((f) => !f.startsWith("."));

  it("the same inputs give byte-identical Parquet", async () => {
    const { root, day } = lake();
    const file = path.join(root, eventsPartitionPrefix(day, REGION), PARTITION_FILE);
    // Different parallelism reorders a hash join's output; the file must not change with it.
    const joinWith = (threads: number) =>
      withEngine(root, async (engine) => {
        await engine.run(`SET threads = ${threads}`);
        return joinDayEmbedded(engine, day, REGION);
      });
    await joinWith(1);
    const first = sha(file);
    await joinWith(4);
    expect(sha(file)).toBe(first);
  });

  it("removes what killed runs left behind, once stale, and leaves a live run's files alone", async () => {
    const { root, day } = lake();
    const table = path.join(root, eventsTablePrefix(DEFAULT_PREFIX));
    const partition = path.join(root, eventsPartitionPrefix(day, REGION));
    const stale = [path.join(table, ".staging-2026-10-30-us-east-1-x"), path.join(table, ".trash-y"), path.join(partition, ".part-z.tmp")];
    const live = path.join(table, ".staging-live");
    for (const p of [...stale, live]) {
      fs.mkdirSync(path.dirname(p), { recursive: true });
      if (p.endsWith(".tmp")) fs.writeFileSync(p, "half a file");
      else fs.mkdirSync(p);
    }
    const old = new Date(Date.now() - 2 * LEFTOVER_AGE_MS);
    for (const p of stale) fs.utimesSync(p, old, old);
    await withEngine(root, (engine) => joinDayEmbedded(engine, day, REGION));
    expect(stale.filter((p) => fs.existsSync(p))).toEqual([]);
    expect(fs.existsSync(live)).toBe(true);
    expect(visible(partition)).toEqual([PARTITION_FILE]);
  });

  it("a join killed at any instant leaves the old partition or the new one, readable", async () => {
    const { root, ledger, day } = lake();
    const file = path.join(root, eventsPartitionPrefix(day, REGION), PARTITION_FILE);
    await withEngine(root, (engine) => joinDayEmbedded(engine, day, REGION));
    const before = sha(file);
    // New evidence for the day, so the next join's file differs from the one it replaces.
    fs.rmSync(at(historyFiles({ root }, { region: REGION, dts: [day] }), 0, "history file of the day"));
    const outcomes = new Set<string>();
    for (const delayMs of [0, 100, 250, 400, 550, 700, 900, 1200, 1600]) {
      const child = spawn(process.execPath, [
        path.join(ROOT, "dist", "cli", "main.js"),
        "join",
        "--lake",
        root,
        "--day",
        day,
        "--region",
        REGION,
      ]);
      const killer = setTimeout(() => child.kill("SIGKILL"), delayMs);
      await new Promise((resolve) => child.on("exit", resolve));
      clearTimeout(killer);
      expect(visible(path.dirname(file))).toEqual([PARTITION_FILE]);
      outcomes.add(sha(file));
      const rows = await withEngine(root, (engine) =>
        engine.run("SELECT count(*) AS n FROM events WHERE dt = :day AND region = :region", { day, region: REGION }),
      );
      expect(Number(only(rows.rows, "count row").n)).toBeGreaterThan(0);
    }
    await withEngine(root, (engine) => joinDayEmbedded(engine, day, REGION));
    const after = sha(file);
    expect(after).not.toBe(before);
    expect([...outcomes].every((o) => o === before || o === after)).toBe(true);
    expect(ledger.queries.length).toBeGreaterThan(0);
  });
});

describe("scratch folders of killed runs", () => {
  it("are removed once stale, and a live run's are left alone", () => {
    const dir = tempDir("scratch-parent");
    roots.push(dir);
    const stale = path.join(dir, "athena-audit-join-dead");
    const live = path.join(dir, "athena-audit-join-live");
    const other = path.join(dir, "someone-else");
    for (const p of [stale, live, other]) fs.mkdirSync(p);
    const old = new Date(Date.now() - 2 * LEFTOVER_AGE_MS);
    for (const p of [stale, other]) fs.utimesSync(p, old, old);
    expect(cleanStaleScratch(dir, "athena-audit-join-")).toBe(1);
    expect([stale, live, other].map((p) => fs.existsSync(p))).toEqual([false, true, true]);
  });
});
