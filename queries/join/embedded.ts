/**
 * The daily join on the embedded engine: reads only the partitions day D needs, skips and counts
 * unreadable input, and replaces the events and access partitions (dt=D, region=R), each whole or
 * not at all.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { defined } from "../../core/checks";
import { DEFAULT_TB, TbDefinition } from "../../core/cost";
import { addDays } from "../../core/days";
import { LakeError } from "../../core/errors";
import { DuckDbEngine } from "../duckdb/engine";
import { cloudTrailLinesSql, grantsSql, historySql } from "../duckdb/views";
import { cloudTrailFiles, grantsFiles, historyListing } from "../lake/files";
import { assertInside, checkLakeNames, symlinkProblem } from "../lake/safety";
import { CheckedFiles, withSkippedFolders } from "../lake/checked";
import { readHistory } from "../lake/read-history";
import { readCloudTrail } from "../lake/read-trail";
import {
  accessPartitionPrefix,
  accessTablePrefix,
  cloudTrailDeliveredAt,
  DEFAULT_PREFIX,
  eventsPartitionPrefix,
  eventsTablePrefix,
} from "../../core/layout";
import { ACCESS, EVENTS } from "../schema/tables";
import { sqlName } from "../schema/types";
import { accessJoinParameters, eventsJoinParameters, filesForWindow } from "./parameters";
import { accessJoinSql, eventsJoinSql, JoinSqlOptions } from "./sql";
import { cleanLeftovers, cleanStaleScratch, commitPartition, pendingFile } from "./partition";

/** The embedded join's scratch folders in the OS temp dir (cleaned copies of damaged input). */
const SCRATCH_PREFIX = "athena-audit-join-";

export interface JoinSummary {
  day: string;
  region: string;
  /** Rows written to the events partition. */
  rows: number;
  /** Rows whose principal came from CloudTrail. */
  attributed: number;
  /** History rows no CloudTrail record named (principal unknown, bytes kept). */
  unattributed: number;
  /** CloudTrail records with no history row (principal known, bytes unknown). */
  withoutHistory: number;
  /** Rows written to the access partition: reads by other engines, aggregated (queries/sql/access_join.sql). */
  access: number;
  history: CheckedFiles & { files: number };
  cloudTrail: CheckedFiles & { files: number };
  /** The partition folder written (absent when the day had no rows). */
  partition?: string;
  /** Why the existing partition was kept as it was (nothing could be read for the day). */
  kept?: string;
}

function summarise(check: CheckedFiles): JoinSummary["history"] {
  return { ...check, files: check.filesRead + check.skippedFiles };
}

/** A table's folder and the partition the join writes in it, refused when the folder is a link or the partition lies outside it. */
function outputFolders(root: string, name: string, tablePrefix: string, partitionPrefix: string): { table: string; partition: string } {
  const table = path.join(root, tablePrefix);
  const link = fs.existsSync(table) ? symlinkProblem(root, table) : undefined;
  if (link) throw new LakeError(`the ${name} table folder ${table} is ${link.replace(/: skipped$/, "")}; nothing was changed`);
  const partition = path.join(root, partitionPrefix);
  assertInside(table, partition, `the ${name} partition`);
  return { table, partition };
}

export interface EmbeddedJoinOptions extends JoinSqlOptions {
  /** The TB definition the cost column is billed with (core/cost.ts). */
  tb?: TbDefinition;
}

