import * as fs from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { Period, SAVED_QUERIES } from "../../queries/saved";
import { billingRulesText, TbDefinition } from "../../core/cost";
import { cell, count, duration, formatByColumn, percent, humanBytes, shortArn, usd } from "../../reports/pages/format";
import { QueryOutcome } from "../../reports/pages/types";
import { renderReports, runSavedQueries, showsMoney, writeReports } from "../../reports/publish";
import { joinedLake, JoinedLake, tempDir } from "../support/lake";
import { unfinishedFromLedger } from "../support/unfinished";
import { at } from "../support/defined";
import { cleanupAfterAll } from "../support/cleanup";

describe("format helpers", () => {
  // Binary multiples, named as such (IEC): a GiB is 2^30 bytes. Cost figures are not touched by this.
  it.each([
    [0, "0 B"],
    [512, "512 B"],
    [1023, "1023 B"],
    [1024, "1.0 KiB"],
    [1536, "1.5 KiB"],
    [5 * 1024 ** 3, "5.0 GiB"],
    [1010.4 * 1024 ** 3, "1010.4 GiB"],
    [1024 ** 4 - 1, "1.0 TiB"],
    [2.5 * 1024 ** 4, "2.5 TiB"],
    [3 * 1024 ** 5, "3.0 PiB"],
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
      formatByColumn("error_type", 1301),
    ]).toEqual(["glue, sdk", "2", "12,345", "1301"]);
  });
});

