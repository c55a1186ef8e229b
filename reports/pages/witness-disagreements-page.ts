/**
 * The witness_disagreements page: whether Athena's system table was read at all, what it added
 * (principals CloudTrail missed), and each query where it disagrees with CloudTrail or the SQL
 * parser, with what to make of each kind in the notes; and the index's line on the second witness.
 */
import { SAVED, SavedRow, savedRows } from "../../queries/saved";
import { codeSpan, count, markdownText, PrincipalNames } from "./format";
import { Column, table } from "./table";
import type { Page } from "./types";

type DisagreementRow = SavedRow<typeof SAVED.witness_disagreements>;

const KINDS: Record<string, { label: string; note: string }> = {
  principal: {
    label: "another principal",
    note:
      "**Another principal**: CloudTrail and Athena name different callers for one query. One of the two records is wrong " +
      "or they describe a chain (a role assumed by another): check the CloudTrail record before trusting either.",
  },
  tables_missed_by_parser: {
    label: "tables the parser missed",
    note:
      "**Tables the parser missed**: Athena says the query read tables its SQL does not name, usually through a view. " +
      "Permission gaps count them as used.",
  },
  tables_not_witnessed: {
    label: "tables Athena did not list",
    note:
      "**Tables Athena did not list**: the parser found names Athena did not read, such as a view's own name or a " +
      "table a failed query never reached.",
  },
};

function verdict(summary: DisagreementRow | undefined, found: readonly DisagreementRow[]): string[] {
  const compared = summary?.compared_queries ?? 0;
  if (compared === 0) {
    return [
      "Athena's system table was not read for this period: the join reads it only when the `systemTables` setting is on " +
        "(docs/witnesses-and-bill.md). CloudTrail is the only witness of who ran each query, and the SQL parser of what it read.",
    ];
  }
  const filled = summary?.attributed_by_system_table ?? 0;
  const lines = [
    `Athena's system table saw ${count(compared)} ${compared === 1 ? "query" : "queries"} of the period` +
      (filled > 0 ? `, and named the principal of ${count(filled)} that CloudTrail missed.` : "."),
  ];
  if (found.length === 0) {
    lines.push("It agrees with CloudTrail on every principal and with the SQL parser on every table.");
  } else {
    const byKind = Object.entries(KINDS)
      .map(([kind, { label }]) => [label, found.filter((r) => r.kind === kind).length] as const)
      .filter(([, n]) => n > 0)
      .map(([label, n]) => `${n} with ${label}`);
    lines.push(`It disagrees on ${found.length} ${found.length === 1 ? "query" : "queries"}: ${byKind.join(", ")}.`);
  }
  return lines;
}

/** The index's line on the second witness; none when the system table was not read. */
export function witnessHeadline(rows: readonly DisagreementRow[], link: string): string | undefined {
  const summary = rows.find((r) => r.kind === "summary");
  const compared = summary?.compared_queries ?? 0;
  if (compared === 0) return undefined;
  const filled = summary?.attributed_by_system_table ?? 0;
  const found = rows.filter((r) => r.kind !== "summary").length;
  const named = filled > 0 ? `, named the principal of ${count(filled)} that CloudTrail missed,` : "";
  const verdict = found === 0 ? "and agrees with CloudTrail and the SQL parser" : `and disagrees on ${count(found)}`;
  const saw = `${count(compared)} ${compared === 1 ? "query" : "queries"}`;
  return `**Second witness**: Athena's system table saw ${saw}${named} ${verdict} (${link})`;
}

export const witnessDisagreementsPage: Page = (result) => {
  const rows = savedRows(SAVED.witness_disagreements, result);
  const summary = rows.find((r) => r.kind === "summary");
  const found = rows.filter((r) => r.kind !== "summary");
  const principals = found.filter((r) => r.kind === "principal");
  const names = new PrincipalNames(principals.flatMap((r) => [r.audit_says, r.system_table_says]));
  const said = (r: DisagreementRow, value: string | null) => (r.kind === "principal" ? names.cell(value) : markdownText(value, 300));
  const columns: Column<DisagreementRow>[] = [
    { label: "Day", cell: (r) => markdownText(r.day) },
    { label: "Disagreement", cell: (r) => markdownText(KINDS[r.kind]?.label ?? r.kind) },
    { label: "Audit says", cell: (r) => said(r, r.audit_says) },
    { label: "System table says", cell: (r) => said(r, r.system_table_says) },
    { label: "Work group", cell: (r) => markdownText(r.work_group) },
    { label: "Query id", cell: (r) => codeSpan(r.query_execution_id) },
  ];
  const kindsSeen = Object.entries(KINDS).filter(([kind]) => found.some((r) => r.kind === kind));
  const legend = names.legend();
  return {
    context: verdict(summary, found),
    tables: [
      table(found, columns, {
        notes: [
          "“Audit says” is CloudTrail's principal, or the tables the collector's SQL parser found.",
          ...kindsSeen.map(([, { note }]) => note),
          ...(legend.length === 0 ? [] : [`Names shown short: ${legend.join("; ")}.`]),
        ],
        empty: (summary?.compared_queries ?? 0) === 0 ? "Nothing to compare." : "No disagreements.",
      }),
    ],
  };
};
