/**
 * The join reads only the CloudTrail files that can hold its window: neighbour-day files delivered
 * long before or after it, and every other day's files, are never opened (here they are not even
 * gzip, so opening one would be counted as a skipped file).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateLake } from "../../generator/generate";
import { addDays } from "../../core/days";
import { DuckDbEngine } from "../../queries/duckdb/engine";
import { joinDayEmbedded } from "../../queries/join/embedded";
import { eventsJoinParameters, filesForWindow } from "../../queries/join/parameters";
import { cloudTrailFiles } from "../../queries/lake/files";
import { cloudTrailDeliveredAt } from "../../core/layout";
import { at } from "../support/defined";
import { tempDir } from "../support/lake";

const DAY = "2026-10-14";
const REGION = "us-east-1";

describe("which CloudTrail files can hold the window", () => {
  const name = (stamp: string) =>
    `/lake/AWSLogs/111122223333/CloudTrail/${REGION}/x/111122223333_CloudTrail_${REGION}_${stamp}_AbCd.json.gz`;

  it("reads the day's files, D-1's from 22:45 (23:00 less 15 min of skew) and D+1's before D+2 01:00 (01:00 + a day of delivery)", () => {
    const files = {
      "20261013T2244Z": false,
      "20261013T2245Z": true,
      "20261014T0000Z": true,
      "20261014T2359Z": true,
      "20261015T0330Z": true,
      "20261015T2359Z": true,
      "20261016T0059Z": true,
      "20261016T0100Z": false,
    };
    const got = filesForWindow(Object.keys(files).map(name), eventsJoinParameters(DAY, REGION), cloudTrailDeliveredAt);
    expect(got).toEqual(Object.entries(files).flatMap(([stamp, read]) => (read ? [name(stamp)] : [])));
  });

  it("reads a file whose name carries no delivery stamp, since it cannot tell", () => {
    const odd = `/lake/AWSLogs/111122223333/CloudTrail/${REGION}/2026/10/13/renamed.json.gz`;
    expect(filesForWindow([odd], eventsJoinParameters(DAY, REGION), cloudTrailDeliveredAt)).toEqual([odd]);
    expect(cloudTrailDeliveredAt(name("20261399T9999Z"))).toBeUndefined();
  });
});

describe("a join opens no file outside its window", () => {
  let root: string;
  let day: string;
  let folderOf: (d: string) => string;
  beforeAll(() => {
    root = tempDir("window");
    const ledger = generateLake({ lake: root, days: 5, seed: 23 });
    day = addDays(ledger.lastDay, -2);
    const sample = at(cloudTrailFiles({ root }, { region: REGION, days: [day] }), 0, "CloudTrail file of the day");
    const dayFolder = path.dirname(sample);
    folderOf = (d: string) => path.join(dayFolder, "..", "..", "..", d.replace(/-/g, "/"));
  }, 60_000);
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  /** A file that is not gzip, delivered at `stamp` (yyyyMMddTHHmm) into day `d`'s folder. */
  function garbage(d: string, stamp: string): string {
    const account = /AWSLogs\/(\d{12})\//.exec(folderOf(d))?.[1] ?? "";
    const file = path.join(folderOf(d), `${account}_CloudTrail_${REGION}_${stamp}Z_garbage.json.gz`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, "not gzip");
    return file;
  }

  it("skips nothing it should not have opened, and counts the one it should", async () => {
    const compact = (d: string) => d.replace(/-/g, "");
    const far = [
      garbage(addDays(day, -1), `${compact(addDays(day, -1))}T0100`),
      garbage(addDays(day, -2), `${compact(addDays(day, -2))}T2330`),
      garbage(addDays(day, 2), `${compact(addDays(day, 2))}T0110`),
    ];
    // Late in the next day's folder: within the day of delivery the join allows.
    const near = garbage(addDays(day, 1), `${compact(addDays(day, 1))}T1200`);
    const engine = await DuckDbEngine.open({ root });
    try {
      const summary = await joinDayEmbedded(engine, day, REGION);
      expect(summary.rows).toBeGreaterThan(0);
      expect(summary.cloudTrail.skippedFiles).toBe(1);
      expect(summary.cloudTrail.problems.map((p) => p.file)).toEqual([near]);
      for (const file of far) expect(summary.cloudTrail.problems.map((p) => p.file)).not.toContain(file);
    } finally {
      await engine.close();
    }
  });
});
