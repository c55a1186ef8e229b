/**
 * The lake's guard rails: names are checked against AWS's grammar before any path is built from
 * them, every path the join writes or deletes is proven to lie inside its table folder, and input
 * reached through a symbolic link is refused (a link can lead out of the lake, or into another
 * day's partition and count its rows twice).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseDay } from "../../core/days";
import { InputError, LakeError } from "../../core/errors";
import { KEY_PREFIX_PATTERN, REGION_PATTERN } from "../../core/names";

export interface LakeNames {
  day?: string;
  region?: string;
  /** The audit's key prefix. */
  prefix?: string;
  /** Where the trail delivers, before `AWSLogs/`. */
  trailPrefix?: string;
}

/** Refuses, by name, any value that is not what AWS would accept in that place. */
export function checkLakeNames(names: LakeNames): void {
  if (names.day !== undefined) parseDay(names.day, "day");
  if (names.region !== undefined && !REGION_PATTERN.test(names.region)) {
    throw new InputError(`region ${JSON.stringify(names.region)} is not an AWS region name (like us-east-1)`);
  }
  for (const [key, value] of [
    ["prefix", names.prefix],
    ["trail prefix", names.trailPrefix],
  ] as const) {
    if (value !== undefined && value !== "" && !KEY_PREFIX_PATTERN.test(value)) {
      throw new InputError(`${key} ${JSON.stringify(value)} is not a key prefix (segments of letters, digits and !_.*'()-, no . or ..)`);
    }
  }
}

/** `candidate` must lie strictly inside `folder` (both resolved): the join never touches anything else. */
export function assertInside(folder: string, candidate: string, what: string): void {
  const relative = path.relative(path.resolve(folder), path.resolve(candidate));
  if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) {
    throw new LakeError(`${what} ${candidate} would lie outside ${folder}; nothing was changed`);
  }
}

const realRoots = new Map<string, string>();

/** The lake root's own real path, resolved once: every input file of a day is compared with it. */
function realRoot(root: string): string {
  let real = realRoots.get(root);
  if (real === undefined) {
    real = fs.realpathSync(root);
    realRoots.set(root, real);
  }
  return real;
}

/** Why `file` (below `root`) may not be read, when it or a folder on its way is a symbolic link. */
export function symlinkProblem(root: string, file: string): string | undefined {
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch (error) {
    return `cannot resolve: ${(error as Error).message}`;
  }
  const expected = path.join(realRoot(root), path.relative(root, file));
  return real === expected ? undefined : `reached through a symbolic link (it leads to ${real}): skipped`;
}
