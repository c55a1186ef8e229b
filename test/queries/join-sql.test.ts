/** The join's SQL texts: the system-table witness with and without the tables it reads, and which errors switch between them. */
import { describe, expect, it } from "vitest";
import { eventsJoinSql, joinSqlTexts, missingWitnessField } from "../../queries/join/sql";

describe("the system-table witness's undocumented field", () => {
  it("is read by the deployed text and left out of the fallback, which still reads principals", () => {
    const texts = joinSqlTexts({ systemTables: true });
    expect(texts.joinSql).toContain("accessed.table_name");
    expect(texts.joinSqlWithoutWitnessTables).toBeDefined();
    expect(texts.joinSqlWithoutWitnessTables).not.toContain("table_name");
    expect(texts.joinSqlWithoutWitnessTables).toContain("min_by(principal_arn, submission_date_time) AS principal_arn");
    expect(texts.joinSqlWithoutWitnessTables).toContain("split(CAST(NULL AS varchar), ',') AS tables_read");
  });

  it("has no fallback without the system table", () => {
    expect(joinSqlTexts({ systemTables: false })).toEqual({
      joinSql: eventsJoinSql(),
      accessSql: expect.any(String) as string,
      joinSqlWithoutWitnessTables: undefined,
    });
  });

  it("is named from Athena's and DuckDB's wording of a missing field, and from nothing else", () => {
    const athena =
      "COLUMN_NOT_FOUND: line 12:98: Column 'accessed.table_name' cannot be resolved" +
      " or requester is not authorized to access requested resources";
    expect(missingWitnessField(athena)).toBe("table_name");
    const duckdb = 'Binder Error: Could not find key "database_name" in struct\n\nCandidate Entries: "name"';
    expect(missingWitnessField(duckdb)).toBe("database_name");
    // A column of the join's own tables is the join's error, not the witness's.
    expect(missingWitnessField("COLUMN_NOT_FOUND: line 3:5: Column 'useridentity' cannot be resolved")).toBeUndefined();
    expect(missingWitnessField("CATALOG_NOT_FOUND: Catalog 's3tablescatalog/aws-athena' not found")).toBeUndefined();
  });
});
