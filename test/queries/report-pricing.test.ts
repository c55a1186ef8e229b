/**
 * Costs are priced as the saved queries read the events, in the report's TB: the same generated lake
 * joined in binary units and in decimal units gives the same results in either report unit, and every
 * cost is the generator's ledger priced in the report's unit (core/cost.ts), whichever unit the join
 * wrote. Then `reportPeriod` renders decimal pages from events joined in binary, as it never did.
 */
import * as fs from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { reportPeriod, SILENT } from "../../cli/pipeline";
import { billingParameters, billingRulesText, queryCostUsd, TB_DEFINITION_NAMES, TbDefinition } from "../../core/cost";
import { LedgerEntry } from "../../generator/ledger";
import { stripLiteralsAndComments } from "../../queries/parameters";
import { DEFAULT_OPTIONS, Period, SAVED, SAVED_QUERIES, savedQuerySql, SavedRow, savedRows } from "../../queries/saved";
import { usd } from "../../reports/pages/format";
import { QueryOutcome } from "../../reports/pages/types";
import { runSavedQueries } from "../../reports/publish";
import { cleanupAfterAll } from "../support/cleanup";
import { present } from "../support/defined";
import { expectedEvents, joinedLake, JoinedLake, tempDir } from "../support/lake";

/** The ledger's price of a query in `tb`, worked from its bytes and the rules, not from the cost the ledger kept. */
const price = (q: LedgerEntry, tb: TbDefinition) =>
  queryCostUsd({ bytesScanned: q.bytes, statementType: q.statementType, state: q.state }, tb);
const total = (entries: readonly LedgerEntry[], tb: TbDefinition) => entries.reduce((sum, q) => sum + price(q, tb), 0);
const sumOf = <R>(rows: readonly R[], value: (row: R) => number) => rows.reduce((sum, r) => sum + value(r), 0);

/** Rows with every number to 12 significant digits: the engine sums doubles in no fixed order. */
const rounded = (rows: unknown): unknown =>
  JSON.parse(JSON.stringify(rows, (_key, value: unknown) => (typeof value === "number" ? Number(value.toPrecision(12)) : value)));

const lakes = new Map<TbDefinition, JoinedLake>();
/** Each saved query's rows, per unit the lake was joined in and unit the report priced in. */
const results = new Map<string, QueryOutcome[]>();
let period: Period;
let entries: LedgerEntry[];

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  for (const joined of TB_DEFINITION_NAMES) {
    const lake = await joinedLake({ days: 3, seed: 5, tb: joined });
    cleanUp(() => lake.dispose());
    lakes.set(joined, lake);
    period = { from: lake.ledger.firstDay, to: lake.ledger.lastDay };
    for (const priced of TB_DEFINITION_NAMES)
      results.set(`${joined} ${priced}`, await runSavedQueries(lake.engine, period, { ...DEFAULT_OPTIONS, tb: priced }));
  }
  entries = expectedEvents(present(lakes.get("binary"), "the lake joined in binary units").ledger);
});

function rowsOf<Q extends (typeof SAVED)[keyof typeof SAVED]>(query: Q, joined: TbDefinition, priced: TbDefinition): SavedRow<Q>[] {
  const outcome = present(results.get(`${joined} ${priced}`), `the results joined in ${joined}, priced in ${priced}`);
  return savedRows(query, present(outcome.find((o) => o.query.name === query.name)?.result, query.name));
}

describe("the join's unit", () => {
  it("is the ledger's: the two lakes hold the same queries, their cost_usd in their own unit", async () => {
    for (const [joined, lake] of lakes) {
      expect(lake.ledger.tb).toBe(joined);
      const rows = (await lake.engine.run("SELECT query_execution_id, cost_usd FROM events")).rows;
      const cost = new Map(rows.map((r) => [String(r.query_execution_id), r.cost_usd]));
      for (const q of entries) expect(cost.get(q.id), q.id).toBe(price(q, joined));
    }
    // Cases that tell the rules apart exist in the ledger, so this can fail.
    expect(entries.some((q) => q.state === "FAILED" && q.bytes > 0)).toBe(true);
    expect(entries.some((q) => q.state === "CANCELLED" && q.bytes > 0 && price(q, "binary") > 0)).toBe(true);
  });

  it.each(TB_DEFINITION_NAMES)("changes nothing a report priced in %s units shows", (priced) => {
    const one = present(results.get(`binary ${priced}`), "binary");
    const other = present(results.get(`decimal ${priced}`), "decimal");
    for (const [i, outcome] of one.entries())
      expect(rounded(other[i]?.result.rows), outcome.query.name).toEqual(rounded(outcome.result.rows));
  });
});

