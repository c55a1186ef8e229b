/**
 * Reading a day's files of one table, each once, streaming: a file that cannot be read is skipped
 * and named, a file's bad records are skipped and counted, and its good records go to JSON-lines
 * copies in `scratch` (copies.ts), which are what the engine reads. A reader may sort records into
 * lanes, each with copies of its own, so a query reads only the lane it needs.
 */
import * as path from "node:path";
import { mapLimit } from "../../core/concurrency";
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
  /** Each lane's copies in input order; the lanes in the order they were named. */
  lanes: string[][];
}

/** Reads one file's decompressed bytes into its lanes. */
export interface FileReader extends ChunkReader {
  readonly lanes: readonly KeptLines[];
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

/** Ways to read a file, tried in turn while one is unsure; `lanes` in the order readDayFiles names them. */
export type ReaderFactory = (lanes: KeptLines[]) => FileReader;

/** What reading a file gave, and per lane its records still held in memory (see copies.ts). */
type FileRead = FileOutcome & { texts?: (string | undefined)[] };

const discard = (reader: FileReader | undefined) => reader?.lanes.forEach((lane) => lane.discard());

async function readOne(file: string, copies: string[], options: ReadOptions, readers: readonly ReaderFactory[]): Promise<FileRead> {
  const link = symlinkProblem(options.root, file);
  if (link) return skippedFile(file, link);
  let current: FileReader | undefined;
  try {
    for (const [attempt, reader] of readers.entries()) {
      const inflated = await inflateFile(file, () => {
        discard(current);
        current = reader(copies.map((copy) => new KeptLines(copy)));
        return current;
      });
      const read = inflated.reader;
      const frame = read.end();
      const retry = attempt < readers.length - 1 && read.unsure?.() === true;
      if (frame || retry) discard(read);
      if (retry) continue;
      if (frame) return skippedFile(file, frame);
      const remarks = [
        ...(inflated.garbageBytes ? [`${inflated.garbageBytes} bytes of garbage after the gzip data ignored`] : []),
        ...(read.hadBom() ? ["UTF-8 byte-order mark ignored"] : []),
      ];
      const closed = read.lanes.map((lane) => lane.close());
      return { file, records: read.records(), bad: read.bad, remarks, copies: closed.map((c) => c.copy), texts: closed.map((c) => c.text) };
    }
    throw new Error("no reader given");
  } catch (error) {
    discard(current);
    if (!(error instanceof UnreadableFile)) throw error;
    return skippedFile(file, error.message);
  }
}

/** Reads `files` into copies in a folder per lane (a table's name); the copies and what was found, in input order. */
export async function readDayFiles(
  files: readonly string[],
  options: ReadOptions,
  lanes: readonly string[],
  readers: readonly ReaderFactory[],
): Promise<DayFiles> {
  const folders = lanes.map((lane) => ({ lane, copies: new FolderCopies() }));
  const outcomes = await mapLimit(files, options.concurrency ?? DEFAULT_CONCURRENCY, async (file, index) => {
    const relative = path.relative(options.root, file).replace(/\.gz$/, "");
    const targets = folders.map((folder) => ({ folder, copy: path.join(options.scratch, folder.lane, relative) }));
    const copies = targets.map(({ copy }) => copy);
    const { texts, ...outcome } = await readOne(file, copies, options, readers);
    targets.forEach(({ folder, copy }, lane) => folder.copies.put(index, path.dirname(copy), texts?.[lane]));
    return outcome;
  });
  const outputs = folders.map((folder, lane) => [...folder.copies.close(), ...outcomes.flatMap((o) => o.copies?.[lane] ?? [])]);
  return { check: tally(outcomes), lanes: outputs };
}
