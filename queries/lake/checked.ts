/**
 * What reading a day's files found: how much was read, and every file and record skipped, counted
 * and (the first of them) named by file and line or record, so a message can say where to look.
 */
import { logLine } from "../../core/output/log";

export interface Problem {
  file: string;
  /** 1-based line for JSON-lines files; absent when the whole file is unreadable. */
  line?: number;
  /** 1-based position in a CloudTrail file's `Records`. */
  record?: number;
  reason: string;
}

export interface CheckedFiles {
  /** Files read, whole or with some records skipped. */
  filesRead: number;
  /** Records read and not skipped (history lines; CloudTrail records of every kind, parsed or not). */
  records: number;
  skippedFiles: number;
  skippedRecords: number;
  /** The first problems found, for messages (all are counted above). */
  problems: Problem[];
}

const MAX_PROBLEMS_KEPT = 50;

export function emptyCheck(): CheckedFiles {
  return { filesRead: 0, records: 0, skippedFiles: 0, skippedRecords: 0, problems: [] };
}

function note(check: CheckedFiles, problem: Problem): void {
  if (check.problems.length < MAX_PROBLEMS_KEPT) check.problems.push(problem);
}

/** What reading one file gave. */
export interface FileOutcome {
  file: string;
  /** Why the whole file was skipped (nothing of it is read). */
  skipped?: string;
  records: number;
  /** Records skipped, with where and why. */
  bad: Omit<Problem, "file">[];
  /** Remarks that cost no record (garbage after the gzip data, a byte-order mark). */
  remarks: string[];
  /** Per lane (read-files.ts), the copy of its kept records the engine reads (absent when none were kept). */
  copies?: (string | undefined)[];
}

export function skippedFile(file: string, reason: string): FileOutcome {
  return { file, skipped: reason, records: 0, bad: [], remarks: [] };
}

/** The outcomes of a day's files, counted in input order (so messages are the same run after run). */
export function tally(outcomes: readonly FileOutcome[]): CheckedFiles {
  const check = emptyCheck();
  for (const o of outcomes) {
    if (o.skipped !== undefined) {
      check.skippedFiles++;
      note(check, { file: o.file, reason: o.skipped });
      continue;
    }
    check.filesRead++;
    check.records += o.records;
    check.skippedRecords += o.bad.length;
    for (const reason of o.remarks) note(check, { file: o.file, reason });
    for (const bad of o.bad) note(check, { file: o.file, ...bad });
  }
  return check;
}

/** Adds folders the listing skipped (their names fail AWS's grammar) to a day's check: their files count as skipped. */
export function withSkippedFolders(
  check: CheckedFiles,
  skipped: readonly { parent: string; reason: string; files: number }[],
): CheckedFiles {
  const merged = { ...check, problems: [...check.problems] };
  for (const folder of skipped) {
    merged.skippedFiles += folder.files;
    note(merged, { file: folder.parent, reason: folder.reason });
  }
  return merged;
}

/**
 * One warning line per problem kept (file, line or record, why), and one for the count of any not
 * kept: what a command prints after reading `what` (history, CloudTrail) with problems.
 */
export function warningLines(what: string, check: CheckedFiles): string[] {
  if (check.skippedFiles + check.skippedRecords + check.problems.length === 0) return [];
  // The log channel keeps each on one line whatever the path or reason holds (core/output/log.ts).
  const lines = check.problems.map((p) => logLine(`warning: ${what}: ${p.file}${p.line ? `:${p.line}` : ""}: ${p.reason}`));
  const named = check.problems.length;
  lines.push(
    `warning: ${what}: skipped ${check.skippedFiles} file(s) and ${check.skippedRecords} record(s)` +
      (check.skippedFiles + check.skippedRecords > named ? ` (the first ${named} problems named above)` : ""),
  );
  return lines;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A JSON text's value, or why it is none. */
export function parseJson(text: string): { value: unknown } | { reason: string } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    return { reason: `not JSON: ${(error as Error).message}` };
  }
}
