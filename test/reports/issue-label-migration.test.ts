/**
 * The permission-gap issues' label was `athena-audit:unused-permissions`; it is now
 * `athena-audit:permission-gaps`. The sync relabels the open issues it opened under the old label,
 * in place, against a local server that refuses what GitHub refuses (a label the issue does not
 * carry cannot be removed, a label name over 50 characters cannot be set).
 */
import * as crypto from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PermissionGapSyncOptions, syncPermissionGapIssues } from "../../reports/issues/permission-gap-issues";
import { syncFamily } from "../../reports/issues/sync";
import { FakeIssue, GitHubServer, localSyncOptions, startGitHubServer } from "../support/github-server";
import { FINDINGS } from "./permission-gap-findings";
import { at } from "../support/defined";

// Written out, not imported: these are the names existing repositories carry.
const OLD = "athena-audit:unused-permissions";
const NEW = "athena-audit:permission-gaps";
const REPO = "/repos/northwind/data-platform/issues";

let server: GitHubServer;
const lines: string[] = [];
const options = (extra: Partial<PermissionGapSyncOptions> = {}): PermissionGapSyncOptions => ({
  ...localSyncOptions(server, (l) => lines.push(l)),
  ...extra,
});

/** An issue as the previous version left it: its marker names the principal's fingerprint (and a stack other than main). */
function previous(principal: string, extra: Partial<FakeIssue> = {}): FakeIssue {
  const fp = crypto.createHash("sha256").update(`arn:aws:iam::210987654321:role/${principal}`).digest("hex").slice(0, 16);
  const stack = extra.title?.includes("(eu)") ? " stack=eu" : "";
  const issue: FakeIssue = {
    number: server.issues.length + 1,
    title: `Unused Athena permissions: ${principal} (1 grant)`,
    body: `Old text.\n\n<!-- athena-audit:fingerprint=${fp}${stack} account=210987654321 -->\n`,
    state: "open",
    labels: [OLD],
    comments: ["Asked the team that owns it."],
    ...extra,
  };
  server.issues.push(issue);
  return issue;
}

const writes = () => server.requests.filter((r) => !r.startsWith("GET"));

beforeEach(async () => {
  server = await startGitHubServer("northwind", "data-platform", 2);
  lines.length = 0;
});
afterEach(() => server.close());

