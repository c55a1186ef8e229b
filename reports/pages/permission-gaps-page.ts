/**
 * The permission_gaps page: each unused grant with its confidence and the reason in words, what
 * repeats on many rows moved to footnotes, and each principal's own use said once; and the index's
 * line on them, which never reads "none" for an account whose grants snapshot is missing.
 */
import { SAVED, SavedRow, savedRows } from "../../queries/saved";
import { accountColumn } from "./columns";
import { engineName } from "./engine-words";
import { codeSpan, count, Footnotes, markdownText, namesNote, PrincipalNames } from "./format";
import { lacksGrants, lastGrantsWords } from "./grants-words";
import { Column, table } from "./table";
import type { Page } from "./types";

/**
 * A permission gap's reason with what repeats on many rows moved to a footnote: the coverage clause
 * every medium row shares, and the caveat every low row ends with. Anything the patterns do not
 * match (a reason worded another way) is shown whole.
 */
function gapReason(row: SavedRow<typeof SAVED.permission_gaps>, footnotes: Footnotes): string {
  const reason = row.reason;
  const low = /^(.+) \(any could have been this principal's\)$/.exec(reason)?.[1];
  if (low !== undefined)
    return `${markdownText(low, 400)}${footnotes.mark("Any of these unattributed queries could have been this principal's.")}`;
  const [, gap, gapResource] =
    /^(queries lack history or a named principal on .+), though no unattributed query touched (.+)$/.exec(reason) ?? [];
  if (gap !== undefined && gapResource === row.resource) {
    const note = `${markdownText(gap.charAt(0).toUpperCase() + gap.slice(1), 400)}.`;
    return `evidence incomplete${footnotes.mark(note)}, though no unattributed query touched it`;
  }
  const missing = /^no evidence for .+ of the window \(first .+\)$/.exec(reason);
  if (missing) return `evidence missing${footnotes.mark(`${markdownText(reason.charAt(0).toUpperCase() + reason.slice(1), 400)}.`)}`;
  const [, complete, completeResource] =
    /^(every query of the window has history and a named principal); no unattributed query touched (.+)$/.exec(reason) ?? [];
  if (complete !== undefined && completeResource === row.resource)
    return `${markdownText(complete, 400)}; no unattributed query touched it`;
  return markdownText(reason, 400);
}

/** The one value of a set that holds exactly one, else undefined. */
function soleValue<T>(values: ReadonlySet<T>): T | undefined {
  return values.size === 1 ? [...values][0] : undefined;
}

/**
 * A grant's last use in words: its day and engine, or that it was not used in the lookback (from
 * `lastUsedFrom` to the window's end). Use before the lookback is not read, so it is never "never".
 * The page and the issues say it alike.
 */
export function lastUsedWords(
  lastUsed: string | null,
  lastUsedBy: string | null,
  lastUsedFrom: string | null | undefined,
  windowTo: string,
): string {
  if (lastUsed !== null) return lastUsedBy ? `${lastUsed} (${lastUsedBy})` : lastUsed;
  // A findings file may leave the lookback out.
  if (lastUsedFrom === null || lastUsedFrom === undefined) return "not in the evidence";
  const days = Math.round((Date.parse(windowTo) - Date.parse(lastUsedFrom)) / 86_400_000) + 1;
  if (!Number.isInteger(days) || days < 1) return `not since ${lastUsedFrom}`;
  return `not in the last ${days === 1 ? "day" : `${count(days)} days`}`;
}

const GRANT_KINDS: Record<string, string> = { workgroup: "work group", database: "database", table: "table" };
const ACCESS_PATHS: Record<string, string> = {
  iam: "IAM policies",
  "iam (conditional)": "IAM policies, under conditions",
  "lake-formation": "Lake Formation permissions",
};

export const permissionGapsPage: Page = (result, period) => {
  const rows = savedRows(SAVED.permission_gaps, result);
  const names = new PrincipalNames(rows.map((r) => r.principal_arn));
  const footnotes = new Footnotes();
  type R = (typeof rows)[number];
  // The window is the period on every row; the access path is usually the same for every grant.
  const windows = new Set(rows.map((r) => `${r.window_from} to ${r.window_to}`));
  const paths = new Set(rows.map((r) => r.access_path));
  const onlyWindow = soleValue(windows);
  const onlyPath = soleValue(paths);
  const context = [
    ...(onlyWindow !== undefined && onlyWindow !== `${period.from} to ${period.to}` ? [`Window: ${markdownText(onlyWindow)}.`] : []),
    ...(onlyPath !== undefined ? [`Every grant below is held through ${ACCESS_PATHS[onlyPath] ?? markdownText(onlyPath)}.`] : []),
  ];
  const columns: Column<R>[] = [
    { label: "Principal", cell: (r) => names.cell(r.principal_arn) },
    ...accountColumn(rows, (r) => r.account_id),
    { label: "Grant", cell: (r) => `${GRANT_KINDS[r.grant_kind] ?? markdownText(r.grant_kind)} ${markdownText(r.resource)}` },
    ...(paths.size > 1 ? [{ label: "Access path", cell: (r: R) => markdownText(r.access_path) }] : []),
    ...(windows.size > 1 ? [{ label: "Window", cell: (r: R) => markdownText(`${r.window_from} to ${r.window_to}`) }] : []),
    {
      label: "Last used",
      cell: (r) => markdownText(lastUsedWords(r.last_used, r.last_used_by, r.last_used_from, r.window_to)),
    },
    { label: "Confidence", cell: (r) => markdownText(r.confidence) },
    { label: "Reason", cell: (r) => gapReason(r, footnotes) },
  ];
  const built = table(rows, columns);
  const engineNames = (engines: string | null) => (engines ? engines.split(", ").map(engineName).join(", ") : "other engines");
  // Each principal's own use, Athena's and other engines', once rather than on each of its grants.
  const own = new Map<string, R>();
  for (const r of rows) if (!own.has(r.principal_arn)) own.set(r.principal_arn, r);
  const other = (r: R) =>
    r.principal_other_calls === 0
      ? ""
      : `, and read through ${engineNames(r.principal_other_engines)} (${count(r.principal_other_calls)} ` +
        `${r.principal_other_calls === 1 ? "call" : "calls"}, last on ${markdownText(r.principal_other_last_active ?? "never")})`;
  const ran = (r: R) =>
    (r.principal_queries === 0
      ? r.principal_other_calls === 0
        ? "ran no query and read through no other engine"
        : "ran no Athena query"
      : `ran ${count(r.principal_queries)} ${r.principal_queries === 1 ? "query" : "queries"}, ` +
        `last on ${markdownText(r.principal_last_active ?? "never")}`) + other(r);
  const use = [...own.values()].map((r) => `${names.cell(r.principal_arn)} (${markdownText(r.principal_type)}) ${ran(r)}`);
  built.notes = [
    ...footnotes.list(),
    ...(use.length === 0 ? [] : [`The principals' own use in the window: ${use.join("; ")}.`]),
    ...namesNote(names),
  ];
  // No rows is no finding only for the accounts whose grants were read: said, where it could read as all clear.
  if (rows.length === 0) {
    built.empty = "No unused grant in the accounts with a grants snapshot in the window.";
    built.notes.push(
      `Only accounts with a grants snapshot in the window are judged: an account without one has no rows here, ` +
        `though it may hold unused grants ([${SAVED.usage_by_account.title}](${SAVED.usage_by_account.name}.md) names it).`,
    );
  }
  return { context, tables: [built] };
};

type AccountRow = SavedRow<typeof SAVED.usage_by_account>;

/** permission_gaps rows counted for the index. */
export interface GapCounts {
  grants: number;
  principals: number;
  high: number;
  medium: number;
  low: number;
}

const plural = (n: number, one: string) => `${count(n)} ${n === 1 ? one : `${one}s`}`;
/** `account A`, `accounts A, B and C`, each id as code. */
const ids = (rows: readonly AccountRow[]) => {
  const names = rows.map((r) => codeSpan(r.account_id));
  const last = names.pop() ?? "";
  return names.length === 0 ? `account ${last}` : `accounts ${names.join(", ")} and ${last}`;
};

/**
 * The index's line on permission gaps, `pages` the Markdown links to this page and to usage_by_account.
 * Missing evidence is never "none": each account usage_by_account finds without a grants snapshot in
 * the period is named as not computed, and with no snapshot at all nothing is counted. Without
 * `accounts` (a caller with no usage_by_account rows) the gaps are taken as they are.
 */
export function permissionGapsLine(
  gaps: GapCounts,
  accounts: readonly AccountRow[] | undefined,
  pages: { gaps: string; accounts: string },
): string {
  const found =
    `${plural(gaps.grants, "grant")} unused in the period, held by ${plural(gaps.principals, "principal")}: ` +
    `${gaps.high} high, ${gaps.medium} medium, ${gaps.low} low confidence; review the high ones first, ` +
    `a low one may have been used by an unattributed query`;
  const unjudged = (accounts ?? []).filter(lacksGrants);
  const judged = (accounts ?? []).filter((r) => r.grants_day !== null);
  // (Gaps without accounts: usage_by_account failed while permission_gaps ran, so a snapshot was there.)
  if (unjudged.length === 0 && (accounts === undefined || judged.length > 0 || gaps.grants > 0)) {
    return gaps.grants === 0
      ? `**Permission gaps**: none: every grant held was used in the period (${pages.gaps})`
      : `**Permission gaps**: ${found} (${pages.gaps})`;
  }
  const links = `(${pages.gaps}, ${pages.accounts})`;
  if (unjudged.length === 0) return `**Permission gaps**: not computed: no account has a grants snapshot in the period ${links}`;
  // Since when, once when it is the same for each.
  const since =
    soleValue(new Set(unjudged.map(lastGrantsWords))) ?? unjudged.map((r) => `${codeSpan(r.account_id)}: ${lastGrantsWords(r)}`).join("; ");
  if (judged.length === 0 && gaps.grants === 0) {
    return (
      `**Permission gaps**: not computed: no grants snapshot in the period for ${ids(unjudged)} (${since}); ` +
      `without one, an unused grant cannot be told from one not held ${links}`
    );
  }
  const judgedWords =
    gaps.grants > 0 ? found : `none in ${ids(judged)}: every grant ${judged.length === 1 ? "it" : "they"} held was used in the period`;
  return `**Permission gaps**: ${judgedWords}; not computed for ${ids(unjudged)}: no grants snapshot in the period (${since}) ${links}`;
}
