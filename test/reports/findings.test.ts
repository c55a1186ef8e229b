/** Findings read from permission_gaps rows (snake_case) and from a `--findings` file (camelCase), checked against the declared columns. */
import { describe, expect, it } from "vitest";
import { PermissionGap, renderPermissionGapIssue, toPermissionGap } from "../../reports/issues/permission-gap-issues";

const camel: PermissionGap = {
  principalArn: "arn:aws:iam::210987654321:user/old-contractor",
  principalType: "user",
  principalCreated: null,
  accountId: "210987654321",
  grantKind: "database",
  resource: "finance",
  accessPath: "iam (conditional)",
  lastUsed: null,
  lastUsedBy: null,
  lastUsedFrom: "2026-08-03",
  principalQueries: 0,
  principalLastActive: null,
  principalOtherCalls: 0,
  principalOtherEngines: null,
  principalOtherLastActive: null,
  windowFrom: "2026-08-03",
  windowTo: "2026-10-31",
  confidence: "high",
  reason: "every query of the window has history and a named principal; no unattributed query touched primary",
};

// The same finding as the query returns it, written out by hand.
const snake = {
  principal_arn: "arn:aws:iam::210987654321:user/old-contractor",
  principal_type: "user",
  account_id: "210987654321",
  grant_kind: "database",
  resource: "finance",
  access_path: "iam (conditional)",
  last_used: null,
  last_used_from: "2026-08-03",
  principal_queries: 0,
  principal_last_active: null,
  principal_other_calls: 0,
  principal_other_engines: null,
  principal_other_last_active: null,
  window_from: "2026-08-03",
  window_to: "2026-10-31",
  confidence: "high",
  reason: "every query of the window has history and a named principal; no unattributed query touched primary",
};

describe("permission-gap findings", () => {
  it("reads a query row and a findings-file entry to the same finding", () => {
    expect(toPermissionGap(snake, "row 1")).toEqual(camel);
    expect(toPermissionGap({ ...camel }, "file[0]")).toEqual(camel);
    expect(toPermissionGap({ ...camel, lastUsed: "2026-09-01", principalQueries: "12" }, "file[0]")).toMatchObject({
      lastUsed: "2026-09-01",
      principalQueries: 12,
    });
  });

  it.each([
    [{ ...snake, confidence: "certain" }, 'row 1: confidence must be high, medium or low, got "certain"'],
    [{ ...snake, grant_kind: "unevaluated" }, 'row 1: grant_kind must be workgroup, database or table, got "unevaluated"'],
    [{ ...snake, principal_arn: undefined }, "row 1: principal_arn must be text, got undefined"],
    [{ ...snake, window_to: "" }, 'row 1: window_to must be text, got ""'],
    [{ ...snake, principal_queries: "many" }, 'row 1: principal_queries must be a number, got "many"'],
  ])("refuses %j, naming the column", (row, message) => {
    expect(() => toPermissionGap(row, "row 1")).toThrow(message);
  });
});

describe("the issue body's last use", () => {
  const cell = (gap: PermissionGap) =>
    renderPermissionGapIssue(gap.principalArn, [gap])
      .body.split("\n")
      .find((l) => l.startsWith("| database | `finance` |"))
      ?.split(" | ")[3];

  it("says the day and engine of a use within the lookback, else the lookback's days, never 'never'", () => {
    expect(cell({ ...camel, lastUsed: "2026-07-30", lastUsedBy: "glue-etl", lastUsedFrom: "2026-05-04" })).toBe("2026-07-30 (glue-etl)");
    // 2026-08-03 to 2026-10-31: 29 days of August, 30 of September, 31 of October.
    expect(cell(camel)).toBe("not in the last 90 days");
    // A weekly window with the default lookback: 2026-08-03 to 2026-10-31 again, whatever the window's start.
    expect(cell({ ...camel, windowFrom: "2026-10-25" })).toBe("not in the last 90 days");
    expect(cell({ ...camel, lastUsedFrom: "2026-10-31" })).toBe("not in the last day");
    // A findings file that leaves the lookback out: nothing is claimed about how far back it looked.
    expect(cell({ ...camel, lastUsedFrom: null })).toBe("not in the evidence");
  });
});

describe("the issue body's use line", () => {
  const line = (gap: PermissionGap) =>
    renderPermissionGapIssue(gap.principalArn, [gap])
      .body.split("\n")
      .find((l) => l.startsWith("**Its own use"));

  it("says a role that reads through other engines ran no Athena query but read, with the engines and the last day", () => {
    const etl = {
      ...camel,
      principalArn: "arn:aws:iam::210987654321:role/etl-orders-glue",
      principalOtherCalls: 1240,
      principalOtherEngines: "glue-etl",
      principalOtherLastActive: "2026-10-31",
    };
    expect(line(etl)).toBe(
      "**Its own use in the window**: 0 Athena queries, none; 1,240 reads through other engines (glue-etl), last on 2026-10-31.",
    );
    expect(line(camel)).toBe("**Its own use in the window**: 0 Athena queries, none; no read through another engine.");
  });
});
