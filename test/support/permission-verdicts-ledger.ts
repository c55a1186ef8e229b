/** Permission-gap verdicts worked out from the generator's ledger, and as the page decides them from the query's rows. */
import { addDays } from "../../core/days";
import { declaredGrants } from "../../generator/iam";
import { databasesOf } from "../../generator/org";
import { DEFAULT_OPTIONS, Period, runSavedQuery, SAVED, savedRows } from "../../queries/saved";
import { PermissionGap, permissionVerdicts, QUIET_DAYS, verdictAction } from "../../reports/pages/permission-verdicts";
import { camelRow } from "../../queries/saved";
import { principalName } from "../../reports/pages/format";
import { present } from "./defined";
import { expectedEvents, expectedPrincipal, JoinedLake, touchesGrant, usedOutsideAthena } from "./lake";

export interface Expected {
  principal: string;
  kind: string;
  confidence: string;
  remove: string[];
  until?: string;
}

const later = (a: string, b: string) => (b > a ? b : a);
const daysFrom = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;

/** The verdicts the ledger calls for, in the page's order, by the rule docs/permission-gaps.md states. */
export function fromLedger(lake: Pick<JoinedLake, "ledger">, period: Period, systemTables: boolean): Expected[] {
  const inWindow = expectedEvents(lake.ledger).filter((q) => q.eventDay >= period.from && q.eventDay <= period.to);
  const named = (q: (typeof inWindow)[number]) => expectedPrincipal(q, systemTables).iam;
  const lost = inWindow.filter((q) => expectedPrincipal(q, systemTables).arn === null);
  const outside = usedOutsideAthena(lake.ledger, period.from, period.to);
  const readOutside = new Set(
    lake.ledger.access
      .filter((a) => a.countedByAudit && a.recorded && a.day >= period.from && a.day <= period.to)
      .map((a) => a.iamPrincipalArn),
  );
  const lookbackFrom = later(addDays(period.to, 1 - DEFAULT_OPTIONS.lastUsedLookbackDays), "0000-00-00");
  const grants = declaredGrants(period.to).flatMap((g) =>
    [
      ...g.workGroups.map((w) => ["workgroup", w]),
      ...g.databases.map((d) => ["database", d]),
      ...g.databases.flatMap((d) => present(databasesOf(g.account)[d], `database ${d}`).map((t) => ["table", `${d}.${t}`])),
    ].map(([kind = "", resource = ""]) => ({ ...g, kind, resource, createdDay: g.created.slice(0, 10) })),
  );
  const unused = grants.filter(
    (g) =>
      !inWindow.some((q) => named(q) === g.principalArn && touchesGrant(q, g.kind, g.resource)) &&
      !outside.has(`${g.principalArn} ${g.kind} ${g.resource}`),
  );
  const ranNothing = (arn: string) => !inWindow.some((q) => named(q) === arn) && !readOutside.has(arn);
  const touched = (g: (typeof unused)[number]) => lost.filter((q) => q.account === g.account && touchesGrant(q, g.kind, g.resource));
  const newPrincipal = (g: (typeof unused)[number]) => g.createdDay > period.from;
  // A row says more than its nearest doubt only when no unattributed query touched it and its principal is not new.
  const speaks = (g: (typeof unused)[number]) => touched(g).length === 0 && !newPrincipal(g);
  const lostRegionDays = (account: string) => new Set(lost.filter((q) => q.account === account).map((q) => `${q.eventDay} ${q.region}`));
  // The rows name a gap's first day, and each day of an unattributed query that touched an unused grant:
  // as many days as the gap has region-days, and they name them all.
  const gapDaysNamed = (account: string) => {
    const days = lost.filter((q) => q.account === account).map((q) => q.eventDay);
    const named = unused.filter((g) => g.account === account).flatMap((g) => touched(g).map((q) => q.eventDay));
    return new Set([...days.sort().slice(0, 1), ...named]).size;
  };
  const verdicts = [...new Set(unused.map((g) => g.principalArn))].map((principal) => {
    const own = unused.filter((g) => g.principalArn === principal);
    const idle = ranNothing(principal);
    const judged = own.map((g) => {
      const data = g.kind !== "workgroup";
      const account = unused.filter((u) => u.account === g.account);
      // A query without a principal hides the use of a principal that ran queries, of every data grant of its account.
      const doubtDays = [...touched(g), ...(data && !idle ? lost.filter((q) => q.account === g.account) : [])].map((q) => q.eventDay);
      let start = lookbackFrom;
      for (const day of doubtDays) start = later(start, addDays(day, 1));
      if (newPrincipal(g)) start = later(start, g.createdDay);
      // The rows carry each principal's creation day (principal_created), so only the account's
      // evidence can leave a verdict unsure.
      const unsure =
        !account.some(speaks) ||
        (data &&
          !idle &&
          (!account.some((u) => u.kind !== "workgroup" && speaks(u)) || gapDaysNamed(g.account) < lostRegionDays(g.account).size));
      return { g, ok: daysFrom(start, period.to) >= QUIET_DAYS, until: addDays(start, QUIET_DAYS - 1), unsure };
    });
    const remove = judged.filter((j) => j.ok);
    const kind = remove.length === 0 ? "wait" : idle && remove.length === judged.length ? "remove" : "trim";
    const confidence = kind === "wait" ? "low" : remove.some((j) => j.unsure) ? "medium" : "high";
    const exposed = kind === "wait" ? judged : remove;
    const count = (k: string) => -exposed.filter((j) => j.g.kind === k).length;
    return {
      expected: {
        principal,
        kind,
        confidence,
        remove: remove.map((j) => `${j.g.kind} ${j.g.resource}`).sort(),
        ...(kind === "wait" ? { until: judged.map((j) => j.until).sort()[0] } : {}),
      },
      key: [
        ["high", "medium", "low"].indexOf(confidence),
        ["remove", "trim", "wait"].indexOf(kind),
        count("database"),
        count("table"),
        count("workgroup"),
      ],
    };
  });
  return verdicts
    .sort((a, b) => {
      const i = a.key.findIndex((x, n) => x !== b.key[n]);
      return i >= 0 ? (a.key[i] ?? 0) - (b.key[i] ?? 0) : a.expected.principal.localeCompare(b.expected.principal);
    })
    .map((v) => v.expected);
}

