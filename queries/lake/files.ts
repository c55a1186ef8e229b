/** Finding a table's files in a local lake folder, which mirrors the bucket's keys one to one. */
import * as fs from "node:fs";
import * as path from "node:path";
import { cloudTrailDay } from "../../core/days";
import { LakeError } from "../../core/errors";
import {
  ACCOUNT_FOLDER,
  billingTablePrefix,
  cloudTrailRoot,
  DEFAULT_PREFIX,
  eventsTablePrefix,
  accessTablePrefix,
  grantsTablePrefix,
  historyTablePrefix,
  liveAlertsTablePrefix,
  ORGANIZATION_FOLDER,
  systemTablePrefix,
  trailsTablePrefix,
} from "../../core/layout";
import { QUERY_EXECUTIONS } from "../schema/system-tables";
import { isRegionName, partitionFolderProblem } from "./values";

export interface LakeLocation {
  /** The local folder standing for the bucket. */
  root: string;
  /** Key prefix of the audit's own tables (default `athena-audit`). */
  prefix?: string;
  /** Key prefix before `AWSLogs/` where the trail delivers (default: the bucket root). */
  trailPrefix?: string;
}

export function assertLake(lake: LakeLocation): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(lake.root);
  } catch {
    throw new LakeError(`lake folder ${lake.root} does not exist (generate one with: athena-audit demo --lake ${lake.root})`);
  }
  if (!stat.isDirectory()) throw new LakeError(`lake ${lake.root} is not a folder`);
}

/**
 * Appends `items` to `into` one by one: `into.push(...items)` passes each item as an argument on
 * the stack and overflows it above about 125k (one CloudTrail folder can hold more files than that).
 */
function append<T>(into: T[], items: readonly T[]): T[] {
  for (const item of items) into.push(item);
  return into;
}

function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/**
 * Files with `suffix` below `dir` (links followed, so the checks can name what a link leads to),
 * hidden names left out. A folder that happens to be named `x.json.gz` is not a file to read.
 * Listed by name: with `withFileTypes` (3x faster) Node would not descend into linked folders.
 */
function filesUnder(dir: string, suffix: string): string[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir, { recursive: true, encoding: "utf8" });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.endsWith(suffix) && !e.split(path.sep).some((part) => part.startsWith(".")))
    .map((e) => path.join(dir, e))
    .filter(isFile)
    .sort();
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false; // a dangling link holds nothing to read, and the whole-lake views must not trip on it
  }
}

/** A partition folder whose name fails AWS's grammar: kept out of every path, named, its files counted. */
export interface SkippedFolder {
  /** The folder holding it (every part of which passed the checks), safe to print. */
  parent: string;
  /** Why, the folder's name JSON-escaped. */
  reason: string;
  /** Files of the table below it that were not read. */
  files: number;
}

export interface HistoryListing {
  files: string[];
  skipped: SkippedFolder[];
}

type HistoryKey = "account" | "region" | "dt" | "workgroup";

/**
 * The sub-folders of `dir` that are good `<key>=` partitions, in order, or (given `only`, already
 * checked values) just those. A folder with another name is skipped and counted with the files it holds.
 */
function partitions(dir: string, key: HistoryKey, listing: HistoryListing, only?: readonly string[]): string[] {
  if (only) return only.map((value) => path.join(dir, `${key}=${value}`));
  const good: string[] = [];
  // Hidden names are a run's leftovers or a tool's, never read (as filesUnder leaves them out).
  for (const name of listDir(dir).filter((n) => !n.startsWith("."))) {
    const full = path.join(dir, name);
    const problem = partitionFolderProblem(key, name);
    if (!problem) good.push(full);
    else {
      const files = name.endsWith(".json.gz") && isFile(full) ? 1 : filesUnder(full, ".json.gz").length;
      // A stray file or an empty folder loses nothing: only folders with data are worth a warning.
      if (files > 0) listing.skipped.push({ parent: dir, reason: `${problem}: its ${files} file(s) skipped`, files });
    }
  }
  return good;
}

/**
 * History files of every account, optionally only those of some regions and days, and the folders
 * skipped because their names are no account, region, day or work group: such a name never reaches
 * a path the engine reads, a copy's folder or a message unescaped.
 */
export function historyListing(lake: LakeLocation, filter: { region?: string; dts?: readonly string[] } = {}): HistoryListing {
  const listing: HistoryListing = { files: [], skipped: [] };
  const table = path.join(lake.root, historyTablePrefix(lake.prefix ?? DEFAULT_PREFIX));
  for (const account of partitions(table, "account", listing)) {
    for (const region of partitions(account, "region", listing, filter.region === undefined ? undefined : [filter.region])) {
      for (const day of partitions(region, "dt", listing, filter.dts)) {
        for (const workGroup of partitions(day, "workgroup", listing)) append(listing.files, filesUnder(workGroup, ".json.gz"));
      }
    }
  }
  return listing;
}

