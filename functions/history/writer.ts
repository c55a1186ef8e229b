/**
 * One history object, (region, dt, work group), written as it is collected. Lines are appended to
 * a temporary file and only a small index (sort key, offset, length) stays in memory, so memory is
 * flat however many executions a day has. At the end the lines are gzipped in a stable order
 * (submission time, then id) and uploaded with lib-storage: the same executions always give the
 * same bytes, whatever order Athena listed them in. A rerun keeps the first collection time and
 * skips the upload when the content is unchanged, so objects do not churn.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import * as s3 from "@aws-sdk/client-s3";
import * as storage from "@aws-sdk/lib-storage";
import { headMetadata } from "../runtime/s3";

export type Outcome = "written" | "unchanged";

interface Entry {
  sortKey: string;
  offset: number;
  length: number;
}

export class HistoryObjectWriter {
  private readonly fd: number;
  private readonly index: Entry[] = [];
  private size = 0;

  private constructor(
    private readonly client: s3.S3Client,
    private readonly bucket: string,
    readonly key: string,
    private readonly rawFile: string,
    private readonly existing: Record<string, string> | undefined,
    /** When this object was first collected (kept across reruns). */
    readonly collectedAt: string,
  ) {
    this.fd = fs.openSync(rawFile, "w+");
  }

  /** `exists`: a listing showed the key, so its metadata (first collection time, content hash) is read. */
  static async open(
    client: s3.S3Client,
    bucket: string,
    key: string,
    scratch: string,
    now: Date,
    exists: boolean,
  ): Promise<HistoryObjectWriter> {
    const existing = exists ? await headMetadata(client, bucket, key) : undefined;
    const collectedAt = existing?.["collected-at"] ?? now.toISOString();
    return new HistoryObjectWriter(client, bucket, key, path.join(scratch, `${crypto.randomUUID()}.jsonl`), existing, collectedAt);
  }

  get lines(): number {
    return this.index.length;
  }

  write(line: string, sortKey: string): void {
    const bytes = Buffer.from(`${line}\n`);
    fs.writeSync(this.fd, bytes, 0, bytes.length, this.size);
    this.index.push({ sortKey, offset: this.size, length: bytes.length });
    this.size += bytes.length;
  }

  /** Gzips the lines in order and uploads them, unless an identical object is there already (or `force`). */
  async finish(force: boolean): Promise<Outcome> {
    const gzFile = `${this.rawFile}.gz`;
    try {
      const sha = await this.compress(gzFile);
      if (!force && this.existing?.["content-sha256"] === sha) return "unchanged";
      await new storage.Upload({
        client: this.client,
        params: {
          Bucket: this.bucket,
          Key: this.key,
          Body: fs.createReadStream(gzFile),
          ContentType: "application/x-ndjson",
          Metadata: { "collected-at": this.collectedAt, "content-sha256": sha, records: String(this.lines) },
        },
      }).done();
      return "written";
    } finally {
      this.abandon();
      fs.rmSync(gzFile, { force: true });
    }
  }

  /** Drops the temporary file without uploading (the run failed). */
  abandon(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      // already closed
    }
    fs.rmSync(this.rawFile, { force: true });
  }

  private async compress(gzFile: string): Promise<string> {
    this.index.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    const hash = crypto.createHash("sha256");
    const gzip = zlib.createGzip({ level: 6 });
    const out = fs.createWriteStream(gzFile);
    const closed = new Promise<void>((resolve, reject) => {
      out.once("close", resolve);
      out.once("error", reject);
    });
    gzip.pipe(out);
    for (const entry of this.index) {
      const bytes = Buffer.alloc(entry.length);
      fs.readSync(this.fd, bytes, 0, entry.length, entry.offset);
      hash.update(bytes);
      if (!gzip.write(bytes)) await new Promise<void>((resolve) => gzip.once("drain", resolve));
    }
    gzip.end();
    await closed;
    return hash.digest("hex");
  }
}
