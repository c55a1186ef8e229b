/**
 * The hostile-input checks can fail: with one channel's escaping taken away (its module replaced by
 * one that writes values as they are), the same values through the same renderers are caught. Each
 * case loads the product afresh with only that channel replaced.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type * as Markdown from "../../reports/channels/markdown";
import type * as Mermaid from "../../reports/channels/mermaid";
import type * as Issue from "../../reports/channels/issue";
import type * as Log from "../../core/output/log";
import { GithubView, openGithubView } from "../support/browser";
import { CHROMIUM_MISSING, CMARK_GFM_MISSING } from "../support/render-tools";
import { HOSTILE, workflowCommands } from "../support/hostile";
import { hostileFinding, hostileGaps } from "../support/hostile-cases";
import { markdownProblems, titleProblems } from "../support/hostile-checks";
import { GitHubServer, startGitHubServer } from "../support/github-server";
import { cleanupAfterAll } from "../support/cleanup";

const VALUES = Object.values(HOSTILE);
const fresh = () => vi.resetModules();
afterEach(() => {
  vi.doUnmock("../../reports/channels/markdown");
  vi.doUnmock("../../reports/channels/mermaid");
  vi.doUnmock("../../reports/channels/issue");
  vi.doUnmock("../../core/output/log");
  vi.resetModules();
});

describe("with a channel's escaping removed, the checks fail", () => {
  it.skipIf(CMARK_GFM_MISSING !== undefined)(
    "Markdown: issue bodies and the job summary show images, links, mentions, references, blocks and invisibles",
    async () => {
      fresh();
      vi.doMock("../../reports/channels/markdown", async (original) => ({
        ...(await original<typeof Markdown>()),
        markdownText: (v: string | null | undefined) => v ?? "",
        codeSpan: (v: string | null | undefined) => `\`${v ?? ""}\``,
      }));
      const { renderPermissionGapIssue } = await import("../../reports/issues/permission-gap-issues");
      const { anomalySummary } = await import("../../reports/issues/anomaly-issues");
      const caught = VALUES.filter((value) => {
        const [arn, gaps] = hostileGaps(value);
        const [twinArn, twinGaps] = hostileGaps(value.replace(/[^A-Za-z0-9/ ]/g, "x"));
        const body = markdownProblems(renderPermissionGapIssue(arn, gaps).body, renderPermissionGapIssue(twinArn, twinGaps).body);
        const window = { from: "2026-10-18", to: "2026-10-31" };
        const twin = value.replace(/[^A-Za-z0-9/ ]/g, "x");
        const summary = markdownProblems(
          anomalySummary([hostileFinding(value)], window, "main"),
          anomalySummary([hostileFinding(twin)], window, "main"),
        );
        return body.length > 0 || summary.length > 0;
      });
      // Inert inside a line whatever the escaping (an unclosed `<!--`, `##[`, block marks that act only
      // at a line's start, where these renderers put no value); every other kind is caught.
      const inert = [HOSTILE.comment, HOSTILE.legacyCommand, HOSTILE.blocks, HOSTILE.quote, HOSTILE.list, HOSTILE.ordered];
      expect(VALUES.filter((v) => !caught.includes(v))).toEqual(inert);
    },
  );

  it("issue titles: references, code and invisibles", async () => {
    fresh();
    vi.doMock("../../reports/channels/issue", async (original) => ({
      ...(await original<typeof Issue>()),
      issueTitle: (t: string) => t,
    }));
    const { renderAnomalyIssue } = await import("../../reports/issues/anomaly-issues");
    const caught = VALUES.filter((v) => titleProblems(renderAnomalyIssue(hostileFinding(v), 14).title).length > 0);
    expect(caught).toEqual(expect.arrayContaining([HOSTILE.references, HOSTILE.backticks, HOSTILE.workflowCommand, HOSTILE.zeroWidth]));
  });

  it("the log: workflow commands run", async () => {
    fresh();
    vi.doMock("../../core/output/log", async (original) => ({
      ...(await original<typeof Log>()),
      logLine: (l: string) => l,
      logValue: (v: unknown) => String(v),
    }));
    const log = await import("../../core/output/log");
    expect(workflowCommands(log.logLine(`reading ${log.logValue(HOSTILE.workflowCommand)}`))).toEqual([
      "::error",
      "::add-mask",
      "::stop-commands",
    ]);
    expect(workflowCommands(log.logLine(HOSTILE.legacyCommand))).toEqual(["##[error]"]);
  });

  describe("markers", () => {
    let server: GitHubServer;
    beforeAll(async () => {
      server = await startGitHubServer("o", "r", 2);
    });
    afterAll(() => server.close());

    it("read anywhere in the body, a forged one makes the sync rewrite or duplicate issues", async () => {
      fresh();
      vi.doMock("../../reports/channels/issue", async (original) => ({
        ...(await original<typeof Issue>()),
        trailingMarker: (body: string, pattern: RegExp) => new RegExp(pattern.source.replace(/^\^|\$$/g, "")).exec(body) ?? undefined,
      }));
      const { permissionGapFingerprint, permissionGapMarker, syncPermissionGapIssues } =
        await import("../../reports/issues/permission-gap-issues");
      const arn = (name: string) => `arn:aws:iam::210987654321:role/${name}`;
      const forged = permissionGapMarker(permissionGapFingerprint(arn("finance-admin")));
      const gaps = (name: string, resource: string) => hostileGaps(resource)[1].map((g) => ({ ...g, principalArn: arn(name) }));
      const findings = [...gaps("finance-admin", "finance"), ...gaps("intruder", `x\n\n${forged}\n`)];
      const options = { owner: "o", repo: "r", token: "t", baseUrl: server.url, dryRun: false, maxNew: 10, log: () => undefined };
      await syncPermissionGapIssues(findings, options);
      const second = await syncPermissionGapIssues(findings, options);
      expect(second.done.length).toBeGreaterThan(0);
    });
  });

  describe.skipIf(CHROMIUM_MISSING !== undefined)("Mermaid", () => {
    let view: GithubView;
    const cleanUp = cleanupAfterAll();
    beforeAll(async () => {
      view = await openGithubView();
      cleanUp(() => view.close());
    });

    it("labels disappear or are obeyed", async () => {
      fresh();
      vi.doMock("../../reports/channels/mermaid", async (original) => ({
        ...(await original<typeof Mermaid>()),
        mermaidString: (t: string) => `"${t}"`,
      }));
      const cases = await import("../support/hostile-cases");
      const page = await view.render(cases.hostileChart(VALUES));
      const drawn = page.mermaid.flatMap((m) => m.labels);
      const wrong = page.mermaidErrors.length > 0 || drawn.join("\n") !== VALUES.map((v, i) => cases.expectedLabel(v, i)).join("\n");
      expect(wrong).toBe(true);
    });
  });
});
