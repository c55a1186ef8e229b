/**
 * Athena's system table as the second witness, on DuckDB with the table in a catalog named as S3
 * Tables names it: queries CloudTrail missed are attributed from it, its principal and tables sit
 * beside CloudTrail's, and the cross-check lists the generator's planted disagreements and nothing else.
 */
import { eventsTablePrefix } from "../../core/layout";
import * as fs from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { eventsJoinSql, withWitness } from "../../queries/join/sql";
import { Period, runSavedQuery, SAVED, savedRows } from "../../queries/saved";
import { systemTableSqlName } from "../../queries/schema/system-tables";
import { readSql } from "../../queries/sql-files";
import { cleanupAfterAll } from "../support/cleanup";
import { expectedEvents, expectedPrincipal, joinedLake, JoinedLake } from "../support/lake";

let lake: JoinedLake;
let period: Period;

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  lake = await joinedLake({ days: 8, seed: 7, systemTables: true });
  cleanUp(() => lake.dispose());
  period = { from: lake.ledger.firstDay, to: lake.ledger.lastDay };
}, 120_000);

async function eventsById() {
  const result = await lake.engine.run("SELECT * FROM events");
  return new Map(result.rows.map((r) => [String(r.query_execution_id), r]));
}

describe("the join's SQL with a second witness", () => {
  it("reads the system table by its full name only when the setting is on", () => {
    expect(eventsJoinSql()).not.toContain(systemTableSqlName());
    expect(eventsJoinSql({ systemTables: true })).toContain(systemTableSqlName());
    expect(eventsJoinSql({ systemTables: true })).not.toContain("witness:begin");
  });

  it("refuses a join text without the witness block", () => {
    expect(() => withWitness("SELECT 1", readSql("system_witness"))).toThrow(/witness:begin/);
  });
});

describe("Athena's system table as a second witness", () => {
  it("the generated lake has CloudTrail gaps after the day the system table starts (the case to prove)", () => {
    const gaps = expectedEvents(lake.ledger).filter((q) => !q.attributed);
    expect(gaps.filter((q) => q.witness !== null).length).toBeGreaterThan(0);
    expect(gaps.filter((q) => q.witness === null).length).toBeGreaterThan(0);
  });

  it("attributes the queries CloudTrail missed from the system table, and leaves CloudTrail's principals as they were", async () => {
    const rows = await eventsById();
    for (const q of expectedEvents(lake.ledger)) {
      const row = rows.get(q.id);
      const want = expectedPrincipal(q, true);
      expect(
        { principal: row?.principal_arn, iam: row?.iam_principal_arn, source: row?.principal_source, attributed: row?.attributed },
        q.id,
      ).toEqual({ principal: want.arn, iam: want.iam, source: want.source, attributed: want.arn !== null });
    }
  });

  it("keeps the witness's own principal and tables beside CloudTrail's and the parser's", async () => {
    const rows = await eventsById();
    for (const q of expectedEvents(lake.ledger)) {
      const row = rows.get(q.id);
      expect({ principal: row?.witness_principal_arn, tables: row?.witnessed_tables }, q.id).toEqual({
        principal: q.witness?.principalArn ?? null,
        tables: q.witness ? JSON.stringify(q.witness.tables) : null,
      });
    }
  });

  it("lists the planted disagreements and nothing else", async () => {
    const all = savedRows(SAVED.witness_disagreements, await runSavedQuery(lake.engine, SAVED.witness_disagreements, period));
    const rows = all.filter((r) => r.kind !== "summary");
    const inPeriod = expectedEvents(lake.ledger);
    expect(all.at(-1)).toMatchObject({
      kind: "summary",
      compared_queries: inPeriod.filter((q) => q.witness).length,
      attributed_by_system_table: inPeriod.filter((q) => q.witness && !q.attributed).length,
    });
    const planted = lake.ledger.plantedDisagreements;
    expect(planted.map((p) => p.kind).sort()).toEqual(["principal", "tables"]);
    const byId = new Map(lake.ledger.queries.map((q) => [q.id, q]));
    const byQuery = (a: unknown[], b: unknown[]) => String(a[0]).localeCompare(String(b[0]));
    expect(rows.map((r) => [r.query_execution_id, r.kind, r.audit_says, r.system_table_says]).sort(byQuery)).toEqual(
      planted
        .map((p) => {
          const q = byId.get(p.id)!;
          return p.kind === "principal"
            ? [p.id, "principal", q.principalArn, p.witnessed]
            : [p.id, "tables_missed_by_parser", q.tables.join(", "), p.witnessed];
        })
        .sort(byQuery),
    );
  });

  it("counts usage the system table saw for permission gaps: no grant is left unused by a witnessed query", async () => {
    const witnessedOnly = expectedEvents(lake.ledger).filter((q) => !q.attributed && q.witness);
    const rows = savedRows(SAVED.permission_gaps, await runSavedQuery(lake.engine, SAVED.permission_gaps, period));
    for (const q of witnessedOnly) {
      const unused = rows.filter(
        (r) => r.principal_arn === q.witness?.iamPrincipalArn && r.grant_kind === "workgroup" && r.resource === q.workGroup,
      );
      expect(unused, `${q.id} ran in ${q.workGroup}`).toEqual([]);
    }
  });
});

describe("events joined before the second witness existed", () => {
  it("are judged as before: attributed then meant CloudTrail", async () => {
    const old = await joinedLake({ days: 3, seed: 3 });
    try {
      const window: Period = { from: old.ledger.firstDay, to: old.ledger.lastDay };
      const coverage = async () => savedRows(SAVED.data_coverage, await runSavedQuery(old.engine, SAVED.data_coverage, window));
      const before = await coverage();
      expect(before.some((r) => r.with_cloudtrail > 0)).toBe(true);
      // Rewrite every events file without the columns this change added, as an older join wrote them.
      const files = (
        await old.engine.run("SELECT DISTINCT filename FROM read_parquet(:glob, filename = true)", {
          glob: `${old.root}/${eventsTablePrefix()}**/*.parquet`,
        })
      ).rows;
      for (const { filename } of files) {
        const file = String(filename);
        const older = "SELECT * EXCLUDE (principal_source, witness_principal_arn, witnessed_tables)";
        await old.engine.run(`COPY (${older} FROM read_parquet('${file}')) TO '${file}.old' (FORMAT parquet)`);
        fs.renameSync(`${file}.old`, file);
      }
      await old.engine.refresh();
      expect(await coverage()).toEqual(before);
    } finally {
      await old.dispose();
    }
  });
});
