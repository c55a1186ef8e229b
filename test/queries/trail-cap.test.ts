/**
 * permission_gaps' cap: a finding is `high` only when the account's trails snapshot shows a trail
 * that would have recorded another engine's use (logging, delivering into the lake, read management
 * events with Glue's, in each of the account's regions). Judged on the lake variant whose trail
 * records no read management events, against the generator's ledger; then with that lake's
 * snapshot replaced by others, each missing one condition.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { trailRows, trailsObject } from "../../functions/grants/trail-rows";
import { ENGINE_ACTORS } from "../../generator/engine-actors";
import { LedgerEntry } from "../../generator/ledger";
import { declaredGrants } from "../../generator/iam";
import { ACCOUNT_ID, ACCOUNTS, MARKETING_ACCOUNT_ID } from "../../generator/org";
import { generatedSelectors, GENERATED_TRAIL_BUCKET, writeTrailsSnapshot } from "../../generator/trails";
import { addDays, daysBetween } from "../../core/days";
import { trailsObjectKey, trailsTablePrefix } from "../../core/layout";
import { DEFAULT_OPTIONS, Period, runSavedQuery, SAVED, SavedRow, savedRows } from "../../queries/saved";
import { cleanupAfterAll } from "../support/cleanup";
import { present } from "../support/defined";
import { expectedEvents, joinedLake, JoinedLake, touchesGrant } from "../support/lake";

type Gap = SavedRow<typeof SAVED.permission_gaps>;

const NO_READS = "the trail does not record Glue read events: a Spark job's use would not be seen";

let lake: JoinedLake;
let entries: LedgerEntry[];
let windows: [whole: Period, lastTwoDays: Period];

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  lake = await joinedLake({ days: 5, seed: 11, trailReadEvents: false });
  cleanUp(() => lake.dispose());
  entries = expectedEvents(lake.ledger);
  windows = [
    { from: lake.ledger.firstDay, to: lake.ledger.lastDay },
    { from: addDays(lake.ledger.lastDay, -1), to: lake.ledger.lastDay },
  ];
}, 60_000);

async function gaps(window: Period): Promise<Gap[]> {
  await lake.engine.refresh();
  return savedRows(SAVED.permission_gaps, await runSavedQuery(lake.engine, SAVED.permission_gaps, window, DEFAULT_OPTIONS));
}

/** The confidence the ledger gives a gap before the trail is considered: the rules of saved-queries.test.ts, missing days too. */
function uncapped(row: Gap, window: Period): "low" | "medium" | "high" {
  const account = row.principal_arn.split(":")[4];
  const inWindow = entries.filter((q) => q.account === account && q.eventDay >= window.from && q.eventDay <= window.to);
  const lost = inWindow.filter((q) => !q.attributed);
  const created = declaredGrants(window.to).find((g) => g.principalArn === row.principal_arn)?.created ?? "0000";
  if (lost.some((q) => touchesGrant(q, row.grant_kind, row.resource)) || created.slice(0, 10) > window.from) return "low";
  const regions = new Set(inWindow.map((q) => q.region));
  const missing = daysBetween(window.from, window.to).some((d) =>
    [...regions].some((r) => !inWindow.some((q) => q.eventDay === d && q.region === r)),
  );
  return missing || (row.grant_kind !== "workgroup" && lost.length > 0) ? "medium" : "high";
}

/** Replaces every account's trails snapshot with rows made from `selectors` and trail fields. */
function rewriteTrails(trail: { multi?: boolean; logging?: boolean; lake?: boolean | null; selectors?: typeof generatedSelectors }) {
  fs.rmSync(path.join(lake.root, trailsTablePrefix()), { recursive: true, force: true });
  for (const account of ACCOUNTS) {
    const reading = {
      trail: {
        TrailARN: `arn:aws:cloudtrail:us-east-1:${account}:trail/t`,
        HomeRegion: "us-east-1",
        IsMultiRegionTrail: trail.multi ?? true,
        S3BucketName: GENERATED_TRAIL_BUCKET,
      },
      logging: trail.logging ?? true,
      selectors: { AdvancedEventSelectors: (trail.selectors ?? generatedSelectors)(account, true) },
      problems: [],
    };
    const lakeTrail = trail.lake === null ? undefined : { bucket: trail.lake === false ? "elsewhere" : GENERATED_TRAIL_BUCKET, prefix: "" };
    const file = path.join(lake.root, trailsObjectKey(account, lake.ledger.lastDay));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, trailsObject(trailRows([reading], lakeTrail, "us-east-1")));
  }
}

