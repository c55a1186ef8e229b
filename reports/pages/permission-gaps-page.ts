/**
 * The permission_gaps page: first one verdict per principal (remove it, trim grants, or wait, and
 * why; permission-verdicts.ts decides), surest first, each with its suggested change; then each
 * unused grant with its confidence and the reason in words, what repeats on many rows moved to
 * footnotes. And the index's line on them, which never reads "none" for an account whose grants
 * snapshot is missing.
 */
import { camelRow, SAVED, SavedRow, savedRows } from "../../queries/saved";
import { accountColumn } from "./columns";
import { engineName } from "./engine-words";
import { codeSpan, count, Footnotes, markdownText, namesNote, principalName, PrincipalNames, wordList } from "./format";
import { lacksGrants, lastGrantsWords } from "./grants-words";
import {
  denyPolicy,
  GRANT_KINDS,
  JudgedGrant,
  lookbackWords,
  permissionVerdicts,
  QUIET_DAYS,
  Verdict,
  verdictAction,
  verdictGrants,
  verdictReasons,
} from "./permission-verdicts";
import { Column, table } from "./table";
import type { Page } from "./types";

type GapRow = SavedRow<typeof SAVED.permission_gaps>;

/**
 * A permission gap's reason with what repeats on many rows moved to a footnote: the coverage clause
 * every medium row shares, and the caveat every low row ends with. Anything the patterns do not
 * match (a reason worded another way) is shown whole.
 */
function gapReason(row: GapRow, footnotes: Footnotes): string {
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
  const lookback = lookbackWords(lastUsedFrom, windowTo);
  return lookback === undefined ? "not in the evidence" : `not ${lookback}`;
}

const ACCESS_PATHS: Record<string, string> = {
  iam: "IAM policies",
  "iam (conditional)": "IAM policies, under conditions",
  "lake-formation": "Lake Formation permissions",
};

const plural = (n: number, one: string) => `${count(n)} ${n === 1 ? one : `${one}s`}`;

/** What a verdict's grants expose: databases and work groups by name, tables counted (the grants table names them). */
function exposes(grants: readonly JudgedGrant[]): string {
  const named = (kind: string, one: string) => {
    const names = grants.filter((j) => j.gap.grantKind === kind).map((j) => markdownText(j.gap.resource, 100));
    const shown = names.length > 3 ? [...names.slice(0, 2), `${count(names.length - 2)} more`] : names;
    return names.length === 0 ? [] : [`${names.length === 1 ? one : `${one}s`} ${wordList(shown, "and")}`];
  };
  const tables = grants.filter((j) => j.gap.grantKind === "table");
  const table = tables.map((j) => `table ${markdownText(j.gap.resource, 100)}`);
  return [
    ...named("database", "database"),
    ...(tables.length > 1 ? [plural(tables.length, "table")] : table),
    ...named("workgroup", "work group"),
  ].join(", ");
}

/** The principal's own use in the window, in words (Markdown). */
function ownUse(r: GapRow): string {
  if (r.principal_queries === 0 && r.principal_other_calls === 0)
    return "ran nothing in the window: no Athena query, no read through another engine";
  const engines = r.principal_other_engines ? r.principal_other_engines.split(", ").map(engineName).join(", ") : "other engines";
  const queries = `ran ${count(r.principal_queries)} ${r.principal_queries === 1 ? "query" : "queries"}`;
  const ran = r.principal_queries === 0 ? "ran no Athena query" : `${queries}, last on ${markdownText(r.principal_last_active ?? "never")}`;
  if (r.principal_other_calls === 0) return ran;
  const last = markdownText(r.principal_other_last_active ?? "never");
  return `${ran}, and read through ${engines} (${plural(r.principal_other_calls, "call")}, last on ${last})`;
}

