/** The grants snapshots for a generated lake: each account's IAM evaluated as that account's grants collector does. */
import * as fs from "node:fs";
import * as path from "node:path";
import { principalsOf } from "../functions/grants/authz";
import { evaluateGrants } from "../functions/grants/evaluate";
import { grantRows, grantsObject } from "../functions/grants/rows";
import { DEFAULT_PREFIX, grantsObjectKey } from "../core/layout";
import { tableLocations } from "./engine-actors";
import { authorizationDetails, orgCatalog } from "./iam";
import { ACCOUNTS, MAIN_REGION } from "./org";
import { GeneratedTrail, writeTrailsSnapshot } from "./trails";

/**
 * Writes one snapshot per account for `day`, and beside it what each account's trail records
 * (generator/trails.ts: `trail` says how the lake was generated); returns the grants rows written,
 * all accounts together.
 */
export async function writeGrantsSnapshot(lake: string, day: string, prefix = DEFAULT_PREFIX, trail: GeneratedTrail = {}): Promise<number> {
  writeTrailsSnapshot(lake, day, prefix, trail);
  let total = 0;
  for (const account of ACCOUNTS) {
    const principals = principalsOf([authorizationDetails(day, account)]);
    const { grants, unevaluated } = await evaluateGrants(principals, orgCatalog(MAIN_REGION, account));
    // Each table grant carries the table's location, so reads of its files can be told apart by prefix (issue 22).
    const locations = new Map(tableLocations(account).map((t) => [t.table, t.location]));
    const rows = grantRows(principals, grants, unevaluated).map((row) => ({
      ...row,
      location: row.grant_kind === "table" ? (locations.get(row.resource) ?? null) : null,
    }));
    const file = path.join(lake, grantsObjectKey(account, day, prefix));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, grantsObject(rows));
    total += rows.length;
  }
  return total;
}
