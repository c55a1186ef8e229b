/**
 * The permission verdicts' rule, on hand-made rows worded as permission_gaps.sql words them: each
 * expectation worked out by hand from the dates (window 2026-08-03 to 2026-10-31, 90 days; a grant
 * may go once unused 45 days with every doubt counted as use).
 */
import { describe, expect, it } from "vitest";
import { PermissionGap, permissionVerdicts, verdictAction, verdictReasons } from "../../reports/pages/permission-verdicts";
import { renderPermissionGapIssue } from "../../reports/issues/permission-gap-issues";
import { only } from "../support/defined";

/** The one principal's verdict. */
const verdict = (gaps: PermissionGap[]) => only(permissionVerdicts(gaps), "verdict");

const ACCOUNT = "210987654321";
const COMPLETE = (resource: string) =>
  `every query of the window has history and a named principal; no unattributed query touched ${resource}`;
const UNATTRIBUTED = (resource: string, days: string) =>
  `2 unattributed queries read ${resource} on ${days} (any could have been this principal's)`;
const PARTIAL = (resource: string, regionDays: number, first: string) =>
  `queries lack history or a named principal on ${regionDays} region-day(s) (first ${first} us-east-1), ` +
  `though no unattributed query touched ${resource}`;
const TRAIL = "the trail does not record Glue read events: a Spark job's use would not be seen";

/** A grant of `who` (a user), used by nobody; `ran` queries in the window (0: ran nothing). */
function gap(
  who: string,
  resource: string,
  confidence: PermissionGap["confidence"],
  reason: string,
  ran = 0,
  extra: Partial<PermissionGap> = {},
): PermissionGap {
  return {
    principalArn: `arn:aws:iam::${ACCOUNT}:user/${who}`,
    principalType: "user",
    principalCreated: null,
    accountId: ACCOUNT,
    grantKind: resource === "primary" ? "workgroup" : resource.includes(".") ? "table" : "database",
    resource,
    accessPath: "iam",
    lastUsed: null,
    lastUsedBy: null,
    lastUsedFrom: "2026-08-03",
    principalQueries: ran,
    principalLastActive: ran > 0 ? "2026-10-31" : null,
    principalOtherCalls: 0,
    principalOtherEngines: null,
    principalOtherLastActive: null,
    windowFrom: "2026-08-03",
    windowTo: "2026-10-31",
    confidence,
    reason,
    ...extra,
  };
}

/** The verdict of one principal, as a compact tuple. */
const verdictOf = (gaps: PermissionGap[]) => {
  const v = verdict(gaps);
  return [...verdictAction(v), v.confidence, v.remove.map((j) => j.gap.resource)];
};

describe("a principal that ran nothing", () => {
  // old-contractor in the demo: the outage of 2026-08-23 left unattributed queries on its grants.
  const contractor = (outage: string) => [
    gap("old-contractor", "primary", "low", `2 unattributed queries ran in primary on ${outage} (any could have been this principal's)`),
    gap("old-contractor", "sales", "low", `1 unattributed query read tables of sales on ${outage} (any could have been this principal's)`),
    gap("old-contractor", "sales.orders", "medium", PARTIAL("sales.orders", 1, outage)),
  ];

  it("is removed when even the unattributed queries of its one doubtful day leave it idle 45 days or more", () => {
    // Quiet from 2026-08-24 to 2026-10-31: 8 + 30 + 31 = 69 days.
    const gaps = contractor("2026-08-23");
    expect(verdictOf(gaps)).toEqual(["remove", "the user", "high", ["sales", "sales.orders", "primary"]]);
    expect(verdictReasons(verdict(gaps))).toEqual([
      "all 3 grants unused in the last 90 days",
      "even counting the unattributed queries of 2026-08-23 as its use, idle 69 days",
    ]);
  });

  it("waits when the doubtful day is recent, until the day it will be 45 days old", () => {
    // Quiet from 2026-10-22: 45 days end on 2026-12-05.
    const v = verdict(contractor("2026-10-21").slice(0, 2));
    expect(verdictAction(v)).toEqual(["wait", "until 2026-12-05"]);
    expect(v.confidence).toBe("low");
    expect(verdictReasons(v)).toContain("all wait until 2026-12-05: the unattributed queries of 2026-10-21 may have been its use");
  });

  it("trims a grant no recent doubt touches: had those queries been its, they did not read it", () => {
    const v = verdict(contractor("2026-10-21"));
    expect([...verdictAction(v), v.confidence, v.remove.map((j) => j.gap.resource)]).toEqual([
      "trim",
      "1 of 3 grants",
      "high",
      ["sales.orders"],
    ]);
    expect(verdictReasons(v).at(-1)).toBe(
      "database sales and work group primary wait until 2026-12-05: the unattributed queries of 2026-10-21 may have been its use",
    );
  });

  it("is removed at the boundary (45 quiet days) and waits a day before it", () => {
    // 2026-09-16 + 1 = 2026-09-17; to 2026-10-31: 14 + 31 = 45 days.
    expect(verdictOf(contractor("2026-09-16"))[0]).toBe("remove");
    expect(verdictOf(contractor("2026-09-17").slice(0, 2))).toEqual(["wait", "until 2026-11-01", "low", []]);
  });

  it("ignores a gap day no unattributed query of its grants shows: it would have been named by CloudTrail", () => {
    // A query without history on 2026-10-30 in the account, none touching its grants: nothing hides its use.
    const gaps = [gap("idle", "sales", "medium", PARTIAL("sales", 1, "2026-10-30")), gap("idle", "primary", "high", COMPLETE("primary"))];
    expect(verdictOf(gaps)).toEqual(["remove", "the user", "high", ["sales", "primary"]]);
  });

  it("waits for a principal created in the window until it is 45 days old", () => {
    const created = "principal created 2026-10-28, within the window";
    const v = verdict([gap("new-analyst", "marketing", "low", created), gap("new-analyst", "primary", "low", created)]);
    // 2026-10-28 + 44 days = 2026-12-11.
    expect(verdictAction(v)).toEqual(["wait", "until 2026-12-11"]);
    expect(verdictReasons(v)).toContain("all wait until 2026-12-11: the principal is 4 days old");
  });

  it("is removed at medium when no row says it existed before the window (every reason names unattributed queries)", () => {
    const gaps = [gap("ghost", "primary", "low", UNATTRIBUTED("primary", "2026-08-23"))];
    expect(verdictOf(gaps)).toEqual(["remove", "the user", "medium", ["primary"]]);
    // Nor whether a region-day of the account lacks evidence: every reason names the unattributed queries first.
    expect(verdictReasons(verdict(gaps)).at(-1)).toBe(
      "not sure: the rows do not say the principal was created before the window; " +
        "the rows do not say whether a region-day lacks evidence",
    );
  });
});

