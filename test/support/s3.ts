/** s3rver, a real S3 protocol server, on loopback for a test file; stops with it. */
import * as fs from "node:fs";
import * as zlib from "node:zlib";
import * as s3 from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { S3FrontOptions, startS3Front } from "./iam/s3-front";
import { tempDir } from "./lake";

interface StoreObject {
  key: string;
}
interface ListResult {
  objects: StoreObject[];
  commonPrefixes: string[];
  isTruncated: boolean;
}
interface ListOptions {
  delimiter?: string;
  prefix?: string;
  maxKeys?: number;
  startAfter?: string;
}
type ListObjects = (this: unknown, bucket: string, options: ListOptions) => Promise<ListResult>;

/**
 * s3rver's file store finds a common prefix only for objects at most two folders below the listed
 * prefix (it stops walking below a folder whose path holds the delimiter), so listing
 * `history/` by `/` answers nothing while S3 answers `history/account=…/`. Listed whole and grouped
 * here instead, as S3 does, for every delimited listing.
 */
function faithfulDelimitedListings(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- s3rver's store has no types; patched once per test process
  const store = require("s3rver/lib/stores/filesystem") as { prototype: { listObjects: ListObjects & { faithful?: true } } };
  if (store.prototype.listObjects.faithful) return;
  const original = store.prototype.listObjects;
  const listObjects: ListObjects & { faithful?: true } = async function (this: unknown, bucket, options) {
    if (!options.delimiter) return original.call(this, bucket, options);
    const all = await original.call(this, bucket, { ...options, delimiter: "", maxKeys: Infinity });
    const prefix = options.prefix ?? "";
    const common = new Set<string>();
    const objects: StoreObject[] = [];
    for (const object of all.objects) {
      const at = object.key.slice(prefix.length).indexOf(options.delimiter);
      if (at === -1) objects.push(object);
      else common.add(object.key.slice(0, prefix.length + at + options.delimiter.length));
    }
    const maxKeys = options.maxKeys ?? Infinity;
    return { objects: objects.slice(0, maxKeys), commonPrefixes: [...common].sort(), isTruncated: objects.length > maxKeys };
  };
  listObjects.faithful = true;
  store.prototype.listObjects = listObjects;
}

export interface LocalS3 {
  url: string;
  bucket: string;
  client: s3.S3Client;
  keys(prefix?: string): Promise<string[]>;
  bytes(key: string): Promise<Buffer>;
  lines(key: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/**
 * s3rver on loopback with `bucket` (and `more` buckets). With `iam`, callers reach it through the
 * IAM-aware front (see iam/s3-front.ts): each role's calls are checked and recorded, and S3's 403
 * answers are modelled. The harness's own client always uses the S3RVER key.
 */
export async function startS3(bucket: string, options: { more?: string[]; iam?: Omit<S3FrontOptions, "target"> } = {}): Promise<LocalS3> {
  faithfulDelimitedListings();
  const directory = tempDir("s3rver");
  const buckets = [bucket, ...(options.more ?? [])].map((name) => ({ name, configs: [] }));
  const server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory, configureBuckets: buckets });
  const { port } = (await server.run()) as { port: number };
  const front = options.iam ? await startS3Front({ ...options.iam, target: `http://127.0.0.1:${port}` }) : undefined;
  const url = front?.url ?? `http://127.0.0.1:${port}`;
  const client = new s3.S3Client({
    endpoint: url,
    forcePathStyle: true,
    region: "us-east-1",
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  const bytes = async (key: string) => {
    const object = await client.send(new s3.GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await object.Body!.transformToByteArray());
  };
  return {
    url,
    bucket,
    client,
    async keys(prefix = "") {
      const keys: string[] = [];
      for await (const page of s3.paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix }))
        keys.push(...(page.Contents ?? []).map((o) => o.Key!));
      return keys.sort();
    },
    bytes,
    async lines(key: string) {
      return zlib
        .gunzipSync(await bytes(key))
        .toString()
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    async close() {
      client.destroy();
      await front?.close();
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** Points the SDK's standard settings at the local servers, and restores them after. */
export function useLocalAws(endpoints: Record<string, string>): () => void {
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
    AUDIT_S3_FORCE_PATH_STYLE: "true",
    ...endpoints,
  });
  return () => {
    process.env = saved;
  };
}
