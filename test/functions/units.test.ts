import { describe, expect, it } from "vitest";
import { queryReferences } from "../../functions/history/references";
import { PagingWindow } from "../../functions/history/window";
import { mapLimit } from "../../core/concurrency";

describe("paging window", () => {
  const start = Date.parse("2026-11-19T00:00:00Z");
  const hour = 3_600_000;

  it("stops after two whole pages fall more than the slack before the window", () => {
    const w = new PagingWindow({ start, slackMs: hour, quietPages: 2 });
    expect(w.pageSeen([start + 5 * hour, start + hour])).toBe(false);
    expect(w.pageSeen([start - 30 * 60_000])).toBe(false); // within the slack
    expect(w.pageSeen([start - 2 * hour])).toBe(false);
    expect(w.pageSeen([start - 3 * hour])).toBe(true);
  });

  it("keeps paging when an out-of-order execution from the window turns up between old pages", () => {
    const w = new PagingWindow({ start, slackMs: hour, quietPages: 2 });
    expect(w.pageSeen([start - 2 * hour])).toBe(false);
    expect(w.pageSeen([start - 3 * hour, start + 10])).toBe(false);
    expect(w.pageSeen([start - 4 * hour])).toBe(false);
    expect(w.pageSeen([start - 5 * hour])).toBe(true);
  });
});

describe("tables a query references", () => {
  it("resolves unqualified names against the query's database and leaves CTEs out", () => {
    const sql = "WITH recent AS (SELECT user_id FROM orders) SELECT * FROM recent JOIN finance.ledger l ON l.id = recent.user_id";
    expect(queryReferences(sql, "Sales")).toEqual({ tables: ["finance.ledger", "sales.orders"], databases: ["finance", "sales"] });
  });

  it("keeps the parser's reason for a query it cannot parse", () => {
    const refs = queryReferences("SHOW PARTITIONS sales.orders", "sales");
    expect(refs.tables).toEqual([]);
    expect(refs.parseError).toMatch(/Expected/);
  });

  it("reads catalog-qualified names: the default catalog's as Glue tables, another's with its catalog", () => {
    const sql =
      'SELECT * FROM "awsdatacatalog"."Sales"."orders" o JOIN AwsDataCatalog.finance.ledger l ON l.id = o.id ' +
      'JOIN "mysql-crm".crm."accounts" a ON a.id = o.account_id WHERE o.note <> \'FROM x.y.z\'';
    expect(queryReferences(sql, "marketing")).toEqual({
      tables: ["finance.ledger", "mysql-crm.crm.accounts", "sales.orders"],
      databases: ["finance", "sales"],
    });
    // Athena's own system table is a catalog of its own, never a Glue table.
    expect(queryReferences('SELECT count(*) FROM "s3tablescatalog/aws-athena"."metadata"."query_executions"', "x").tables).toEqual([
      "s3tablescatalog/aws-athena.metadata.query_executions",
    ]);
    // A query that fails for another reason keeps the parser's first reason.
    expect(queryReferences("SHOW PARTITIONS awsdatacatalog.sales.orders", "sales").parseError).toMatch(/Expected/);
  });

  it("parses the real Panther query", () => {
    const sql =
      "WITH PastCount as (select p_source_label, count(*) as PastTotal from panther_views.all_logs group by p_source_label) " +
      "SELECT * FROM PastCount";
    expect(queryReferences(sql, undefined).tables).toEqual(["panther_views.all_logs"]);
  });
});

describe("bounded concurrency", () => {
  it("never runs more than the limit at once and keeps the input order", async () => {
    let running = 0;
    let most = 0;
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
  });
});