describe.each(TB_DEFINITION_NAMES.flatMap((joined) => TB_DEFINITION_NAMES.map((priced) => [joined, priced] as const)))(
  "events joined in %s units, reported in %s units",
  (joined, priced) => {
    it("price each heaviest query exactly as core/cost.ts does", () => {
      const byId = new Map(entries.map((q) => [q.id, q]));
      const rows = rowsOf(SAVED.heaviest_queries, joined, priced);
      expect(rows.some((r) => (r.cost_usd ?? 0) > 0)).toBe(true);
      for (const r of rows)
        expect(r.cost_usd, r.query_execution_id).toBe(price(present(byId.get(r.query_execution_id), r.query_execution_id), priced));
    });

    it("give each day the ledger's cost in the report's unit", () => {
      const rows = rowsOf(SAVED.usage_daily, joined, priced);
      expect(rows.map((r) => r.day)).toEqual([...new Set(entries.map((q) => q.eventDay))].sort());
      for (const r of rows)
        expect(r.cost_usd, r.day).toBeCloseTo(
          total(
            entries.filter((q) => q.eventDay === r.day),
            priced,
          ),
          9,
        );
    });

    it("add up to the ledger's total on every page whose rows cover the period", () => {
      const all = total(entries, priced);
      expect(sumOf(rowsOf(SAVED.cost_by_table, joined, priced), (r) => r.cost_usd)).toBeCloseTo(all, 9);
      expect(sumOf(rowsOf(SAVED.cost_by_query_shape, joined, priced), (r) => r.cost_usd)).toBeCloseTo(all, 9);
      expect(sumOf(rowsOf(SAVED.usage_by_account, joined, priced), (r) => r.cost_usd)).toBeCloseTo(all, 9);
      expect(sumOf(rowsOf(SAVED.usage_by_workgroup, joined, priced), (r) => r.cost_usd_long)).toBeCloseTo(all, 9);
      expect(present(rowsOf(SAVED.top_scanners, joined, priced)[0], "a top scanner").total_cost_usd).toBeCloseTo(all, 9);
    });

    it("bill cancelled queries and only them on the failed-and-cancelled page", () => {
      const unfinished = entries.filter((q) => q.state === "CANCELLED" || q.state === "FAILED");
      expect(sumOf(rowsOf(SAVED.failed_and_cancelled, joined, priced), (r) => r.cost_usd)).toBeCloseTo(total(unfinished, priced), 9);
    });

    it("rank the top scanners by the ledger's cost of each principal, its sessions beneath it", () => {
      const sessions = new Map<string, number>();
      const principals = new Map<string, number>();
      const add = (map: Map<string, number>, key: string, value: number) => map.set(key, (map.get(key) ?? 0) + value);
      for (const q of entries) {
        add(sessions, `${q.principalArn ?? "(unattributed)"} ${q.account}`, price(q, priced));
        add(principals, `${q.iamPrincipalArn ?? "(unattributed)"} ${q.account}`, price(q, priced));
      }
      const rows = rowsOf(SAVED.top_scanners, joined, priced);
      expect(new Set(rows.map((r) => r.rank)).size).toBe(Math.min(principals.size, DEFAULT_OPTIONS.limit));
      for (const r of rows) {
        expect(r.cost_usd, r.principal).toBeCloseTo(present(sessions.get(`${r.principal} ${r.account_id}`), r.principal), 9);
        const key = `${r.iam_principal_arn} ${r.account_id}`;
        expect(r.principal_cost_usd, key).toBeCloseTo(present(principals.get(key), key), 9);
      }
    });

    it("compare the bill with the audit's cost in the report's unit, the main account's, and price each day both ways", () => {
      const main = present(lakes.get(joined), joined).ledger.accounts[0];
      const rows = rowsOf(SAVED.bill_reconciliation, joined, priced);
      expect(rows.length).toBe(new Set(entries.map((q) => q.eventDay)).size);
      for (const r of rows) {
        const day = entries.filter((q) => q.eventDay === r.day);
        expect(r.audit_cost_usd, r.day).toBeCloseTo(
          total(
            day.filter((q) => q.account === main),
            priced,
          ),
          9,
        );
        expect(r.unbilled_cost_usd, r.day).toBeCloseTo(
          total(
            day.filter((q) => q.account !== main),
            priced,
          ),
          9,
        );
        expect(r.audit_cost_usd, r.day).toBeCloseTo(priced === "binary" ? r.binary_cost_usd : r.decimal_cost_usd, 9);
      }
    });
  },
);