describe("the permission-gap label change", () => {
  it("relabels the open issues it opened under the old label in place, keeping their numbers and comments", async () => {
    previous("reporting-app", { labels: ["team:data", OLD] });
    previous("retired-role");
    previous("churn-scoring-lambda", { author: "mallory" });
    previous("etl-nightly-glue", { title: "Unused Athena permissions (eu): etl-nightly-glue (1 grant)" });
    previous("old-role", { state: "closed" });

    const report = await syncPermissionGapIssues(FINDINGS, options());
    expect(report.notDone).toEqual([]);
    // #1 and #2 are main's and the bot's: relabelled first, then #1 rewritten and #2 closed. A
    // person's issue (#3), another stack's (#4) and a closed one (#5) keep the old label.
    expect(writes().slice(0, 4)).toEqual([
      `POST ${REPO}/1/labels`,
      `DELETE ${REPO}/1/labels/athena-audit%3Aunused-permissions`,
      `POST ${REPO}/2/labels`,
      `DELETE ${REPO}/2/labels/athena-audit%3Aunused-permissions`,
    ]);
    expect(server.issues.slice(0, 5).map((i) => [i.number, i.state, i.labels, i.comments.length])).toEqual([
      [1, "open", ["team:data", NEW], 1],
      [2, "closed", [NEW], 2],
      [3, "open", [OLD], 1],
      [4, "open", [OLD], 1],
      [5, "closed", [OLD], 1],
    ]);
    expect(server.issues[0]).toMatchObject({
      title: "Unused Athena permissions: reporting-app (2 grants)",
      comments: ["Asked the team that owns it."],
    });
    expect(lines).toContain(`relabel #1 (${OLD} → ${NEW})`);
    // The two principals without an issue of main's get a new one each, under the new label: 3 findings' principals in all.
    expect(server.issues.filter((i) => i.state === "open" && i.labels.includes(NEW)).map((i) => i.number)).toEqual([1, 6, 7]);

    // eu's run relabels eu's issue (it is no longer wanted there: closed under the new label).
    await syncPermissionGapIssues([], options({ stack: "eu" }));
    const euIssue = at(server.issues, 3, "eu's issue");
    expect([euIssue.labels, euIssue.state]).toEqual([[NEW], "closed"]);

    // Nothing is left to do: no label request, nothing rewritten.
    const before = server.requests.length;
    const again = await syncPermissionGapIssues(FINDINGS, options());
    expect([again.done, again.unchanged]).toEqual([[], 3]);
    expect(server.requests.slice(before).every((r) => r.startsWith("GET"))).toBe(true);
  });

  it("only says what it would relabel on a dry run", async () => {
    previous("reporting-app");
    const report = await syncPermissionGapIssues(FINDINGS, options({ dryRun: true }));
    expect(report.planned[0]).toEqual({ kind: "relabel", number: 1, fingerprint: expect.any(String) as unknown, add: NEW, remove: [OLD] });
    expect(lines[0]).toBe(`would relabel #1 (${OLD} → ${NEW})`);
    expect([writes(), at(server.issues, 0, "issue #1").labels]).toEqual([[], [OLD]]);
  });

  it("finishes a relabelling a rate limit cut short: the next run removes the old label without adding the new one again", async () => {
    previous("reporting-app");
    server.fail(1, 403, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1800000000" }, "DELETE");
    const limited = await syncPermissionGapIssues(FINDINGS, options());
    // The updates and creates in the verdicts' order: reporting-app's, which exposes the most, first.
    expect(limited.notDone.map((n) => n.action.kind)).toEqual(["relabel", "update", "create", "create"]);
    expect(at(server.issues, 0, "issue #1").labels).toEqual([OLD, NEW]);
    const before = server.requests.length;
    const after = await syncPermissionGapIssues(FINDINGS, options());
    expect(after.done.map((a) => a.kind)).toEqual(["relabel", "update", "create", "create"]);
    expect(server.requests.slice(before).filter((r) => r.includes("/labels"))).toEqual([
      `DELETE ${REPO}/1/labels/athena-audit%3Aunused-permissions`,
    ]);
    expect(server.issues.map((i) => i.labels)).toEqual([[NEW], [NEW], [NEW]]);
  });
});

describe("the local GitHub refuses labels as GitHub does", () => {
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${server.url}${REPO}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) }).then(async (r) => [
      r.status,
      ((await r.json()) as { message?: string }).message,
    ]);

  it("removing a label the issue does not carry, or adding a name longer than 50 characters", async () => {
    previous("reporting-app");
    expect(await call("DELETE", `/1/labels/${encodeURIComponent(NEW)}`)).toEqual([404, "Label does not exist"]);
    expect(await call("POST", "/1/labels", { labels: ["x".repeat(51)] })).toEqual([422, "Validation Failed"]);
    expect(await call("POST", "/1/labels", { labels: "one" })).toEqual([422, expect.stringMatching(/^Invalid request/) as unknown]);
    expect(await call("POST", "/1/labels", [NEW])).toEqual([200, undefined]);
    expect(at(server.issues, 0, "issue #1").labels).toEqual([OLD, NEW]);
  });

  it("so a family whose label GitHub would refuse fails its sync, and says why", async () => {
    const family = { label: `athena-audit:${"x".repeat(40)}`, formerLabels: [], readMarker: () => undefined };
    const wanted = [{ fingerprint: "0123456789abcdef", key: "k", title: "t", body: "b", marker: "<!-- m -->" }];
    const report = await syncFamily(family, wanted, () => "", options());
    expect(report.notDone.map((n) => n.reason)).toEqual([expect.stringContaining("Validation Failed") as unknown]);
    expect(server.issues).toEqual([]);
  });
});
