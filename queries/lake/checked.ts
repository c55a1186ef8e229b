/**
 * What reading a day's files found: how much was read, and every file and record skipped, counted
 * and (the first of them) named by file and line or record, so a message can say where to look.
 */

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
  /** The copy of its kept records the engine reads (absent when none were kept). */
  copy?: string;
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
