/**
 * The organization test's local AWS: what each account's Athena answers (its history, from a
 * generated lake), and one run of the real history collector as that account's Lambda runs it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { CollectSummary, collectHistory } from "../../functions/history/collect";
import { parseCollectInput } from "../../functions/history/input";
import { historyCollectorConfig } from "../../functions/runtime/config";
import { SILENT_LOGGER } from "../../functions/runtime/log";
import { createS3Client } from "../../functions/runtime/s3";
import { orgAccount } from "../../generator/org";
import { createAthenaClient } from "../../queries/athena/engine";
import { HistoryLine } from "../../core/history-record";
import { DEFAULT_PREFIX, historyTablePrefix, parseHistoryPartition } from "../../core/layout";
import { toWire } from "./athena-history";
import { present } from "./defined";
import { useLocalAws } from "./s3";

export const gunzipLines = (bytes: Buffer) =>
  zlib
    .gunzipSync(bytes)
    .toString()
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as HistoryLine);
const filesUnder = (dir: string) =>
  fs
    .readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((f) => path.join(dir, f))
    .filter((f) => fs.statSync(f).isFile());
const relativeKey = (root: string, file: string) => path.relative(root, file).split(path.sep).join("/");

export interface AccountAthena {
  account: string;
  region: string;
  /** Executions per work group, in the API's wire form. */
  workGroups: Record<string, Record<string, unknown>[]>;
}

/**
 * What each account's Athena would answer in each region: the executions of the generated history
 * that account's Athena ran (its own history folder), as the API returns them (no `Audit`, epoch
 * seconds), under every work group the account has, empty or not. Main account first.
 */
export function athenaHistories(root: string, accounts: readonly string[]): AccountAthena[] {
  const out = new Map<string, AccountAthena>();
  for (const file of filesUnder(path.join(root, historyTablePrefix(DEFAULT_PREFIX)))) {
    const partition = parseHistoryPartition(relativeKey(root, file))!;
    const { account, region } = partition;
    const at = out.get(`${account} ${region}`) ?? {
      account,
      region,
      workGroups: Object.fromEntries(orgAccount(account).workGroups.map((w) => [w, []])),
    };
    out.set(`${account} ${region}`, at);
    const executions = present(at.workGroups[partition.workGroup], `work group ${partition.workGroup} of account ${account}`);
    for (const line of gunzipLines(fs.readFileSync(file))) {
      const { Audit, ...execution } = line;
      if (Audit.Region !== partition.region) throw new Error(`${file}: Audit.Region ${Audit.Region} in region ${partition.region}`);
      const status = execution.Status as Record<string, unknown>;
      execution.Status = {
        ...status,
        SubmissionDateTime: new Date(String(status.SubmissionDateTime)),
        CompletionDateTime: new Date(String(status.CompletionDateTime)),
      };
      executions.push(toWire(execution));
    }
  }
  return [...out.values()].sort((a, b) => accounts.indexOf(a.account) - accounts.indexOf(b.account) || a.region.localeCompare(b.region));
}

/** One run of the history collector for `day`, as the account's Lambda in `region` runs it (config from its environment). */
export async function collect(
  target: { account: string; region: string; athenaUrl: string; s3Url: string; bucket: string },
  day: string,
  now: Date,
): Promise<CollectSummary> {
  const { account, region, athenaUrl } = target;
  const restore = useLocalAws({
    AWS_REGION: region,
    AWS_ENDPOINT_URL_ATHENA: athenaUrl,
    AWS_ENDPOINT_URL_S3: target.s3Url,
    AUDIT_BUCKET: target.bucket,
    AUDIT_ACCOUNT: account,
    AUDIT_WORK_GROUP: "athena-audit",
  });
  const athena = createAthenaClient();
  const client = createS3Client();
  try {
    return await collectHistory(parseCollectInput({ day }, now), {
      athena,
      s3: client,
      config: historyCollectorConfig(),
      log: SILENT_LOGGER,
      now,
    });
  } finally {
    athena.destroy();
    client.destroy();
    restore();
  }
}
