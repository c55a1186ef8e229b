/**
 * Replacing an events partition so that it is whole at every instant. The new Parquet file is
 * written beside the old one under a hidden name, then renamed over it: a rename within a folder
 * is atomic, so a reader (or a kill) sees the old file or the new one, never a mix or nothing.
 * Leftovers of killed runs are hidden from readers and removed by a later run.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** The one file a partition the embedded join writes holds (Athena's INSERT names its own). */
export const PARTITION_FILE = "part-00000.parquet";
/** What a run leaves while it works: hidden (readers skip dot-names), and removable once stale. */
const LEFTOVER = /^\.(?:staging-|trash-|part-.*\.tmp$)/;
/** A leftover older than this belongs to a run that died; a live run finishes a day far sooner. */
export const LEFTOVER_AGE_MS = 15 * 60_000;

/** Where a run writes the partition's next file before committing it. */
export function pendingFile(partition: string): string {
  return path.join(partition, `.part-${crypto.randomUUID()}.tmp`);
}

/** Removes stale leftovers in the events table's folders; returns how many. */
export function cleanLeftovers(table: string, now = Date.now()): number {
  let removed = 0;
  const visit = (dir: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (LEFTOVER.test(entry.name)) {
        if (now - fs.lstatSync(full).mtimeMs > LEFTOVER_AGE_MS) {
          fs.rmSync(full, { recursive: true, force: true });
          removed++;
        }
      } else if (entry.isDirectory() && depth < 2) visit(full, depth + 1);
    }
  };
  visit(table, 0);
  return removed;
}

/** Scratch folders (`<prefix>*` in `dir`) of runs killed long enough ago; a live run's are fresh. */
export function cleanStaleScratch(dir: string, prefix: string, now = Date.now()): number {
  let removed = 0;
  for (const name of fs.readdirSync(dir).filter((n) => n.startsWith(prefix))) {
    const full = path.join(dir, name);
    try {
      if (now - fs.lstatSync(full).mtimeMs <= LEFTOVER_AGE_MS) continue;
      fs.rmSync(full, { recursive: true, force: true });
      removed++;
    } catch {
      // another run removed it first
    }
  }
  return removed;
}

/**
 * Makes `pending` the partition's content, or empties the partition when there is none. Files
 * another writer put there (Athena's INSERT names) are moved aside first and deleted after.
 */
export function commitPartition(partition: string, pending: string | undefined, table: string): void {
  const target = path.join(partition, PARTITION_FILE);
  const foreign = fs.existsSync(partition) ? fs.readdirSync(partition).filter((f) => f !== PARTITION_FILE && !f.startsWith(".")) : [];
  const trash = path.join(table, `.trash-${crypto.randomUUID()}`);
  if (foreign.length > 0) {
    fs.mkdirSync(trash);
    for (const f of foreign) fs.renameSync(path.join(partition, f), path.join(trash, f));
  }
  if (pending) fs.renameSync(pending, target);
  else fs.rmSync(target, { force: true });
  fs.rmSync(trash, { recursive: true, force: true });
  // An empty partition leaves no folders behind: its own, and its day's when no other region is in it.
  if (!pending) for (const folder of [partition, path.dirname(partition)]) if (!removeIfEmpty(folder, table)) break;
}

/** Removes `folder` when it is empty and lies inside `table`; false when it stays. */
function removeIfEmpty(folder: string, table: string): boolean {
  const relative = path.relative(path.resolve(table), path.resolve(folder));
  if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) return false;
  try {
    fs.rmdirSync(folder);
    return true;
  } catch {
    return false; // not empty (another region's partition, a leftover), or already gone
  }
}
