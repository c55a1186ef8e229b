/**
 * Reading a day's files of one table, each once, streaming: a file that cannot be read is skipped
 * and named, a file's bad records are skipped and counted, and its good records are written as it
 * goes to a JSON-lines copy in `scratch` (same relative path, so the folders still name the
 * partitions), which is what the engine reads. Nothing is held per file but the chunk in hand.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { mapLimit } from "../concurrency";
import { CheckedFiles, FileOutcome, Problem, skippedFile, tally } from "./checked";
import { ChunkReader, inflateFile, UnreadableFile } from "./gzip";
import { symlinkProblem } from "./safety";

/** Files in flight: decompression runs on libuv's threads while this one parses. */
const DEFAULT_CONCURRENCY = 4;
/** Kept lines are written in batches of about this many characters. */
const WRITE_BATCH = 1 << 20;

export interface ReadOptions {
  /** The lake root: every file must lie below it, reached without symbolic links. */
  root: string;
  /** Where the copies go. */
  scratch: string;
  /** Files read at once. */
  concurrency?: number;
}

export interface DayFiles {
  check: CheckedFiles;
  /** The copies, in input order, for the engine. */
  outputs: string[];
}

/** One input file's good records, written to its copy as they come. */
export class KeptLines {
  count = 0;
  private pending = "";
  private fd: number | undefined;

  constructor(readonly file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.fd = fs.openSync(file, "w");
  }

  add(line: string): void {
    this.count++;
    this.pending += `${line}\n`;
    if (this.pending.length >= WRITE_BATCH) this.flush();
  }

  /** Flushes and closes; the copy stays. */
  close(): void {
    this.flush();
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  /** Closes and removes the copy. */
  discard(): void {
    this.pending = "";
    this.close();
    fs.rmSync(this.file, { force: true });
  }

  private flush(): void {
    if (this.pending && this.fd !== undefined) fs.writeSync(this.fd, this.pending);
    this.pending = "";
  }
}

/** Reads one file's decompressed bytes into `kept`. */
export interface FileReader extends ChunkReader {
  readonly kept: KeptLines;
  /** Records read that were not kept, with where and why. */
  readonly bad: Omit<Problem, "file">[];
  /** Records read and not skipped (kept, or of no use to the join). */
  records(): number;
  hadBom(): boolean;
  /** After the last chunk: why the file as a whole cannot be read, if it cannot (the copy is then discarded). */
  end(): string | undefined;
  /** This reading cannot vouch for its result: the next way of reading should read the file again. */
  unsure?(): boolean;
}

/** Ways to read a file, tried in turn while one is unsure. */
export type ReaderFactory = (kept: KeptLines) => FileReader;

async function readOne(file: string, options: ReadOptions, table: string, readers: readonly ReaderFactory[]): Promise<FileOutcome> {
  const link = symlinkProblem(options.root, file);
  if (link) return skippedFile(file, link);
  const copy = path.join(options.scratch, table, path.relative(options.root, file)).replace(/\.gz$/, "");
  let current: FileReader | undefined;
  try {
    for (const [attempt, reader] of readers.entries()) {
      const inflated = await inflateFile(file, () => {
        current?.kept.discard();
        current = reader(new KeptLines(copy));
        return current;
      });
      const read = inflated.reader;
      const frame = read.end();
      read.kept.close();
      if (attempt < readers.length - 1 && read.unsure?.()) continue;
      if (frame) {
        read.kept.discard();
        return skippedFile(file, frame);
      }
      const remarks = [
        ...(inflated.garbageBytes ? [`${inflated.garbageBytes} bytes of garbage after the gzip data ignored`] : []),
        ...(read.hadBom() ? ["UTF-8 byte-order mark ignored"] : []),
      ];
      return { file, records: read.records(), bad: read.bad, remarks, copy: read.kept.count > 0 ? copy : undefined };
    }
    throw new Error("no reader given");
  } catch (error) {
    current?.kept.discard();
    if (!(error instanceof UnreadableFile)) throw error;
    return skippedFile(file, error.message);
  }
}

/** Reads `files` of `table`; the copies and what was found, in input order. */
export async function readDayFiles(
  files: readonly string[],
  options: ReadOptions,
  table: string,
  readers: readonly ReaderFactory[],
): Promise<DayFiles> {
  const outcomes = await mapLimit(files, options.concurrency ?? DEFAULT_CONCURRENCY, (file) => readOne(file, options, table, readers));
  return { check: tally(outcomes), outputs: outcomes.flatMap((o) => (o.copy ? [o.copy] : [])) };
}
