/**
 * Athena's limit on execution parameters (its API model: each 1 to 1,024 characters), which the
 * local Athena enforces as AWS does: a long list travels as several parameters the SQL joins again,
 * and the saved queries with 200 accounts or 200 sensitive databases give on Athena what they give
 * on the embedded engine.
 */
import * as athena from "@aws-sdk/client-athena";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ANOMALY_SETTINGS } from "../../core/anomaly-settings";
import { athenaExecution, EXECUTION_PARAMETER_MAX, literalPieces } from "../../queries/athena/convert";
import { AthenaEngine } from "../../queries/athena/engine";
import { bindParameters } from "../../queries/parameters";
import { DEFAULT_OPTIONS, Period, runSavedQuery, SAVED } from "../../queries/saved";
import { duckdbScript } from "../support/athena-duckdb";
import { AthenaServer, startAthenaServer } from "../support/athena-server";
import { cleanupAfterAll } from "../support/cleanup";
import { at } from "../support/defined";
import { fromLiteral } from "../support/execution-parameters";
import { joinedLake, JoinedLake } from "../support/lake";
import { useLocalAws } from "../support/s3";

/** The value back from its pieces, as Athena's `||` would join them. */
const joined = (pieces: string[]) => pieces.map((p) => String(fromLiteral(p))).join("");

describe("a string parameter as literals within Athena's limit", () => {
  it("cuts a value where its literal would pass the limit, never inside a doubled quote (worked by hand, limit 5)", () => {
    // 'aa' (4 characters); the quote would make 6, so it starts the next piece: '''b' (5: the quote doubled, then b).
    expect(literalPieces("aa'b", 5)).toEqual(["'aa'", "'''b'"]);
    expect(literalPieces("", 5)).toEqual(["''"]);
    expect(literalPieces("abc", 5)).toEqual(["'abc'"]);
  });

  it("keeps every piece within the limit and the value whole, for quotes, letters and characters outside the BMP", () => {
    const alphabet = ["a", "'", ",", "é", "😀"];
    let seed = 7;
    for (let n = 0; n < 200; n++) {
      const length = (seed = (seed * 48271) % 2147483647) % 3000;
      let value = "";
      for (let i = 0; i < length; i++) value += at(alphabet, (seed = (seed * 48271) % 2147483647) % alphabet.length, "a character");
      const pieces = literalPieces(value);
      expect(pieces.every((p) => p.length >= 2 && p.length <= EXECUTION_PARAMETER_MAX)).toBe(true);
      expect(joined(pieces)).toBe(value);
    }
  });

  it("joins the pieces in the SQL where the one marker stood, and leaves markers inside literals alone", () => {
    const accounts = Array.from({ length: 200 }, (_, i) => String(100000000000 + i)).join(",");
    const request = athenaExecution(bindParameters("SELECT :list, '?', :n -- ?", { list: `,${accounts},`, n: 5 }));
    expect(request.sql).toBe("SELECT (? || ? || ?), '?', ? -- ?");
    expect(request.parameters).toHaveLength(4);
    expect(joined(request.parameters.slice(0, 3))).toBe(`,${accounts},`);
    expect(request.parameters[3]).toBe("5");
  });
});

let lake: JoinedLake;
let server: AthenaServer;
let period: Period;
const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  lake = await joinedLake({ days: 5, seed: 13 });
  cleanUp(() => lake.dispose());
  period = { from: lake.ledger.firstDay, to: lake.ledger.lastDay };
  server = await startAthenaServer({ script: duckdbScript(lake.engine) });
  cleanUp(() => server.close());
  cleanUp(useLocalAws({ AWS_ENDPOINT_URL_ATHENA: server.url }));
});

const onAthena = () => new AthenaEngine({ workGroup: "athena-audit", database: "athena_audit", pollMs: 5, maxPollMs: 20 });

describe("the local Athena refuses what Athena refuses", () => {
  it.each([
    ["over 1,024 characters", `'${"x".repeat(EXECUTION_PARAMETER_MAX - 1)}'`, /at most 1024, got 1025/],
    ["empty", "", /at least 1, got 0/],
  ])("an execution parameter %s: ValidationException, naming the member", async (_what, parameter, message) => {
    const client = new athena.AthenaClient({});
    const start = client.send(new athena.StartQueryExecutionCommand({ QueryString: "SELECT ?", ExecutionParameters: [parameter] }));
    await expect(start).rejects.toMatchObject({ name: "ValidationException", message: expect.stringMatching(message) as unknown });
    await expect(start).rejects.toThrow(/ExecutionParameters\[0\]/);
    client.destroy();
  });
});

describe("long lists on Athena", () => {
  const accounts = Array.from({ length: 200 }, (_, i) => String(210000000000 + i * 7919));
  const databases = Array.from({ length: 200 }, (_, i) => `sensitive_db_${String(i).padStart(3, "0")}`);

  it("usage_by_account with 200 expected accounts: the same rows as the embedded engine, no parameter over the limit", async () => {
    const options = { ...DEFAULT_OPTIONS, expectedAccounts: [...accounts, ...lake.ledger.accounts] };
    const embedded = await runSavedQuery(lake.engine, SAVED.usage_by_account, period, options);
    const remote = await runSavedQuery(onAthena(), SAVED.usage_by_account, period, options);
    expect(remote.rows).toEqual(embedded.rows);
    expect(embedded.rows.filter((r) => r.expected === true && r.evidence === "nothing arrived")).toHaveLength(200);
    const sent = server.queries.at(-1)?.parameters ?? [];
    expect(sent.length).toBeGreaterThan(3);
    expect(Math.max(...sent.map((p) => p.length))).toBeLessThanOrEqual(EXECUTION_PARAMETER_MAX);
  });

  it("anomalies with 200 sensitive databases: the same rows as the embedded engine", async () => {
    const options = { ...DEFAULT_OPTIONS, anomalies: { ...DEFAULT_ANOMALY_SETTINGS, sensitive: [...databases, "finance", "hr"] } };
    const embedded = await runSavedQuery(lake.engine, SAVED.anomalies, period, options);
    const remote = await runSavedQuery(onAthena(), SAVED.anomalies, period, options);
    expect(remote.rows).toEqual(embedded.rows);
    const sent = server.queries.at(-1)?.parameters ?? [];
    expect(Math.max(...sent.map((p) => p.length))).toBeLessThanOrEqual(EXECUTION_PARAMETER_MAX);
  });
});