/** The one price expression, as every saved query that shows cost has it (white space folded). */
const PRICE =
  "CASE WHEN cost_usd > 0 THEN greatest(ceil(CAST(data_scanned_bytes AS double) / :billing_mb_bytes), " +
  "CAST(:billing_minimum_mb AS double)) * :billing_mb_bytes * :billing_usd_per_tb / :billing_tb_bytes ELSE cost_usd END";

describe("the price expression", () => {
  it("is the same text wherever a saved query uses the report's unit", () => {
    const copies = SAVED_QUERIES.map((q) => {
      const code = stripLiteralsAndComments(savedQuerySql(q)).replace(/\s+/g, " ").replace(/\( /g, "(").replace(/ \)/g, ")");
      const count = code.split(PRICE).length - 1;
      // Each copy names the MB twice: any other use of the report's unit is a second, diverging price.
      expect(code.split(":billing_mb_bytes").length - 1, q.name).toBe(2 * count);
      return [q.name, count] as const;
    }).filter(([, count]) => count > 0);
    expect(copies.map(([name]) => name).sort()).toEqual(
      [
        "bill_reconciliation",
        "cost_by_query_shape",
        "cost_by_table",
        "failed_and_cancelled",
        "heaviest_queries",
        "top_scanners",
        "usage_by_account",
        "usage_by_workgroup",
        "usage_daily",
      ].sort(),
    );
  });

  it.each(TB_DEFINITION_NAMES)("prices as core/cost.ts does to the last bit around every MB boundary, in %s units", async (tb) => {
    const engine = present(lakes.get("binary"), "a lake's engine").engine;
    const bytes = [
      1,
      2 ** 20 - 1,
      2 ** 20,
      2 ** 20 + 1,
      10 * 2 ** 20,
      10 * 2 ** 20 + 1,
      1e6 - 1,
      1e6,
      1e6 + 1,
      1e7 + 1,
      2 ** 40,
      1e12,
      123_456_789_012,
    ];
    const values = [...bytes.map((b) => `(1.0, ${b})`), "(0.0, 5000000)", "(NULL, NULL)"].join(", ");
    const sql = `SELECT ${PRICE} AS price FROM (VALUES ${values}) AS events (cost_usd, data_scanned_bytes)`;
    const rows = (await engine.run(sql, { ...billingParameters(tb) })).rows.map((r) => r.price);
    expect(rows).toEqual([...bytes.map((b) => queryCostUsd({ bytesScanned: b, state: "SUCCEEDED", statementType: "DML" }, tb)), 0, null]);
  });
});

describe("the units differ", () => {
  it("so the tests above can tell them apart: a decimal TB bills about 10% more for the same queries", () => {
    const ratio = total(entries, "decimal") / total(entries, "binary");
    expect(ratio).toBeGreaterThan(1.09);
    expect(ratio).toBeLessThan(1.1);
    const daily = (priced: TbDefinition) => sumOf(rowsOf(SAVED.usage_daily, "binary", priced), (r) => r.cost_usd);
    expect(daily("decimal") / daily("binary")).toBeCloseTo(ratio, 9);
  });
});

describe("reportPeriod", () => {
  it("renders pages priced in decimal units from events joined in binary, each total the ledger's", async () => {
    const lake = present(lakes.get("binary"), "the lake joined in binary units");
    const out = tempDir("pricing-report");
    try {
      const options = { source: "test", concurrency: 1, redact: true, progress: SILENT };
      for (const tb of TB_DEFINITION_NAMES) {
        const pages = await reportPeriod(lake.engine, period, out, { ...options, tb });
        // Pages that show money state the rules and the unit their costs are priced in.
        const stating = pages.filter((p) => p.content.includes("Costs follow Athena's billing rules"));
        expect(stating.map((p) => p.file)).toContain("top_scanners.md");
        for (const page of stating) expect(page.content, page.file).toContain(billingRulesText(tb));
        const index = present(pages.find((p) => p.file === "index.md")?.content, "the index");
        expect(index).toContain(`| Cost | ${usd(total(entries, tb))} |`);
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
