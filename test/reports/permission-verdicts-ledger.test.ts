/**
 * The permission verdicts of a generated lake, worked out from the generator's ledger and its
 * declared grants alone (never from the query's rows): a six-day lake puts its outages days before
 * the end, so nearly everything waits. The demo's configuration (old-contractor removed first) is
 * asserted on the demo's own lake, in test/queries/demo-evidence.test.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { Period } from "../../queries/saved";
import { cleanupAfterAll } from "../support/cleanup";
import { joinedLake, JoinedLake } from "../support/lake";
import { fromLedger, fromRows } from "../support/permission-verdicts-ledger";

describe("six days ending two days after an outage", () => {
  let lake: JoinedLake;
  let period: Period;
  const cleanUp = cleanupAfterAll();
  beforeAll(async () => {
    lake = await joinedLake({ days: 6, seed: 29, endDay: "2026-10-31" });
    cleanUp(() => lake.dispose());
    period = { from: lake.ledger.firstDay, to: lake.ledger.lastDay };
  }, 120_000);

  it("waits where the outages may hide a use, until the day they are 45 days old, and trims where none can", async () => {
    const expected = fromLedger(lake, period, false);
    expect(await fromRows(lake, period)).toEqual(expected);
    expect(new Set(expected.map((v) => v.kind))).toEqual(new Set(["trim", "wait"]));
    expect(expected.find((v) => v.principal.endsWith(":user/old-contractor"))?.kind).toBe("wait");
  });
});
