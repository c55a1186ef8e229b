/**
 * Issue 23, part 6: missing grants evidence is never "all clear". A generated two-account lake
 * (three days, a grants snapshot per account on the last) is reported with its grants snapshots as
 * a broken grants collector leaves them: one account's gone, all gone, or one account's only from
 * before the period. Every expectation is worked out here from the generator's ledger and declared
 * grants, never from the saved queries: which accounts lack a snapshot, and which words say so.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { declaredGrants } from "../../generator/iam";
import { ACCOUNT_ID, databasesOf, MARKETING_ACCOUNT_ID } from "../../generator/org";
import { addDays } from "../../core/days";
import { grantsObjectKey, grantsTablePrefix } from "../../core/layout";
import { DEFAULT_OPTIONS, Period, SAVED, SavedRow, savedRows } from "../../queries/saved";
import { accountProblems } from "../../reports/pages/usage-by-account-page";
import { count } from "../../reports/pages/format";
import { GapCounts, permissionGapsLine } from "../../reports/pages/permission-gaps-page";
import { renderReports, runSavedQueries } from "../../reports/publish";
import { joinedLake, JoinedLake, touchesGrant, usedOutsideAthena } from "../support/lake";
import { present } from "../support/defined";
import { databaseOf } from "../../generator/sql";
import { cleanupAfterAll } from "../support/cleanup";
import { fromLedger, verdictWords } from "../support/permission-verdicts-ledger";

const MAIN = ACCOUNT_ID;
const MARKETING = MARKETING_ACCOUNT_ID;
const LINKS = "([Permission gaps](permission_gaps.md), [Usage by account](usage_by_account.md))";
/** The all-clear words the index said, before, with no grants snapshot at all. */
const ALL_CLEAR = "every grant held was used";

let lake: JoinedLake;
let period: Period;
/** Each account's generated snapshot (of the lake's last day), as its grants collector wrote it. */
const written = new Map<string, Buffer>();

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  lake = await joinedLake({ days: 3, seed: 29, endDay: "2026-10-31" });
  cleanUp(() => lake.dispose());
  period = { from: lake.ledger.firstDay, to: lake.ledger.lastDay };
  for (const account of [MAIN, MARKETING]) written.set(account, fs.readFileSync(path.join(lake.root, grantsObjectKey(account, period.to))));
}, 120_000);

interface Reported {
  accounts: SavedRow<typeof SAVED.usage_by_account>[];
  gaps: SavedRow<typeof SAVED.permission_gaps>[];
  index: string;
  /** The index's permission gaps line, without its list marker. */
  gapsLine: string;
  accountsPage: string;
  gapsPage: string;
}

/**
 * Reports the period with exactly these snapshots: account -> the days its grants collector wrote one;
 * `grantsLookbackDays`, how far before the period the last snapshot is looked for (default 90).
 */
async function reportWith(snapshots: Record<string, string[]>, grantsLookbackDays = DEFAULT_OPTIONS.grantsLookbackDays): Promise<Reported> {
  fs.rmSync(path.join(lake.root, grantsTablePrefix()), { recursive: true, force: true });
  for (const [account, days] of Object.entries(snapshots)) {
    for (const day of days) {
      const file = path.join(lake.root, grantsObjectKey(account, day));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, written.get(account)!);
    }
  }
  await lake.engine.refresh();
  const outcomes = await runSavedQueries(lake.engine, period, { ...DEFAULT_OPTIONS, grantsLookbackDays });
  const rows = <Q extends (typeof SAVED)[keyof typeof SAVED]>(query: Q) =>
    savedRows(query, outcomes.find((o) => o.query.name === query.name)!.result);
  const pages = renderReports(outcomes, period, "test");
  const page = (file: string) => pages.find((p) => p.file === file)!.content;
  const index = page("index.md");
  const gapsLine = index.split("\n").find((l) => l.startsWith("- **Permission gaps**"))!;
  expect(gapsLine, "the index has a permission gaps line").toBeDefined();
  return {
    accounts: rows(SAVED.usage_by_account),
    gaps: rows(SAVED.permission_gaps),
    index,
    gapsLine: gapsLine.slice(2),
    accountsPage: page("usage_by_account.md"),
    gapsPage: page("permission_gaps.md"),
  };
}

const inPeriod = () => lake.ledger.queries.filter((q) => q.eventDay >= period.from && q.eventDay <= period.to);

