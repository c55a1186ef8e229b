/**
 * Every saved query, in the order the reports list them. Adding one: its SQL in
 * `queries/sql/<name>.sql`, its module beside this file, and a line in `QUERIES` (with its import).
 */
import { accessByEngine } from "./access-by-engine";
import { anomalies } from "./anomalies";
import { billReconciliation } from "./bill-reconciliation";
import { costByQueryShape } from "./cost-by-query-shape";
import { costByTable } from "./cost-by-table";
import { dataCoverage } from "./data-coverage";
import { failedAndCancelled } from "./failed-and-cancelled";
import { heaviestQueries } from "./heaviest-queries";
import { permissionGaps } from "./permission-gaps";
import { principalProfiles } from "./principal-profiles";
import type { SavedQuery } from "./query";
import { topScanners } from "./top-scanners";
import { usageByAccount } from "./usage-by-account";
import { usageByWorkgroup } from "./usage-by-workgroup";
import { usageDaily } from "./usage-daily";
import { witnessDisagreements } from "./witness-disagreements";

const QUERIES = [
  topScanners,
  heaviestQueries,
  usageDaily,
  usageByWorkgroup,
  costByTable,
  costByQueryShape,
  principalProfiles,
  failedAndCancelled,
  permissionGaps,
  usageByAccount,
  dataCoverage,
  billReconciliation,
  witnessDisagreements,
  anomalies,
  accessByEngine,
] as const;

type ByName<L extends readonly SavedQuery[]> = { readonly [Q in L[number] as Q["name"]]: Q };

/** Every saved query by name, each keeping its literal column types (for typed rows: `savedRows(SAVED.top_scanners, …)`). */
export const SAVED = Object.fromEntries(QUERIES.map((query) => [query.name, query])) as ByName<typeof QUERIES>;

export const SAVED_QUERIES: readonly SavedQuery[] = QUERIES;
