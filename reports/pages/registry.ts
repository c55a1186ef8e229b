/**
 * Every saved query's page, one module each (`<query>-page.ts`: its columns, chart and words). A
 * saved query without a line here fails to compile; one whose rows read well as they are takes
 * `defaultPage`.
 */
import { SAVED } from "../../queries/saved";
import { accessByEnginePage } from "./access-by-engine-page";
import { anomaliesPage } from "./anomalies-page";
import { billReconciliationPage } from "./bill-reconciliation-page";
import { costByQueryShapePage } from "./cost-by-query-shape-page";
import { costByTablePage } from "./cost-by-table-page";
import { dataCoveragePage } from "./data-coverage-page";
import { defaultPage } from "./default-page";
import { failedAndCancelledPage } from "./failed-and-cancelled-page";
import { heaviestQueriesPage } from "./heaviest-queries-page";
import { permissionGapsPage } from "./permission-gaps-page";
import { principalProfilesPage } from "./principal-profiles-page";
import { topScannersPage } from "./top-scanners-page";
import type { Page } from "./types";
import { usageByAccountPage } from "./usage-by-account-page";
import { usageByWorkgroupPage } from "./usage-by-workgroup-page";
import { usageDailyPage } from "./usage-daily-page";
import { witnessDisagreementsPage } from "./witness-disagreements-page";

export const PAGES: { readonly [Name in keyof typeof SAVED]: Page } = {
  top_scanners: topScannersPage,
  heaviest_queries: heaviestQueriesPage,
  usage_daily: usageDailyPage,
  usage_by_workgroup: usageByWorkgroupPage,
  cost_by_table: costByTablePage,
  cost_by_query_shape: costByQueryShapePage,
  principal_profiles: principalProfilesPage,
  failed_and_cancelled: failedAndCancelledPage,
  permission_gaps: permissionGapsPage,
  usage_by_account: usageByAccountPage,
  data_coverage: dataCoveragePage,
  bill_reconciliation: billReconciliationPage,
  witness_disagreements: witnessDisagreementsPage,
  anomalies: anomaliesPage,
  access_by_engine: accessByEnginePage,
};

/** The page of a saved query by name; a query the registry does not know (a test's own) gets the default page. */
export function pageOf(name: string): Page {
  return Object.hasOwn(PAGES, name) ? PAGES[name as keyof typeof SAVED] : defaultPage;
}