/** An account's grants the generator declared and its principals never used in the period: its permission gaps. */
function unusedGrants(account: string): string[] {
  const used = new Set(
    inPeriod()
      .filter((q) => q.attributed && q.account === account)
      .flatMap((q) => {
        const who = q.iamPrincipalArn ?? "(unattributed)";
        return [`${who} workgroup ${q.workGroup}`, ...q.tables.flatMap((t) => [`${who} table ${t}`, `${who} database ${databaseOf(t)}`])];
      }),
  );
  return declaredGrants(period.to)
    .filter((g) => g.account === account)
    .flatMap((g) => [
      ...g.workGroups.map((w) => `${g.principalArn} workgroup ${w}`),
      ...g.databases.map((d) => `${g.principalArn} database ${d}`),
      ...g.databases.flatMap((d) =>
        present(databasesOf(account)[d], `database ${d} of ${account}`).map((t) => `${g.principalArn} table ${d}.${t}`),
      ),
    ])
    .filter((g) => !used.has(g) && !usedOutsideAthena(lake.ledger, period.from, period.to).has(g))
    .sort();
}

/** The Evidence an account has on its queries alone: partial when some of its queries no witness named. */
const queryEvidence = (account: string) => (inPeriod().some((q) => q.account === account && !q.attributed) ? "partial" : "complete");
/** The accounts page's table row of an account. */
const accountRow = (page: string, account: string) => page.split("\n").find((l) => l.startsWith(`| \`${account}\` |`))!;
/**
 * A gap's confidence as permission_gaps.sql's header states it, from the ledger: low when an
 * unattributed query of the account touched the grant or the principal is new, medium for a
 * database or table grant when any of the account's queries is unattributed, else high.
 */
function confidenceOf(account: string, gap: string): string {
  const [who, kind, resource] = gap.split(" ");
  if (kind === undefined || resource === undefined) throw new Error(`${gap} is not "principal kind resource"`);
  const lost = inPeriod().filter((q) => q.account === account && !q.attributed);
  const created = declaredGrants(period.to).find((g) => g.principalArn === who)!.created;
  if (lost.some((q) => touchesGrant(q, kind, resource)) || created.slice(0, 10) > period.from) return "low";
  return kind !== "workgroup" && lost.length > 0 ? "medium" : "high";
}
const gapKeysInOrder = (rows: readonly SavedRow<typeof SAVED.permission_gaps>[]) =>
  rows.map((r) => `${r.principal_arn} ${r.grant_kind} ${r.resource}`);
const gapKeys = (rows: readonly SavedRow<typeof SAVED.permission_gaps>[]) =>
  rows.map((r) => `${r.principal_arn} ${r.grant_kind} ${r.resource}`).sort();

