/**
 * `athena-audit migrate-accounts`: a lake (or bucket) written before history and grants were keyed
 * by account is moved under one account, nothing else moves, nothing already there is overwritten, and the moved
 * lake joins as the new layout does.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as s3sdk from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateBucket, migrateLocalLake } from "../../cli/migrate";
import { generateLake, Ledger } from "../../generator/generate";
import { writeGrantsSnapshot } from "../../generator/grants";
import { ACCOUNT_ID, MARKETING_ACCOUNT_ID } from "../../generator/org";
import { DuckDbEngine } from "../../queries/duckdb/engine";
import { joinDayEmbedded } from "../../queries/join/embedded";
import { grantsAccountPrefix, grantsTablePrefix, historyAccountPrefix, historyTablePrefix } from "../../core/layout";
import { cleanupAfterAll } from "../support/cleanup";
import { expectedEvents, tempDir } from "../support/lake";
import { LocalS3, startS3 } from "../support/s3";

const PREFIX = "athena-audit";
let root: string;
let ledger: Ledger;
let legacy: string[];
let legacyGrants: string[];
/** The marketing account's keys, in the new layout from the start. */
let member: string[];

/** Moves a table's account folder's contents up into the table folder: the layout before accounts. */
function unkey(table: string, accountFolder: string): void {
  const [current, old] = [path.join(root, accountFolder), path.join(root, table)];
  for (const entry of fs.readdirSync(current)) fs.renameSync(path.join(current, entry), path.join(old, entry));
  fs.rmdirSync(current);
}

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

beforeAll(async () => {
  root = tempDir("migrate");
  ledger = generateLake({ lake: root, days: 3, seed: 13 });
  await writeGrantsSnapshot(root, ledger.lastDay);
  // The main account's lake as the version before accounts wrote it: history/region=…, grants/dt=…, no
  // account folder. The marketing account's collectors came later and wrote the new layout already.
  unkey(historyTablePrefix(PREFIX), historyAccountPrefix(ACCOUNT_ID, PREFIX));
  unkey(grantsTablePrefix(PREFIX), grantsAccountPrefix(ACCOUNT_ID, PREFIX));
  member = [
    ...keysUnder(root, historyAccountPrefix(MARKETING_ACCOUNT_ID, PREFIX)),
    ...keysUnder(root, grantsAccountPrefix(MARKETING_ACCOUNT_ID, PREFIX)),
  ];
  legacy = keysUnder(root, historyTablePrefix(PREFIX)).filter((k) => !member.includes(k));
  legacyGrants = keysUnder(root, grantsTablePrefix(PREFIX)).filter((k) => !member.includes(k));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe("migrating history and grants to the layout keyed by account", () => {
  it("moves every old key under the account, refusing none, and the lake then joins as generated", async () => {
    expect(legacy.length).toBeGreaterThan(0);
    expect(legacy.every((k) => k.includes("/history/region="))).toBe(true);
    expect(legacyGrants.length).toBeGreaterThan(0);
    expect(legacyGrants.every((k) => k.includes("/grants/dt="))).toBe(true);
    const summary = migrateLocalLake(root, ACCOUNT_ID, PREFIX);
    expect(summary).toEqual({ moved: legacy.length + legacyGrants.length, conflicts: [] });
    expect(member.length).toBeGreaterThan(0);
    expect(keysUnder(root, historyTablePrefix(PREFIX))).toEqual(
      [
        ...legacy.map((k) => k.replace(`${PREFIX}/history/`, `${PREFIX}/history/account=${ACCOUNT_ID}/`)),
        ...member.filter((k) => k.includes("/history/")),
      ].sort(),
    );
    expect(keysUnder(root, grantsTablePrefix(PREFIX))).toEqual(
      [
        ...legacyGrants.map((k) => k.replace(`${PREFIX}/grants/`, `${PREFIX}/grants/account=${ACCOUNT_ID}/`)),
        ...member.filter((k) => k.includes("/grants/")),
      ].sort(),
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
    expect(migrateLocalLake(root, ACCOUNT_ID, PREFIX)).toEqual({ moved: 0, conflicts: [] });
  });

  it("refuses an account that is no account id", () => {
    expect(() => migrateLocalLake(root, "prod", PREFIX)).toThrow('--account must be a 12-digit account id, got "prod"');
  });
});

describe("migrating the audit bucket", () => {
  let s3: LocalS3;
  const bucket = "audit-bucket";
  const put = (key: string, body: string) => s3.client.send(new s3sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));

  const cleanUp = cleanupAfterAll();
  beforeAll(async () => {
    s3 = await startS3(bucket);
    cleanUp(() => s3.close());
  });

  it("copies then deletes each old object, keeps one whose new key exists, and touches nothing else", async () => {
    const old = (wg: string) => `${PREFIX}/history/region=us-east-1/dt=2026-10-01/workgroup=${wg}/history.json.gz`;
    const moved = (wg: string) => `${PREFIX}/history/account=${ACCOUNT_ID}/region=us-east-1/dt=2026-10-01/workgroup=${wg}/history.json.gz`;
    await put(old("primary"), "old primary");
    await put(old("bi"), "old bi");
    await put(moved("bi"), "new bi");
    await put(`${PREFIX}/grants/dt=2026-10-01/grants.json.gz`, "old grants");
    await put(`${PREFIX}/events/dt=2026-10-01/region=us-east-1/part-00000.parquet`, "events");
    const summary = await migrateBucket(s3.client, bucket, ACCOUNT_ID, PREFIX);
    expect(summary).toEqual({ moved: 2, conflicts: [{ from: old("bi"), to: moved("bi") }] });
    const grants = `${PREFIX}/grants/account=${ACCOUNT_ID}/dt=2026-10-01/grants.json.gz`;
    expect((await s3.keys()).sort()).toEqual(
      [old("bi"), moved("bi"), moved("primary"), grants, `${PREFIX}/events/dt=2026-10-01/region=us-east-1/part-00000.parquet`].sort(),
    );
    expect((await s3.bytes(grants)).toString()).toBe("old grants");
    expect((await s3.bytes(moved("primary"))).toString()).toBe("old primary");
    expect((await s3.bytes(moved("bi"))).toString()).toBe("new bi");
  });
});