/** The verdicts from the query's rows, as the page decides them. */
export async function fromRows(lake: Pick<JoinedLake, "engine">, period: Period): Promise<Expected[]> {
  const rows = savedRows(SAVED.permission_gaps, await runSavedQuery(lake.engine, SAVED.permission_gaps, period));
  return permissionVerdicts(rows.map((r): PermissionGap => camelRow(SAVED.permission_gaps, r))).map((v) => {
    const [kind, rest] = verdictAction(v);
    return {
      principal: v.principalArn,
      kind,
      confidence: v.confidence,
      remove: v.remove.map((j) => `${j.gap.grantKind} ${j.gap.resource}`).sort(),
      ...(kind === "wait" ? { until: rest.replace(/^until /, "") } : {}),
    };
  });
}

/** The index's words for these verdicts (`remove 1 (`old-contractor`); trim the grants of 2 (…)`), worked out from them alone. */
export function verdictWords(expected: readonly Expected[]): string {
  const phrase = (kind: string, verb: string) => {
    const mine = expected.filter((v) => v.kind === kind);
    if (mine.length === 0) return [];
    const named = mine.slice(0, 3).map((v) => `\`${principalName(v.principal)}\`${v.until === undefined ? "" : ` until ${v.until}`}`);
    return [`${verb} ${mine.length} (${named.join(", ")}${mine.length > 3 ? `, and ${mine.length - 3} more` : ""})`];
  };
  return [...phrase("remove", "remove"), ...phrase("trim", "trim the grants of"), ...phrase("wait", "wait on")].join("; ");
}