describe("a grants snapshot missing from the lake is said, never read as no permission gaps", () => {
  it("with both snapshots: each account's gaps, no account named as not computed, both evidences as their queries say", async () => {
    const r = await reportWith({ [MAIN]: [period.to], [MARKETING]: [period.to] });
    expect(gapKeys(r.gaps)).toEqual([...unusedGrants(MAIN), ...unusedGrants(MARKETING)].sort());
    expect(unusedGrants(MARKETING).length, "the marketing account holds a grant it never uses").toBeGreaterThan(0);
    expect(r.gapsLine).toMatch(
      /^\*\*Permission gaps\*\*: \d+ grants unused in the period, .*\(\[Permission gaps\]\(permission_gaps\.md\)\)$/,
    );
    expect(r.gapsLine).not.toContain("not computed");
    for (const account of [MAIN, MARKETING]) {
      expect(r.accounts.find((a) => a.account_id === account)).toMatchObject({
        grants_day: period.to,
        earlier_grants_day: null,
        evidence: queryEvidence(account),
      });
    }
    expect(queryEvidence(MARKETING), "the marketing account's evidence is whole").toBe("complete");
  });

  it("with one account's snapshot gone: the other's gaps as before, the account without one named on the index and its page", async () => {
    const r = await reportWith({ [MAIN]: [period.to] });
    const expected = unusedGrants(MAIN);
    expect(gapKeys(r.gaps)).toEqual(expected);
    expect(r.gaps.every((g) => g.account_id === MAIN)).toBe(true);
    const principals = new Set(expected.map((g) => g.split(" ")[0])).size;
    expect(r.gaps.map((g) => g.confidence)).toEqual(gapKeysInOrder(r.gaps).map((g) => confidenceOf(MAIN, g)));
    const verdicts = fromLedger(lake, period, false).filter((v) => v.principal.includes(`::${MAIN}:`));
    expect(verdicts.length, "the main account's principals each have a verdict").toBe(principals);
    expect(r.gapsLine).toBe(
      `**Permission gaps**: ${count(expected.length)} grants unused in the period, held by ${count(principals)} principals: ` +
        `${verdictWords(verdicts)}; each with its reason and the change to make, the surest first; ` +
        `not computed for account \`${MARKETING}\`: ` +
        `no grants snapshot in the period (none before the period either) ${LINKS}`,
    );
    expect(r.accounts.find((a) => a.account_id === MARKETING)).toMatchObject({
      grants_day: null,
      earlier_grants_day: null,
      granted_principals: 0,
      evidence: "no grants snapshot",
    });
    expect(r.accounts.find((a) => a.account_id === MAIN)).toMatchObject({ grants_day: period.to, evidence: queryEvidence(MAIN) });
    // Before, its queries being whole, the accounts page called the marketing account's evidence complete.
    expect(accountRow(r.accountsPage, MARKETING)).toMatch(/\| none \| \*\*no grants snapshot\*\* \|$/);
    expect(accountRow(r.accountsPage, MARKETING)).not.toContain("complete");
    const why =
      `\`${MARKETING}\`: no grants snapshot in the period (none before the period either): its grants collector is not deployed ` +
      "(`collectGrants`) or fails, so its permission gaps are not computed";
    expect(r.accountsPage).toContain(`${why}.`);
    expect(r.index).toContain(why);
  });

  it("with no snapshot at all: gaps not computed, both accounts named, and no all-clear anywhere", async () => {
    const r = await reportWith({});
    expect(r.gaps).toEqual([]);
    // usage_by_account's order: the costlier account first.
    const cost = (account: string) => inPeriod().reduce((n, q) => n + (q.account === account ? q.costUsd : 0), 0);
    const [first, second] = cost(MARKETING) > cost(MAIN) ? ([MARKETING, MAIN] as const) : ([MAIN, MARKETING] as const);
    expect(r.gapsLine).toBe(
      `**Permission gaps**: not computed: no grants snapshot in the period for accounts \`${first}\` and \`${second}\` ` +
        `(none before the period either); without one, an unused grant cannot be told from one not held ${LINKS}`,
    );
    expect(r.index).not.toContain(ALL_CLEAR);
    expect(r.index).not.toMatch(/\*\*Permission gaps\*\*: none/);
    for (const account of [MAIN, MARKETING]) {
      const evidence = queryEvidence(account) === "partial" ? "**no grants snapshot**, partial" : "**no grants snapshot**";
      expect(accountRow(r.accountsPage, account)).toMatch(new RegExp(`\\| none \\| ${evidence.replace(/\*/g, "\\*")} \\|$`));
      expect(r.accountsPage).toContain(`\`${account}\`: no grants snapshot in the period`);
    }
    expect(r.gapsPage).toContain("_No unused grant in the accounts with a grants snapshot in the window._");
    expect(r.gapsPage).toContain(
      "- Only accounts with a grants snapshot in the window are judged: an account without one has no rows here",
    );
  });

  it("with one account's snapshot only from before the period: not judged on it, and the day it dates from said", async () => {
    const stale = addDays(period.from, -5);
    const r = await reportWith({ [MAIN]: [period.to], [MARKETING]: [stale] });
    // Before, permission_gaps judged the marketing account on its stale snapshot.
    expect(gapKeys(r.gaps)).toEqual(unusedGrants(MAIN));
    expect(r.accounts.find((a) => a.account_id === MARKETING)).toMatchObject({
      grants_day: null,
      earlier_grants_day: stale,
      evidence: "no grants snapshot",
    });
    expect(r.gapsLine).toContain(
      `; not computed for account \`${MARKETING}\`: no grants snapshot in the period (the last before the period is of ${stale}) `,
    );
    expect(accountRow(r.accountsPage, MARKETING)).toContain(`| none (last ${stale}) | **no grants snapshot** |`);
  });

  it("a snapshot from before the grants lookback is not named: the lookback's first day is the oldest read", async () => {
    const stale = addDays(period.from, -5);
    const reach = async (days: number) => {
      const r = await reportWith({ [MAIN]: [period.to], [MARKETING]: [stale] }, days);
      return r.accounts.find((a) => a.account_id === MARKETING);
    };
    // Five days back reaches the snapshot (the lookback's first day is its day); four do not.
    expect(await reach(5)).toMatchObject({ grants_day: null, earlier_grants_day: stale, earlier_grants_from: stale });
    expect(await reach(4)).toMatchObject({
      grants_day: null,
      earlier_grants_day: null,
      earlier_grants_from: addDays(period.from, -4),
      evidence: "no grants snapshot",
    });
  });

  it("a snapshot taken inside the period, not on its last day, is judged", async () => {
    const inside = addDays(period.to, -1);
    const r = await reportWith({ [MAIN]: [period.to], [MARKETING]: [addDays(period.from, -5), inside] });
    expect(gapKeys(r.gaps)).toEqual([...unusedGrants(MAIN), ...unusedGrants(MARKETING)].sort());
    expect(r.accounts.find((a) => a.account_id === MARKETING)).toMatchObject({ grants_day: inside, evidence: queryEvidence(MARKETING) });
    expect(r.gapsLine).not.toContain("not computed");
  });
});

