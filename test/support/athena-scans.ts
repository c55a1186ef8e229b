/**
 * What each saved query reads on Athena, counted from the statement it sends: per table, the scans
 * (a WITH query counted at each reference, as Trino inlines it) and the partitions their conditions
 * allow in a simulated lake, against what the query's window and its documented lookback require.
 */
import { addDays, cloudTrailDay, daysBetween } from "../../core/days";
import type { Period, SavedQueryOptions } from "../../queries/saved";
import { PartitionKey, TableDefinition, TableName, TABLES } from "../../queries/schema/tables";
import { parseStatement, Scan, statementScans } from "./trino-scans";

/**
 * The simulated lake: a year of days ending on the period's last day, 3 regions, 20 accounts, and
 * 2 work groups an account and region (history's `workgroup` key: `primary` and the audit's own).
 */
export interface Lake {
  /** Its days, yyyy-MM-dd, oldest first. */
  days: string[];
  regions: string[];
  accounts: string[];
  workGroups: string[];
}

export function simulatedLake(lastDay: string, days = 365): Lake {
  return {
    days: daysBetween(addDays(lastDay, 1 - days), lastDay),
    regions: ["us-east-1", "eu-west-1", "ap-southeast-2"],
    accounts: Array.from({ length: 20 }, (_, i) => String(100000000001 + i)),
    workGroups: ["primary", "athena-audit"],
  };
}

/** Whether a key holds days, and in which spelling (`dt`: yyyy-MM-dd; CloudTrail's `day`: yyyy/MM/dd). */
function daySpelling(key: PartitionKey): ((day: string) => string) | undefined {
  if (key.format.startsWith("yyyy-MM-dd")) return (day) => day;
  if (key.format.startsWith("yyyy/MM/dd")) return cloudTrailDay;
  return undefined;
}

/** The values a partition key takes in the lake, as spelled in the key. */
function keyValues(table: TableDefinition, key: PartitionKey, lake: Lake): string[] {
  const spelled = daySpelling(key);
  if (spelled) return lake.days.map(spelled);
  if (key.name === "region") return lake.regions;
  if (key.name === "account") return lake.accounts;
  if (key.name === "workgroup") return lake.workGroups;
  throw new Error(`the simulated lake has no values for ${table.name}'s partition key ${key.name}`);
}

/** The partitions a scan's conditions allow: for each key, the values every condition on it allows, multiplied. */
export function partitionsRead(scan: Scan, table: TableDefinition, lake: Lake): number {
  return table.partitionKeys
    .map((key) => {
      const conditions = scan.conditions.filter((c) => c.column.name === key.name.toLowerCase());
      return keyValues(table, key, lake).filter((value) => conditions.every((c) => c.allows(value))).length;
    })
    .reduce((a, b) => a * b, 1);
}

/** The partitions from `lookbackDays` before the period's first day to its last: those days, times every other key's values. */
export function partitionsRequired(table: TableDefinition, period: Period, lookbackDays: number, lake: Lake): number {
  const first = addDays(period.from, -lookbackDays);
  return table.partitionKeys
    .map((key) => (daySpelling(key) ? lake.days.filter((d) => d >= first && d <= period.to).length : keyValues(table, key, lake).length))
    .reduce((a, b) => a * b, 1);
}

/**
 * The days before the window each saved query documents reading, per table; a table not named (and
 * a query not listed) reads the window only. Taken from the options wherever a setting holds them.
 */
export const LOOKBACK_DAYS: Readonly<Record<string, (period: Period, options: SavedQueryOptions) => Partial<Record<TableName, number>>>> = {
  // Volume's baseline and the first-time kinds' "never before" look back from the window's days.
  anomalies: (_p, o) => {
    const days = Math.max(o.anomalies.baselineDays, o.anomalies.lookbackDays);
    return { events: days, access: days };
  },
  // The previous period: as many days as the period, just before it.
  top_scanners: (p) => ({ events: daysBetween(p.from, p.to).length }),
  // A history row's query may be in events the day before or after (it ran across midnight).
  data_coverage: () => ({ events: 1 }),
  // A grant's last use, through any engine: the lookback's days end on the window's last day.
  permission_gaps: (p, o) => {
    const days = Math.max(0, o.lastUsedLookbackDays - daysBetween(p.from, p.to).length);
    return { events: days, access: days };
  },
  // The last grants snapshot before the period, for an account with none in it.
  usage_by_account: (_p, o) => ({ grants: o.grantsLookbackDays }),
};

export interface TableFigures {
  query: string;
  table: TableName;
  scans: number;
  /** Partitions read, summed over the scans. */
  read: number;
  required: number;
}

function tableNamed(name: string, query: string): TableDefinition {
  const table = Object.values(TABLES).find((t) => t.name === name);
  if (!table) throw new Error(`query ${query}: reads ${name}, which is neither a table of the lake nor a WITH query in scope`);
  return table;
}

/** A statement's figures per table it reads, in the order of TABLES; the statement is parsed once. */
export function statementFigures(query: string, sql: string, period: Period, options: SavedQueryOptions, lake: Lake): TableFigures[] {
  const scans = statementScans(parseStatement(query, sql));
  const lookback = LOOKBACK_DAYS[query]?.(period, options) ?? {};
  return Object.values(TABLES).flatMap((table) => {
    const own = scans.filter((s) => tableNamed(s.table, query) === table);
    if (own.length === 0) return [];
    const read = own.reduce((sum, scan) => sum + partitionsRead(scan, table, lake), 0);
    return [
      { query, table: table.name, scans: own.length, read, required: partitionsRequired(table, period, lookback[table.name] ?? 0, lake) },
    ];
  });
}

export type TableTotals = Omit<TableFigures, "query">;

/** The figures summed per table over the queries, in the order of TABLES. */
export function totalsByTable(figures: readonly TableFigures[]): TableTotals[] {
  return Object.values(TABLES).flatMap((table) => {
    const own = figures.filter((f) => f.table === table.name);
    if (own.length === 0) return [];
    const sum = (pick: (f: TableFigures) => number) => own.reduce((total, f) => total + pick(f), 0);
    return [{ table: table.name, scans: sum((f) => f.scans), read: sum((f) => f.read), required: sum((f) => f.required) }];
  });
}

/** Read over required, as the figures print it. */
export const ratio = (f: { read: number; required: number }): string => (f.required === 0 ? "-" : `${(f.read / f.required).toFixed(2)}×`);
