/**
 * No invisible work groups: before the join reads history on Athena, every work group whose
 * history the run reads must be in the history table's enum projection, or Athena never opens its
 * folder. The join lists the work-group folders of the days it reads (one ListObjectsV2 with a
 * delimiter per region and day, inside the history prefix) and adds the missing ones to the table
 * (glue:GetTable, then glue:UpdateTable on the history table only, at the version it read, so a
 * concurrent change is never overwritten). The snapshot tables' account enums are kept the same way
 * (snapshot-accounts.ts). The decisions are pure, in core/work-groups.ts.
 */
import * as glue from "@aws-sdk/client-glue";
import * as s3 from "@aws-sdk/client-s3";
import { mapLimit } from "../../core/concurrency";
import { HistoryPartition, historyDayPrefix, historyTablePrefix, parseHistoryPartition } from "../../core/layout";
import { partitionFolderProblem } from "../../queries/lake/values";
import { ACCOUNT_PATTERN } from "../../core/names";
import { HISTORY } from "../../queries/schema/tables";
import { ACCOUNT_KEY, historyDaysRead, projectionChange, WORK_GROUP_KEY, workGroupProjection } from "../../core/work-groups";
import { Logger } from "../runtime/log";

export interface WorkGroupDeps {
  s3: s3.S3Client;
  glue: glue.GlueClient;
  config: { bucket: string; prefix: string; database: string; regions: readonly string[] };
  log: Logger;
}

/** What the join found and did before joining. */
export interface WorkGroupCheck {
  /** The history folders (region, day, work group) of the days the run reads. */
  history: HistoryPartition[];
  /** The work groups the history table projects after the check; undefined when it could not be read. */
  projected?: string[];
  /** Work groups this run added to the projection. */
  added: string[];
  /** Accounts this run added to the history table's account projection (a member account's first history). */
  addedAccounts?: string[];
  /** History folders whose name is no work group name, which no enum can hold. */
  unprojectable: string[];
  /**
   * History folders skipped because a name in their key is no account id, region or work group
   * (why, the name JSON-escaped): never listed into, projected or counted as unjoined.
   */
  skipped?: string[];
  /** Why the projection could not be read or extended. */
  error?: string;
}

/** Listings at once: S3 takes thousands a second per prefix; a 400-day rerun makes about 1,200. */
const LISTING_CONCURRENCY = 8;
/** UpdateTable refused for a concurrent change: read the table again and retry, this many times in all. */
const UPDATE_ATTEMPTS = 3;

/** The accounts with a folder below a table's prefix (`account=<id>/`): one listing, common prefixes only. */
export async function listAccounts(deps: Pick<WorkGroupDeps, "s3" | "config">, tablePrefix: string): Promise<string[]> {
  const accounts: string[] = [];
  const request = { Bucket: deps.config.bucket, Prefix: tablePrefix, Delimiter: "/" };
  for await (const page of s3.paginateListObjectsV2({ client: deps.s3 }, request)) {
    for (const common of page.CommonPrefixes ?? []) {
      const account = /account=([^/]+)\/$/.exec(common.Prefix ?? "")?.[1];
      if (account) accounts.push(account);
    }
  }
  return accounts.sort();
}

/** Why a history folder cannot be used: a name in its key that AWS would not allow there. */
function folderProblem(partition: HistoryPartition): string | undefined {
  return (
    partitionFolderProblem("account", `account=${partition.account}`) ??
    partitionFolderProblem("region", `region=${partition.region}`) ??
    partitionFolderProblem("workgroup", `workgroup=${partition.workGroup}`)
  );
}

/**
 * The work-group folders below each (account, region, day)'s history prefix: common prefixes only,
 * no object is listed. A folder named outside AWS's grammar is skipped (named in `skipped`): an
 * account folder before any key is built from it, a work group before any enum can hold it.
 */
export async function listHistoryFolders(
  deps: Pick<WorkGroupDeps, "s3" | "config">,
  dts: readonly string[],
  skipped: string[] = [],
): Promise<HistoryPartition[]> {
  const { bucket, prefix, regions } = deps.config;
  const accounts: string[] = [];
  for (const account of await listAccounts(deps, historyTablePrefix(prefix))) {
    const problem = partitionFolderProblem("account", `account=${account}`);
    if (problem) skipped.push(problem);
    else accounts.push(account);
  }
  const pairs = accounts.flatMap((account) => regions.flatMap((region) => dts.map((dt) => ({ account, region, dt }))));
  const listed = await mapLimit(pairs, LISTING_CONCURRENCY, async (pair) => {
    const found: HistoryPartition[] = [];
    const request = { Bucket: bucket, Prefix: historyDayPrefix(pair, prefix), Delimiter: "/" };
    for await (const page of s3.paginateListObjectsV2({ client: deps.s3 }, request)) {
      for (const common of page.CommonPrefixes ?? []) {
        const partition = common.Prefix === undefined ? undefined : parseHistoryPartition(common.Prefix, prefix);
        const problem = partition && folderProblem(partition);
        if (problem) skipped.push(problem);
        else if (partition) found.push(partition);
      }
    }
    return found;
  });
  return listed.flat();
}

/**
 * The table as UpdateTable takes it: GetTable's answer carries read-only fields (DatabaseName,
 * CreateTime, VersionId, ...) that a TableInput does not have. Everything else is kept as it was.
 */
