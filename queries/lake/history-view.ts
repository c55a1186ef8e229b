/**
 * The whole lake's history as the report reads it: every line through the join's own checks
 * (read-history.ts), into copies the engine reads, so a line the join would skip (invalid UTF-8, a
 * lone surrogate, a name outside AWS's grammar) is skipped and counted here too, never handed raw
 * to DuckDB, which refuses the whole table for it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CheckedFiles, withSkippedFolders } from "./checked";
import { historyListing, LakeLocation } from "./files";
import { readHistory } from "./read-history";

/** Scratch folders of the report's history copies in the OS temp dir. */
const SCRATCH_PREFIX = "athena-audit-history-";
/** A report reads for minutes; copies a day old belong to a process that was killed. */
const STALE_AFTER_MS = 24 * 3_600_000;

export interface HistoryCopies {
  /** The copies, for the engine's view. */
  outputs: string[];
  check: CheckedFiles;
}

/** Removes scratch folders of killed processes; a live one's are younger than a day. */
function removeStale(dir: string, now: number): void {
  for (const name of fs.readdirSync(dir).filter((n) => n.startsWith(SCRATCH_PREFIX))) {
    try {
      const full = path.join(dir, name);
      if (now - fs.lstatSync(full).mtimeMs > STALE_AFTER_MS) fs.rmSync(full, { recursive: true, force: true });
    } catch {
      // another process removed it first
    }
  }
}

/** One engine's checked copies of the lake's history: read anew on each `read`, removed on `dispose`. */
export class CheckedHistory {
  private scratch: string | undefined;

  constructor(private readonly lake: LakeLocation) {}

  async read(): Promise<HistoryCopies> {
    removeStale(os.tmpdir(), Date.now());
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), SCRATCH_PREFIX));
    try {
      const listed = historyListing(this.lake);
      const read = await readHistory(listed.files, { root: this.lake.root, scratch });
      // The copies of an earlier read go once the new ones are whole (a refresh re-reads the lake).
      this.dispose();
      this.scratch = scratch;
      return { outputs: read.outputs, check: withSkippedFolders(read.check, listed.skipped) };
    } catch (error) {
      fs.rmSync(scratch, { recursive: true, force: true });
      throw error;
    }
  }

  dispose(): void {
    if (this.scratch) fs.rmSync(this.scratch, { recursive: true, force: true });
    this.scratch = undefined;
  }
}
