/**
 * `athena-audit migrate-accounts`: moves history and grants written before they were keyed by
 * account (`<prefix>/history/region=R/dt=D/workgroup=W/<file>`, `<prefix>/grants/dt=D/<file>`) under
 * one account (`<prefix>/history/account=A/region=R/...`, `<prefix>/grants/account=A/dt=D/...`), in
 * a local lake or in the audit bucket. An object
 * already at the new key is never overwritten: the move is refused, naming it, and the old one kept.
 * Run it once, before the first collector of the new version writes, with the account whose
 * Athena and IAM the old objects came from.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as s3 from "@aws-sdk/client-s3";
import { deleteKeys, listKeys } from "../functions/runtime/s3";
import { InputError } from "../core/errors";
import { grantsTablePrefix, historyTablePrefix, migratedGrantsKey, migratedHistoryKey } from "../core/layout";
import { ACCOUNT_PATTERN } from "../core/names";

export interface Move {
  from: string;
  to: string;
}

export interface MigrationSummary {
  moved: number;
  /** Old keys kept because an object was already at the new key. */
  conflicts: Move[];
}

/** The moves for a set of keys (anything not of the old layout stays where it is). */
export function accountMoves(keys: readonly string[], account: string, prefix: string): Move[] {
  if (!ACCOUNT_PATTERN.test(account)) throw new InputError(`--account must be a 12-digit account id, got ${JSON.stringify(account)}`);
  return keys.flatMap((from) => {
    const to = migratedHistoryKey(from, account, prefix) ?? migratedGrantsKey(from, account, prefix);
    return to ? [{ from, to }] : [];
  });
}

/** Every key under a local folder, `/`-separated, as the bucket would hold it. */
function localKeys(root: string, under: string): string[] {
  const dir = path.join(root, under);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .map((f) => `${under}${f.split(path.sep).join("/")}`);
}

/** The tables keyed by account since, whose old objects move. */
const MOVED_TABLES = [historyTablePrefix, grantsTablePrefix];

export function migrateLocalLake(root: string, account: string, prefix: string): MigrationSummary {
  const summary: MigrationSummary = { moved: 0, conflicts: [] };
  const keys = MOVED_TABLES.flatMap((table) => localKeys(root, table(prefix)));
  for (const move of accountMoves(keys, account, prefix)) {
    const [from, to] = [path.join(root, move.from), path.join(root, move.to)];
    if (fs.existsSync(to)) {
      summary.conflicts.push(move);
      continue;
    }
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.renameSync(from, to);
    summary.moved++;
  }
  return summary;
}

export async function migrateBucket(client: s3.S3Client, bucket: string, account: string, prefix: string): Promise<MigrationSummary> {
  const keys = (await Promise.all(MOVED_TABLES.map((table) => listKeys(client, bucket, table(prefix))))).flat();
  const existing = new Set(keys);
  const summary: MigrationSummary = { moved: 0, conflicts: [] };
  const done: string[] = [];
  for (const move of accountMoves(keys, account, prefix)) {
    if (existing.has(move.to)) {
      summary.conflicts.push(move);
      continue;
    }
    // Copied first, deleted after: a run stopped in between leaves both, and a rerun finds the copy.
    await client.send(new s3.CopyObjectCommand({ Bucket: bucket, Key: move.to, CopySource: `${bucket}/${encodeURI(move.from)}` }));
    done.push(move.from);
    summary.moved++;
  }
  await deleteKeys(client, bucket, done);
  return summary;
}