export function tableInput(table: glue.Table, parameters: Record<string, string>): glue.TableInput {
  return {
    Name: table.Name,
    Description: table.Description,
    Owner: table.Owner,
    LastAccessTime: table.LastAccessTime,
    LastAnalyzedTime: table.LastAnalyzedTime,
    Retention: table.Retention,
    StorageDescriptor: table.StorageDescriptor,
    PartitionKeys: table.PartitionKeys,
    ViewOriginalText: table.ViewOriginalText,
    ViewExpandedText: table.ViewExpandedText,
    TableType: table.TableType,
    TargetTable: table.TargetTable,
    Parameters: parameters,
  };
}

type Projected = Pick<WorkGroupCheck, "projected" | "added" | "addedAccounts" | "unprojectable" | "error">;

/** What one read of a table decides: the parameters to write (none: nothing to add), and the outcome either way. */
interface EnumPlan<R> {
  parameters?: Record<string, string>;
  /** The outcome once the parameters are written. */
  applied: R;
  /** The outcome with the table as it was (nothing to add, or the update failed). */
  kept: R;
}

/**
 * One table's enum extended as `plan` decides from its parameters: GetTable, then UpdateTable at the
 * version read, so a concurrent change is never overwritten (read again and retried instead). A
 * failure is returned as `error`, with the table as it was.
 */
export async function extendEnum<R extends { error?: string }>(
  deps: WorkGroupDeps,
  name: string,
  key: string,
  /** What the enum holds, for the failure: `work-group`, `account`. */
  holds: string,
  failed: (reason: string) => R,
  plan: (parameters: Record<string, string>, values: string[]) => EnumPlan<R>,
): Promise<R> {
  const failure = (message: string) => `the ${name} table's ${holds} projection could not be read or extended: ${message}`;
  for (let attempt = 1; ; attempt++) {
    let table: glue.Table | undefined;
    try {
      table = (await deps.glue.send(new glue.GetTableCommand({ DatabaseName: deps.config.database, Name: name }))).Table;
    } catch (error) {
      return failed(failure((error as Error).message));
    }
    const parameters = table?.Parameters ?? {};
    const projection = workGroupProjection(parameters, key, name);
    if (!table || projection.kind !== "enum")
      return failed(failure(projection.kind === "enum" ? "GetTable returned no table" : projection.reason));
    const decided = plan(parameters, projection.values);
    if (!decided.parameters) return decided.kept;
    try {
      await deps.glue.send(
        new glue.UpdateTableCommand({
          DatabaseName: deps.config.database,
          TableInput: tableInput(table, decided.parameters),
          VersionId: table.VersionId,
        }),
      );
      return decided.applied;
    } catch (error) {
      if (error instanceof glue.ConcurrentModificationException && attempt < UPDATE_ATTEMPTS) continue;
      // The table is as it was: what it projected is what the join will see.
      return { ...decided.kept, error: failure((error as Error).message) };
    }
  }
}

function extendProjection(deps: WorkGroupDeps, found: string[], accounts: string[]): Promise<Projected> {
  return extendEnum<Projected>(
    deps,
    HISTORY.name,
    WORK_GROUP_KEY,
    "work-group",
    (error) => ({ added: [], unprojectable: [], error }),
    (parameters, values) => {
      const change = projectionChange(parameters, found);
      // A member account's first history: its folder is invisible until the account enum lists it.
      const accountChange =
        workGroupProjection(parameters, ACCOUNT_KEY).kind === "enum"
          ? projectionChange(change.parameters ?? parameters, accounts, ACCOUNT_KEY, ACCOUNT_PATTERN)
          : { add: [] as string[], unprojectable: [] as string[], parameters: undefined };
      return {
        parameters: accountChange.parameters ?? change.parameters,
        applied: {
          projected: [...values, ...change.add],
          added: change.add,
          addedAccounts: accountChange.add,
          unprojectable: [...change.unprojectable, ...accountChange.unprojectable],
        },
        kept: { projected: values, added: [], unprojectable: change.unprojectable },
      };
    },
  );
}

/**
 * Makes every work group with history in the days the joins of `days` read visible to Athena.
 * A failure is returned, not thrown: the join still joins what Athena can see, and then fails
 * naming the work groups it could not.
 */
export async function keepWorkGroupsProjected(days: readonly string[], deps: WorkGroupDeps): Promise<WorkGroupCheck> {
  const skipped: string[] = [];
  const history = await listHistoryFolders(deps, historyDaysRead(days), skipped);
  // Bad names are skipped, counted and named, and the run goes on with the rest.
  if (skipped.length > 0) deps.log.error("history-folders-skipped", { folders: skipped.length, skipped });
  const result = await extendProjection(deps, [...new Set(history.map((h) => h.workGroup))], [...new Set(history.map((h) => h.account))]);
  const fields = {
    historyFolders: history.length,
    added: result.added,
    addedAccounts: result.addedAccounts ?? [],
    unprojectable: result.unprojectable,
    projected: result.projected,
  };
  if (result.error) deps.log.error("work-groups-not-projected", { ...fields, reason: result.error });
  else deps.log.info("work-groups", fields);
  return { history, ...result, skipped };
}