/** Regions with history in the lake, in any account, from its folders (no file is read); bad names left out. */
export function historyRegions(lake: LakeLocation): string[] {
  const listing: HistoryListing = { files: [], skipped: [] };
  const table = path.join(lake.root, historyTablePrefix(lake.prefix ?? DEFAULT_PREFIX));
  const regions = partitions(table, "account", listing).flatMap((account) =>
    partitions(account, "region", listing).map((dir) => path.basename(dir).slice("region=".length)),
  );
  return [...new Set(regions)].sort();
}

/** History files of every account, optionally only those of some regions and days (good partitions only). */
export function historyFiles(lake: LakeLocation, filter: { region?: string; dts?: readonly string[] } = {}): string[] {
  return historyListing(lake, filter).files;
}

/** Folders below `AWSLogs/` that hold accounts: the top itself, and each organization's folder. */
function accountFolders(awsLogs: string): string[] {
  const folders: string[] = [];
  for (const entry of listDir(awsLogs)) {
    if (ACCOUNT_FOLDER.test(entry)) folders.push(path.join(awsLogs, entry));
    else if (ORGANIZATION_FOLDER.test(entry)) {
      for (const account of listDir(path.join(awsLogs, entry))) {
        if (ACCOUNT_FOLDER.test(account)) folders.push(path.join(awsLogs, entry, account));
      }
    }
  }
  return folders;
}

/** Regions the lake's CloudTrail folders hold, across accounts (no file is read). */
export function cloudTrailRegions(lake: LakeLocation): string[] {
  const awsLogs = path.join(lake.root, cloudTrailRoot(lake.trailPrefix));
  return [...new Set(accountFolders(awsLogs).flatMap((account) => listDir(path.join(account, "CloudTrail")).filter(isRegionName)))].sort();
}

/** CloudTrail log files, optionally only those of a region and some day folders. */
export function cloudTrailFiles(lake: LakeLocation, filter: { region?: string; days?: readonly string[] } = {}): string[] {
  const awsLogs = path.join(lake.root, cloudTrailRoot(lake.trailPrefix));
  const files: string[] = [];
  for (const account of accountFolders(awsLogs)) {
    const trail = path.join(account, "CloudTrail");
    // CloudTrail names its region folders; anything else there is no region to read.
    const regions = filter.region ? [filter.region] : listDir(trail).filter(isRegionName);
    for (const region of regions) {
      if (!filter.days) {
        append(files, filesUnder(path.join(trail, region), ".json.gz"));
        continue;
      }
      for (const day of filter.days) append(files, filesUnder(path.join(trail, region, cloudTrailDay(day)), ".json.gz"));
    }
  }
  return files;
}

export function eventsFiles(lake: LakeLocation): string[] {
  return filesUnder(path.join(lake.root, eventsTablePrefix(lake.prefix ?? DEFAULT_PREFIX)), ".parquet");
}

export function accessFiles(lake: LakeLocation): string[] {
  return filesUnder(path.join(lake.root, accessTablePrefix(lake.prefix ?? DEFAULT_PREFIX)), ".parquet");
}

export function billingFiles(lake: LakeLocation): string[] {
  return filesUnder(path.join(lake.root, billingTablePrefix(lake.prefix ?? DEFAULT_PREFIX)), ".json.gz");
}

/** The local copy of Athena's query_executions system table (absent folder: no files). */
export function systemTableFiles(lake: LakeLocation): string[] {
  return filesUnder(path.join(lake.root, systemTablePrefix(QUERY_EXECUTIONS)), ".json.gz");
}

export function grantsFiles(lake: LakeLocation): string[] {
  return filesUnder(path.join(lake.root, grantsTablePrefix(lake.prefix ?? DEFAULT_PREFIX)), ".json.gz");
}

export function trailsFiles(lake: LakeLocation): string[] {
  return filesUnder(path.join(lake.root, trailsTablePrefix(lake.prefix ?? DEFAULT_PREFIX)), ".json.gz");
}

/** The live alerts' log: plain `.json` objects, one an alert. */
export function liveAlertsFiles(lake: LakeLocation): string[] {
  return filesUnder(path.join(lake.root, liveAlertsTablePrefix(lake.prefix ?? DEFAULT_PREFIX)), ".json");
}
