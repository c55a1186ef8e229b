/**
 * Every report rendered from fixed query results (a generated lake, seed 29, six days), compared
 * with reviewed snapshots in test/reports/__snapshots__/. Update them with `vitest -u` and review the diff.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAVED_QUERIES } from "../../queries/saved";
import { redactSql } from "../../reports/pages/redact";
import { renderReports, RenderedReport } from "../../reports/pages/render";
import { runSavedQueries } from "../../reports/pages/run";
import { joinedLake, JoinedLake } from "../support/lake";

let lake: JoinedLake;
let pages: RenderedReport[];

beforeAll(async () => {
  lake = await joinedLake({ days: 6, seed: 29, endDay: "2026-10-31" });
  const period = { from: lake.ledger.firstDay, to: lake.ledger.lastDay };
  pages = renderReports(await runSavedQueries(lake.engine, period), period, "Fixed test data.");
});
afterAll(() => lake?.dispose());

describe("report snapshots", () => {
  it.each(["index", ...SAVED_QUERIES.map((q) => q.name)])("%s.md matches its reviewed snapshot", async (name) => {
    const page = pages.find((p) => p.file === `${name}.md`)!;
    await expect(page.content).toMatchFileSnapshot(path.join(__dirname, "__snapshots__", `${name}.md`));
  });
});

describe("redaction", () => {
  const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "realdata-athena.json"), "utf8")) as {
    cloudtrail: { record: { requestParameters?: { queryString?: string } } }[];
  };
  const panther = fixture.cloudtrail.map((c) => c.record.requestParameters?.queryString).find((q) => q?.includes("PastCount"))!;

  it("masks the literals of the real Panther query and keeps its shape", () => {
    const redacted = redactSql(panther);
    expect(redacted).not.toMatch(/7200|3600|'HOUR'|'\d+'/);
    expect(redacted).toContain("p_parse_time >= current_timestamp - interval '?' second");
    expect(redacted).toContain("date_trunc('?', current_timestamp - interval '?' second)");
    expect(redacted).not.toContain("--");
    expect(redacted.startsWith("WITH PastCount as ( select p_source_label, count(*) as PastTotal from panther_views.all_logs")).toBe(true);
  });

  it("keeps identifiers with digits, quoted identifiers and escaped quotes apart from literals", () => {
    expect(redactSql(`SELECT "col 1", t2.x FROM s3_logs WHERE name = 'O''Brien' AND id IN (42, 1.5e3) -- note`)).toBe(
      `SELECT "col 1", t2.x FROM s3_logs WHERE name = '?' AND id IN (?, ?)`,
    );
  });

  it("leaves query text as it is when redaction is off", () => {
    const heaviest = (redact: boolean) =>
      renderReports(
        [
          {
            query: SAVED_QUERIES[1],
            result: {
              columns: [{ name: "query_text", type: "varchar" }],
              rows: [{ query_text: "SELECT 1 FROM t WHERE id = 7" }],
              bytesScanned: 0,
            },
          },
        ],
        { from: "2026-10-01", to: "2026-10-31" },
        "x",
        { redact },
      )[1].content;
    expect(heaviest(true)).toContain("`SELECT ? FROM t WHERE id = ?`");
    expect(heaviest(false)).toContain("`SELECT 1 FROM t WHERE id = 7`");
  });
});
