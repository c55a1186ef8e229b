/**
 * Which work groups' history Athena can see. The history table projects its `workgroup` partition
 * as an enum (`projection.workgroup.values`): Athena reads only the folders of the work groups
 * listed there, so history of a work group created after deployment would be collected but never
 * joined. The daily join keeps the list itself (functions/join/work-groups.ts makes the calls);
 * these are its decisions, as pure functions of S3 listings and the table's parameters.
 */
import { addDays } from "./days";
import { HistoryPartition } from "./layout";
import { WORK_GROUP_PATTERN } from "./names";

/** The history table's partition key that holds the work group. */
export const WORK_GROUP_KEY = "workgroup";
/** The table parameter listing the work groups Athena projects, comma-separated. */
export const WORK_GROUP_VALUES = `projection.${WORK_GROUP_KEY}.values`;

/** The history days the joins of `days` read (D-1 .. D+1 of each), once each, in order. */
export function historyDaysRead(days: readonly string[]): string[] {
  return [...new Set(days.flatMap((d) => [addDays(d, -1), d, addDays(d, 1)]))].sort();
}

export type WorkGroupProjection = { kind: "enum"; values: string[] } | { kind: "other"; reason: string };

/**
 * What a table's parameters say about the work-group partition. Athena splits an enum's values at
 * commas only: white space belongs to the value (Athena user guide, "Supported types for partition
 * projection").
 */
export function workGroupProjection(
  parameters: Readonly<Record<string, string | undefined>>,
  key = WORK_GROUP_KEY,
  table = "history",
): WorkGroupProjection {
  if (parameters["projection.enabled"]?.trim().toLowerCase() !== "true")
    return { kind: "other", reason: `the ${table} table does not use partition projection` };
  const type = parameters[`projection.${key}.type`]?.trim().toLowerCase();
  if (type !== "enum") return { kind: "other", reason: `projection.${key}.type is ${JSON.stringify(type ?? null)}, not enum` };
  const values = (parameters[`projection.${key}.values`] ?? "").split(",").filter((v) => v !== "");
  return { kind: "enum", values };
}

/** The history and grants tables' partition key that holds the account, kept by the join like the work groups. */
export const ACCOUNT_KEY = "account";
export const ACCOUNT_VALUES = `projection.${ACCOUNT_KEY}.values`;

export interface ProjectionChange {
  /** Work groups to add to the enum, sorted. */
  add: string[];
  /** Folder names that are not work group names Athena allows (a comma would split the list): never projected. */
  unprojectable: string[];
  /** The table's parameters with the work groups added; undefined when nothing changes. */
  parameters?: Record<string, string>;
}

/**
 * The change that makes every work group in `found` visible: each one the enum lacks is appended
 * (the values already there keep their order, so a rerun changes nothing).
 */
export function projectionChange(
  parameters: Readonly<Record<string, string>>,
  found: Iterable<string>,
  key = WORK_GROUP_KEY,
  pattern: RegExp = WORK_GROUP_PATTERN,
): ProjectionChange {
  const projection = workGroupProjection(parameters, key);
  if (projection.kind !== "enum") throw new Error(`cannot extend the ${key} projection: ${projection.reason}`);
  const names = [...new Set(found)].sort();
  const unprojectable = names.filter((w) => !pattern.test(w));
  const add = names.filter((w) => pattern.test(w) && !projection.values.includes(w));
  if (add.length === 0) return { add, unprojectable };
  return { add, unprojectable, parameters: { ...parameters, [`projection.${key}.values`]: [...projection.values, ...add].join(",") } };
}

/** A joined (day, region) whose history holds work groups the join could not see. */
export interface UnjoinedWorkGroups {
  /** The events partition's day, and the `dt` of the history objects left out. */
  day: string;
  region: string;
  /** Work groups with history of that day and region that Athena did not project, sorted. */
  workGroups: string[];
}

/**
 * For each joined (day, region), the work groups whose history of that day exists but which the
 * history table did not project when the join ran, so none of their queries reached the events
 * partition. `projected` undefined means every folder is visible (the embedded engine reads them
 * all). Only (day, region) pairs with such work groups are listed, in the order of `joined`.
 */
export function unjoinedWorkGroups(
  history: readonly HistoryPartition[],
  projected: readonly string[] | undefined,
  joined: readonly { day: string; region: string }[],
): UnjoinedWorkGroups[] {
  if (projected === undefined) return [];
  const visible = new Set(projected);
  const out: UnjoinedWorkGroups[] = [];
  for (const { day, region } of joined) {
    const missing = history.filter((h) => h.dt === day && h.region === region && !visible.has(h.workGroup)).map((h) => h.workGroup);
    if (missing.length > 0) out.push({ day, region, workGroups: [...new Set(missing)].sort() });
  }
  return out;
}
