/**
 * What the command line checks before it reads, writes or deletes anything: folders it reads must
 * exist and hold what the command needs, folders it writes must be folders it can write, and the
 * demo replaces only a lake it made itself. Each decision is a pure function of facts gathered
 * once (`pathFacts`), so a refusal never follows a half-done change.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { InputError } from "../core/errors";
import { assertLake, cloudTrailFiles, historyFiles, LakeLocation } from "../queries/lake/files";
import { eventsTablePrefix, grantsTablePrefix, historyTablePrefix } from "../core/layout";

/** The file the demo writes into a lake it generates: its licence to replace that folder next time. */
export const DEMO_MARKER = ".athena-audit-demo";
/** The demo's own folder, replaced without a marker too (lakes of versions before the marker have none). */
export const DEFAULT_DEMO_LAKE = ".demo-lake";

export interface PathFacts {
  /** The path as given, resolved. */
  resolved: string;
  kind: "missing" | "folder" | "other";
  /** A folder's entries (none otherwise). */
  entries: string[];
  /** The path itself when it exists, else its nearest existing ancestor: where a creation would start. */
  existing: string;
  existingIsFolder: boolean;
  /** Whether this process may create entries in `existing`. */
  existingWritable: boolean;
}

/** The one place that looks at the disk for the decisions below. */
export function pathFacts(target: string): PathFacts {
  const resolved = path.resolve(target);
  let existing = resolved;
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  const stat = fs.statSync(existing);
  const kind = existing !== resolved ? "missing" : stat.isDirectory() ? "folder" : "other";
  let existingWritable = true;
  try {
    fs.accessSync(existing, fs.constants.W_OK);
  } catch {
    existingWritable = false;
  }
  const entries = kind === "folder" ? fs.readdirSync(resolved) : [];
  return { resolved, kind, entries, existing, existingIsFolder: stat.isDirectory(), existingWritable };
}

/** Why reports cannot go to `dir` (`flag` names the option), or undefined when they can. */
export function outputFolderProblem(flag: string, dir: string, facts: PathFacts): string | undefined {
  if (facts.kind === "other") return `${flag} ${dir} is a file, not a folder; nothing was written`;
  if (!facts.existingIsFolder) return `${flag} ${dir} cannot be created: ${facts.existing} is a file; nothing was written`;
  if (!facts.existingWritable) return `${flag} ${dir}: ${facts.existing} is not writable; nothing was written`;
  return undefined;
}

/** Refuses, before any query runs, an output folder that could not be written at the end. */
export function checkOutputFolder(flag: string, dir: string): void {
  const problem = outputFolderProblem(flag, dir, pathFacts(dir));
  if (problem) throw new InputError(problem);
}

export type DemoLakeAction = "create" | "replace";

/**
 * Whether the demo may generate into `dir`: a missing or empty folder it creates or fills; its
 * own (marked, or the default folder) it replaces; anything else only with `force`. A folder
 * holding the working directory, the home folder or a file-system root is never emptied.
 */
export function demoLakeAction(dir: string, facts: PathFacts, context: { force: boolean; cwd: string; home: string }): DemoLakeAction {
  const refuse = (why: string) => new InputError(`--lake ${dir} ${why}; nothing was changed`);
  if (facts.kind === "other") throw refuse("is a file, not a folder");
  if (facts.kind === "missing") {
    if (!facts.existingIsFolder) throw refuse(`cannot be created: ${facts.existing} is a file`);
    if (!facts.existingWritable) throw refuse(`cannot be created: ${facts.existing} is not writable`);
    return "create";
  }
  if (!facts.existingWritable) throw refuse("is not writable");
  if (facts.entries.length === 0) return "create";
  const inside = path.relative(facts.resolved, context.cwd);
  const holdsCwd = !inside.startsWith("..") && !path.isAbsolute(inside);
  if (holdsCwd || facts.resolved === path.resolve(context.home) || path.parse(facts.resolved).root === facts.resolved)
    throw refuse("holds the working directory or is a home or root folder; the demo never empties it");
  const own = facts.entries.includes(DEMO_MARKER) || facts.resolved === path.resolve(context.cwd, DEFAULT_DEMO_LAKE);
  if (own || context.force) return "replace";
  throw refuse(`is not empty and the demo did not make it (no ${DEMO_MARKER} in it); name a new folder, or pass --force to replace it`);
}

/**
 * Makes `dir` the demo's, empty and marked, after `demoLakeAction` allowed it. Only its entries are
 * removed: the folder itself (a mount point, a link's target) stays.
 */
export function prepareDemoLake(dir: string, action: DemoLakeAction): void {
  if (action === "replace") for (const entry of fs.readdirSync(dir)) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, DEMO_MARKER), "Generated by `athena-audit demo`, which replaces this folder on its next run.\n");
}

/** The demo's lake decision from the disk and the process. */
export function checkDemoLake(dir: string, force: boolean): DemoLakeAction {
  return demoLakeAction(dir, pathFacts(dir), { force, cwd: process.cwd(), home: os.homedir() });
}

/** A lake the report reads must exist and hold an events table: a lake never joined has nothing to report. */
export function checkReportLake(lake: LakeLocation & { prefix: string }): void {
  assertLake(lake);
  const events = eventsTablePrefix(lake.prefix);
  if (!fs.existsSync(path.join(lake.root, events)))
    throw new InputError(
      `the lake ${lake.root} holds no events table (${events}): wrong --lake or --prefix, or join its days first ` +
        `(athena-audit join --lake ${lake.root} --day YYYY-MM-DD)`,
    );
}

/** A lake to migrate must exist and hold history or grants under the prefix, else there is nothing to move. */
export function checkMigrateLake(lake: LakeLocation & { prefix: string }): void {
  assertLake(lake);
  const tables = [historyTablePrefix(lake.prefix), grantsTablePrefix(lake.prefix)];
  if (!tables.some((t) => fs.existsSync(path.join(lake.root, t))))
    throw new InputError(`the lake ${lake.root} holds neither ${tables.join(" nor ")}: wrong --lake or --prefix; nothing was moved`);
}

/** Input files of `day` in each region: history of the day, and CloudTrail delivered that day. */
export function dayInputs(lake: LakeLocation, day: string, regions: readonly string[]): Map<string, number> {
  return new Map(
    regions.map((region) => [
      region,
      historyFiles(lake, { region, dts: [day] }).length + cloudTrailFiles(lake, { region, days: [day] }).length,
    ]),
  );
}

/** Days an empty-day refusal lists before it counts the rest. */
const LISTED_DAYS = 5;

/**
 * A day with no history and no CloudTrail in any region asked for is input that does not exist (a
 * mistyped day, or input not delivered yet): the join cannot tell it from a quiet day, and would
 * keep whatever was joined before anyway, so it refuses, before joining any day of the run, instead
 * of reporting success. `inputs`: each day's `dayInputs`.
 */
export function emptyDaysProblem(
  lake: string,
  regions: readonly string[],
  inputs: ReadonlyMap<string, ReadonlyMap<string, number>>,
): string | undefined {
  const empty = [...inputs].filter(([, byRegion]) => ![...byRegion.values()].some((n) => n > 0)).map(([day]) => day);
  if (empty.length === 0) return undefined;
  const more = empty.length - LISTED_DAYS;
  const days = more > 0 ? `${empty.slice(0, LISTED_DAYS).join(", ")} and ${more} more days` : empty.join(", ");
  return `no history or CloudTrail for ${days} in ${lake} (region ${regions.join(", ")}); nothing was joined`;
}