describe("rendered reports", () => {
  let lake: JoinedLake;
  let outcomes: QueryOutcome[];
  let period: Period;

  const cleanUp = cleanupAfterAll();
  beforeAll(async () => {
    lake = await joinedLake({ days: 6, seed: 3 });
    cleanUp(() => lake.dispose());
    period = { from: lake.ledger.firstDay, to: lake.ledger.lastDay };
    outcomes = await runSavedQueries(lake.engine, period);
  });

  it("has an index and one page per saved query, each linked from the index", () => {
    const reports = renderReports(outcomes, period, "test");
    expect(reports.map((r) => r.file)).toEqual(["index.md", ...SAVED_QUERIES.map((q) => `${q.name}.md`)]);
    const index = at(reports, 0, "the index").content;
    for (const q of SAVED_QUERIES) expect(index).toContain(`](${q.name}.md)`);
  });

  it("heads the index with the period and the ledger's totals", () => {
    const index = at(renderReports(outcomes, period, "test"), 0, "the index").content;
    const queries = lake.ledger.queries.filter((q) => q.eventDay >= period.from && q.eventDay <= period.to);
    expect(index).toContain(`# Athena usage audit: ${period.from} to ${period.to}`);
    expect(index).toContain(`| Queries | ${queries.length.toLocaleString("en-US")} |`);
    expect(index).toContain(`| Data scanned | ${humanBytes(queries.reduce((n, q) => n + q.bytes, 0))} |`);
    // A region-day is partial when the ledger has a query CloudTrail never named (a trail outage).
    const partial = new Set(queries.filter((q) => !q.attributed).map((q) => `${q.eventDay} ${q.region}`));
    const total = 6 * lake.ledger.regions.length;
    expect(index).toContain(
      `| Data coverage | ${total - partial.size} complete, ${partial.size} partial, 0 missing (of ${total} region-days) |`,
    );
    for (const regionDay of partial) expect(index).toContain(`- ${regionDay}, partial: `);
  });

  it("charts usage over time with one point per day", () => {
    const page = renderReports(outcomes, period, "test").find((r) => r.file === "usage_daily.md")!.content;
    const xAxis = /x-axis \[(.*)\]/.exec(page)?.[1]?.split(", ");
    expect(page).toContain("xychart-beta");
    expect(xAxis).toHaveLength(6);
  });

  it.each<TbDefinition>(["binary", "decimal"])("states the billing rules and the %s TB on every page that shows money", (tb) => {
    const reports = renderReports(outcomes, period, "test", { redact: true, tb });
    const money = new Set(["index.md", ...outcomes.filter((o) => showsMoney(o.query)).map((o) => `${o.query.name}.md`)]);
    expect(money.size, "pages with money and pages without").toBeLessThan(reports.length);
    for (const page of reports) {
      const rules = `<sub>${billingRulesText(tb)}</sub>`;
      if (!money.has(page.file)) {
        expect(page.content, page.file).not.toContain(rules);
        continue;
      }
      expect(page.content, page.file).toContain(rules);
      expect(page.content, page.file).toContain(
        tb === "binary" ? "1 TB = 2^40 bytes, 1 MB = 2^20 bytes" : "1 TB = 10^12 bytes, 1 MB = 10^6 bytes",
      );
    }
  });

  it("shows each failed and cancelled group with the ledger's queries, cost and time, in a table per state", () => {
    const page = renderReports(outcomes, period, "test").find((r) => r.file === "failed_and_cancelled.md")!.content;
    const queries = lake.ledger.queries.filter((q) => q.eventDay >= period.from && q.eventDay <= period.to);
    const groups = [...unfinishedFromLedger(queries).values()];
    const sections = page.split(/^## /m);
    const cancelledPart = at(sections, 1, "the cancelled section");
    const failedPart = at(sections, 2, "the failed section");
    expect(cancelledPart.startsWith("Cancelled: billed for what they scanned\n")).toBe(true);
    expect(failedPart.startsWith("Failed: free, but they took time\n")).toBe(true);
    expect(cancelledPart).toContain(
      "| Principal | Cost | Scanned | Queries | Engine time | Run time |\n| --- | ---: | ---: | ---: | ---: | ---: |",
    );
    // Failed queries are free (the ledger says so), so their table has no cost column.
    expect(groups.filter((g) => g.state === "FAILED").every((g) => g.cost === 0)).toBe(true);
    expect(failedPart).toContain(
      "| Principal | Run time | Engine time | Queries | Scanned | Error type | Example error |\n" +
        "| --- | ---: | ---: | ---: | ---: | --- | --- |",
    );
    const rowsOf = (part: string) => tableRows(part);
    expect(rowsOf(cancelledPart)).toHaveLength(groups.filter((g) => g.state === "CANCELLED").length);
    expect(rowsOf(failedPart)).toHaveLength(groups.filter((g) => g.state === "FAILED").length);
    for (const g of groups) {
      // The principal's own name (user, or the session of a role) ends its cell, shown as text.
      const name = shortArn(g.principal).split("/").pop()!;
      const expected =
        g.state === "CANCELLED"
          ? [usd(g.cost), humanBytes(g.bytes), count(g.queries), duration(g.engineMs), duration(g.totalMs)]
          : [duration(g.totalMs), duration(g.engineMs), count(g.queries), humanBytes(g.bytes)];
      const error = g.state === "CANCELLED" ? [] : [`${g.errorType ?? ""} (${g.errorCategory ?? ""})`, g.example ?? ""];
      const rows = rowsOf(g.state === "CANCELLED" ? cancelledPart : failedPart).filter((cells) =>
        asText(at(cells, 0, "a row's principal")).endsWith(name),
      );
      const found = rows.find(
        (cells) =>
          cells.slice(1, 1 + expected.length).join(" | ") === expected.map(noBreak).join(" | ") &&
          sameText(cells.slice(1 + expected.length).map(asText), error),
      );
      expect(found, `${g.state} ${g.errorType ?? "-"} ${g.principal}`).toBeDefined();
    }
    expect(groups.some((g) => g.state === "FAILED" && g.bytes > 0)).toBe(true);
    expect(groups.some((g) => g.state === "CANCELLED" && g.cost > 0)).toBe(true);
  });

  it("heads the index with what failed and cancelled queries cost: the cancelled ones' bill", () => {
    const index = at(renderReports(outcomes, period, "test"), 0, "the index").content;
    const queries = lake.ledger.queries.filter((q) => q.eventDay >= period.from && q.eventDay <= period.to);
    const unfinished = queries.filter((q) => q.state !== "SUCCEEDED");
    const billed = queries.filter((q) => q.state === "CANCELLED").reduce((n, q) => n + q.costUsd, 0);
    expect(index).toContain(
      `| Failed or cancelled | ${count(unfinished.length)} queries (${percent(unfinished.length, queries.length)}), ${usd(billed)} |`,
    );
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

/** The body rows of the first Markdown table in `text`, as cells. */
function tableRows(text: string): string[][] {
  const lines = text.split("\n").filter((l) => l.startsWith("| "));
  return lines.slice(2).map((l) => l.slice(2, -2).split(" | "));
}

/** What a reader sees of a name cell: no `<wbr>`, no escapes. */
function asText(markdown: string): string {
  return markdown.replace(/<wbr>/g, "").replace(/\\(.)/g, "$1");
}

/** Numbers keep their unit on their line in tables: a no-break space. */
function noBreak(text: string): string {
  return text.replace(/ /g, "\u00a0");
}

/** Cells that show these texts, whole or cut short with an ellipsis. */
function sameText(shown: string[], texts: string[]): boolean {
  return (
    shown.length === texts.length &&
    shown.every((s, i) => {
      const text = at(texts, i, "a text");
      return s === text || (s.endsWith("…") && text.startsWith(s.slice(0, -1)));
    })
  );
}
