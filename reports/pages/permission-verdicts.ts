/**
 * What to do about a principal's unused grants, decided once for the permission-gaps page and its
 * issues: remove the principal, trim grants, or wait. A grant may go once unused QUIET_DAYS with every
 * doubt in the evidence counted as use on its day, so an old doubt cannot change a verdict and a
 * recent one makes it wait; a doubt without a day leaves it at medium (docs/permission-gaps.md).
 * Pure: rows in, verdicts out; the words are plain text, escaped by each channel.
 */
import { addDays } from "../../core/days";
import { ACCOUNT_PATTERN, GLUE_NAME_PATTERN, WORK_GROUP_PATTERN } from "../../core/names";
import { CamelRow, SAVED } from "../../queries/saved";
import { codeBlock, jsonBlock } from "../channels/markdown";
import { count, wordList } from "./format";
import { AccountEvidence, accountEvidence, accountOf, readReason, Span } from "./permission-evidence";

/** One grant a principal holds but did not use in the window (one permission_gaps row). */
export type PermissionGap = CamelRow<typeof SAVED.permission_gaps>;

/** Days a grant must be unused, doubts counted as use, to go: when the CIS AWS Foundations Benchmark disables credentials. */
export const QUIET_DAYS = 45;

/** A day on which a use could have gone unseen, and what could have hidden it. */
export interface Doubt {
  day: string;
  what: "unattributed queries" | "queries without history or a named principal" | "region-days without evidence";
}

export interface JudgedGrant {
  gap: PermissionGap;
  doubts: Doubt[];
  /** Doubts without a day: the grant may go, at medium confidence. */
  unsure: string[];
  /** Evidence the grant waits for, whatever the day. */
  waitsFor: string[];
  /** Days unused up to the window's end, every doubt counted as use (NaN when the rows give no readable window). */
  quiet: number;
  /** What started the quiet: the lookback's start, a use, a doubt, or the principal's creation. */
  since: "lookback" | "used" | "doubt" | "created";
  /** The window's end on which it will have been quiet QUIET_DAYS. */
  until: string;
}

