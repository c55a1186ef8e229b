/**
 * The second-witness page from hand-made witness_disagreements rows: a period where the system table
 * was not read, one where it agrees, and one with a disagreement of each kind.
 */
import { describe, expect, it } from "vitest";
import { QueryResult } from "../../queries/engine";
import { Period, SAVED, SavedRow } from "../../queries/saved";
import { pageModel } from "../../reports/pages/model";
import { witnessHeadline } from "../../reports/pages/witness-disagreements-page";
import { at } from "../support/defined";

type Row = SavedRow<typeof SAVED.witness_disagreements>;

const PERIOD: Period = { from: "2026-09-01", to: "2026-09-30" };

const summary = (compared: number, attributed: number): Row => ({
  day: null,
  region: null,
  query_execution_id: null,
  work_group: null,
  kind: "summary",
  audit_says: null,
  system_table_says: null,
  compared_queries: compared,
  attributed_by_system_table: attributed,
});

const finding = (kind: Row["kind"], audit: string, witness: string): Row => ({
  day: "2026-09-14",
  region: "us-east-1",
  query_execution_id: `q-${kind}`,
  work_group: "etl",
  kind,
  audit_says: audit,
  system_table_says: witness,
  compared_queries: null,
  attributed_by_system_table: null,
});

function page(rows: readonly Row[]) {
  const result: QueryResult = {
    columns: SAVED.witness_disagreements.columns.map((c) => ({ name: c.name, type: c.type })),
    rows: rows.map((r) => ({ ...r })),
    bytesScanned: 0,
  };
  return pageModel({ query: SAVED.witness_disagreements, result }, PERIOD, { redact: true });
}

describe("the second-witness page", () => {
  it("says the system table was not read, rather than that the witnesses agree", () => {
    const model = page([summary(0, 0)]);
    expect(model.context[0]).toMatch(/^Athena's system table was not read for this period: .* `systemTables` setting is on/);
    expect(at(model.tables, 0, "the table").rows).toEqual([]);
    expect(at(model.tables, 0, "the table").empty).toBe("Nothing to compare.");
  });

  it("says what the system table added and that it agrees", () => {
    const model = page([summary(1_204, 4)]);
    expect(model.context).toEqual([
      "Athena's system table saw 1,204 queries of the period, and named the principal of 4 that CloudTrail missed.",
      "It agrees with CloudTrail on every principal and with the SQL parser on every table.",
    ]);
    expect(at(model.tables, 0, "the table").empty).toBe("No disagreements.");
  });

  it("lists each disagreement with its kind in words, principals shown short, and explains only the kinds shown", () => {
    const model = page([
      finding(
        "principal",
        "arn:aws:sts::210987654321:assumed-role/etl-nightly-glue/GlueJobRunnerSession",
        "arn:aws:iam::210987654321:user/alice",
      ),
      finding("tables_missed_by_parser", "sales.v_orders", "sales.orders"),
      summary(300, 0),
    ]);
    expect(model.context[1]).toBe("It disagrees on 2 queries: 1 with another principal, 1 with tables the parser missed.");
    const main = at(model.tables, 0, "the disagreements table");
    expect(main.rows.map((r) => r.slice(0, 4))).toEqual([
      ["2026-09-14", "another principal", "etl-nightly-glue/<wbr>GlueJobRunnerSession", "alice"],
      ["2026-09-14", "tables the parser missed", "sales.v\\_orders", "sales.orders"],
    ]);
    expect(main.notes.some((n) => n.startsWith("**Another principal**"))).toBe(true);
    expect(main.notes.some((n) => n.startsWith("**Tables the parser missed**"))).toBe(true);
    expect(main.notes.some((n) => n.startsWith("**Tables Athena did not list**"))).toBe(false);
  });

  it("puts one line in the index headline only when the system table was read", () => {
    expect(witnessHeadline([summary(0, 0)], "[link](x.md)")).toBeUndefined();
    expect(witnessHeadline([], "[link](x.md)")).toBeUndefined();
    expect(witnessHeadline([summary(1_204, 4)], "[link](x.md)")).toBe(
      "**Second witness**: Athena's system table saw 1,204 queries, named the principal of 4 that CloudTrail missed, " +
        "and agrees with CloudTrail and the SQL parser ([link](x.md))",
    );
    expect(witnessHeadline([finding("principal", "a", "b"), summary(300, 0)], "[link](x.md)")).toBe(
      "**Second witness**: Athena's system table saw 300 queries and disagrees on 1 ([link](x.md))",
    );
  });
});
