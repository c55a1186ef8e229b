/**
 * The principal_profiles page: each IAM user or role's kind, callers, clients, source networks and
 * databases, and which several applications share; the days they were active said once in the
 * header, with the exceptions under the table. Cost is Top scanners' figure: the page links to it.
 */
import { SAVED, SavedRow, savedRows } from "../../queries/saved";
import { principalType } from "./columns";
import { count, markdownText, namesNote, PrincipalNames } from "./format";
import { Column, RIGHT, table } from "./table";
import type { Page } from "./types";

type ProfileRow = SavedRow<typeof SAVED.principal_profiles>;

/** Characters of a list a cell shows; a longer list is cut, and says how many items it has. */
const LIST_WIDTH = 80;

const plural = (n: number, one: string, many: string) => `${count(n)} ${n === 1 ? one : many}`;

/** A comma-separated list from the lake, escaped, cut to the cell's width, with its length when cut. */
function listCell(items: string | null, n: number): string {
  const cut = markdownText(items, LIST_WIDTH);
  return cut === markdownText(items, Infinity) ? cut : `${cut} (${count(n)} in all)`;
}

export const principalProfilesPage: Page = (result) => {
  const rows = savedRows(SAVED.principal_profiles, result);
  const names = new PrincipalNames(rows.map((r) => r.iam_principal_arn));
  const kind = (r: ProfileRow) => {
    const type = r.principal_type === "IAMUser" ? "user" : r.principal_type === "AssumedRole" ? "role" : principalType(r.principal_type);
    return `${[r.kind, type].filter(Boolean).join(" ")} · ${markdownText(r.client_families)}`;
  };
  // A shared principal says by what, in words: the applications (client families) and how many user agents.
  const sharedBy = (r: ProfileRow) => {
    if (!r.shared) return "";
    const applications = listCell(r.service_client_family_list, r.service_client_families);
    const agents = plural(r.user_agents, "user agent", "user agents");
    return `${plural(r.service_client_families, "application", "applications")}: ${applications}; ${agents}`;
  };
  const columns: Column<ProfileRow>[] = [
    { label: "IAM principal", cell: (r) => names.cell(r.iam_principal_arn) },
    { label: "Callers", right: RIGHT, cell: (r) => count(r.callers) },
    { label: "Kind · clients", cell: kind },
    { label: "Source networks", cell: (r) => listCell(r.source_network_list, r.source_networks) },
    { label: "Databases (work groups)", cell: (r) => `${markdownText(r.databases)} (${markdownText(r.work_groups)})` },
    { label: "Shared by", cell: sharedBy },
  ];
  // When each was active: the same two days on most rows, so said once, with the exceptions.
  const span = (r: ProfileRow) => `${r.first_active_day} to ${r.last_active_day}`;
  const spans = new Map<string, number>();
  for (const r of rows) spans.set(span(r), (spans.get(span(r)) ?? 0) + 1);
  const usual = [...spans].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
  const others = rows.filter((r) => span(r) !== usual);
  const active =
    usual === undefined ? [] : [`${others.length === 0 ? "Each" : "Unless noted below, each"} was active from ${markdownText(usual)}.`];
  // Cost per principal is one page's figure.
  const context = [...active, `What each costs: [${SAVED.top_scanners.title}](${SAVED.top_scanners.name}.md).`];
  const notes = [
    ...(others.length === 0
      ? []
      : [`Active otherwise: ${others.map((r) => `${names.cell(r.iam_principal_arn)} from ${markdownText(span(r))}`).join("; ")}.`]),
    ...(rows.length === 0
      ? []
      : [
          "Source networks and sharing count service calls only, not a person's (console, Identity Center role, on behalf of someone): " +
            "a network is an IPv4 /24, or the AWS service that called.",
        ]),
    ...namesNote(names),
  ];
  return { context, tables: [table(rows, columns, { notes })] };
};
