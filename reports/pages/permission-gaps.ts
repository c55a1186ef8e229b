/**
 * The permission_gaps page: each unused grant with its confidence and the reason in words, what
 * repeats on many rows moved to footnotes, and each principal's own use said once.
 */
import { SAVED } from "../../queries/saved";
import { SavedRow, savedRows } from "../../queries/saved-columns";
import { accountColumn } from "./accounts";
import { count, Footnotes, markdownText, namesNote, PrincipalNames } from "./format";
import type { Plan } from "./plans";
import { Column, table } from "./table";

/**
 * A permission gap's reason with what repeats on many rows moved to a footnote: the coverage clause
 * every medium row shares, and the caveat every low row ends with. Anything the patterns do not
 * match (a reason worded another way) is shown whole.
 */
function gapReason(row: SavedRow<typeof SAVED.permission_gaps>, footnotes: Footnotes): string {
  const reason = row.reason;
  const low = /^(.+) \(any could have been this principal's\)$/.exec(reason);
  if (low) return `${markdownText(low[1], 400)}${footnotes.mark("Any of these unattributed queries could have been this principal's.")}`;
  const partial = /^(queries lack history or a named principal on .+), though no unattributed query touched (.+)$/.exec(reason);
  if (partial?.[2] === row.resource) {
    const note = `${markdownText(partial[1].charAt(0).toUpperCase() + partial[1].slice(1), 400)}.`;
    return `evidence incomplete${footnotes.mark(note)}, though no unattributed query touched it`;
  }
  const missing = /^no evidence for .+ of the window \(first .+\)$/.exec(reason);
  if (missing) return `evidence missing${footnotes.mark(`${markdownText(reason.charAt(0).toUpperCase() + reason.slice(1), 400)}.`)}`;
  const complete = /^(every query of the window has history and a named principal); no unattributed query touched (.+)$/.exec(reason);
  if (complete?.[2] === row.resource) return `${markdownText(complete[1], 400)}; no unattributed query touched it`;
  return markdownText(reason, 400);
}

const GRANT_KINDS: Record<string, string> = { workgroup: "work group", database: "database", table: "table" };
const ACCESS_PATHS: Record<string, string> = {
  iam: "IAM policies",
  "iam (conditional)": "IAM policies, under conditions",
  "lake-formation": "Lake Formation permissions",
};

export const permissionGapsPlan: Plan = (result, period) => {
  const rows = savedRows(SAVED.permission_gaps, result);
  const names = new PrincipalNames(rows.map((r) => r.principal_arn));
  const footnotes = new Footnotes();
  type R = (typeof rows)[number];
  // The window is the period on every row; the access path is usually the same for every grant.
  const windows = new Set(rows.map((r) => `${r.window_from} to ${r.window_to}`));
  const paths = new Set(rows.map((r) => r.access_path));
  const context = [
    ...(windows.size === 1 && !windows.has(`${period.from} to ${period.to}`) ? [`Window: ${markdownText([...windows][0])}.`] : []),
    ...(paths.size === 1 ? [`Every grant below is held through ${ACCESS_PATHS[[...paths][0]] ?? markdownText([...paths][0])}.`] : []),
  ];
  const columns: Column<R>[] = [
    { label: "Principal", cell: (r) => names.cell(r.principal_arn) },
    ...accountColumn(rows, (r) => r.account_id),
    { label: "Grant", cell: (r) => `${GRANT_KINDS[r.grant_kind] ?? markdownText(r.grant_kind)} ${markdownText(r.resource)}` },
    ...(paths.size > 1 ? [{ label: "Access path", cell: (r: R) => markdownText(r.access_path) }] : []),
    ...(windows.size > 1 ? [{ label: "Window", cell: (r: R) => markdownText(`${r.window_from} to ${r.window_to}`) }] : []),
    { label: "Last used", cell: (r) => (r.last_used === null ? "never" : markdownText(r.last_used)) },
    { label: "Confidence", cell: (r) => markdownText(r.confidence) },
    { label: "Reason", cell: (r) => gapReason(r, footnotes) },
  ];
  const built = table(rows, columns);
  // Each principal's own use of Athena, once rather than on each of its grants.
  const own = new Map<string, R>();
  for (const r of rows) if (!own.has(r.principal_arn)) own.set(r.principal_arn, r);
  const ran = (r: R) =>
    r.principal_queries === 0
      ? "ran no query"
      : `ran ${count(r.principal_queries)} ${r.principal_queries === 1 ? "query" : "queries"}, ` +
        `last on ${markdownText(r.principal_last_active ?? "never")}`;
  const use = [...own.values()].map((r) => `${names.cell(r.principal_arn)} (${markdownText(r.principal_type)}) ${ran(r)}`);
  built.notes = [
    ...footnotes.list(),
    ...(use.length === 0 ? [] : [`The principals' own use in the window: ${use.join("; ")}.`]),
    ...namesNote(names),
  ];
  return { context, tables: [built] };
};
