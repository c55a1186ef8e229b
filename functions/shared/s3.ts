/** S3 steps the functions share: a client, listing a prefix, deleting keys in batches. */
import * as s3 from "@aws-sdk/client-s3";
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
    if (result.Errors && result.Errors.length > 0) {
      throw new Error(`could not delete ${result.Errors.length} object(s) in ${bucket}, first ${result.Errors[0].Key}: ${result.Errors[0].Message}`);
    }
  }
  return keys.length;
}

/** The object's user metadata, or undefined when there is no such object. */
export async function headMetadata(client: s3.S3Client, bucket: string, key: string): Promise<Record<string, string> | undefined> {
  try {
    const head = await client.send(new s3.HeadObjectCommand({ Bucket: bucket, Key: key }));
    return head.Metadata ?? {};
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
    throw error;
  }
}