describe("a principal that ran queries", () => {
  it("trims every unused grant, naming them and the doubts they outlast", () => {
    const gaps = [
      gap("alice", "finance", "low", UNATTRIBUTED("tables of finance", "2026-08-23"), 472),
      gap("alice", "finance.invoices", "medium", PARTIAL("finance.invoices", 1, "2026-08-23"), 472),
    ];
    expect(verdictOf(gaps)).toEqual(["trim", "2 grants", "high", ["finance", "finance.invoices"]]);
    // The gap day is the unattributed queries' day: said once.
    expect(verdictReasons(verdict(gaps))[1]).toBe("even counting the unattributed queries of 2026-08-23 as its use, unused 69 days");
  });

  it("keeps the grants a recent doubt may explain, and says until when", () => {
    const gaps = [
      gap("bob", "hr", "high", COMPLETE("hr"), 12),
      gap("bob", "hr.salaries", "low", UNATTRIBUTED("hr.salaries", "2026-10-21"), 12),
    ];
    const v = verdict(gaps);
    expect([...verdictAction(v), v.confidence]).toEqual(["trim", "1 of 2 grants", "high"]);
    expect(verdictReasons(v).at(-1)).toBe(
      "table hr.salaries waits until 2026-12-05: the unattributed queries of 2026-10-21 may have been its use",
    );
  });

  it("weighs a gap day for its data grants: a query CloudTrail recorded without history may have been its", () => {
    // Two region-days with gaps, the first recent: the grant waits; the first old, the last unknown: medium.
    expect(verdictOf([gap("carol", "hr", "medium", PARTIAL("hr", 2, "2026-10-30"), 5)])).toEqual(["wait", "until 2026-12-14", "low", []]);
    const v = verdict([gap("carol", "hr", "medium", PARTIAL("hr", 2, "2026-08-23"), 5)]);
    expect([v.kind, v.confidence]).toEqual(["trim", "medium"]);
    expect(verdictReasons(v)).toContain(
      "not sure: 2 queries without history or a named principal, the first on 2026-08-23: the rows do not give the last",
    );
  });

  it("takes a gap's later days from the account's unattributed queries when they name as many days as the gap has", () => {
    // Two region-days with gaps, the first on 2026-08-23; another grant's unattributed queries name 2026-08-30.
    const gaps = [
      gap("carol", "hr", "medium", PARTIAL("hr", 2, "2026-08-23"), 5),
      gap("dan", "sales", "low", UNATTRIBUTED("tables of sales", "2026-08-30"), 5),
    ];
    const [carol] = permissionVerdicts(gaps).filter((v) => v.principalArn.endsWith("/carol"));
    // Quiet from 2026-08-31: 1 + 30 + 31 = 62 days, and nothing unsure.
    expect(carol && [...verdictAction(carol), carol.confidence, verdictReasons(carol)[1]]).toEqual([
      "trim",
      "1 grant",
      "high",
      "even counting the queries without history or a named principal of 2026-08-23 and 2026-08-30 as its use, unused 62 days",
    ]);
  });

  it("reads an account's gaps from another principal's rows when its own reason names an unattributed query first", () => {
    // dave's row names only the old unattributed queries; erin's shows the account's recent gap, which hides dave's too.
    const gaps = [
      gap("dave", "hr", "low", UNATTRIBUTED("tables of hr", "2026-08-23"), 3),
      gap("erin", "sales", "medium", PARTIAL("sales", 1, "2026-10-30"), 3),
    ];
    const [dave] = permissionVerdicts(gaps).filter((v) => v.principalArn.endsWith("/dave"));
    expect(dave && verdictAction(dave)).toEqual(["wait", "until 2026-12-14"]);
  });

  it("is medium when the trail cannot see other engines' reads, for data grants only", () => {
    const trail = (resource: string) => gap("frank", resource, "medium", TRAIL, 3);
    expect(verdictOf([trail("sales")])).toEqual(["trim", "1 grant", "medium", ["sales"]]);
    // A work group is used only through Athena, which CloudTrail and the history see.
    expect(verdictOf([trail("primary")])).toEqual(["trim", "1 grant", "high", ["primary"]]);
  });
});