describe("the variant lake, whose trail records no read management events", () => {
  it("caps every finding the evidence would make high at medium, naming what the trail does not record", async () => {
    let capped = 0;
    for (const window of windows) {
      for (const row of await gaps(window)) {
        const want = uncapped(row, window);
        const where = `${window.from} ${row.principal_arn} ${row.grant_kind} ${row.resource}`;
        expect(row.confidence, where).toBe(want === "high" ? "medium" : want);
        if (want === "high") {
          expect(row.reason, where).toBe(NO_READS);
          capped++;
        } else if (want === "medium") expect(row.reason, where).toMatch(new RegExp(`^(no evidence|queries lack).*; ${NO_READS}$`));
        else expect(row.reason, where).not.toContain("trail");
      }
    }
    expect(capped, "findings the cap applies to").toBeGreaterThan(0);
  });

  it("reports the EMR role's governed table unused (its GetDataAccess went unrecorded) at medium, never high", async () => {
    const rows = await gaps(windows[1]);
    const emr = rows.find((r) => r.principal_arn === ENGINE_ACTORS.emr.arn && r.grant_kind === "table" && r.resource === "hr.salaries");
    expect(lake.ledger.access.some((a) => a.engine === "emr" && a.resource === "hr.salaries" && !a.recorded)).toBe(true);
    expect(emr?.confidence).toBe("medium");
    expect(emr?.reason).toContain(NO_READS);
  });

  it("the same lake with a snapshot of a trail recording everything: the ledger's confidences, high included", async () => {
    writeTrailsSnapshot(lake.root, lake.ledger.lastDay, undefined, { readEvents: true });
    const seen = new Set<string>();
    for (const window of windows) {
      for (const row of await gaps(window)) {
        expect(row.confidence, `${row.principal_arn} ${row.grant_kind} ${row.resource}`).toBe(uncapped(row, window));
        seen.add(row.confidence);
      }
    }
    expect(seen.has("high")).toBe(true);
  });
});

describe("each condition of the cap, on its own", () => {
  /** The reasons of the findings the ledger makes high, in the last two days, by account. */
  async function highReasons(): Promise<Record<string, string[]>> {
    const out: Record<string, Set<string>> = {};
    for (const row of await gaps(windows[1])) {
      if (uncapped(row, windows[1]) !== "high") continue;
      const account = present(row.principal_arn.split(":")[4], `the account in ${row.principal_arn}`);
      (out[account] ??= new Set()).add(`${row.confidence}: ${row.reason}`);
    }
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v]]));
  }

  it("no trails snapshot in the window", async () => {
    fs.rmSync(path.join(lake.root, trailsTablePrefix()), { recursive: true, force: true });
    const missing = "medium: no record of what the trail records (trails snapshot missing): another engine's use might not be seen";
    expect(await highReasons()).toEqual({ [ACCOUNT_ID]: [missing], [MARKETING_ACCOUNT_ID]: [missing] });
  });

  it("a trail recording one region only: the main account's eu-west-1 is not seen, the marketing account (us-east-1 only) is", async () => {
    rewriteTrails({ multi: false });
    const reasons = await highReasons();
    expect(reasons[ACCOUNT_ID]).toEqual([
      "medium: the trail does not record Glue read events in eu-west-1: a Spark job's use there would not be seen",
    ]);
    expect(reasons[MARKETING_ACCOUNT_ID]?.[0]).toMatch(/^high: /);
  });

  it("a trail excluding Glue's events, one not logging, one delivering elsewhere, one whose delivery is unknown", async () => {
    const withoutGlue: typeof generatedSelectors = (account, reads) => [
      {
        FieldSelectors: [
          { Field: "eventCategory", Equals: ["Management"] },
          { Field: "eventSource", NotEquals: ["glue.amazonaws.com"] },
        ],
      },
      ...generatedSelectors(account, reads).slice(1),
    ];
    const cases: [Parameters<typeof rewriteTrails>[0], string][] = [
      [{ selectors: withoutGlue }, "the trail excludes Glue's events (glue.amazonaws.com): a Spark job's use would not be seen"],
      [
        { logging: false },
        `no logging trail delivers into the lake (trails snapshot of ${lake.ledger.lastDay}): another engine's use would not be seen`,
      ],
      [
        { lake: false },
        `no logging trail delivers into the lake (trails snapshot of ${lake.ledger.lastDay}): another engine's use would not be seen`,
      ],
      [
        { lake: null },
        `the trails snapshot of ${lake.ledger.lastDay} does not say which trail delivers into the lake: ` +
          "another engine's use might not be seen",
      ],
    ];
    for (const [trail, reason] of cases) {
      rewriteTrails(trail);
      expect(await highReasons(), JSON.stringify(trail)).toEqual({
        [ACCOUNT_ID]: [`medium: ${reason}`],
        [MARKETING_ACCOUNT_ID]: [`medium: ${reason}`],
      });
    }
  });
});
