/**
 * The index headline, figure by figure, against the generator's ledger: a lake of 14 days reported
 * on its last 7, so the previous period of the same length is its first 7. Every expected value is
 * worked out here from the ledger alone (and the declared grants), never from the saved queries.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { LedgerEntry } from "../../generator/ledger";
import { declaredGrants } from "../../generator/iam";
import { databasesOf } from "../../generator/org";
import { addDays } from "../../core/days";
import { Period, previousPeriod, runSavedQuery, SAVED, savedRows } from "../../queries/saved";
import { coverageSummary } from "../../reports/pages/data-coverage-page";
import { quietHeadlineInput } from "../support/headline-input";
import { changePercent, count, principalName, usd } from "../../reports/pages/format";
import { Headline, headline, sharePercent, TOP } from "../../reports/pages/headline";
import { indexModel } from "../../reports/pages/model";
import { renderReports, runSavedQueries } from "../../reports/publish";
import { joinedLake, JoinedLake, touchesGrant, usedOutsideAthena } from "../support/lake";
import { present } from "../support/defined";
import { cleanupAfterAll } from "../support/cleanup";
import { fromLedger, verdictWords } from "../support/permission-verdicts-ledger";

let lake: JoinedLake;
let period: Period;
let previous: Period;
let now: LedgerEntry[];
let before: LedgerEntry[];
let model: Headline;
let index: string;

/** The headline's line that starts so: lines come and go (a cost spike only when there is one), so none is found by its place. */
const lineOf = (start: string) => model.lines.find((l) => l.startsWith(start));
const within = (p: Period) => (q: LedgerEntry) => q.eventDay >= p.from && q.eventDay <= p.to;
const total = (items: readonly LedgerEntry[]) => items.reduce((n, q) => n + q.costUsd, 0);

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  lake = await joinedLake({ days: 14, seed: 7, endDay: "2026-10-31" });
  cleanUp(() => lake.dispose());
  period = { from: addDays(lake.ledger.lastDay, -6), to: lake.ledger.lastDay };
  previous = { from: lake.ledger.firstDay, to: addDays(period.from, -1) };
  now = lake.ledger.queries.filter(within(period));
  before = lake.ledger.queries.filter(within(previous));
  const outcomes = await runSavedQueries(lake.engine, period);
  model = indexModel(outcomes, period, "test").headline;
  index = present(renderReports(outcomes, period, "test")[0], "the index").content;
}, 120_000);

/** Costs by key, largest first (ties: the previous period's, then the name), nothing unbilled. */
function ranked(items: readonly LedgerEntry[], key: (q: LedgerEntry) => string[]): [string, number][] {
  const costs = new Map<string, number>();
  for (const q of items) {
    const keys = key(q);
    for (const k of keys) costs.set(k, (costs.get(k) ?? 0) + q.costUsd / keys.length);
  }
  return [...costs.entries()].filter(([, c]) => c > 0).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
}

/** The period's costliest day, its cost and the median day's, from the ledger, if it is 1.5 times the median or more. */
function spikeDay(): [string, number, number] | undefined {
  const byDay = new Map<string, number>();
  for (const q of now) byDay.set(q.eventDay, (byDay.get(q.eventDay) ?? 0) + q.costUsd);
  const costs = [...byDay.values()].sort((a, b) => a - b);
  const median = costs.length % 2 === 1 ? costs[(costs.length - 1) / 2]! : (costs[costs.length / 2 - 1]! + costs[costs.length / 2]!) / 2;
  const [day, cost] = [...byDay.entries()].sort(([a, x], [b, y]) => y - x || a.localeCompare(b))[0]!;
  return cost >= 1.5 * median ? [day, cost, median] : undefined;
}

/** Runs result reuse would have answered: see cost_by_query_shape.sql; worked out here from the ledger. */
function repeats(items: readonly LedgerEntry[]): LedgerEntry[] {
  const fresh = (q: LedgerEntry) => q.substatementType === "SELECT" && q.state === "SUCCEEDED" && !q.reused && q.bytes > 0;
  const last = new Map<string, number>();
  const out: LedgerEntry[] = [];
  for (const q of [...items].sort((a, b) =>
    a.submittedAt < b.submittedAt ? -1 : a.submittedAt > b.submittedAt ? 1 : a.id < b.id ? -1 : 1,
  )) {
    if (q.iamPrincipalArn === null) continue;
    const key = [q.region, q.workGroup, q.database, q.iamPrincipalArn, q.text].join("\n");
    const at = Date.parse(q.submittedAt);
    const result = last.get(key);
    if (fresh(q) && q.costUsd > 0 && result !== undefined && result <= at && result >= at - 3_600_000) out.push(q);
    if (fresh(q)) last.set(key, Math.max(result ?? 0, Date.parse(q.completedAt)));
  }
  return out;
}

