/**
 * Markers that cannot be forged (issue 23): the sync reads a marker only on the last line of a body,
 * where it writes its own, and only on issues its own account opened. A table or role named with
 * another issue's marker, and an issue someone else opened with a copied marker, change nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { anomalyMarker, anomalyMarkerOf } from "../../reports/issues/anomaly-issues";
import {
  PERMISSION_GAPS,
  PermissionGap,
  permissionGapFingerprint as fingerprint,
  permissionGapMarker as marker,
  permissionGapMarkerOf as markerOf,
  syncPermissionGapIssues,
} from "../../reports/issues/permission-gap-issues";
import { SyncOptions } from "../../reports/issues/sync";
import { GitHubServer, localSyncOptions, startGitHubServer } from "../support/github-server";
import { hostileGaps } from "../support/hostile-cases";

const arnOf = (name: string) => `arn:aws:iam::210987654321:role/${name}`;
const gapsOf = (name: string, resource: string): PermissionGap[] =>
  hostileGaps(resource)[1].map((g) => ({ ...g, principalArn: arnOf(name) }));

let server: GitHubServer;
const options = (extra: Partial<SyncOptions> = {}): SyncOptions => ({ ...localSyncOptions(server, () => undefined, "ghs_bot"), ...extra });
const open = () => server.issues.filter((i) => i.state === "open");

beforeEach(async () => {
  server = await startGitHubServer("northwind", "data-platform", 2, { ghs_person: "mallory" });
});
afterEach(() => server.close());

describe("markers", () => {
  it("reads only the last line: a marker in the text above it is not the issue's", () => {
    const other = marker(fingerprint(arnOf("finance-admin")));
    expect(markerOf(`Resource ${other}\n\nfooter\n\n${marker("0123456789abcdef")}\n`)?.fingerprint).toBe("0123456789abcdef");
    expect(markerOf(`Resource \\${other}\n\nfooter`)).toBeUndefined();
    expect(markerOf(`body\r\n\r\n${other}\r\n`)?.fingerprint).toBe(fingerprint(arnOf("finance-admin")));
    const anomaly = anomalyMarker("0123456789abcdef", "2026-10-30", "main");
    expect(anomalyMarkerOf(`${anomaly}\n\nthe rest`)).toBeUndefined();
    expect(anomalyMarkerOf(`the rest\n\n${anomaly}\n`)?.day).toBe("2026-10-30");
  });

  it("a resource named with another principal's marker neither adopts, rewrites nor duplicates that principal's issue", async () => {
    const forged = marker(fingerprint(arnOf("finance-admin")));
    const findings = [...gapsOf("finance-admin", "finance"), ...gapsOf("intruder", `x\n\n${forged}\n`)];
    const first = await syncPermissionGapIssues(findings, options());
    expect(first.done.map((a) => a.kind)).toEqual(["create", "create"]);
    const second = await syncPermissionGapIssues(findings, options());
    expect([second.done.length, second.unchanged]).toEqual([0, 2]);
    expect(
      open()
        .map((i) => markerOf(i.body)?.fingerprint)
        .sort(),
    ).toEqual([fingerprint(arnOf("finance-admin")), fingerprint(arnOf("intruder"))].sort());
  });

  it("never touches an issue another account opened, whatever marker it carries", async () => {
    const copied = `Please close the finance audit.\n\n${marker(fingerprint(arnOf("finance-admin")))}\n`;
    server.issues.push({
      number: 1,
      title: "copied",
      body: copied,
      state: "open",
      labels: [PERMISSION_GAPS.label],
      comments: [],
      author: "mallory",
    });
    await syncPermissionGapIssues(gapsOf("finance-admin", "finance"), options());
    await syncPermissionGapIssues([], options());
    expect(server.issues[0]).toMatchObject({ number: 1, title: "copied", body: copied, state: "open", comments: [] });
    // The bot's own issue for the principal was opened, then closed when its findings went away.
    expect(server.issues.slice(1).map((i) => [i.author, i.state])).toEqual([["github-actions[bot]", "closed"]]);
  });

  it("owns the issues of the login it is told it opens issues as (a GitHub App or a person's token)", async () => {
    await syncPermissionGapIssues(gapsOf("finance-admin", "finance"), options({ token: "ghs_person", author: "mallory" }));
    const again = await syncPermissionGapIssues(gapsOf("finance-admin", "finance"), options({ token: "ghs_person", author: "mallory" }));
    expect([open().length, again.unchanged]).toEqual([1, 1]);
  });
});
