/**
 * The saved analytics queries: what each answers, the named parameters it takes for a reporting
 * period, and the columns it returns. The SQL itself lives in `queries/sql/<name>.sql`.
 *
 * One registry entry holds everything TypeScript knows about a query, so adding one means a SQL
 * file and an entry (in saved-usage.ts or saved-evidence.ts); the pages, the findings and the
 * tests read the entry.
 */
import { AnomalySettings, DEFAULT_ANOMALY_SETTINGS } from "../core/anomaly-settings";
import { addDays, parseDay } from "../core/days";
import { QueryEngine, QueryParameters, QueryResult } from "./engine";
import { InputError } from "../core/errors";
import { positionalSql } from "./parameters";
import { SavedColumn } from "./saved-columns";
import { readSql } from "./sql-files";
import { EVIDENCE_QUERIES } from "./saved-evidence";
import { Definition } from "./saved-parts";
import { USAGE_QUERIES } from "./saved-usage";

export { BILL_TOLERANCE } from "./saved-parts";

/** A reporting period: whole UTC days, both ends included. */
export interface Period {
  from: string;
  to: string;
}

export interface SavedQueryOptions {
  /** Rows for ranked reports (top scanners, heaviest queries). */
  limit: number;
  /** The short window of the usage reports, in days (the long one is the period). */
  shortWindowDays: number;
  /** Least distinct client families for a principal to count as shared. */
  minClientFamilies: number;
  /** What the anomalies query counts as unusual (core/anomaly-settings.ts). */
  anomalies: AnomalySettings;
  /**
   * The accounts whose collectors the deployment expects (the main stack's `expectedAccounts`): the
   * accounts page names one from which nothing arrived. Empty: only the accounts seen are listed.
   */
  expectedAccounts: readonly string[];
}

export const DEFAULT_OPTIONS: SavedQueryOptions = {
  limit: 20,
  shortWindowDays: 30,
  minClientFamilies: 2,
  anomalies: DEFAULT_ANOMALY_SETTINGS,
  expectedAccounts: [],
};

export interface SavedQuery {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** A value for each parameter its SQL names. */
  parameters(period: Period, options: SavedQueryOptions): QueryParameters;
  /** What it returns, in order. */
  readonly columns: readonly SavedColumn[];
}

/** The entries named by their keys, keeping their literal column types for typed rows. */
function registry<const D extends Record<string, Definition>>(
  definitions: D,
): { readonly [K in keyof D & string]: D[K] & { readonly name: K } } {
  return Object.fromEntries(Object.entries(definitions).map(([name, definition]) => [name, { ...definition, name }])) as {
    readonly [K in keyof D & string]: D[K] & { readonly name: K };
  };
}

/** Every saved query by name, in the order the reports list them. */
export const SAVED = registry({ ...USAGE_QUERIES, ...EVIDENCE_QUERIES });

export const SAVED_QUERIES: readonly SavedQuery[] = Object.values(SAVED);

export function savedQuery(name: string): SavedQuery {
  const found = SAVED_QUERIES.find((q) => q.name === name);
  if (!found) throw new InputError(`no saved query named ${name}; known: ${SAVED_QUERIES.map((q) => q.name).join(", ")}`);
  return found;
}

/** The query's SQL as written, with named parameters: what the engines run. */
export function savedQuerySql(query: SavedQuery): string {
  return readSql(query.name);
}

/**
 * The text of the query's Athena named query. Athena takes no named parameters, so it is the `?`
 * form, headed by a comment listing the parameters in the order the console asks for them.
 */
export function namedQuerySql(query: SavedQuery): string {
  const { sql, names } = positionalSql(savedQuerySql(query), query.name);
  if (names.length === 0) return sql;
  const order = names.map((name, i) => `--   ${i + 1}. ${name}`);
  return [`-- Parameters, in the order the console asks for them (text in quotes: '2026-10-31'):`, ...order, sql].join("\n");
}

/** Runs a saved query for a period on an engine. */
export function runSavedQuery(
  engine: QueryEngine,
  query: SavedQuery,
  period: Period,
  options: SavedQueryOptions = DEFAULT_OPTIONS,
): Promise<QueryResult> {
  return engine.run(savedQuerySql(query), query.parameters(period, options), query.name);
}

/** The period of `days` days ending on `to`, validated. */
export function periodEnding(to: string, days: number): Period {
  parseDay(to, "period end");
  if (!Number.isInteger(days) || days < 1) throw new InputError(`days must be a whole number of at least 1, got ${days}`);
  return { from: addDays(to, 1 - days), to };
}
