/**
 * Every report rendered from fixed query results (a generated lake, seed 29, six days), compared
 * with reviewed snapshots in test/reports/__snapshots__/. Update them with `vitest -u` and review the diff.
 * Redaction has its own tests (redact.test.ts).
 */
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { SAVED_QUERIES } from "../../queries/saved";
import { renderReports, RenderedReport, runSavedQueries } from "../../reports/publish";
import { joinedLake, JoinedLake } from "../support/lake";
import { cleanupAfterAll } from "../support/cleanup";

let lake: JoinedLake;
let pages: RenderedReport[];

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  lake = await joinedLake({ days: 6, seed: 29, endDay: "2026-10-31" });
  cleanUp(() => lake.dispose());
  const period = { from: lake.ledger.firstDay, to: lake.ledger.lastDay };
  pages = renderReports(await runSavedQueries(lake.engine, period), period, "Fixed test data.");
});

describe("report snapshots", () => {
  it.each(["index", ...SAVED_QUERIES.map((q) => q.name)])("%s.md matches its reviewed snapshot", async (name) => {
    const page = pages.find((p) => p.file === `${name}.md`)!;
    await expect(page.content).toMatchFileSnapshot(path.join(__dirname, "__snapshots__", `${name}.md`));
  });
});
