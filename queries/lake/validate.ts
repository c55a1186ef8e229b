/**
 * Reading lake files defensively before the engine sees them: a corrupt gzip file or a line that
 * is not JSON is skipped and counted, named by file and line, and the rest of the day still loads.
 * Files with bad lines are copied without them (same relative path, so partitions still parse).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { Field } from "../schema/types";
import { symlinkProblem } from "./safety";
import { fieldsProblem } from "./shape";

export interface Problem {
  file: string;
  /** 1-based line for JSON-lines files; absent when the whole file is unreadable. */
  line?: number;
  reason: string;
}

export interface CheckedFiles {
  /** Paths the engine may read: the original, or a cleaned copy. */
  readable: string[];
  records: number;
  skippedFiles: number;
  skippedRecords: number;
  /** The first problems found, for messages (all are counted above). */
  problems: Problem[];
}

const MAX_PROBLEMS_KEPT = 50;

export function emptyCheck(): CheckedFiles {
  return { readable: [], records: 0, skippedFiles: 0, skippedRecords: 0, problems: [] };
}

function note(check: CheckedFiles, problem: Problem): void {
  if (check.problems.length < MAX_PROBLEMS_KEPT) check.problems.push(problem);
}

function gunzip(file: string, check: CheckedFiles, root: string): string | undefined {
  const link = symlinkProblem(root, file);
  if (link) {
    check.skippedFiles++;
    note(check, { file, reason: link });
    return undefined;
  }
  try {
    return zlib.gunzipSync(fs.readFileSync(file)).toString("utf8");
  } catch (error) {
    check.skippedFiles++;
    note(check, { file, reason: `unreadable gzip: ${(error as Error).message}` });
    return undefined;
  }
}

function writeCleanCopy(file: string, root: string, scratch: string, text: string): string {
  const copy = path.join(scratch, path.relative(root, file));
  fs.mkdirSync(path.dirname(copy), { recursive: true });
  fs.writeFileSync(copy, zlib.gzipSync(text));
  return copy;
}

/**
 * Gzip JSON lines, one object a line with the string key `idKey` and the shape of `fields`. Lines
 * that are not such objects are skipped and counted.
 */
export function checkJsonLines(
  files: readonly string[],
  idKey: string,
  fields: readonly Field[],
  root: string,
  scratch: string,
): CheckedFiles {
  const check = emptyCheck();
  for (const file of files) {
    const text = gunzip(file, check, root);
    if (text === undefined) continue;
    const kept: string[] = [];
    let bad = 0;
    text.split("\n").forEach((line, index) => {
      if (line.trim() === "") return;
      let reason: string | undefined;
      try {
        const value = JSON.parse(line) as unknown;
        const record = value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
        if (typeof record?.[idKey] !== "string" || record[idKey] === "") reason = `no ${idKey}`;
        else reason = fieldsProblem(record, fields);
      } catch (error) {
        reason = `not JSON: ${(error as Error).message}`;
      }
      if (reason) {
        bad++;
        note(check, { file, line: index + 1, reason });
      } else kept.push(line);
    });
    check.records += kept.length;
    check.skippedRecords += bad;
    check.readable.push(bad === 0 ? file : writeCleanCopy(file, root, scratch, kept.join("\n") + "\n"));
  }
  return check;
}

/** CloudTrail log files: gzip `{"Records": [...]}`; records that are not objects of the shape of `fields` are dropped and counted. */
export function checkCloudTrail(files: readonly string[], fields: readonly Field[], root: string, scratch: string): CheckedFiles {
  const check = emptyCheck();
  for (const file of files) {
    const text = gunzip(file, check, root);
    if (text === undefined) continue;
    let records: unknown;
    try {
      records = (JSON.parse(text) as { Records?: unknown }).Records;
    } catch (error) {
      check.skippedFiles++;
      note(check, { file, reason: `not JSON: ${(error as Error).message}` });
      continue;
    }
    if (!Array.isArray(records)) {
      check.skippedFiles++;
      note(check, { file, reason: "no Records array" });
      continue;
    }
    const kept: unknown[] = [];
    records.forEach((r, index) => {
      const reason =
        r !== null && typeof r === "object" && !Array.isArray(r) ? fieldsProblem(r as Record<string, unknown>, fields) : "not an object";
      if (reason) note(check, { file, reason: `record ${index}: ${reason}` });
      else kept.push(r);
    });
    const bad = records.length - kept.length;
    check.records += kept.length;
    check.skippedRecords += bad;
    check.readable.push(bad === 0 ? file : writeCleanCopy(file, root, scratch, JSON.stringify({ Records: kept })));
  }
  return check;
}