export interface Verdict {
  principalArn: string;
  /** `user`, `role`, or another IAM type as the grants snapshot gives it. */
  principalType: string;
  kind: "remove" | "trim" | "wait";
  confidence: "high" | "medium" | "low";
  /** No Athena query and no read through another engine in the window. */
  ranNothing: boolean;
  /** Every grant of the principal's rows, by kind and resource. */
  grants: JudgedGrant[];
  /** Those to remove now (every one for `remove`, none for `wait`). */
  remove: JudgedGrant[];
  keep: JudgedGrant[];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** Days since 1970 of a real calendar day (`2026-02-30` is none), else NaN. */
const dayNumber = (day: string) => {
  const ms = DAY.test(day) ? Date.parse(`${day}T00:00:00Z`) : NaN;
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day ? NaN : ms / 86_400_000;
};

function judge(gap: PermissionGap, ranNothing: boolean, created: string | undefined, createdKnown: boolean, account: AccountEvidence) {
  const own = readReason(gap.confidence, gap.reason);
  const doubts: Doubt[] = (own.unattributed ?? []).map((day) => ({ day, what: "unattributed queries" }));
  const unsure: string[] = [];
  const waitsFor: string[] = [];
  if (own.silent === true || account.silent)
    waitsFor.push(`any evidence from account ${accountOf(gap)}: nothing arrived from it in the window`);
  if (own.unknown === true) (gap.confidence === "low" ? waitsFor : unsure).push(`what its reason names (${gap.reason})`);
  if (!createdKnown) unsure.push("the rows do not say the principal was created before the window");
  // A gap's first day, and its later days where the account's unattributed queries name them all.
  const span = (s: Span | null | undefined, what: Doubt["what"], unknown: string, known: ReadonlySet<string> = new Set()) => {
    if (s === undefined) return unsure.push(unknown);
    if (s === null) return;
    const days = new Set([s.first, ...[...known].filter((d) => d > s.first)]);
    // An unattributed query's day is a gap's day too: said once, as the nearer cause.
    for (const day of days) if (!doubts.some((d) => d.day === day)) doubts.push({ day, what });
    if (days.size < s.days) unsure.push(`${count(s.days)} ${what}, the first on ${s.first}: the rows do not give the last`);
  };
  span(
    own.missing !== undefined ? own.missing : account.missing,
    "region-days without evidence",
    "the rows do not say whether a region-day lacks evidence",
  );
  const data = gap.grantKind !== "workgroup";
  // A principal that ran nothing at all would be named by a query CloudTrail recorded without history:
  // only a principal that ran queries can hide behind those. A work group's use is CloudTrail's alone.
  if (data && !ranNothing)
    span(
      own.partial !== undefined ? own.partial : account.partial,
      "queries without history or a named principal",
      "the rows do not say whether queries lack history",
      account.gapDays,
    );
  const trail = own.trail !== undefined ? own.trail : account.trail;
  if (data && trail !== null) unsure.push(trail ?? "the rows do not say whether the trail records other engines' reads");
  // Counted from the lookback's start, or the window's when a findings file leaves the lookback out.
  let start = gap.lastUsedFrom ?? gap.windowFrom;
  let since: JudgedGrant["since"] = "lookback";
  const dates = [start, gap.windowTo, gap.lastUsed ?? start, created ?? start, ...doubts.map((d) => d.day)];
  if (dates.some((d) => Number.isNaN(dayNumber(d)))) {
    waitsFor.push("dates the rows give as calendar days");
    return { gap, doubts, unsure, waitsFor, quiet: NaN, since, until: "" } satisfies JudgedGrant;
  }
  const move = (day: string, why: JudgedGrant["since"]) => {
    if (day > start) [start, since] = [day, why];
  };
  if (gap.lastUsed !== null) move(addDays(gap.lastUsed, 1), "used");
  for (const d of doubts) move(addDays(d.day, 1), "doubt");
  if (created !== undefined) move(created, "created");
  const quiet = dayNumber(gap.windowTo) - dayNumber(start) + 1;
  const until = addDays(start, QUIET_DAYS - 1);
  return { gap, doubts, unsure: [...new Set(unsure)], waitsFor, quiet, since, until } satisfies JudgedGrant;
}

/** `in the last 90 days` (the lookback from `lastUsedFrom` to the window's end), or undefined when a findings file leaves it out. */
export function lookbackWords(lastUsedFrom: string | null | undefined, windowTo: string): string | undefined {
  if (lastUsedFrom === null || lastUsedFrom === undefined) return undefined;
  const days = Math.round((Date.parse(windowTo) - Date.parse(lastUsedFrom)) / 86_400_000) + 1;
  if (!Number.isInteger(days) || days < 1) return `since ${lastUsedFrom}`;
  return `in the last ${days === 1 ? "day" : `${count(days)} days`}`;
}

const removable = (j: JudgedGrant) => j.waitsFor.length === 0 && j.quiet >= QUIET_DAYS;

/** The grants a verdict is about: those it removes, or every one while it waits. */
export const verdictGrants = (v: Verdict) => (v.kind === "wait" ? v.grants : v.remove);

const RANK = { high: 0, medium: 1, low: 2, remove: 0, trim: 1, wait: 2 } as const;

/**
 * One verdict per principal, surest first; of equal confidence a removal first (the principal
 * itself, with all it holds, is what goes), then the one exposing the most data, then by principal.
 */
export function permissionVerdicts(gaps: readonly PermissionGap[]): Verdict[] {
  const accounts = accountEvidence(gaps);
  const byPrincipal = new Map<string, PermissionGap[]>();
  const inOrder = [...gaps].sort((a, b) => a.grantKind.localeCompare(b.grantKind) || a.resource.localeCompare(b.resource));
  for (const g of inOrder) byPrincipal.set(g.principalArn, [...(byPrincipal.get(g.principalArn) ?? []), g]);
  const verdicts = [...byPrincipal].map(([principalArn, own]): Verdict => {
    const first = own[0] as PermissionGap;
    const ranNothing = own.every((g) => g.principalQueries === 0 && g.principalOtherCalls === 0);
    const reasons = own.map((g) => readReason(g.confidence, g.reason));
    // The snapshot's creation day where the rows carry it; else what the reasons say (a findings file
    // may leave the column out: the query names the creation before the evidence's gaps, and
    // unattributed queries before both).
    const createdDay = first.principalCreated ?? undefined;
    const created =
      reasons.find((r) => r.created !== undefined)?.created ??
      (createdDay !== undefined && createdDay > first.windowFrom ? createdDay : undefined);
    const createdKnown =
      created !== undefined || createdDay !== undefined || reasons.some((r) => !r.silent && r.unattributed === undefined && !r.unknown);
    const grants = own.map((g) =>
      judge(g, ranNothing, created, createdKnown, accounts.get(accountOf(g)) ?? { silent: false, gapDays: new Set() }),
    );
    const remove = grants.filter(removable);
    const keep = grants.filter((j) => !removable(j));
    const kind = remove.length === 0 ? "wait" : ranNothing && keep.length === 0 ? "remove" : "trim";
    const confidence = kind === "wait" ? "low" : remove.some((j) => j.unsure.length > 0) ? "medium" : "high";
    return { principalArn, principalType: first.principalType, kind, confidence, ranNothing, grants, remove, keep };
  });
  // What the grants expose: databases, then tables, then work groups.
  const exposed = (v: Verdict) =>
    ["database", "table", "workgroup"].map((k) => -verdictGrants(v).filter((j) => j.gap.grantKind === k).length);
  const key = (v: Verdict) => [RANK[v.confidence], RANK[v.kind], ...exposed(v)];
  return verdicts.sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    const i = ka.findIndex((x, n) => x !== kb[n]);
    return i >= 0 ? (ka[i] as number) - (kb[i] as number) : a.principalArn.localeCompare(b.principalArn);
  });
}

