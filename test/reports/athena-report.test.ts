/**
 * The report path on the Athena engine, end to end: the real SDK client against a local server
 * speaking Athena's JSON protocol, which answers by running the same SQL on DuckDB over a generated
 * lake. The pages must equal the embedded engine's, but for the source line and the footnotes.
 */
import * as fs from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { AthenaEngine } from "../../queries/athena/engine";
import { DEFAULT_ANOMALY_SETTINGS } from "../../core/anomaly-settings";
import { EXECUTION_PARAMETER_MAX } from "../../queries/athena/convert";
import { DEFAULT_OPTIONS, Period, runSavedQuery, SAVED, SAVED_QUERIES } from "../../queries/saved";
import { reportPeriod } from "../../cli/pipeline";
import { SILENT } from "../../cli/pipeline";
import { duckdbScript } from "../support/athena-duckdb";
import { AthenaServer, startAthenaServer } from "../support/athena-server";
import { joinedLake, JoinedLake, tempDir } from "../support/lake";
import { useLocalAws } from "../support/s3";
import { at } from "../support/defined";
import { cleanupAfterAll } from "../support/cleanup";

let lake: JoinedLake;
let server: AthenaServer;
let period: Period;

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  lake = await joinedLake({ days: 5, seed: 13 });
  cleanUp(() => lake.dispose());
  period = { from: lake.ledger.firstDay, to: lake.ledger.lastDay };
  server = await startAthenaServer({ script: duckdbScript(lake.engine), pageSize: 7 });
  cleanUp(() => server.close());
  cleanUp(useLocalAws({ AWS_ENDPOINT_URL_ATHENA: server.url }));
});

const withoutProvenance = (text: string) =>
  text
    .split("\n")
    .filter((l) => !l.startsWith("<sub>") && !/^(Embedded engine|Amazon Athena)/.test(l))
    .join("\n");

describe("report --engine athena", () => {
  it("renders the same pages as the embedded engine, running every saved query in the audit's work group", async () => {
    const athena = new AthenaEngine({ workGroup: "athena-audit", database: "athena_audit", pollMs: 2, maxPollMs: 5 });
    const outA = tempDir("report-athena");
    const outB = tempDir("report-duckdb");
    const viaAthena = await reportPeriod(athena, period, outA, { source: "Amazon Athena", concurrency: 4, redact: true, progress: SILENT });
    const viaDuckDb = await reportPeriod(lake.engine, period, outB, {
      source: "Embedded engine",
      concurrency: 1,
      redact: true,
      progress: SILENT,
    });
    await athena.close();
    expect(server.queries.map((q) => q.workGroup)).toEqual(SAVED_QUERIES.map(() => "athena-audit"));
    expect(server.calls.GetQueryResults).toBeGreaterThan(SAVED_QUERIES.length); // several pages each
    expect(viaAthena.map((r) => r.file)).toEqual(viaDuckDb.map((r) => r.file));
    viaAthena.forEach((page, i) =>
      expect(withoutProvenance(page.content), page.file).toBe(withoutProvenance(at(viaDuckDb, i, page.file).content)),
    );
    expect(at(viaAthena, 1, "the first query's page").content).toContain("This report's query scanned 0 B ($0.00) on Athena");
    expect(fs.readdirSync(outA).sort()).toEqual(viaAthena.map((r) => r.file).sort());
  });

  it("writes the index to the Actions job summary", async () => {
    const summary = `${tempDir("summary")}/summary.md`;
    fs.writeFileSync(summary, "");
    const undo = useLocalAws({ GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary, AWS_ENDPOINT_URL_ATHENA: server.url });
    try {
      const { jobSummary } = await import("../../cli/github-actions");
      await jobSummary("# Athena usage audit: test\n");
    } finally {
      undo();
    }
    expect(fs.readFileSync(summary, "utf8")).toContain("# Athena usage audit: test");
  });
});

// Athena takes each execution parameter as at most 1,024 characters; the local Athena refuses longer ones.
describe("long lists on Athena", () => {
  const accounts = Array.from({ length: 200 }, (_, i) => String(210000000000 + i * 7919));
  const databases = Array.from({ length: 200 }, (_, i) => `sensitive_db_${String(i).padStart(3, "0")}`);

  it("usage_by_account with 200 expected accounts: the same rows as the embedded engine, no parameter over the limit", async () => {
    const options = { ...DEFAULT_OPTIONS, expectedAccounts: [...accounts, ...lake.ledger.accounts] };
    const embedded = await runSavedQuery(lake.engine, SAVED.usage_by_account, period, options);
    const remote = await runSavedQuery(
      new AthenaEngine({ workGroup: "athena-audit", database: "athena_audit", pollMs: 2, maxPollMs: 5 }),
      SAVED.usage_by_account,
      period,
      options,
    );
    expect(remote.rows).toEqual(embedded.rows);
    expect(embedded.rows.filter((r) => r.expected === true && r.evidence === "nothing arrived")).toHaveLength(200);
    const sent = server.queries.at(-1)?.parameters ?? [];
    expect(sent.length).toBeGreaterThan(3);
    expect(Math.max(...sent.map((p) => p.length))).toBeLessThanOrEqual(EXECUTION_PARAMETER_MAX);
  });

  it("anomalies with 200 sensitive databases: the same rows as the embedded engine", async () => {
    const options = { ...DEFAULT_OPTIONS, anomalies: { ...DEFAULT_ANOMALY_SETTINGS, sensitive: [...databases, "finance", "hr"] } };
    const embedded = await runSavedQuery(lake.engine, SAVED.anomalies, period, options);
    const remote = await runSavedQuery(
      new AthenaEngine({ workGroup: "athena-audit", database: "athena_audit", pollMs: 2, maxPollMs: 5 }),
      SAVED.anomalies,
      period,
      options,
    );
    expect(remote.rows).toEqual(embedded.rows);
    const sent = server.queries.at(-1)?.parameters ?? [];
    expect(Math.max(...sent.map((p) => p.length))).toBeLessThanOrEqual(EXECUTION_PARAMETER_MAX);
  });
});
