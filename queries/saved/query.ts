/**
 * What a saved query is: a name (its SQL file's, `queries/sql/<name>.sql`), what it answers, the
 * value of each named parameter for a reporting period, and the columns it returns. Each query's
 * module declares one with `defineSavedQuery`; registry.ts lists them.
 */
import { AnomalySettings, DEFAULT_ANOMALY_SETTINGS } from "../../core/anomaly-settings";
import { DEFAULT_TB, TbDefinition } from "../../core/cost";
import { addDays, parseDay } from "../../core/days";
import { InputError } from "../../core/errors";
import { QueryParameters } from "../engine";
import { SavedColumn } from "./columns";

/** A reporting period: whole UTC days, both ends included. */
export interface Period {
  from: string;
  to: string;
}

/** The period of `days` days ending on `to`, validated. */
export function periodEnding(to: string, days: number): Period {
  parseDay(to, "period end");
  if (!Number.isInteger(days) || days < 1) throw new InputError(`days must be a whole number of at least 1, got ${days}`);
  return { from: addDays(to, 1 - days), to };
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
  /**
   * How far back permission_gaps looks for a grant's last use: the days ending on the period's last
   * day (the whole period when it is longer). 90 by default, IAM Access Analyzer's unused-access age:
   * a grant unused in the period shows its last use within them, else "not in the last 90 days".
   */
  lastUsedLookbackDays: number;
  /** How far before the period usage_by_account looks for an account's last grants snapshot (90 by default). */
  grantsLookbackDays: number;
  /**
   * What a TB is in the costs the queries return (core/cost.ts): they price each event as they read
   * it, whatever unit the join wrote it in. The bill_reconciliation page says which one the bill fits.
   */
  tb: TbDefinition;
}

export const DEFAULT_OPTIONS: SavedQueryOptions = {
  limit: 20,
  shortWindowDays: 30,
  minClientFamilies: 2,
  anomalies: DEFAULT_ANOMALY_SETTINGS,
  expectedAccounts: [],
  lastUsedLookbackDays: 90,
  grantsLookbackDays: 90,
  tb: DEFAULT_TB,
};

export interface SavedQuery {
  /** The SQL file's name without `.sql`, and the query's name in the reports and the CLI. */
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** A value for each parameter its SQL names. */
  parameters(period: Period, options: SavedQueryOptions): QueryParameters;
  /** What it returns, in order. */
  readonly columns: readonly SavedColumn[];
}

/** A saved query as written, its literal name and column types kept (for typed rows) by the const type parameter. */
export function defineSavedQuery<const Q extends SavedQuery>(query: Q): Q {
  return query;
}