describe("the headline's figures, against the ledger", () => {
  it("names the IAM users and roles that cost most, with their share and their change on the previous period", () => {
    const who = (q: LedgerEntry) => [q.iamPrincipalArn ?? "(unattributed)"];
    const expected = ranked(now, who).slice(0, TOP);
    const earlier = new Map(ranked(before, who));
    expect(model.drivers.map((d) => d.name)).toEqual(expected.map(([name]) => name));
    model.drivers.forEach((d, i) => {
      const [, cost] = present(expected[i], `driver ${d.name} in the ledger`);
      expect(d.cost).toBeCloseTo(cost, 9);
      expect(d.share).toBeCloseTo(cost / total(now), 12);
      expect(d.previousCost).toBeCloseTo(earlier.get(d.name) ?? 0, 9);
    });
    // More than one kind of principal drives the cost: a person's role and a service's.
    const kinds = new Set(expected.map(([name]) => now.find((q) => q.iamPrincipalArn === name)?.human));
    expect(kinds).toEqual(new Set([true, false]));
    const line = present(lineOf("**Cost drivers**"), "the cost drivers line");
    expect(line.startsWith("**Cost drivers** (share of the period's cost; change on the previous 7 days): ")).toBe(true);
    for (const d of model.drivers) {
      const change = changePercent(d.cost, d.previousCost ?? Number.NaN);
      expect(line).toContain(`\`${principalName(d.name)}\` ${sharePercent(d.share)} (${usd(d.cost)}, ${change})`);
    }
    expect(line).toContain("](top_scanners.md)");
  });

  it("names the tables that cost most, a query's cost split evenly between the tables it read", () => {
    // A table is an account's: one name in two accounts (clickstream.page_views) is two tables, each named with its account.
    const accountsOf = new Map<string, Set<string>>();
    for (const q of now) for (const t of q.tables) accountsOf.set(t, (accountsOf.get(t) ?? new Set()).add(q.account));
    const named = (t: string, account: string) => ((accountsOf.get(t)?.size ?? 0) > 1 ? `${t} (${account})` : t);
    expect(
      [...accountsOf.values()].some((a) => a.size > 1),
      "the lake has a table name in two accounts",
    ).toBe(true);
    const expected = ranked(now, (q) => [...new Set(q.tables)].map((t) => named(t, q.account))).slice(0, TOP);
    expect(model.tables.map((t) => t.name)).toEqual(expected.map(([name]) => name));
    model.tables.forEach((t, i) => {
      const [, cost] = present(expected[i], `table ${t.name} in the ledger`);
      expect(t.cost).toBeCloseTo(cost, 9);
      expect(t.share).toBeCloseTo(cost / total(now), 12);
    });
    const [topName, topCost] = present(expected[0], "the costliest table in the ledger");
    expect(lineOf("**Tables**")).toContain(`\`${topName}\` ${sharePercent(topCost / total(now))} (${usd(topCost)})`);
  });

  it("compares the period with the 7 days before it, where the lake starts", () => {
    expect(model.change).toMatchObject({ previous, evidence: "full", evidenceFrom: previous.from });
    expect([model.change.queries, model.change.previousQueries]).toEqual([now.length, before.length]);
    expect(model.change.cost).toBeCloseTo(total(now), 9);
    expect(model.change.previousCost).toBeCloseTo(total(before), 9);
    expect(lineOf("**Against the previous")).toBe(
      `**Against the previous 7 days** (${previous.from} to ${previous.to}): ` +
        `cost ${changePercent(total(now), total(before))} (${usd(total(before))} → ${usd(total(now))}), ` +
        `queries ${changePercent(now.length, before.length)} (${count(before.length)} → ${count(now.length)}) ` +
        "([Top scanners](top_scanners.md))",
    );
  });

  it("gives the avoidable cost: runs result reuse would have answered, and what cancelled queries were billed", () => {
    const repeated = repeats(now);
    const cancelled = now.filter((q) => q.state === "CANCELLED");
    expect(repeated.length, "the demo's dashboards repeat themselves").toBeGreaterThan(0);
    expect([model.avoidable.repeatRuns, model.avoidable.cancelledQueries]).toEqual([repeated.length, cancelled.length]);
    expect(model.avoidable.repeatCost).toBeCloseTo(total(repeated), 9);
    expect(model.avoidable.cancelledCost).toBeCloseTo(total(cancelled), 9);
    const line = present(lineOf("**Largest avoidable cost**"), "the avoidable cost line");
    const [first, second] = total(repeated) >= total(cancelled) ? ["run", "cancelled"] : ["cancelled", "run"];
    expect(line.startsWith("**Largest avoidable cost**: ")).toBe(true);
    expect(line.indexOf(first)).toBeLessThan(line.indexOf(second));
    expect(line).toContain(`${usd(total(repeated))} for ${count(repeated.length)} runs that repeated, word for word`);
    expect(line).toContain(`${usd(total(cancelled))} billed for ${count(cancelled.length)} cancelled`);
  });

  it("counts the permission gaps and gives each principal's verdict, as the grants and the ledger say", () => {
    const granted = declaredGrants(period.to).flatMap((g) => [
      ...g.workGroups.map((w) => ({ who: g.principalArn, kind: "workgroup", resource: w })),
      ...g.databases.map((d) => ({ who: g.principalArn, kind: "database", resource: d })),
      ...g.databases.flatMap((d) =>
        present(databasesOf(g.account)[d], `database ${d} of ${g.account}`).map((t) => ({
          who: g.principalArn,
          kind: "table",
          resource: `${d}.${t}`,
        })),
      ),
    ]);
    const outside = usedOutsideAthena(lake.ledger, period.from, period.to);
    const used = (g: (typeof granted)[number]) =>
      now.some((q) => q.attributed && q.iamPrincipalArn === g.who && touchesGrant(q, g.kind, g.resource)) ||
      outside.has(`${g.who} ${g.kind} ${g.resource}`);
    const unused = granted.filter((g) => !used(g));
    const verdicts = fromLedger(lake, period, false);
    expect(model.gaps.grants).toBe(unused.length);
    expect(model.gaps.principals).toBe(new Set(unused.map((g) => g.who)).size);
    expect(model.gaps.verdicts.map((v) => [v.principal, v.kind])).toEqual(verdicts.map((v) => [v.principal, v.kind]));
    expect(new Set(verdicts.map((v) => v.kind)).size, "more than one kind of verdict").toBeGreaterThan(1);
    expect(lineOf("**Permission gaps**")).toBe(
      `**Permission gaps**: ${unused.length} grants unused in the period, held by ${model.gaps.principals} principals: ` +
        `${verdictWords(verdicts)}; each with its reason and the change to make, the surest first ([Permission gaps](permission_gaps.md))`,
    );
  });

  it("names the day of the chart whose cost stands out, when one does: 1.5 times the median day's or more", () => {
    const day = spikeDay();
    const line = lineOf("**Cost spike**");
    if (day === undefined) expect(line).toBeUndefined();
    else {
      const [spike, cost, median] = day;
      expect(line?.startsWith(`**Cost spike**: ${spike} cost ${usd(cost)}, ${(cost / median).toFixed(1)}× the median day; `), line).toBe(
        true,
      );
    }
  });

  it("says which region-days the evidence is incomplete for", () => {
    const partial = new Set(now.filter((q) => !q.attributed).map((q) => `${q.eventDay} ${q.region}`));
    expect(partial.size, "a trail outage falls in the period").toBeGreaterThan(0);
    // After the anomalies' and the engines' lines, which follow the permission gaps.
    expect(lineOf("**Coverage**")).toBe(
      `**Coverage**: ${partial.size} partial and 0 missing of ${7 * lake.ledger.regions.length} region-days: ` +
        "figures for those days are incomplete ([Data coverage](data_coverage.md))",
    );
  });

  it("prints every line on the index, under the title, each with a link to its page", () => {
    // Six lines, the anomalies' and the engines' (their queries run with the others), the bill's (the
    // generator writes one, generator/billing.ts) and the accounts' (the generated organization has two).
    expect(model.lines).toHaveLength(10 + (spikeDay() === undefined ? 0 : 1));
    expect(model.lines.at(-1)).toMatch(/^\*\*Accounts\*\*: 2: .*\(\[Usage by account\]\(usage_by_account\.md\)\)$/);
    expect(lineOf("**Anomalies**")).toMatch(/^\*\*Anomalies\*\*: .*\(\[Anomalies\]\(anomalies\.md\)\)$/);
    expect(lineOf("**Access by engine**")).toMatch(/^\*\*Access by engine\*\*: .*\(\[Access by engine\]\(access_by_engine\.md\)\)$/);
    const list = model.lines.map((l) => `- ${l}`).join("\n");
    expect(index).toContain(`**What to look at**\n\n${list}\n`);
    for (const line of model.lines) expect(line).toMatch(/\]\([a-z_]+\.md\)/);
    expect(index.indexOf("**What to look at**")).toBeLessThan(index.indexOf("| Headline | |"));
  });

  it("says of the bill: a decimal TB fits every billed day of the period but the planted one", () => {
    const { planted } = lake.ledger.bill;
    const inPeriod = planted.day >= period.from && planted.day <= period.to;
    const bill = model.lines.find((l) => l.startsWith("**The bill**"));
    expect(bill).toMatch(/^\*\*The bill\*\* /);
    expect(bill).toContain(`fits a decimal TB on ${inPeriod ? 6 : 7} of 7 billed days, not the binary TB of these reports`);
    if (inPeriod) expect(bill).toContain(`1 day does not: ${planted.day} (+$`);
  });
});

