/**
 * The embedded engine lists a table's files only when a query names the table, and the lake
 * listing copes with folders of any size. Unreadable files stand in for the tables a command does
 * not need: reading them, or binding a view over them, fails loudly, so "not touched" is observable.
 */
import { ACCOUNT_ID } from "../../generator/org";
import * as fs from "node:fs";
import * as path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterEach, describe, expect, it } from "vitest";
import { DuckDbEngine } from "../../queries/duckdb/engine";
import { PARTITION_FILE } from "../../queries/join/partition";
import { cloudTrailFiles, historyFiles } from "../../queries/lake/files";
import {
  cloudTrailFolder,
  cloudTrailObjectKey,
  eventsPartitionPrefix,
  grantsObjectKey,
  historyDayPrefix,
  historyObjectKey,
} from "../../core/layout";
import { at } from "../support/defined";
import { tempDir } from "../support/lake";
import { writeGzip } from "../support/write-lake";

const REGION = "us-east-1";
const DAY = "2026-01-15";
const ACCOUNT = "123456789012";
const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

function put(root: string, key: string, bytes: string | Buffer): string {
  const file = path.join(root, key);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
  return file;
}

/** One events partition of `rows` queries, written by a DuckDB of its own (not the engine under test). */
async function writeEvents(root: string, day: string, rows: number): Promise<void> {
  const file = path.join(root, eventsPartitionPrefix(day, REGION), PARTITION_FILE);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  await connection.run(
    `COPY (SELECT 'q-${day}-' || i AS query_execution_id, 1000 * i AS data_scanned_bytes FROM range(1, ${rows + 1}) t(i))
     TO '${file}' (FORMAT parquet)`,
  );
  connection.closeSync();
  instance.closeSync();
}

/** A lake whose history, CloudTrail and grants files are not gzip: any view bound over them, or read, fails. */
async function lakeWithUnreadableTables(): Promise<{ root: string; history: string; trail: string; grants: string }> {
  const root = tempDir("lazy");
  roots.push(root);
  await writeEvents(root, DAY, 3);
  const garbage = "this is not gzip";
  return {
    root,
    history: put(root, historyObjectKey({ account: ACCOUNT_ID, region: REGION, dt: DAY, workGroup: "primary" }), garbage),
    trail: put(root, cloudTrailObjectKey({ account: ACCOUNT, region: REGION }, new Date(`${DAY}T12:00:00Z`), "abcd"), garbage),
    grants: put(root, grantsObjectKey(ACCOUNT_ID, DAY), garbage),
  };
}

async function withEngine<T>(root: string, work: (engine: DuckDbEngine) => Promise<T>): Promise<T> {
  const engine = await DuckDbEngine.open({ root });
  try {
    return await work(engine);
  } finally {
    await engine.close();
  }
}

