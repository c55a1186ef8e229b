/**
 * The saved analytics queries: what each answers, the named parameters it takes for a reporting
 * period, and the columns it returns; the SQL itself is in `queries/sql/<name>.sql`. Everything
 * outside this folder imports from here.
 */
export { BILL_TOLERANCE } from "./bill-reconciliation";
export { anomalyParameters } from "./anomalies";
export { camelCase, camelRow, savedRows } from "./columns";
export type { CamelRow, SavedColumn, SavedRow } from "./columns";
export { DEFAULT_OPTIONS, periodEnding } from "./query";
export type { Period, SavedQuery, SavedQueryOptions } from "./query";
export { SAVED, SAVED_QUERIES } from "./registry";
export { previousPeriod } from "./windows";
export { namedQuerySql, runSavedQuery, savedQuerySql } from "./run";