describe("the comparison with the previous period, when the evidence does not cover it", () => {
  async function changeFor(p: Period): Promise<Headline> {
    const rows = savedRows(SAVED.top_scanners, await runSavedQuery(lake.engine, SAVED.top_scanners, p));
    const empty = coverageSummary([]);
    return headline({ period: p, cost: 1, scanners: rows, tables: [], shapes: [], unfinished: [], gaps: [], coverage: empty });
  }

  it("says there is nothing to compare with when the lake starts with the period", async () => {
    const first = { from: lake.ledger.firstDay, to: addDays(lake.ledger.firstDay, 6) };
    const h = await changeFor(first);
    expect(h.change).toMatchObject({ evidence: "none", previousCost: 0, previousQueries: 0 });
    expect(h.drivers.every((d) => d.previousCost === null)).toBe(true);
    expect(h.lines.find((l) => l.startsWith("**Against"))).toBe(
      `**Against the previous 7 days** (${previousPeriod(first).from} to ${previousPeriod(first).to}): nothing to compare with, ` +
        `the events table has nothing before ${first.from} ([Top scanners](top_scanners.md))`,
    );
  });

  it("gives both amounts but no change when the lake starts inside the previous period", async () => {
    const late = { from: addDays(lake.ledger.firstDay, 3), to: addDays(lake.ledger.firstDay, 9) };
    const h = await changeFor(late);
    const earlier = lake.ledger.queries.filter(within({ from: lake.ledger.firstDay, to: addDays(late.from, -1) }));
    expect(h.change).toMatchObject({ evidence: "partial", evidenceFrom: lake.ledger.firstDay });
    expect(h.change.previousCost).toBeCloseTo(total(earlier), 9);
    const line = h.lines.find((l) => l.startsWith("**Against"))!;
    expect(line).toContain(`not comparable, the events start on ${lake.ledger.firstDay} (3 of its 7 days): ${usd(total(earlier))} then`);
    expect(line).not.toMatch(/%/);
  });
});

