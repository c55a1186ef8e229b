/**
 * Reading a day's files of one table, each once, streaming: a file that cannot be read is skipped
 * and named, a file's bad records are skipped and counted, and its good records go to JSON-lines
 * copies in `scratch` (copies.ts), which are what the engine reads.
 */
import * as path from "node:path";
import { mapLimit } from "../concurrency";
import { CheckedFiles, FileOutcome, Problem, skippedFile, tally } from "./checked";
import { FolderCopies, KeptLines } from "./copies";
import { ChunkReader, inflateFile, UnreadableFile } from "./gzip";
import { symlinkProblem } from "./safety";

/** Files in flight: decompression runs on libuv's threads while this one parses. */
const DEFAULT_CONCURRENCY = 4;

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

/** What reading a file gave, and its records still held in memory (see copies.ts). */
type FileRead = FileOutcome & { text?: string };

async function readOne(file: string, copy: string, options: ReadOptions, readers: readonly ReaderFactory[]): Promise<FileRead> {
  const link = symlinkProblem(options.root, file);
  if (link) return skippedFile(file, link);
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
      const retry = attempt < readers.length - 1 && read.unsure?.() === true;
      if (frame || retry) read.kept.discard();
      if (retry) continue;
      if (frame) return skippedFile(file, frame);
      const remarks = [
        ...(inflated.garbageBytes ? [`${inflated.garbageBytes} bytes of garbage after the gzip data ignored`] : []),
        ...(read.hadBom() ? ["UTF-8 byte-order mark ignored"] : []),
      ];
      return { file, records: read.records(), bad: read.bad, remarks, ...read.kept.close() };
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
  const folders = new FolderCopies();
  const outcomes = await mapLimit(files, options.concurrency ?? DEFAULT_CONCURRENCY, async (file, index) => {
    const copy = path.join(options.scratch, table, path.relative(options.root, file)).replace(/\.gz$/, "");
    const { text, ...outcome } = await readOne(file, copy, options, readers);
    folders.put(index, path.dirname(copy), text);
    return outcome;
  });
  const spilled = outcomes.flatMap((o) => (o.copy ? [o.copy] : []));
  return { check: tally(outcomes), outputs: [...folders.close(), ...spilled] };
}