describe("the permission gaps line, from hand-made rows", () => {
  const NONE: GapCounts = { grants: 0, principals: 0, verdicts: [] };
  const PAGES = { gaps: "[Permission gaps](permission_gaps.md)", accounts: "[Usage by account](usage_by_account.md)" };
  function account(id: string, more: Partial<SavedRow<typeof SAVED.usage_by_account>> = {}): SavedRow<typeof SAVED.usage_by_account> {
    return {
      account_id: id,
      cost_usd: 1,
      data_scanned_bytes: 1,
      queries: 1,
      principals: 1,
      work_groups: 1,
      regions: 1,
      with_history: 1,
      unattributed: 0,
      without_history: 0,
      history_days: 1,
      last_history_day: "2026-10-31",
      grants_day: "2026-10-31",
      earlier_grants_day: null,
      earlier_grants_from: "2026-05-04",
      granted_principals: 1,
      expected: false,
      evidence: "complete",
      ...more,
    };
  }
  const missing = (id: string, earlier: string | null = null) =>
    account(id, { grants_day: null, earlier_grants_day: earlier, granted_principals: 0, evidence: "no grants snapshot" });

  it("says none only when every account has its snapshot", () => {
    expect(permissionGapsLine(NONE, [account("111122223333")], PAGES)).toBe(
      "**Permission gaps**: none: every grant held was used in the period ([Permission gaps](permission_gaps.md))",
    );
    // Queries without an account id are nobody's to snapshot.
    expect(permissionGapsLine(NONE, [account("111122223333"), missing("(unknown)")], PAGES)).toContain(ALL_CLEAR);
  });

  it("names the account without one, beside the one whose every grant was used", () => {
    expect(permissionGapsLine(NONE, [account("111122223333"), missing("444455556666", "2026-09-30")], PAGES)).toBe(
      "**Permission gaps**: none in account `111122223333`: every grant it held was used in the period; not computed for account " +
        `\`444455556666\`: no grants snapshot in the period (the last before the period is of 2026-09-30) ${LINKS}`,
    );
  });

  it("says when each of several dates from a different day, and when no account is known at all", () => {
    const line = permissionGapsLine(NONE, [missing("111122223333", "2026-09-30"), missing("444455556666"), missing("(unknown)")], PAGES);
    expect(line).toBe(
      "**Permission gaps**: not computed: no grants snapshot in the period for accounts `111122223333` and `444455556666` " +
        "(`111122223333`: the last before the period is of 2026-09-30; `444455556666`: none before the period either); " +
        `without one, an unused grant cannot be told from one not held ${LINKS}`,
    );
    expect(permissionGapsLine(NONE, [], PAGES)).toBe(
      `**Permission gaps**: not computed: no account has a grants snapshot in the period ${LINKS}`,
    );
  });

  it("says an account with CloudTrail but no history lacks its snapshot too", () => {
    const silent = account("444455556666", { grants_day: null, with_history: 0, without_history: 2, evidence: "no history" });
    expect(accountProblems([silent])).toEqual([
      "`444455556666`: CloudTrail saw 2 queries start, but no history arrived: its history collector is not deployed or fails. " +
        "Their cost and bytes are unknown. Nor has it a grants snapshot in the period (none before the period either), so its " +
        "permission gaps are not computed.",
    ]);
  });
});
