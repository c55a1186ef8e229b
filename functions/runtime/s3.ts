/** S3 steps the functions share: a client, listing a prefix, deleting keys in batches. */
import * as s3 from "@aws-sdk/client-s3";
import { AuditError } from "../../core/errors";
import { s3ForcePathStyle } from "./config";

export function createS3Client(): s3.S3Client {
  return new s3.S3Client({ retryMode: "adaptive", maxAttempts: 8, forcePathStyle: s3ForcePathStyle() });
}

/** Every key under `prefix` (paged). */
export async function listKeys(client: s3.S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of s3.paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix })) {
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
  }
  return keys;
}

/** Deletes keys, 1,000 a request (DeleteObjects' limit); fails naming the keys S3 could not delete. */
export async function deleteKeys(client: s3.S3Client, bucket: string, keys: readonly string[]): Promise<number> {
  for (let i = 0; i < keys.length; i += 1000) {
    const batch = keys.slice(i, i + 1000);
    const result = await client.send(
      new s3.DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
    );
    const errors = result.Errors ?? [];
    const [first] = errors;
    if (first) {
      throw new AuditError(
        `could not delete ${errors.length} object(s) in ${bucket}, ` +
          `first ${first.Key ?? "(no key)"}: ${first.Message ?? "no reason given"}`,
      );
    }
  }
  return keys.length;
}

/**
 * The user metadata of an object a listing showed, or undefined when it has gone since. Call it
 * only for listed keys: for a missing key S3 answers 403, not 404, unless the caller may list the
 * bucket, and a 403 must not be mistaken for "not there".
 */
export async function headMetadata(client: s3.S3Client, bucket: string, key: string): Promise<Record<string, string> | undefined> {
  try {
    const head = await client.send(new s3.HeadObjectCommand({ Bucket: bucket, Key: key }));
    return head.Metadata ?? {};
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404) return undefined;
    if (status === 403)
      throw new AuditError(`S3 refused HeadObject on s3://${bucket}/${key} (403 Access Denied): the role needs s3:GetObject on it`, {
        cause: error,
      });
    throw error;
  }
}
