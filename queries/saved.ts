/**
 * The saved analytics queries: what each answers and how its positional parameters derive from a
 * reporting period. The SQL itself lives in `queries/sql/<name>.sql`.
 */
import { addDays, daysBetween, parseDay } from "./days";
import { QueryParameter } from "./engine";
import { InputError } from "./errors";
import { readSql } from "./sql-files";

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
}

export const DEFAULT_OPTIONS: SavedQueryOptions = { limit: 20, shortWindowDays: 30, minClientFamilies: 2 };

export interface SavedQuery {
  name: string;
  title: string;
  description: string;
  parameters(period: Period, options: SavedQueryOptions): QueryParameter[];
}

const range = (p: Period): QueryParameter[] => [p.from, p.to];
const shortStart = (p: Period, o: SavedQueryOptions): string => {
  const start = addDays(p.to, 1 - o.shortWindowDays);
  return start > p.from ? start : p.from;
};

export const SAVED_QUERIES: readonly SavedQuery[] = [
  {
    name: "top_scanners",
    title: "Top scanners",
    description: "Principals ranked by what their queries cost.",
    parameters: (p, o) => [...range(p), o.limit],
  },
  {
    name: "heaviest_queries",
    title: "Heaviest queries",
    description: "The single queries that scanned the most.",
    parameters: (p, o) => [...range(p), o.limit],
  },
  {
    name: "usage_daily",
    title: "Usage over time",
    description: "Queries, principals, bytes and cost per day.",
    parameters: range,
  },
  {
    name: "usage_by_principal",
    title: "Usage by principal",
    description: "Each principal's use over the short and the long window.",
    parameters: (p, o) => [shortStart(p, o), p.from, p.to],
  },
  {
    name: "usage_by_workgroup",
    title: "Usage by work group",
    description: "Each work group's use over the short and the long window.",
    parameters: (p, o) => [shortStart(p, o), p.from, p.to],
  },
  {
    name: "principal_profiles",
    title: "Principal profiles",
    description: "Humans and services: how each IAM user or role reaches Athena, and what it reads.",
    parameters: range,
  },
  {
    name: "shared_principals",
    title: "Shared principals",
    description: "Service users and roles that several applications use.",
    parameters: (p, o) => [...range(p), o.minClientFamilies],
  },
  {
    name: "failed_query_cost",
    title: "Cost of failed and cancelled queries",
    description: "Athena bills failed and cancelled queries for what they scanned.",
    parameters: range,
  },
  {
    name: "permission_gaps",
    title: "Permission gaps",
    description: "Grants each principal holds but did not use in the period, and how sure that is.",
    parameters: (p) => [p.to, p.from, p.to, p.from, p.to, p.from, p.to, p.from, p.to, daysBetween(p.from, p.to).length, p.from],
  },
  {
    name: "data_coverage",
    title: "Data coverage",
    description: "Which days and regions the evidence covers, and what is missing.",
    parameters: (p) => [...range(p), ...range(p), ...range(p)],
  },
];

export function savedQuery(name: string): SavedQuery {
  const found = SAVED_QUERIES.find((q) => q.name === name);
  if (!found) throw new InputError(`no saved query named ${name}; known: ${SAVED_QUERIES.map((q) => q.name).join(", ")}`);
  return found;
}

export function savedQuerySql(query: SavedQuery): string {
  return readSql(query.name);
}

/** The period of `days` days ending on `to`, validated. */
export function periodEnding(to: string, days: number): Period {
  parseDay(to, "period end");
  if (!Number.isInteger(days) || days < 1) throw new InputError(`days must be a whole number of at least 1, got ${days}`);
  return { from: addDays(to, 1 - days), to };
}