describe("the embedded engine lists only the tables a query names", () => {
  it("opens and queries events without touching history, CloudTrail or grants; a query naming one lists it", async () => {
    const lake = await lakeWithUnreadableTables();
    await withEngine(lake.root, async (engine) => {
      const events = "SELECT count(*) AS n, sum(data_scanned_bytes) AS bytes FROM events";
      expect((await engine.run(events)).rows).toEqual([{ n: 3, bytes: 6000 }]);
      // Names in comments and strings are not the tables (binding CloudTrail's view would read its bad file).
      const words = "-- neither cloudtrail nor history is read here\nSELECT 'cloudtrail' AS word, count(*) AS n FROM events /* grants */";
      expect((await engine.run(words)).rows).toEqual([{ word: "cloudtrail", n: 3 }]);
      // Named in any case, or quoted, the table is listed and its file read: the damaged history file is
      // skipped (read through the checks, queries/lake/history-view.ts), counted and named, never fatal.
      expect((await engine.run("SELECT count(*) AS n FROM HISTORY")).rows).toEqual([{ n: 0 }]);
      expect((await engine.run('SELECT count(*) AS n FROM "history"')).rows).toEqual([{ n: 0 }]);
      expect(engine.historyCheck?.skippedFiles).toBe(1);
      expect(engine.historyCheck?.problems[0]?.file).toBe(lake.history);
      await expect(engine.run("SELECT count(*) FROM grants")).rejects.toThrow(lake.grants);
      // CloudTrail's view reads its first file when bound; a failed binding is retried once the file is fixed.
      await expect(engine.run("SELECT count(*) FROM cloudtrail")).rejects.toThrow(lake.trail);
      writeGzip(lake.trail, JSON.stringify({ Records: [] }));
      expect((await engine.run("SELECT count(*) AS n FROM cloudtrail")).rows).toEqual([{ n: 0 }]);
      expect((await engine.run(events)).rows).toEqual([{ n: 3, bytes: 6000 }]);
    });
  });

  it("lists no lake table in a scoped connection: it sees the tables it was given and no others", async () => {
    const lake = await lakeWithUnreadableTables();
    await withEngine(lake.root, async (engine) => {
      await engine.run("SELECT count(*) FROM events"); // the engine's own events view exists from here on
      await engine.withTables({ history: "SELECT 'q-1' AS queryexecutionid" }, async (scoped) => {
        expect((await scoped.run("SELECT count(*) AS n FROM history")).rows).toEqual([{ n: 1 }]);
        // Not given: missing, rather than the lake-wide view (stale, or listed behind the caller's back).
        await expect(scoped.run("SELECT count(*) FROM events")).rejects.toThrow(/events does not exist/);
        await expect(scoped.run("SELECT count(*) FROM cloudtrail")).rejects.toThrow(/cloudtrail does not exist/);
        // The compatibility macros are there.
        expect((await scoped.run("SELECT array_join(['a', 'b'], '+') AS j")).rows).toEqual([{ j: "a+b" }]);
      });
    });
  });

  it("reads a partition written after open once refresh() is called", async () => {
    const lake = await lakeWithUnreadableTables();
    await withEngine(lake.root, async (engine) => {
      const count = "SELECT count(*) AS n FROM events";
      expect((await engine.run(count)).rows).toEqual([{ n: 3 }]);
      await writeEvents(lake.root, "2026-01-16", 2);
      await engine.refresh();
      expect((await engine.run(count)).rows).toEqual([{ n: 5 }]);
    });
  });
});

describe("the lake listing", () => {
  it("lists a folder of 130,000 files (more than a spread call can pass) for CloudTrail and history", () => {
    const root = tempDir("many");
    roots.push(root);
    const folder = path.join(root, cloudTrailFolder({ account: ACCOUNT, region: REGION, day: DAY }));
    fs.mkdirSync(folder, { recursive: true });
    const count = 130_000;
    // Hard links to a few empty files: much faster to make than new files (a file takes at most 65,000 links on ext4).
    const empty = [0, 1, 2].map((i) => put(root, `empty-${i}`, ""));
    for (let i = 0; i < count; i++)
      fs.linkSync(at(empty, i % empty.length, "empty file"), path.join(folder, `${String(i).padStart(6, "0")}.json.gz`));
    // History reaches the same folder through a link: its listing has the same size without 130,000 more files.
    // Linked as a work group's folder: history is read only under workgroup=<name>/ (queries/lake/files.ts).
    const historyDay = path.join(root, historyDayPrefix({ account: ACCOUNT_ID, region: REGION, dt: DAY }), "workgroup=primary");
    fs.mkdirSync(path.dirname(historyDay), { recursive: true });
    fs.symlinkSync(folder, historyDay);

    for (const files of [
      cloudTrailFiles({ root }),
      cloudTrailFiles({ root }, { region: REGION, days: [DAY] }),
      historyFiles({ root }, { region: REGION, dts: [DAY] }),
    ]) {
      expect(files).toHaveLength(count);
      expect(path.basename(at(files, -1, "file listed"))).toBe("129999.json.gz");
    }
  });
});
