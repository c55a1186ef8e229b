/**
 * Hostile input through every output channel (issue 23): values an attacker can name in the lake go
 * into the pages, the issues (titles, bodies, markers), the job summary, the Mermaid charts and the
 * log, and each comes out neutral. Pages and issue bodies are rendered by cmark-gfm, GitHub's
 * Markdown library, and must have exactly the elements an honest value of the same shape gives
 * (test/support/hostile.ts, `benignTwin`), with no raw HTML, image, foreign link, mention, reference
 * or invisible character; charts are drawn by the real Mermaid in Chromium and must show the text;
 * log lines are read as the Actions runner reads them. hostile-input-removed.test.ts shows that each
 * check fails when its channel's escaping is taken away.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { logLine, logValue } from "../../core/output/log";
import { Period } from "../../queries/saved";
import { anomalySummary, renderAnomalyIssue } from "../../reports/issues/anomaly-issues";
import { renderPermissionGapIssue } from "../../reports/issues/permission-gap-issues";
import { QueryOutcome } from "../../reports/pages/types";
import { renderReports, runSavedQueries } from "../../reports/publish";
import { openGithubView, GithubView } from "../support/browser";
import { CHROMIUM_MISSING, CMARK_GFM_MISSING } from "../support/render-tools";
import { INVISIBLE_IN_OUTPUT } from "../support/gfm";
import { benignTwin, HOSTILE, workflowCommands } from "../support/hostile";
import { hostileChart, hostileFinding, hostileGaps, expectedLabel } from "../support/hostile-cases";
import { markdownProblems, titleProblems, withValue } from "../support/hostile-checks";
import { joinedLake, JoinedLake } from "../support/lake";
import { at } from "../support/defined";
import { cleanupAfterAll } from "../support/cleanup";

const KINDS = Object.entries(HOSTILE);

let lake: JoinedLake;
let outcomes: QueryOutcome[];
let period: Period;

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  lake = await joinedLake({ days: 4, seed: 7, endDay: "2026-10-31" });
  cleanUp(() => lake.dispose());
  period = { from: lake.ledger.firstDay, to: lake.ledger.lastDay };
  outcomes = await runSavedQueries(lake.engine, period);
});

describe.skipIf(CMARK_GFM_MISSING !== undefined)("pages (committed Markdown)", () => {
  it.each(KINDS)("%s: every page is neutral", (_kind, value) => {
    const hostile = renderReports(withValue(outcomes, value), period, "Generated test data.");
    const benign = renderReports(withValue(outcomes, benignTwin(value)), period, "Generated test data.");
    const problems = hostile.flatMap((page, i) =>
      markdownProblems(page.content, at(benign, i, `benign ${page.file}`).content).map((p) => `${page.file}: ${p}`),
    );
    expect(problems).toEqual([]);
  });

  it("the substitution reaches the pages (a value from the data is shown on them)", () => {
    const pages = renderReports(withValue(outcomes, "canary-value-7f3a"), period, "Generated test data.");
    expect(pages.filter((p) => p.content.includes("canary-value-7f3a")).length).toBeGreaterThanOrEqual(12);
  });
});

describe.skipIf(CMARK_GFM_MISSING !== undefined)("issues", () => {
  it.each(KINDS)("%s: permission-gap issue title and body", (_kind, value) => {
    const [arn, gaps] = hostileGaps(value);
    const [benignArn, benignGaps] = hostileGaps(benignTwin(value));
    const issue = renderPermissionGapIssue(arn, gaps, "main");
    expect(markdownProblems(issue.body, renderPermissionGapIssue(benignArn, benignGaps, "main").body)).toEqual([]);
    expect(titleProblems(issue.title)).toEqual([]);
  });

  it.each(KINDS)("%s: anomaly issue title, body and job summary", (_kind, value) => {
    const issue = renderAnomalyIssue(hostileFinding(value), 14, "main", "https://github.com/o/r/blob/main/anomalies.md");
    const benign = renderAnomalyIssue(hostileFinding(benignTwin(value)), 14, "main", "https://github.com/o/r/blob/main/anomalies.md");
    expect(markdownProblems(issue.body, benign.body, [/^https:\/\/github\.com\/o\/r\//])).toEqual([]);
    expect(titleProblems(issue.title)).toEqual([]);
    const window = { from: "2026-10-18", to: "2026-10-31" };
    const summary = anomalySummary([hostileFinding(value)], window, "main");
    expect(markdownProblems(summary, anomalySummary([hostileFinding(benignTwin(value))], window, "main"))).toEqual([]);
  });
});

describe("the log and the job's workflow commands", () => {
  it.each(KINDS)("%s: a log line with the value runs no workflow command and stays one line", (_kind, value) => {
    for (const line of [logLine(`reading ${logValue(value)}`), logLine(value)]) {
      expect(workflowCommands(line)).toEqual([]);
      expect(line.split(/\r\n|\r|\n/)).toHaveLength(1);
      expect(INVISIBLE_IN_OUTPUT.test(line)).toBe(false);
    }
  });
});

describe.skipIf(CHROMIUM_MISSING !== undefined)("Mermaid charts, drawn as GitHub draws them", () => {
  let view: GithubView;
  const closeView = cleanupAfterAll();
  beforeAll(async () => {
    view = await openGithubView();
    closeView(() => view.close());
  });

  it("every label shows its text and no directive, comment or markup in it acts", async () => {
    const chart = hostileChart(Object.values(HOSTILE));
    const page = await view.render(chart);
    expect(page.mermaidErrors).toEqual([]);
    expect(page.requests).toEqual([]);
    expect(page.mermaid.flatMap((m) => m.labels)).toEqual(Object.values(HOSTILE).map((v, i) => expectedLabel(v, i)));
  });
});
