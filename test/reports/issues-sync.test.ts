/** The permission-gap issue sync against a local server speaking GitHub's REST API. */
import * as crypto from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  PERMISSION_GAPS,
  permissionGapFingerprint as fingerprint,
  PermissionGapSyncOptions,
  syncPermissionGapIssues,
} from "../../reports/issues/permission-gap-issues";
import { decide, PolicyDocument } from "../support/iam/simulate";
import { GitHubServer, localSyncOptions, startGitHubServer } from "../support/github-server";
import { FINDINGS, gap } from "./permission-gap-findings";
import { at, present } from "../support/defined";

let server: GitHubServer;
const lines: string[] = [];
const options = (extra: Partial<PermissionGapSyncOptions> = {}): PermissionGapSyncOptions => ({
  ...localSyncOptions(server, (l) => lines.push(l)),
  ...extra,
});
const open = () => server.issues.filter((i) => i.state === "open");

beforeEach(async () => {
  server = await startGitHubServer("northwind", "data-platform", 2);
  lines.length = 0;
});
afterEach(() => server.close());

describe("issues sync", () => {
  it("opens one labelled issue per principal, listing its unused grants, with a hidden fingerprint", async () => {
    // The lookback a 90-day window has by default: the window itself.
    const report = await syncPermissionGapIssues(
      FINDINGS.map((f) => ({ ...f, lastUsedFrom: "2026-08-03" })),
      options(),
    );
    expect(report.done.map((a) => a.kind)).toEqual(["create", "create", "create"]);
    expect(open().map((i) => i.labels)).toEqual([
      ["athena-audit:permission-gaps"],
      ["athena-audit:permission-gaps"],
      ["athena-audit:permission-gaps"],
    ]);
    const reporting = open().find((i) => i.title.includes("reporting-app"))!;
    expect(reporting.title).toBe("Unused Athena permissions: reporting-app (2 grants)");
    expect(reporting.body).toContain("| table | `finance.ledger` | iam | not in the last 90 days |");
    expect(reporting.body).toContain("| database | `hr` | iam | not in the last 90 days |");
    expect(reporting.body).toContain("between 2026-08-03 and 2026-10-31");
    expect(reporting.body).toContain(
      `<!-- athena-audit:fingerprint=${fingerprint("arn:aws:iam::210987654321:role/reporting-app")} account=210987654321 -->`,
    );
    // The suggested change, decided by the IAM simulator beside an allow-everything policy: it removes
    // every catalog read of the unused grants (by any engine), and nothing else.
    const suggested = JSON.parse(present(/```json\n([\s\S]*?)\n```/.exec(reporting.body)?.[1], "the suggested policy")) as PolicyDocument;
    const principal = {
      accessKeyId: "reporting",
      arn: "arn:aws:iam::210987654321:role/reporting-app",
      account: "210987654321",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }, ...suggested.Statement] },
    };
    const glue = (what: string) => `arn:aws:glue:us-east-1:210987654321:${what}`;
    const checks: [string, string][] = [
      ["glue:GetTable", glue("table/finance/ledger")],
      ["glue:GetPartitions", glue("table/finance/ledger")],
      ["glue:BatchGetPartition", glue("table/finance/ledger")],
      ["glue:GetDatabase", glue("database/hr")],
      ["glue:GetTables", glue("database/hr")],
      ["glue:GetTable", glue("table/hr/headcount")],
      ["glue:GetTable", glue("table/sales/orders")],
      ["athena:StartQueryExecution", "arn:aws:athena:us-east-1:210987654321:workgroup/primary"],
    ];
    const decided = await Promise.all(
      checks.map(async ([action, resource]) => {
        const { allowed } = await decide(principal, { action, resource });
        return `${action} ${resource.split(":").at(-1) ?? ""}: ${allowed ? "allowed" : "denied"}`;
      }),
    );
    expect(decided).toEqual([
      "glue:GetTable table/finance/ledger: denied",
      "glue:GetPartitions table/finance/ledger: denied",
      "glue:BatchGetPartition table/finance/ledger: denied",
      "glue:GetDatabase database/hr: denied",
      "glue:GetTables database/hr: denied",
      "glue:GetTable table/hr/headcount: denied",
      "glue:GetTable table/sales/orders: allowed",
      "athena:StartQueryExecution workgroup/primary: allowed",
    ]);
    expect(reporting.body).toContain("What stops working");
  });

  it("says the account in the titles of two principals of one name (one role name in two accounts), and only there", async () => {
    const other = "arn:aws:iam::109876543210:role/reporting-app";
    await syncPermissionGapIssues(
      [...FINDINGS, { ...gap("reporting-app", "ads"), principalArn: other, accountId: "109876543210" }],
      options(),
    );
    expect(
      open()
        .map((i) => i.title)
        .sort(),
    ).toEqual(
      [
        "Unused Athena permissions: reporting-app (account 210987654321, 2 grants)",
        "Unused Athena permissions: reporting-app (account 109876543210, 1 grant)",
        ...open()
          .map((i) => i.title)
          .filter((t) => !t.includes("reporting-app")),
      ].sort(),
    );
    expect(
      open()
        .filter((i) => !i.title.includes("reporting-app"))
        .every((i) => !i.title.includes("account")),
    ).toBe(true);
  });

  it("changes nothing when run again with the same findings, reading the label's issues across pages", async () => {
    await syncPermissionGapIssues(FINDINGS, options());
    const writes = () => server.requests.filter((r) => !r.startsWith("GET")).length;
    const before = writes();
    const report = await syncPermissionGapIssues(FINDINGS, options());
    expect([report.planned, report.unchanged, writes() - before]).toEqual([[], 3, 0]);
    expect(server.requests.filter((r) => r.startsWith("GET") && r.includes("page=2")).length).toBeGreaterThan(0);
  });

  it("updates the issue whose findings changed, and closes the one whose grants were used or removed", async () => {
    await syncPermissionGapIssues(FINDINGS, options());
    const changed = [gap("reporting-app", "finance.ledger", { lastUsed: "2026-05-01" }), gap("churn-scoring-lambda", "finance")];
    const report = await syncPermissionGapIssues(changed, options());
    expect(report.done.map((a) => a.kind).sort()).toEqual(["close", "update"]);
    expect(
      open()
        .map((i) => i.title)
        .sort(),
    ).toEqual(["Unused Athena permissions: churn-scoring-lambda (1 grant)", "Unused Athena permissions: reporting-app (1 grant)"]);
    const closed = server.issues.find((i) => i.title.includes("etl-nightly-glue"))!;
    expect([closed.state, closed.state_reason, closed.comments[0]]).toEqual([
      "closed",
      "completed",
      "These grants were used again, or are no longer held, in 2026-08-03 to 2026-10-31. Closing.",
    ]);
    expect(open().find((i) => i.title.includes("reporting-app"))!.body).toContain("| 2026-05-01 |");
  });

  it("opens at most the cap of new issues a run, and the rest on the next", async () => {
    const first = await syncPermissionGapIssues(FINDINGS, options({ maxNew: 2 }));
    expect([open().length, first.deferred.length]).toEqual([2, 1]);
    const second = await syncPermissionGapIssues(FINDINGS, options({ maxNew: 2 }));
    expect([open().length, second.deferred]).toEqual([3, []]);
  });

  it("writes nothing on a dry run, and says what it would do", async () => {
    const report = await syncPermissionGapIssues(FINDINGS, options({ dryRun: true }));
    expect(server.requests.every((r) => r.startsWith("GET"))).toBe(true);
    expect(report.done).toEqual([]);
    expect(lines.filter((l) => l.startsWith("would open"))).toHaveLength(3);
  });

  it("retries server errors", async () => {
    server.fail(2, 502, {}, "POST");
    const report = await syncPermissionGapIssues(FINDINGS, options());
    expect([report.done.length, report.notDone.length, open().length]).toEqual([3, 0, 3]);
  });

  it("keeps stacks apart: another stack opens its own issues for the same principals and leaves the first stack's alone", async () => {
    await syncPermissionGapIssues(FINDINGS, options());
    const mainIssues = JSON.stringify(server.issues);
    const before = server.requests.length;
    const eu = await syncPermissionGapIssues([gap("reporting-app", "finance.ledger")], options({ stack: "eu" }));
    expect(eu.done.map((a) => a.kind)).toEqual(["create"]);
    // The only write is eu's own new issue: none of main's three is updated, commented on or closed.
    expect(server.requests.slice(before).filter((r) => !r.startsWith("GET"))).toEqual(["POST /repos/northwind/data-platform/issues"]);
    expect(JSON.stringify(server.issues.slice(0, 3))).toBe(mainIssues);
    const euIssue = at(server.issues, 3, "eu's issue");
    expect(euIssue.title).toBe("Unused Athena permissions (eu): reporting-app (1 grant)");
    expect(euIssue.body).toContain(
      `<!-- athena-audit:fingerprint=${fingerprint("arn:aws:iam::210987654321:role/reporting-app")} stack=eu account=210987654321 -->`,
    );
    // Main's next run neither adopts nor closes eu's issue, and eu's next run changes nothing.
    const mainAgain = await syncPermissionGapIssues(FINDINGS, options());
    const euAgain = await syncPermissionGapIssues([gap("reporting-app", "finance.ledger")], options({ stack: "eu" }));
    expect([mainAgain.planned, mainAgain.unchanged, euAgain.planned, euAgain.unchanged]).toEqual([[], 3, [], 1]);
    // eu's grants used again: only eu's issue closes.
    const euGone = await syncPermissionGapIssues([], options({ stack: "eu" }));
    expect(euGone.done).toEqual([
      {
        kind: "close",
        number: 4,
        fingerprint: fingerprint("arn:aws:iam::210987654321:role/reporting-app"),
        comment: expect.any(String) as unknown,
      },
    ]);
    expect(open().map((i) => i.number)).toEqual([1, 2, 3]);
  });

  it("treats issues opened before stacks (a marker without a stack) as the main stack's", async () => {
    // Written out by hand as the previous version wrote it, so a change of format shows here.
    const legacyMarker = (arn: string) =>
      `<!-- athena-audit:fingerprint=${crypto.createHash("sha256").update(arn).digest("hex").slice(0, 16)} -->`;
    const legacy = (principal: string) => ({
      number: server.issues.length + 1,
      title: `old ${principal}`,
      body: `old text\n\n${legacyMarker(`arn:aws:iam::210987654321:role/${principal}`)}\n`,
      state: "open" as const,
      labels: [PERMISSION_GAPS.label],
      comments: [],
    });
    server.issues.push(legacy("reporting-app"));
    server.issues.push(legacy("retired-role"));
    const eu = await syncPermissionGapIssues(FINDINGS, options({ stack: "eu" }));
    expect(eu.done.map((a) => a.kind)).toEqual(["create", "create", "create"]);
    expect(server.issues.slice(0, 2).map((i) => [i.title, i.state])).toEqual([
      ["old reporting-app", "open"],
      ["old retired-role", "open"],
    ]);
    const main = await syncPermissionGapIssues(FINDINGS, options());
    // In the verdicts' order: reporting-app's two grants expose the most.
    expect(main.done.map((a) => [a.kind, "number" in a ? a.number : undefined])).toEqual([
      ["update", 1],
      ["create", undefined],
      ["create", undefined],
      ["close", 2],
    ]);
    const rewritten = at(server.issues, 0, "the legacy issue of reporting-app");
    expect(rewritten.title).toBe("Unused Athena permissions: reporting-app (2 grants)");
    // Rewritten with the marker of today, which names the grants' account.
    expect(
      rewritten.body.endsWith(
        `${legacyMarker("arn:aws:iam::210987654321:role/reporting-app").replace(" -->", " account=210987654321 -->")}\n`,
      ),
    ).toBe(true);
    expect(open().filter((i) => i.title.includes("(eu)"))).toHaveLength(3);
  });

  it("leaves open the issues of an account without a grants snapshot (its grants were not judged), and closes the others", async () => {
    const other = { ...gap("analyst", "sales"), principalArn: "arn:aws:iam::109876543210:role/analyst", accountId: "109876543210" };
    await syncPermissionGapIssues([...FINDINGS, other], options());
    const legacy = {
      number: 5,
      title: "old",
      body: `old\n\n<!-- athena-audit:fingerprint=${"0".repeat(16)} -->\n`,
      state: "open" as const,
      labels: [PERMISSION_GAPS.label],
      comments: [],
    };
    server.issues.push(legacy);
    const report = await syncPermissionGapIssues([], options({ accountsWithoutGrants: ["109876543210"] }));
    // The other account's issue (#2, opened second: reporting-app's verdict exposes more) and the one
    // whose marker names no account (#5) stay open; 210987654321's three close.
    expect(report.keptOpen).toEqual([2, 5]);
    expect(open().map((i) => i.number)).toEqual([2, 5]);
    expect(lines).toContain("kept #2 open: its account has no grants snapshot in the window, so its grants were not judged");
    const complete = await syncPermissionGapIssues([], options());
    expect([complete.keptOpen, open().length]).toEqual([[], 0]);
  });

  it("refuses a stack name that cannot be written into the marker", async () => {
    await expect(syncPermissionGapIssues(FINDINGS, options({ stack: "a b" }))).rejects.toThrow(
      'stack name "a b" cannot go into an issue marker',
    );
  });

  it("stops at a rate limit, reports what it did not do, and finishes on the next run without duplicates", async () => {
    await syncPermissionGapIssues(FINDINGS.slice(0, 2), options());
    server.fail(1, 403, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1800000000" }, "POST");
    const limited = await syncPermissionGapIssues(FINDINGS, options());
    expect(limited.notDone.map((n) => n.reason)).toEqual(
      Array(limited.notDone.length).fill("GitHub rate limit reached (resets 2027-01-15T08:00:00.000Z)"),
    );
    expect(limited.notDone.length).toBeGreaterThan(0);
    const after = await syncPermissionGapIssues(FINDINGS, options());
    expect(after.notDone).toEqual([]);
    expect(
      open()
        .map((i) => i.title)
        .sort(),
    ).toEqual([
      "Unused Athena permissions: churn-scoring-lambda (1 grant)",
      "Unused Athena permissions: etl-nightly-glue (1 grant)",
      "Unused Athena permissions: reporting-app (2 grants)",
    ]);
  });
});
