/**
 * What the daily join's statements read on Athena, parsed with a Trino grammar (which evaluates a
 * WITH query once per reference): each table once, CloudTrail included, with or without the
 * system table as second witness. The join's CloudTrail scan is its largest cost, paid twice a day
 * since the scheduled run joins the day before again (docs/internals/join.md).
 */
import { describe, expect, it } from "vitest";
import { athenaExecution } from "../../queries/athena/convert";
import { accessJoinParameters, eventsJoinParameters } from "../../queries/join/parameters";
import { joinSqlTexts } from "../../queries/join/sql";
import { QueryParameters } from "../../queries/engine";
import { bindParameters } from "../../queries/parameters";
import { boundStatement } from "../support/athena-statements";
import { parseStatement, statementScans } from "../support/trino-scans";

const DAY = "2026-10-14";
const REGION = "us-east-1";

/** Scans per table of a join statement as the join sends it (`INSERT INTO <table>` and the SQL, positional). */
function scansOf(name: string, table: string, sql: string, parameters: QueryParameters): Record<string, number> {
  const sent = athenaExecution(bindParameters(`INSERT INTO ${table}\n${sql}`, parameters, name));
  const counts: Record<string, number> = {};
  for (const scan of statementScans(parseStatement(name, boundStatement(sent.sql, sent.parameters)))) {
    counts[scan.table] = (counts[scan.table] ?? 0) + 1;
  }
  return counts;
}

describe("the daily join's statements on Athena", () => {
  it("events_join reads CloudTrail and history once each, and the system table once when it is the second witness", () => {
    const parameters = eventsJoinParameters(DAY, REGION);
    expect(scansOf("events_join", "events", joinSqlTexts({ systemTables: false }).joinSql, parameters)).toEqual({
      cloudtrail: 1,
      history: 1,
    });
    const texts = joinSqlTexts({ systemTables: true });
    const witnessed = { cloudtrail: 1, history: 1, query_executions: 1 };
    expect(scansOf("events_join", "events", texts.joinSql, parameters)).toEqual(witnessed);
    expect(scansOf("events_join", "events", texts.joinSqlWithoutWitnessTables ?? "", parameters)).toEqual(witnessed);
  });

  it("access_join reads CloudTrail and the grants snapshots once each", () => {
    expect(scansOf("access_join", "access", joinSqlTexts({}).accessSql, accessJoinParameters(DAY, REGION))).toEqual({
      cloudtrail: 1,
      grants: 1,
    });
  });
});
