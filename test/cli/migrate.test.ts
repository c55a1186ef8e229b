/**
 * `athena-audit migrate-history`: a lake (or bucket) written before history was keyed by account is
 * moved under one account, nothing else moves, nothing already there is overwritten, and the moved
 * lake joins as the new layout does.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as s3sdk from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateBucketHistory, migrateLocalHistory } from "../../cli/migrate";
import { generateLake, Ledger } from "../../generator/generate";
import { ACCOUNT_ID } from "../../generator/org";
import { DuckDbEngine } from "../../queries/duckdb/engine";
import { joinDayEmbedded } from "../../queries/join/embedded";
import { historyAccountPrefix, historyTablePrefix } from "../../queries/layout";
import { expectedEvents, tempDir } from "../support/lake";
import { LocalS3, startS3 } from "../support/s3";

const PREFIX = "athena-audit";
let root: string;
let ledger: Ledger;
let legacy: string[];

/** Files under a folder, as `/`-separated keys relative to `base`. */
function keysUnder(base: string, under: string): string[] {
  const dir = path.join(base, under);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .map((f) => `${under}${f.split(path.sep).join("/")}`)
    .sort();
}

beforeAll(() => {
  root = tempDir("migrate");
  ledger = generateLake({ lake: root, days: 3, seed: 13 });
  // The lake as the version before accounts wrote it: history/region=…, no account folder.
  const current = path.join(root, historyAccountPrefix(ACCOUNT_ID, PREFIX));
  const old = path.join(root, historyTablePrefix(PREFIX));
  for (const entry of fs.readdirSync(current)) fs.renameSync(path.join(current, entry), path.join(old, entry));
  fs.rmdirSync(current);
  legacy = keysUnder(root, historyTablePrefix(PREFIX));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe("migrating history to the layout keyed by account", () => {
  it("moves every old key under the account, refusing none, and the lake then joins as generated", async () => {
    expect(legacy.length).toBeGreaterThan(0);
    expect(legacy.every((k) => k.includes("/history/region="))).toBe(true);
    const summary = migrateLocalHistory(root, ACCOUNT_ID, PREFIX);
    expect(summary).toEqual({ moved: legacy.length, conflicts: [] });
    expect(keysUnder(root, historyTablePrefix(PREFIX))).toEqual(
      legacy.map((k) => k.replace(`${PREFIX}/history/`, `${PREFIX}/history/account=${ACCOUNT_ID}/`)).sort(),
    );
    const engine = await DuckDbEngine.open({ root });
    try {
      const day = ledger.lastDay;
      const joined = await joinDayEmbedded(engine, day, "us-east-1", { tb: ledger.tb });
      const expected = expectedEvents(ledger).filter((q) => q.eventDay === day && q.region === "us-east-1");
      expect(joined.rows).toBe(expected.length);
      expect(joined.history.filesRead).toBeGreaterThan(0);
    } finally {
      await engine.close();
    }
    // A second run finds nothing of the old layout left.
    expect(migrateLocalHistory(root, ACCOUNT_ID, PREFIX)).toEqual({ moved: 0, conflicts: [] });
  });

  it("refuses an account that is no account id", () => {
    expect(() => migrateLocalHistory(root, "prod", PREFIX)).toThrow('--account must be a 12-digit account id, got "prod"');
  });
});

describe("migrating the audit bucket", () => {
  let s3: LocalS3;
  const bucket = "audit-bucket";
  const put = (key: string, body: string) => s3.client.send(new s3sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));

  beforeAll(async () => {
    s3 = await startS3(bucket);
  });
  afterAll(() => s3?.close());

  it("copies then deletes each old object, keeps one whose new key exists, and touches nothing else", async () => {
    const old = (wg: string) => `${PREFIX}/history/region=us-east-1/dt=2026-10-01/workgroup=${wg}/history.json.gz`;
    const moved = (wg: string) => `${PREFIX}/history/account=${ACCOUNT_ID}/region=us-east-1/dt=2026-10-01/workgroup=${wg}/history.json.gz`;
    await put(old("primary"), "old primary");
    await put(old("bi"), "old bi");
    await put(moved("bi"), "new bi");
    await put(`${PREFIX}/events/dt=2026-10-01/region=us-east-1/part-00000.parquet`, "events");
    const summary = await migrateBucketHistory(s3.client, bucket, ACCOUNT_ID, PREFIX);
    expect(summary).toEqual({ moved: 1, conflicts: [{ from: old("bi"), to: moved("bi") }] });
    expect((await s3.keys()).sort()).toEqual(
      [old("bi"), moved("bi"), moved("primary"), `${PREFIX}/events/dt=2026-10-01/region=us-east-1/part-00000.parquet`].sort(),
    );
    expect((await s3.bytes(moved("primary"))).toString()).toBe("old primary");
    expect((await s3.bytes(moved("bi"))).toString()).toBe("new bi");
  });
});