describe("evidence a verdict waits for", () => {
  it("waits for an account from which nothing arrived", () => {
    const silent = "nothing arrived from account 210987654321 in the window (no history, no CloudTrail): its use is unknown";
    const v = verdict([gap("gina", "sales", "low", silent)]);
    expect(verdictAction(v)).toEqual(["wait", "for evidence"]);
    expect(verdictReasons(v)).toContain("all wait for any evidence from account 210987654321: nothing arrived from it in the window");
  });

  it("waits on a low reason it cannot read, and is medium on a medium one", () => {
    expect(verdictOf([gap("hank", "sales", "low", "a reason worded otherwise")])).toEqual(["wait", "for evidence", "low", []]);
    expect(verdictOf([gap("hank", "sales", "medium", "a reason worded otherwise")])).toEqual(["remove", "the user", "medium", ["sales"]]);
  });

  it("waits when the rows' dates are not calendar days", () => {
    expect(verdictOf([gap("ivy", "sales", "high", COMPLETE("sales"), 0, { windowTo: "2026-02-30" })])).toEqual([
      "wait",
      "for evidence",
      "low",
      [],
    ]);
  });
});

describe("the order", () => {
  it("surest first; of equal confidence a removal, then the most data exposed, then by principal", () => {
    const verdicts = permissionVerdicts([
      gap("a-trim-wg", "primary", "high", COMPLETE("primary"), 5),
      gap("b-trim-db", "sales", "high", COMPLETE("sales"), 5),
      gap("c-wait", "hr", "low", UNATTRIBUTED("tables of hr", "2026-10-30"), 5),
      gap("d-trim-medium", "finance", "medium", TRAIL, 5),
      gap("e-remove", "primary", "high", COMPLETE("primary")),
      gap("f-trim-db-table", "sales", "high", COMPLETE("sales"), 5),
      gap("f-trim-db-table", "sales.orders", "high", COMPLETE("sales.orders"), 5),
      gap("g-trim-db", "marketing", "high", COMPLETE("marketing"), 5),
    ]);
    expect(verdicts.map((v) => v.principalArn.split("/")[1])).toEqual([
      "e-remove",
      "f-trim-db-table",
      "b-trim-db",
      "g-trim-db",
      "a-trim-wg",
      "d-trim-medium",
      "c-wait",
    ]);
  });
});

describe("the issue says the page's verdict", () => {
  it("states it under the title, and suggests denying only the grants the verdict removes", () => {
    const gaps = [
      gap("bob", "hr", "high", COMPLETE("hr"), 12),
      gap("bob", "hr.salaries", "low", UNATTRIBUTED("hr.salaries", "2026-10-21"), 12),
    ];
    const body = renderPermissionGapIssue(gaps[0]!.principalArn, gaps).body;
    expect(body.split("\n").find((l) => l.startsWith("**Verdict**"))).toBe(
      "**Verdict**: Trim 1 of 2 grants (high confidence): 1 grant unused in the last 90 days; table hr.salaries waits until " +
        "2026-12-05: the unattributed queries of 2026-10-21 may have been its use.",
    );
    expect(body).toContain("**Suggested change**: remove the grant the verdict trims from the principal's policies");
    const policy = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(body)?.[1] ?? "") as { Statement: { Resource: string[] }[] };
    expect(policy.Statement.flatMap((s) => s.Resource)).toEqual([
      `arn:aws:glue:*:${ACCOUNT}:database/hr`,
      `arn:aws:glue:*:${ACCOUNT}:table/hr/*`,
    ]);
  });
});