/** Joins day D in `region`, with Athena's system table as a second witness when `systemTables` is on. */
export async function joinDayEmbedded(
  engine: DuckDbEngine,
  day: string,
  region: string,
  options: EmbeddedJoinOptions = {},
): Promise<JoinSummary> {
  const tb = options.tb ?? DEFAULT_TB;
  const lake = engine.lake;
  const prefix = lake.prefix ?? DEFAULT_PREFIX;
  // Every name is checked before a path is built from it: `--region ../..` must never name a folder.
  checkLakeNames({ day, region, prefix, trailPrefix: lake.trailPrefix });
  const window = [addDays(day, -1), day, addDays(day, 1)];
  const parameters = eventsJoinParameters(day, region, tb);
  // Checked before the scratch folder exists: a refused join leaves nothing behind.
  const { table, partition } = outputFolders(lake.root, "events", eventsTablePrefix(prefix), eventsPartitionPrefix(day, region, prefix));
  const { table: accessTable, partition: accessPartition } = outputFolders(
    lake.root,
    "access",
    accessTablePrefix(prefix),
    accessPartitionPrefix(day, region, prefix),
  );
  // A killed run cannot remove its scratch copies; the next one does, once they are stale.
  cleanStaleScratch(os.tmpdir(), SCRATCH_PREFIX);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), SCRATCH_PREFIX));
  cleanLeftovers(table);
  cleanLeftovers(accessTable);
  const pending: string[] = [];
  try {
    const reading = { root: lake.root, scratch };
    const trailFiles = filesForWindow(cloudTrailFiles(lake, { region, days: window }), parameters, cloudTrailDeliveredAt);
    // Folders whose names are no account, region, day or work group are skipped and counted, never read.
    const listed = historyListing(lake, { region, dts: window });
    // Side by side: one parses while the other's files inflate on libuv's threads.
    const [history, cloudTrail] = await Promise.all([readHistory(listed.files, reading), readCloudTrail(trailFiles, reading)]);
    const historyCheck = withSkippedFolders(history.check, listed.skipped);
    const summary = { day, region, history: summarise(historyCheck), cloudTrail: summarise(cloudTrail.check) };
    // A day with nothing readable is no evidence that the day was empty: keep what was joined before.
    if (history.check.filesRead === 0 && cloudTrail.check.filesRead === 0 && fs.existsSync(partition)) {
      const kept = "no history or CloudTrail file could be read for the day";
      return { ...summary, rows: 0, attributed: 0, unattributed: 0, withoutHistory: 0, access: 0, partition, kept };
    }
    fs.mkdirSync(partition, { recursive: true });
    fs.mkdirSync(accessPartition, { recursive: true });
    // The system table is a whole-lake view in the instance's attached catalog, bound before the scoped run names it.
    if (options.systemTables) await engine.bindSystemTable();
    const file = pendingFile(partition);
    const accessFile = pendingFile(accessPartition);
    pending.push(file, accessFile);
    // Each join reads only its own lane of the kept records: Athena's starts, or the other reads.
    const eventsTables = { history: historySql(history.outputs), cloudtrail: cloudTrailLinesSql(cloudTrail.events) };
    // The access join maps S3 reads to tables by the grants snapshots' locations.
    const accessTables = { cloudtrail: cloudTrailLinesSql(cloudTrail.access), grants: grantsSql(grantsFiles(lake)) };
    const events = await engine.withTables(eventsTables, async (scoped) => {
      const rows = await scoped.writeParquet(eventsJoinSql(options), parameters, EVENTS.columns.map(sqlName), file, "events_join");
      const tally = await scoped.run(
        "SELECT count_if(NOT attributed) AS unattributed, count_if(NOT in_history) AS without_history FROM read_parquet(:file)",
        { file },
      );
      // An aggregate without GROUP BY answers with one row, even over no rows.
      const t = defined(tally.rows[0], "the join's tally row");
      return { rows, unattributed: Number(t.unattributed ?? 0), withoutHistory: Number(t.without_history ?? 0) };
    });
    const access = await engine.withTables(accessTables, (scoped) =>
      scoped.writeParquet(accessJoinSql(), accessJoinParameters(day, region), ACCESS.columns.map(sqlName), accessFile, "access_join"),
    );
    const counts = { ...events, access };
    // A join of no rows still wrote its (empty) file: it goes before the commit, which then leaves no folder.
    if (counts.rows === 0) fs.rmSync(file, { force: true });
    if (counts.access === 0) fs.rmSync(accessFile, { force: true });
    commitPartition(partition, counts.rows > 0 ? file : undefined, table);
    commitPartition(accessPartition, counts.access > 0 ? accessFile : undefined, accessTable);
    pending.length = 0;
    return {
      ...summary,
      rows: counts.rows,
      attributed: counts.rows - counts.unattributed,
      unattributed: counts.unattributed,
      withoutHistory: counts.withoutHistory,
      access: counts.access,
      partition: counts.rows > 0 ? partition : undefined,
    };
  } finally {
    for (const file of pending) fs.rmSync(file, { force: true });
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
