/**
 * Where a day's good records go for the engine: JSON lines in `scratch`, in folders named like the
 * lake's (so the path still names the partitions). A small file's records are held in memory and
 * appended, in input order, to one copy per folder; a big file's spill to a copy of their own. So a
 * day of 2,000 small files costs a handful of file creations, and a 2 GB file a few megabytes.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** Records held per file before they spill to its own copy. */
const SPILL_BYTES = 1 << 20;
/** The folder copy's name: input copies end in `.json`, so none can take it. */
const FOLDER_COPY = "kept-records.jsonl";

/** One input file's good records. */
export class KeptLines {
  count = 0;
  private pending = "";
  private fd: number | undefined;
  private spilled = false;

  /** `copy`: where this file's records go if they spill. */
  constructor(private readonly copy: string) {}

  add(line: string): void {
    this.count++;
    this.pending += `${line}\n`;
    if (this.pending.length >= SPILL_BYTES) this.spill();
  }

  /** The file is read: its spilled copy, or the records still held. */
  close(): { copy?: string; text?: string } {
    if (!this.spilled) return this.pending ? { text: this.pending } : {};
    this.spill();
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
    return { copy: this.copy };
  }

  /** Drops the records (the file turned out unreadable, or is read again). */
  discard(): void {
    this.pending = "";
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
    if (this.spilled) fs.rmSync(this.copy, { force: true });
    this.spilled = false;
  }

  private spill(): void {
    if (this.fd === undefined) {
      fs.mkdirSync(path.dirname(this.copy), { recursive: true });
      this.fd = fs.openSync(this.copy, "w");
      this.spilled = true;
    }
    if (this.pending) fs.writeSync(this.fd, this.pending);
    this.pending = "";
  }
}

/** Appends held records to their folder's copy in input order, whatever order the files finish in. */
export class FolderCopies {
  private readonly waiting = new Map<number, { folder: string; text?: string }>();
  private readonly open = new Map<string, number>();
  private next = 0;

  /** `folder`: the copy folder of input `index`; `text`: its held records, if any. */
  put(index: number, folder: string, text: string | undefined): void {
    this.waiting.set(index, { folder, text });
    for (let ready = this.waiting.get(this.next); ready; ready = this.waiting.get(this.next)) {
      this.waiting.delete(this.next++);
      if (ready.text) fs.writeSync(this.fd(ready.folder), ready.text);
    }
  }

  /** Closes the copies; their paths. */
  close(): string[] {
    for (const fd of this.open.values()) fs.closeSync(fd);
    return [...this.open.keys()].map((folder) => path.join(folder, FOLDER_COPY));
  }

  private fd(folder: string): number {
    let fd = this.open.get(folder);
    if (fd === undefined) {
      fs.mkdirSync(folder, { recursive: true });
      fd = fs.openSync(path.join(folder, FOLDER_COPY), "w");
      this.open.set(folder, fd);
    }
    return fd;
  }
}
