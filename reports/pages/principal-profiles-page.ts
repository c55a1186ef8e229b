/**
 * The principal_profiles page: each IAM user or role's cost, callers, clients and databases; the
 * days they were active said once in the header, with the exceptions under the table.
 */
import { SAVED, SavedRow, savedRows } from "../../queries/saved";
import { principalType } from "./columns";
import { count, humanBytes, markdownText, namesNote, PrincipalNames, usd } from "./format";
import { Column, RIGHT, table } from "./table";
import type { Page } from "./types";

type ProfileRow = SavedRow<typeof SAVED.principal_profiles>;

export const principalProfilesPage: Page = (result) => {
  const rows = savedRows(SAVED.principal_profiles, result);
  const names = new PrincipalNames(rows.map((r) => r.iam_principal_arn));
  const kind = (r: ProfileRow) => {
    const type = r.principal_type === "IAMUser" ? "user" : r.principal_type === "AssumedRole" ? "role" : principalType(r.principal_type);
    return `${[r.kind, type].filter(Boolean).join(" ")} · ${markdownText(r.client_families)}`;
  };
  const columns: Column<ProfileRow>[] = [
    { label: "IAM principal", cell: (r) => names.cell(r.iam_principal_arn) },
    { label: "Cost", right: RIGHT, cell: (r) => usd(r.cost_usd) },
    { label: "Scanned", right: RIGHT, cell: (r) => humanBytes(r.data_scanned_bytes) },
    { label: "Queries", right: RIGHT, cell: (r) => count(r.queries) },
    { label: "Callers", right: RIGHT, cell: (r) => count(r.callers) },
    { label: "Kind · clients", cell: kind },
    { label: "Databases (work groups)", cell: (r) => `${markdownText(r.databases)} (${markdownText(r.work_groups)})` },
  ];
  // When each was active: the same two days on most rows, so said once, with the exceptions.
  const span = (r: ProfileRow) => `${r.first_active_day} to ${r.last_active_day}`;
  const spans = new Map<string, number>();
  for (const r of rows) spans.set(span(r), (spans.get(span(r)) ?? 0) + 1);
  const usual = [...spans].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
  const others = rows.filter((r) => span(r) !== usual);
  const context =
    usual === undefined ? [] : [`${others.length === 0 ? "Each" : "Unless noted below, each"} was active from ${markdownText(usual)}.`];
  const notes = [
    ...(others.length === 0
      ? []
      : [`Active otherwise: ${others.map((r) => `${names.cell(r.iam_principal_arn)} from ${markdownText(span(r))}`).join("; ")}.`]),
    ...namesNote(names),
  ];
  return { context, tables: [table(rows, columns, { notes })] };
};
