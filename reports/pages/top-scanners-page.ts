/**
 * The top_scanners page, the one page of cost per principal: each IAM user and role by what its
 * queries cost, against the previous period, with the sessions behind a role beneath it (the person
 * behind an SSO role, each name given to a shared role), and a chart of the principals' cost.
 * Other pages that name a principal link here for what it costs.
 */
import { daysBetween } from "../../core/days";
import { SAVED, savedRows } from "../../queries/saved";
import { costByNameChart, principalLabel } from "./charts";
import { accountCell, principalType } from "./columns";
import { changePercent, count, humanBytes, markdownText, namesNote, PrincipalNames, usd } from "./format";
import { comparison, Comparison, Figures, listsSessions, principalCosts, PrincipalCost, totals } from "./principal-costs";
import { Column, RIGHT, table } from "./table";
import type { Page } from "./types";

/** A line of the table: a principal, one of its sessions (indented), or its other sessions summed. */
interface Line extends Figures {
  principal: string;
  account?: string;
  type?: string | null;
}

function lines(principals: readonly PrincipalCost[], names: PrincipalNames): Line[] {
  return principals.flatMap((p) => {
    const own: Line = { ...p, principal: names.cell(p.iamPrincipal), account: p.account, type: p.type };
    if (!listsSessions(p)) return [own];
    const sessions = p.sessions.map((s) => ({ ...s, principal: `↳ ${markdownText(s.name, 80)}` }));
    const more =
      p.moreSessions === undefined
        ? []
        : [
            {
              ...p.moreSessions,
              principal: `↳ ${count(p.moreSessions.count)} more ${p.moreSessions.count === 1 ? "session" : "sessions"}`,
            },
          ];
    return [own, ...sessions, ...more];
  });
}

/** The previous period's column as its evidence allows: with the change, without it, or none. */
function previousColumn(c: Comparison): Column<Line>[] {
  if (c.evidence === "none") return [];
  const days = `Previous ${daysBetween(c.previous.from, c.previous.to).length} d`;
  if (c.evidence === "partial")
    return [{ label: `${days} (from ${c.evidenceFrom ?? ""})`, right: RIGHT, cell: (l) => usd(l.previousCost) }];
  return [{ label: `${days} (change)`, right: RIGHT, cell: (l) => `${usd(l.previousCost)} (${changePercent(l.cost, l.previousCost)})` }];
}

function context(c: Comparison, principals: number, shown: number): string[] {
  const span = `${c.previous.from} to ${c.previous.to}`;
  const compared =
    c.evidence === "full"
      ? `The previous period is ${span}.`
      : c.evidence === "partial"
        ? `The previous period is ${span}, but the events start on ${c.evidenceFrom ?? ""}: its costs are not comparable.`
        : `Nothing to compare with: the events table has nothing before the period.`;
  const cut = shown < principals ? ` The ${count(shown)} costliest of ${count(principals)} principals are listed.` : "";
  return [`${compared} A role's sessions are listed beneath it where several share it or a person assumes it.${cut}`];
}

export const topScannersPage: Page = (result, period) => {
  const rows = savedRows(SAVED.top_scanners, result);
  const principals = principalCosts(rows);
  const names = new PrincipalNames(principals.map((p) => p.iamPrincipal));
  const c = comparison(period, rows);
  const accounts = new Set(principals.map((p) => p.account));
  const columns: Column<Line>[] = [
    { label: "Principal", cell: (l) => l.principal },
    { label: "Cost", right: RIGHT, cell: (l) => usd(l.cost) },
    ...previousColumn(c),
    { label: "Scanned", right: RIGHT, cell: (l) => humanBytes(l.bytes) },
    { label: "Queries", right: RIGHT, cell: (l) => count(l.queries) },
    ...(accounts.size > 1 ? [{ label: "Account", cell: (l: Line) => (l.account === undefined ? "" : accountCell(l.account)) }] : []),
    { label: "Type", cell: (l) => (l.type === undefined ? "" : principalType(l.type)) },
  ];
  const chart = costByNameChart(
    // The names as the table shows them (`DataAnalyst`, not its path and permission set id).
    principals.map((p) => ({ name: principalLabel(names.plain(p.iamPrincipal)), value: p.cost })),
    { one: "principal", source: "the table" },
  );
  const all = rows.length === 0 ? 0 : totals(rows).principals + (principals.some((p) => p.iamPrincipal === "(unattributed)") ? 1 : 0);
  return {
    context: rows.length === 0 ? [] : context(c, Math.max(all, principals.length), principals.length),
    chart,
    tables: [table(lines(principals, names), columns, { notes: namesNote(names) })],
  };
};