describe("headline helpers", () => {
  it("formats changes and shares without overstating them", () => {
    expect([
      changePercent(129.1, 100),
      changePercent(97, 100),
      changePercent(5, 0),
      changePercent(0, 0),
      changePercent(100.001, 100),
    ]).toEqual(["+29.1%", "-3.0%", "new", "±0.0%", "±0.0%"]);
    expect([sharePercent(0.411), sharePercent(0.00001), sharePercent(0)]).toEqual(["41.1%", "<0.1%", "0.0%"]);
  });

  it("names principals without their paths, an Identity Center role by its permission set", () => {
    expect(
      [
        "arn:aws:iam::210987654321:role/service-role/aws-quicksight-service-role-v0",
        "arn:aws:iam::210987654321:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_DataAnalyst_5f3e2a1b0c9d8e7f",
        "arn:aws:iam::210987654321:user/alice",
        "(unattributed)",
      ].map(principalName),
    ).toEqual(["aws-quicksight-service-role-v0", "DataAnalyst", "alice", "(unattributed)"]);
    expect(previousPeriod({ from: "2026-08-03", to: "2026-10-31" })).toEqual({ from: "2026-05-05", to: "2026-08-02" });
  });

  it("says so when there is nothing to report", () => {
    const input = quietHeadlineInput({ from: "2026-10-01", to: "2026-10-07" });
    expect(headline(input).lines).toEqual([
      "**Cost drivers**: nothing was billed in the period ([Top scanners](top_scanners.md))",
      "**Against the previous 7 days** (2026-09-24 to 2026-09-30): nothing to compare with, the events table has nothing before " +
        "2026-10-01 ([Top scanners](top_scanners.md))",
      "**Avoidable cost**: none found: no billed run repeated a query within the hour, and no cancelled query was billed",
      "**Permission gaps**: none: every grant held was used in the period ([Permission gaps](permission_gaps.md))",
      "**Coverage**: no region-day has any evidence ([Data coverage](data_coverage.md))",
    ]);
  });
});