/** The change a verdict suggests, in words (Markdown); its deny statements are under the table. */
function changeWords(v: Verdict): string {
  if (v.kind === "wait") return "none yet";
  if (v.kind === "trim") return "remove these grants from its policies; the deny statements below do it";
  const what = verdictAction(v)[1].slice("the ".length);
  return `delete the ${what} if IAM's last accessed data shows no use outside the lake; until then, deny its grants (below)`;
}

/** The verdicts table and, under it, the rule and each change's deny statements. */
function verdictsTable(verdicts: readonly Verdict[], rows: readonly GapRow[], names: PrincipalNames) {
  const first = new Map<string, GapRow>();
  for (const r of rows) if (!first.has(r.principal_arn)) first.set(r.principal_arn, r);
  const row = (v: Verdict) => first.get(v.principalArn) as GapRow;
  const columns: Column<Verdict>[] = [
    { label: "Principal", cell: (v) => names.cell(v.principalArn) },
    ...accountColumn(verdicts, (v) => row(v).account_id),
    { label: "Verdict", cell: (v) => `**${verdictAction(v)[0]}** ${markdownText(verdictAction(v)[1])}` },
    { label: "Confidence", cell: (v) => v.confidence },
    { label: "Exposes", cell: (v) => exposes(verdictGrants(v)) },
    { label: "Why", cell: (v) => [ownUse(row(v)), ...verdictReasons(v).map((r) => markdownText(r, 600))].join("; ") },
    { label: "Suggested change", cell: changeWords },
  ];
  const built = table(verdicts, columns, {
    title: "What to do",
    empty: "No unused grant in the accounts with a grants snapshot in the window.",
  });
  const changes = verdicts
    .filter((v) => v.kind !== "wait")
    .map((v) => {
      // Indented under its list item, the block is part of the note; folded, so the page reads as its
      // verdicts (GitHub renders <details>; the summary holds fixed words only, no lake text).
      const block = denyPolicy(v.remove.map((j) => j.gap)).replace(/\n/g, "\n  ");
      const folded = `<details><summary>the policy</summary>\n\n  ${block}\n\n  </details>`;
      return `**${names.cell(v.principalArn)}** (${v.kind}), the deny statements for ${plural(v.remove.length, "grant")}:\n\n  ${folded}`;
    });
  if (verdicts.length > 0)
    built.notes = [
      `A verdict counts every doubt in the evidence as use on its day: an unattributed query that touched the grant, a query ` +
        `without history or a named principal, a region-day without evidence. A grant goes once it has been unused ${QUIET_DAYS} days ` +
        `even so (the age at which the CIS AWS Foundations Benchmark disables unused credentials): an older doubt cannot change ` +
        `the verdict, a newer one makes it wait for the day named. **remove**: the principal ran nothing in the window and every ` +
        `grant it holds may go; **trim**: those that may go; **wait**: none yet. Confidence is high when nothing else is in ` +
        `doubt, medium when a doubt has no day (a trail that does not record other engines' reads), low while it waits.`,
      `athena-audit sees Athena and the lake's reads only: IAM's last accessed data shows a principal's other use.`,
      ...changes,
    ];
  return built;
}

