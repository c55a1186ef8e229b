import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Period, SAVED_QUERIES } from "../../queries/saved";
import { cell, duration, formatByColumn, percent, humanBytes, mermaidXyChart, shortArn, usd } from "../../reports/pages/format";
import { QueryOutcome } from "../../reports/pages/pages";
import { renderReports, writeReports } from "../../reports/pages/render";
import { runSavedQueries } from "../../reports/pages/run";
import { joinedLake, JoinedLake, tempDir } from "../support/lake";

describe("format helpers", () => {
  it.each([
    [0, "0 B"],
    [512, "512 B"],
    [1536, "1.5 KB"],
    [5 * 1024 ** 3, "5.0 GB"],
    [2.5 * 1024 ** 4, "2.5 TB"],
  ])("humanBytes(%d) = %s", (bytes, text) => expect(humanBytes(bytes)).toBe(text));

  it("prints money, durations, ARNs and table cells for people", () => {
    expect([usd(0), usd(0.0047), usd(1234.5)]).toEqual(["$0.00", "$0.0047", "$1,234.50"]);
    expect([duration(850), duration(12_340), duration(245_000), duration(7_620_000)]).toEqual([
      "850 ms",
      "12.3 s",
      "4 min 05 s",
      "2 h 07 min",
    ]);
    expect(shortArn("arn:aws:sts::123456789012:assumed-role/Analyst/carol@example.com")).toBe("Analyst/carol@example.com");
    expect(cell("SELECT a | b\n  FROM t", 12)).toBe("SELECT a \\| …");
    expect([percent(53, 609), percent(0, 0), percent(1, 3)]).toEqual(["8.7%", "0%", "33.3%"]);
    // Number formats apply to numbers only: a list column named like a count stays text.
    expect([
      formatByColumn("client_families", "glue, sdk"),
      formatByColumn("client_families", 2),
      formatByColumn("queries", 12345),
    ]).toEqual(["glue, sdk", "2", "12,345"]);
  });

  it("writes Mermaid xychart-beta blocks", () => {
    expect(mermaidXyChart({ title: "Cost", xLabels: ["01", "02"], yTitle: "USD", series: [1.234, 5], kind: "line" })).toBe(
      ["```mermaid", "xychart-beta", '    title "Cost"', '    x-axis ["01", "02"]', '    y-axis "USD"', "    line [1.23, 5]", "```"].join(
        "\n",
      ),
    );
  });
});

describe("rendered reports", () => {
  let lake: JoinedLake;
  let outcomes: QueryOutcome[];
  let period: Period;

  beforeAll(async () => {
    lake = await joinedLake({ days: 6, seed: 3 });
    period = { from: lake.ledger.firstDay, to: lake.ledger.lastDay };
    outcomes = await runSavedQueries(lake.engine, period);
  });
  afterAll(() => lake?.dispose());

  it("has an index and one page per saved query, each linked from the index", () => {
    const reports = renderReports(outcomes, period, "test");
    expect(reports.map((r) => r.file)).toEqual(["index.md", ...SAVED_QUERIES.map((q) => `${q.name}.md`)]);
    for (const q of SAVED_QUERIES) expect(reports[0].content).toContain(`](${q.name}.md)`);
  });

  it("heads the index with the period and the ledger's totals", () => {
    const index = renderReports(outcomes, period, "test")[0].content;
    const queries = lake.ledger.queries.filter((q) => q.eventDay >= period.from && q.eventDay <= period.to);
    expect(index).toContain(`# Athena usage audit: ${period.from} to ${period.to}`);
    expect(index).toContain(`| Queries | ${queries.length.toLocaleString("en-US")} |`);
    expect(index).toContain(`| Data scanned | ${humanBytes(queries.reduce((n, q) => n + q.bytes, 0))} |`);
    expect(index).toContain(`| Data coverage | ${6 * 2} of ${6 * 2} region-days complete |`);
  });

  it("charts usage over time with one point per day", () => {
    const page = renderReports(outcomes, period, "test").find((r) => r.file === "usage_daily.md")!.content;
    const xAxis = /x-axis \[(.*)\]/.exec(page)?.[1].split(", ");
    expect(page).toContain("xychart-beta");
    expect(xAxis).toHaveLength(6);
  });

  it("is byte-identical when rendered twice from the same data", async () => {
    const again = await runSavedQueries(lake.engine, period);
    const dirA = tempDir("reportA");
    const dirB = tempDir("reportB");
    writeReports(renderReports(outcomes, period, "test"), dirA);
    writeReports(renderReports(again, period, "test"), dirB);
    for (const file of fs.readdirSync(dirA)) expect(fs.readFileSync(`${dirB}/${file}`)).toEqual(fs.readFileSync(`${dirA}/${file}`));
    fs.rmSync(dirA, { recursive: true });
    fs.rmSync(dirB, { recursive: true });
  });
});