/**
 * `the unattributed queries of 2026-08-23 and the region-days without evidence of 2026-09-02`: each
 * day once, under its nearest cause (an unattributed query's day is a gap's day too).
 */
export function doubtWords(doubts: readonly Doubt[]): string {
  const days = new Map<string, Set<string>>();
  const said = new Set<string>();
  for (const what of ["unattributed queries", "queries without history or a named principal", "region-days without evidence"]) {
    for (const d of doubts.filter((x) => x.what === what && !said.has(x.day))) days.set(what, (days.get(what) ?? new Set()).add(d.day));
    for (const day of days.get(what) ?? []) said.add(day);
  }
  return wordList(
    [...days].map(([what, on]) => `the ${what} of ${wordList([...on].sort(), "and")}`),
    "and",
  );
}

/** What grants wait for, in words: `for` the evidence, or `until` a day and why then (their doubts said together). */
function waitWords(kept: readonly JudgedGrant[]): string {
  const j = kept[0];
  if (j === undefined) return "";
  if (j.waitsFor.length > 0) return `for ${wordList(j.waitsFor, "and")}`;
  const when = `until ${j.until}`;
  if (j.since === "created") return `${when}: the principal is ${count(j.quiet)} ${j.quiet === 1 ? "day" : "days"} old`;
  if (j.since === "used") return `${when}: last used on ${j.gap.lastUsed ?? ""}`;
  if (j.since === "doubt") return `${when}: ${doubtWords(kept.flatMap((k) => k.doubts))} may have been its use`;
  return `${when}: the evidence covers ${count(j.quiet)} days`;
}

export const GRANT_KINDS: Record<string, string> = { workgroup: "work group", database: "database", table: "table" };
const grantWords = (j: JudgedGrant) => `${GRANT_KINDS[j.gap.grantKind] ?? j.gap.grantKind} ${j.gap.resource}`;
const plural = (n: number, one: string) => `${count(n)} ${n === 1 ? one : `${one}s`}`;

/** The verdict as a verb and the rest of its action: `remove` `the user`, `trim` `4 of 6 grants`, `wait` `until 2026-12-11`. */
export function verdictAction(v: Verdict): [Verdict["kind"], string] {
  if (v.kind === "remove")
    return ["remove", `the ${v.principalType === "user" || v.principalType === "role" ? v.principalType : "principal"}`];
  if (v.kind === "trim")
    return [
      "trim",
      v.keep.length === 0 ? plural(v.remove.length, "grant") : `${count(v.remove.length)} of ${plural(v.grants.length, "grant")}`,
    ];
  const days = v.keep.every((j) => j.waitsFor.length === 0) ? v.keep.map((j) => j.until).sort() : [];
  return ["wait", days[0] === undefined ? "for evidence" : `until ${days[0]}`];
}

/**
 * Why, as plain-text clauses after the principal's own use (the caller's to say): its grants' last
 * use, the doubts weighed and how long they leave the grants unused, what is unsure, what waits.
 */
