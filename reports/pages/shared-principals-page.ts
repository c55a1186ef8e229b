/** The shared_principals page: principals called from several client families or networks, with the lists. */
import { SAVED, SavedRow, savedRows } from "../../queries/saved";
import { count, markdownText, namesNote, PrincipalNames, usd } from "./format";
import { Column, RIGHT, table } from "./table";
import type { Page } from "./types";

type SharedRow = SavedRow<typeof SAVED.shared_principals>;

export const sharedPrincipalsPage: Page = (result) => {
  const rows = savedRows(SAVED.shared_principals, result);
  const names = new PrincipalNames(rows.map((r) => r.iam_principal_arn));
  // The counts are the lists' lengths; a list cut short by the query says how long it was.
  const list = (items: string, n: number) => {
    const shown = items.split(",").filter((item) => item.trim() !== "").length;
    return `${markdownText(items, 200)}${shown < n ? ` (${count(n)} in all)` : ""}`;
  };
  const columns: Column<SharedRow>[] = [
    { label: "IAM principal", cell: (r) => names.cell(r.iam_principal_arn) },
    { label: "Cost", right: RIGHT, cell: (r) => usd(r.cost_usd) },
    { label: "Queries", right: RIGHT, cell: (r) => count(r.queries) },
    { label: "User agents", right: RIGHT, cell: (r) => count(r.user_agents) },
    { label: "Client families", cell: (r) => list(r.client_family_list, r.client_families) },
    { label: "Source networks", cell: (r) => list(r.source_network_list, r.source_networks) },
  ];
  return { context: [], tables: [table(rows, columns, { notes: namesNote(names) })] };
};
