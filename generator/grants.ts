/** The grants snapshot for a generated lake: the org's IAM evaluated as the grants collector does. */
import * as fs from "node:fs";
import * as path from "node:path";
import { principalsOf } from "../functions/grants/authz";
import { evaluateGrants } from "../functions/grants/evaluate";
import { grantRows, grantsObject } from "../functions/grants/rows";
import { DEFAULT_PREFIX, grantsObjectKey } from "../queries/layout";
import { authorizationDetails, orgCatalog } from "./iam";
import { ACCOUNT_ID, MAIN_REGION } from "./org";

export async function writeGrantsSnapshot(lake: string, day: string, prefix = DEFAULT_PREFIX): Promise<number> {
  const principals = principalsOf([authorizationDetails(day)]);
  const { grants, unevaluated } = await evaluateGrants(principals, orgCatalog(MAIN_REGION));
  const rows = grantRows(principals, grants, unevaluated);
  const file = path.join(lake, grantsObjectKey(ACCOUNT_ID, day, prefix));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, grantsObject(rows));
  return rows.length;
}