export function verdictReasons(v: Verdict): string[] {
  const grants = verdictGrants(v);
  const last = grants
    .map((j) => j.gap.lastUsed)
    .filter((d): d is string => d !== null)
    .sort()
    .at(-1);
  const first = grants[0]?.gap;
  const lookback = first && lookbackWords(first.lastUsedFrom, first.windowTo);
  const unused = last !== undefined ? `the last used on ${last}` : lookback === undefined ? "unused in the window" : `unused ${lookback}`;
  const reasons = [`${v.kind === "remove" ? "all " : ""}${plural(grants.length, "grant")} ${unused}`];
  const doubts = v.remove.flatMap((j) => j.doubts);
  if (doubts.length > 0) {
    const quiet = Math.min(...v.remove.map((j) => j.quiet));
    reasons.push(`even counting ${doubtWords(doubts)} as its use, ${v.ranNothing ? "idle" : "unused"} ${count(quiet)} days`);
  }
  const unsure = [...new Set(v.remove.flatMap((j) => j.unsure))];
  if (unsure.length > 0) reasons.push(`not sure: ${unsure.join("; ")}`);
  const waits = new Map<string, JudgedGrant[]>();
  for (const j of v.keep) {
    const key = j.waitsFor.length > 0 ? j.waitsFor.join("; ") : `${j.until} ${j.since}`;
    waits.set(key, [...(waits.get(key) ?? []), j]);
  }
  for (const kept of waits.values()) {
    const words = waitWords(kept);
    const all = kept.length === v.grants.length ? "all" : plural(kept.length, "grant");
    const which = v.kind === "wait" ? all : wordList(kept.map(grantWords), "and");
    reasons.push(`${which} wait${which === "all" || kept.length > 1 ? "" : "s"} ${words}`);
  }
  return reasons;
}

/**
 * The actions each kind of grant stands for, every one a suggested deny removes. A work group runs
 * queries; a database or table is read through the Glue Data Catalog by every engine (Athena, Glue
 * jobs, EMR, Redshift Spectrum), so its catalog reads all go: the table, its partitions, and for a
 * database the listing of its tables.
 */
export const REMOVED_ACTIONS: Record<"workgroup" | "database" | "table", readonly string[]> = {
  workgroup: ["athena:StartQueryExecution"],
  database: ["glue:GetDatabase", "glue:GetTables", "glue:GetTable", "glue:GetPartitions", "glue:GetPartition", "glue:BatchGetPartition"],
  table: ["glue:GetTable", "glue:GetPartitions", "glue:GetPartition", "glue:BatchGetPartition"],
};

/**
 * Whether the grant's resource is a name AWS accepts for its kind: a value from the lake that is not
 * one (too long, a line break) names no resource, so no policy is suggested for it.
 */
export function namedAsAwsAccepts(g: PermissionGap): boolean {
  if (g.grantKind === "workgroup") return WORK_GROUP_PATTERN.test(g.resource);
  if (g.grantKind === "database") return GLUE_NAME_PATTERN.test(g.resource);
  const dot = g.resource.indexOf(".");
  return dot > 0 && GLUE_NAME_PATTERN.test(g.resource.slice(0, dot)) && GLUE_NAME_PATTERN.test(g.resource.slice(dot + 1));
}

/**
 * The deny statements that remove what the grants allow, as a starting point for review, as a fenced
 * JSON block: in the grant's own account (another account's work group or database of the same name
 * is not this grant), one statement per kind, naming every action it removes. A database's tables
 * are covered by its `table/<database>/*`, so they need no statement of their own.
 */
export function denyPolicy(gaps: readonly PermissionGap[]): string {
  // An account id that is not one (the lake's value, checked again here) names no account: any.
  const accountIn = (g: PermissionGap) => (typeof g.accountId === "string" && ACCOUNT_PATTERN.test(g.accountId) ? g.accountId : "*");
  const named = gaps.filter(namedAsAwsAccepts);
  const databases = new Set(named.filter((g) => g.grantKind === "database").map((g) => `${accountIn(g)} ${g.resource}`));
  const statements = (["workgroup", "database", "table"] as const).flatMap((kind) => {
    const resources = named
      .filter((g) => g.grantKind === kind)
      // A table of a database denied here is denied with it.
      .filter((g) => kind !== "table" || !databases.has(`${accountIn(g)} ${g.resource.slice(0, g.resource.indexOf("."))}`))
      .flatMap((g) => {
        const account = accountIn(g);
        if (kind === "workgroup") return [`arn:aws:athena:*:${account}:workgroup/${g.resource}`];
        if (kind === "database")
          return [`arn:aws:glue:*:${account}:database/${g.resource}`, `arn:aws:glue:*:${account}:table/${g.resource}/*`];
        return [`arn:aws:glue:*:${account}:table/${g.resource.replace(".", "/")}`];
      });
    if (resources.length === 0) return [];
    const sid = { workgroup: "RemoveUnusedWorkGroups", database: "RemoveUnusedDatabases", table: "RemoveUnusedTables" }[kind];
    return [{ Sid: sid, Effect: "Deny", Action: [...REMOVED_ACTIONS[kind]], Resource: resources }];
  });
  return codeBlock(jsonBlock({ Version: "2012-10-17", Statement: statements }).split("\n"), "json");
}
