/**
 * The live path's state in the audit bucket (core/layout.ts' `live/` keys). Every write either
 * names what it records by its key (so a duplicate event writes the same object again), or is a
 * claim: created only if absent (S3's conditional write, `If-None-Match: *`), after a read that
 * finds most duplicates without writing. The read matters where the store ignores the condition.
 */
import { createHash } from "node:crypto";
import * as s3 from "@aws-sdk/client-s3";
import { AuditError } from "../../core/errors";
import * as layout from "../../core/layout";
import type { LiveEvent } from "./events";

const status = (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;

/** A principal's name in keys: an ARN holds `/` and `:`. */
export const principalKey = (arn: string) => createHash("sha256").update(arn).digest("hex").slice(0, 32);

export class LiveState {
  /** S3 calls made, by operation: the report of each invocation. */
  readonly calls: Record<string, number> = {};

  /** The account's folder of live state (core/layout.ts' liveStatePrefix). */
  readonly root: string;
  /** Its folder of short-lived keys, which the bucket expires after a day (liveTransientPrefix). */
  readonly transient: string;

  constructor(
    private readonly client: s3.S3Client,
    private readonly bucket: string,
    /** The audit's key prefix and the account judged: where the alerts' log goes too. */
    readonly prefix: string,
    readonly account: string,
  ) {
    this.root = layout.liveStatePrefix(prefix, account);
    this.transient = layout.liveTransientPrefix(prefix, account);
  }

  private count(operation: string): void {
    this.calls[operation] = (this.calls[operation] ?? 0) + 1;
  }

  /** The object's text, or undefined when it does not exist (404: the role may list `live/`). */
  async read(key: string): Promise<string | undefined> {
    this.count("GetObject");
    try {
      const object = await this.client.send(new s3.GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return await object.Body?.transformToString();
    } catch (error) {
      if (status(error) === 404) return undefined;
      // S3 answers 403 rather than 404 for a missing key unless s3:ListBucket allows the caller, and
      // AWS does not say whether one allowed only for a prefix counts: the listing, which the role may
      // make under its folder, tells a missing key from a refused one.
      if (status(error) === 403 && !(await this.listed(key))) return undefined;
      if (status(error) === 403)
        throw new AuditError(
          `S3 refused GetObject on s3://${this.bucket}/${key} (403): the role needs s3:GetObject and s3:ListBucket on it`,
          {
            cause: error,
          },
        );
      throw error;
    }
  }

  /** Whether the key exists, by listing it. */
  private async listed(key: string): Promise<boolean> {
    this.count("ListObjectsV2");
    const page = await this.client.send(new s3.ListObjectsV2Command({ Bucket: this.bucket, Prefix: key, MaxKeys: 1 }));
    return (page.Contents ?? []).some((o) => o.Key === key);
  }

  async write(key: string, body: string): Promise<void> {
    this.count("PutObject");
    await this.client.send(new s3.PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: "application/json" }));
  }

  /** Creates the object unless it exists: true when this call created it. */
  async claim(key: string, body: string): Promise<boolean> {
    if ((await this.read(key)) !== undefined) return false;
    for (let attempt = 0; ; attempt++) {
      this.count("PutObject");
      try {
        await this.client.send(new s3.PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, IfNoneMatch: "*" }));
        return true;
      } catch (error) {
        // 412: it exists now; 409: a concurrent conditional write, tried again once.
        if (status(error) === 412) return false;
        if (status(error) !== 409 || attempt > 0) throw error;
      }
    }
  }

  /** Undoes a claim whose alert could not be sent, so that Lambda's retry sends it. */
  async release(key: string): Promise<void> {
    this.count("DeleteObject");
    await this.client.send(new s3.DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /** Keys under `prefix` after `startAfter`, in key order. */
  async list(prefix: string, startAfter?: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      this.count("ListObjectsV2");
      const page = await this.client.send(
        new s3.ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, StartAfter: startAfter, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      token = page.NextContinuationToken;
    } while (token);
    return keys;
  }

  /** Records this event's half of the query, and returns the other half when it is known. */
  async meet(event: LiveEvent): Promise<LiveEvent | undefined> {
    const folder = layout.liveQueryPrefix(this.transient, event.queryId);
    await this.write(`${folder}${event.half}.json`, JSON.stringify(event));
    const other = await this.read(`${folder}${event.half === "finished" ? "started" : "finished"}.json`);
    return other === undefined ? undefined : (JSON.parse(other) as LiveEvent);
  }

  /** When the live path began watching: the first invocation's time, kept. */
  async since(now: Date): Promise<string> {
    const key = layout.liveSinceKey(this.root);
    const stored = await this.read(key);
    if (stored !== undefined) return (JSON.parse(stored) as { since: string }).since;
    const since = now.toISOString();
    if (await this.claim(key, JSON.stringify({ since }))) return since;
    return (JSON.parse((await this.read(key)) ?? JSON.stringify({ since })) as { since: string }).since;
  }

  /**
   * Records a probe failure, and returns the principal's failures and probing alerts from an hour
   * before it on: keys `<ISO time>_<query id>` and `<ISO time>_alerted_<query id>` sort by time.
   */
  async failuresAround(principal: string, at: number, queryId: string): Promise<{ failures: number[]; alerts: number[] }> {
    const folder = layout.liveFailuresPrefix(this.transient, principalKey(principal));
    await this.write(`${folder}${new Date(at).toISOString()}_${queryId}`, JSON.stringify({ queryId }));
    const keys = await this.list(folder, `${folder}${new Date(at - 60 * 60_000).toISOString()}`);
    const failures: number[] = [];
    const alerts: number[] = [];
    for (const key of keys) {
      const [time, second] = key.slice(folder.length).split("_");
      const t = Date.parse(time ?? "");
      if (Number.isNaN(t)) continue;
      (second === "alerted" ? alerts : failures).push(t);
    }
    return { failures, alerts };
  }

  async markProbingAlert(principal: string, at: number, queryId: string): Promise<void> {
    const folder = layout.liveFailuresPrefix(this.transient, principalKey(principal));
    await this.write(`${folder}${new Date(at).toISOString()}_alerted_${queryId}`, JSON.stringify({ queryId }));
  }

  /** Which of `resources` the principal had read before; records the others as read now. */
  /** Undoes the first-read claims of an alert that could not be sent, so that Lambda's retry claims them again. */
  async forgetReads(principal: string, resources: readonly string[]): Promise<void> {
    for (const resource of resources) await this.release(layout.liveReadKey(this.root, principalKey(principal), resource));
  }

  async readBefore(principal: string, resources: readonly string[]): Promise<Set<string>> {
    const seen = new Set<string>();
    for (const resource of resources) {
      const key = layout.liveReadKey(this.root, principalKey(principal), resource);
      if (!(await this.claim(key, JSON.stringify({ principal, at: new Date().toISOString() })))) seen.add(resource);
    }
    return seen;
  }
}
