/**
 * The account enums of the tables written a snapshot an account a day (grants, trails): a member
 * account's collector writes `<table>/account=<member>/`, which Athena reads only once the table's
 * `projection.account.values` lists the member. Before joining, the daily join lists each table's
 * account folders (one delimited listing) and adds any account the enum lacks, as it does for
 * history (work-groups.ts). A failure is returned, not thrown: it concerns that table, not the
 * events the join writes.
 */
import { grantsTablePrefix, trailsTablePrefix } from "../../core/layout";
import { ACCOUNT_PATTERN } from "../../core/names";
import { GRANTS, TRAILS } from "../../queries/schema/tables";
import { ACCOUNT_KEY, projectionChange } from "../../core/work-groups";
import { extendEnum, listAccounts, WorkGroupDeps } from "./work-groups";

/** The tables whose account enum the join keeps, and where their account folders are. */
const SNAPSHOT_TABLES = {
  grants: { table: GRANTS.name, prefix: grantsTablePrefix },
  trails: { table: TRAILS.name, prefix: trailsTablePrefix },
} as const;

export type SnapshotTable = keyof typeof SNAPSHOT_TABLES;

/** What the join found in a snapshot table's folders and did to its account enum. */
export interface AccountsCheck {
  /** Accounts with a folder in the bucket, sorted. */
  found: string[];
  /** The accounts the table projects after the check; undefined when it was not read (or nothing was found). */
  projected?: string[];
  /** Accounts this run added to the projection. */
  added: string[];
  /** Folder names that are no account id, which the enum never holds. */
  unprojectable: string[];
  /** Why the projection could not be read or extended. */
  error?: string;
}

function extendAccounts(deps: WorkGroupDeps, table: string, found: string[]): Promise<Omit<AccountsCheck, "found">> {
  return extendEnum<Omit<AccountsCheck, "found">>(
    deps,
    table,
    ACCOUNT_KEY,
    "account",
    (error) => ({ added: [], unprojectable: [], error }),
    (parameters, values) => {
      const change = projectionChange(parameters, found, ACCOUNT_KEY, ACCOUNT_PATTERN);
      return {
        parameters: change.parameters,
        applied: { projected: [...values, ...change.add], added: change.add, unprojectable: change.unprojectable },
        kept: { projected: values, added: [], unprojectable: change.unprojectable },
      };
    },
  );
}

/**
 * Makes every account with a folder of `table` in the bucket visible to Athena: one delimited
 * listing of its prefix (its `account=<id>/` folders), then, only when there are any, the table read
 * and, for an account its enum lacks, extended (`UpdateTable` at the version read, as for history).
 */
export async function keepAccountsProjected(deps: WorkGroupDeps, which: SnapshotTable): Promise<AccountsCheck> {
  const { table, prefix } = SNAPSHOT_TABLES[which];
  const found = await listAccounts(deps, prefix(deps.config.prefix));
  const result: Omit<AccountsCheck, "found"> =
    found.length === 0 ? { added: [], unprojectable: [] } : await extendAccounts(deps, table, found);
  const fields = { found, added: result.added, unprojectable: result.unprojectable, projected: result.projected };
  if (result.error) deps.log.error(`${which}-accounts-not-projected`, { ...fields, reason: result.error });
  else deps.log.info(`${which}-accounts`, fields);
  return { found, ...result };
}