export const permissionGapsPage: Page = (result, period) => {
  const rows = savedRows(SAVED.permission_gaps, result);
  const verdicts = permissionVerdicts(rows.map((r) => camelRow(SAVED.permission_gaps, r)));
  const names = new PrincipalNames(rows.map((r) => r.principal_arn));
  const footnotes = new Footnotes();
  // The window is the period on every row; the access path is usually the same for every grant.
  const windows = new Set(rows.map((r) => `${r.window_from} to ${r.window_to}`));
  const paths = new Set(rows.map((r) => r.access_path));
  const onlyWindow = soleValue(windows);
  const onlyPath = soleValue(paths);
  const context = [
    ...(onlyWindow !== undefined && onlyWindow !== `${period.from} to ${period.to}` ? [`Window: ${markdownText(onlyWindow)}.`] : []),
    ...(windows.size > 1 ? [`Windows: ${markdownText([...windows].join("; "), 400)}.`] : []),
    ...(onlyPath !== undefined ? [`Every grant below is held through ${ACCESS_PATHS[onlyPath] ?? markdownText(onlyPath)}.`] : []),
  ];
  const verdictTable = verdictsTable(verdicts, rows, names);
  // No rows is no finding only for the accounts whose grants were read: said, where it could read as all clear.
  if (rows.length === 0) {
    verdictTable.notes.push(
      `Only accounts with a grants snapshot in the window are judged: an account without one has no rows here, ` +
        `though it may hold unused grants ([${SAVED.usage_by_account.title}](${SAVED.usage_by_account.name}.md) names it).`,
    );
    return { context, tables: [verdictTable] };
  }
  // The grants in the verdicts' order, each principal's in the query's.
  const order = new Map(verdicts.map((v, i) => [v.principalArn, i]));
  const grantRows = [...rows].sort((a, b) => (order.get(a.principal_arn) ?? 0) - (order.get(b.principal_arn) ?? 0));
  const columns: Column<GapRow>[] = [
    { label: "Principal", cell: (r) => names.cell(r.principal_arn) },
    ...accountColumn(grantRows, (r) => r.account_id),
    { label: "Grant", cell: (r) => `${GRANT_KINDS[r.grant_kind] ?? markdownText(r.grant_kind)} ${markdownText(r.resource)}` },
    ...(paths.size > 1 ? [{ label: "Access path", cell: (r: GapRow) => markdownText(r.access_path) }] : []),
    {
      label: "Last used",
      cell: (r) => markdownText(lastUsedWords(r.last_used, r.last_used_by, r.last_used_from, r.window_to)),
    },
    { label: "Confidence", cell: (r) => markdownText(r.confidence) },
    { label: "Reason", cell: (r) => gapReason(r, footnotes) },
  ];
  const grants = table(grantRows, columns, { title: "The unused grants" });
  grants.notes = [...footnotes.list(), ...namesNote(names)];
  return { context, tables: [verdictTable, grants] };
};

type AccountRow = SavedRow<typeof SAVED.usage_by_account>;

/** permission_gaps rows as the index counts them: grants, principals, and each principal's verdict, surest first. */
export interface GapCounts {
  grants: number;
  principals: number;
  verdicts: { principal: string; kind: Verdict["kind"]; action: string }[];
}

/** The rows counted, each principal judged as the page judges it. */
export function gapCounts(rows: readonly SavedRow<typeof SAVED.permission_gaps>[]): GapCounts {
  const verdicts = permissionVerdicts(rows.map((r) => camelRow(SAVED.permission_gaps, r)));
  return {
    grants: rows.length,
    principals: new Set(rows.map((r) => r.principal_arn)).size,
    verdicts: verdicts.map((v) => ({ principal: v.principalArn, kind: v.kind, action: verdictAction(v)[1] })),
  };
}

/** `remove 1 (`old-contractor`)`: a verdict's principals by name, the first three, a wait with its day. */
function verdictWords(gaps: GapCounts, kind: Verdict["kind"], verb: string): string | undefined {
  const mine = gaps.verdicts.filter((v) => v.kind === kind);
  if (mine.length === 0) return undefined;
  const named = mine.slice(0, 3).map((v) => `${codeSpan(principalName(v.principal), 100)}${kind === "wait" ? ` ${v.action}` : ""}`);
  const more = mine.length > 3 ? `, and ${count(mine.length - 3)} more` : "";
  return `${verb} ${count(mine.length)} (${named.join(", ")}${more})`;
}

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
  const decided = [
    verdictWords(gaps, "remove", "remove"),
    verdictWords(gaps, "trim", "trim the grants of"),
    verdictWords(gaps, "wait", "wait on"),
  ].filter((w) => w !== undefined);
  const found =
    `${plural(gaps.grants, "grant")} unused in the period, held by ${plural(gaps.principals, "principal")}: ` +
    `${decided.join("; ")}; each with its reason and the change to make, the surest first`;
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
