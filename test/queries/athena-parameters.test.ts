/**
 * Athena's limit on execution parameters (its API model: each 1 to 1,024 characters), which the
 * local Athena enforces as AWS does: a long list travels as several parameters the SQL joins again
 * (the saved queries with 200 accounts or databases: test/reports/athena-report.test.ts).
 */
import * as athena from "@aws-sdk/client-athena";
import { beforeAll, describe, expect, it } from "vitest";
import { athenaExecution, EXECUTION_PARAMETER_MAX, literalPieces } from "../../queries/athena/convert";
import { bindParameters } from "../../queries/parameters";
import { AthenaServer, startAthenaServer } from "../support/athena-server";
import { cleanupAfterAll } from "../support/cleanup";
import { at } from "../support/defined";
import { fromLiteral } from "../support/execution-parameters";
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

let server: AthenaServer;
const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  server = await startAthenaServer({});
  cleanUp(() => server.close());
  cleanUp(useLocalAws({ AWS_ENDPOINT_URL_ATHENA: server.url }));
});

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
