/**
 * The anomalies query over the demo's seed and five others (issue 27): every planted anomaly, old
 * kinds and the new ones (a new principal's huge first day, a ten-day drift, probing spread over
 * hours or across an hour's boundary), is found with the ledger's kind, principal, day (a drift: any
 * of its days) and subject; no high or medium finding names anything else; and the month-end close
 * that grows 2.2x month over month raises nothing. The tables are written from each ledger
 * (test/support/ledger-lake.ts), so six seeds cost seconds, not a join each.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ANOMALY_SETTINGS, PlantedAnomaly } from "../../generator/planted-anomalies";
import { DEFAULT_END_DAY, Ledger } from "../../generator/generate";
import { addDays } from "../../core/days";
import { DEFAULT_OPTIONS, runSavedQuery, SAVED, SavedRow, savedRows } from "../../queries/saved";
import { LedgerLake, ledgerLake } from "../support/ledger-lake";

const DAYS = 90;
/** The demo's seed with its 90 days before the period; the others with the period alone, which is enough for every baseline. */
const SEEDS: readonly (readonly [number, number])[] = [
  [42, DAYS],
  [7, 0],
  [1001, 0],
  [31337, 0],
  [2024, 0],
  [99, 0],
];

type Finding = SavedRow<typeof SAVED.anomalies>;
const days = (a: PlantedAnomaly) => a.days ?? [a.day];
const name = (a: PlantedAnomaly) => `${a.kind} by ${a.principalArn.split(":").pop() ?? ""} on ${a.day} (${a.subject})`;

describe.each(SEEDS)("seed %i (%i days before the period)", (seed, priorDays) => {
  let lake: LedgerLake | undefined;
  let ledger: Ledger;
  let findings: Finding[];
  const period = { from: addDays(DEFAULT_END_DAY, 1 - DAYS), to: DEFAULT_END_DAY };
  beforeAll(async () => {
    lake = await ledgerLake({ days: DAYS, priorDays, seed });
    ledger = lake.ledger;
    const options = { ...DEFAULT_OPTIONS, anomalies: DEMO_ANOMALY_SETTINGS };
    findings = savedRows(SAVED.anomalies, await runSavedQuery(lake.engine, SAVED.anomalies, period, options));
  }, 60_000);
  afterAll(() => lake?.dispose());

  it("plants each kind, the new ones with them, and a quiet month-end close", () => {
    const kinds = [...new Set(ledger.anomalies.map((a) => a.kind))].sort();
    expect(kinds).toEqual(["drift", "exfiltration", "newcomer", "origin", "probing", "reach", "time", "volume"]);
    expect(ledger.anomalies.filter((a) => a.kind === "probing")).toHaveLength(3);
    expect(ledger.quiet.map((q) => q.days.filter((d) => d >= period.from).length)).toEqual([6]);
  });

  it("finds every planted anomaly with its kind, principal, day and subject", () => {
    const missed = ledger.anomalies
      .filter(
        (a) =>
          !findings.some(
            (r) => r.kind === a.kind && r.principal_arn === a.principalArn && days(a).includes(r.day) && r.subject === a.subject,
          ),
      )
      .map((a) => {
        const near = findings.filter((r) => r.principal_arn === a.principalArn && days(a).includes(r.day));
        return `${name(a)}; found there: ${JSON.stringify(near.map((r) => [r.kind, r.day, r.subject, r.severity]))}`;
      });
    expect(missed).toEqual([]);
  });

  it("raises no high or medium finding outside the planted ones", () => {
    const d = ledger.directDownload;
    // A finding on a planted case's principal and day is that case's (the download's new network, say).
    const planted = (r: Finding) =>
      ledger.anomalies.some((a) => a.principalArn === r.principal_arn && days(a).includes(r.day)) ||
      (d !== null && r.principal_arn === d.iamPrincipalArn && r.day === d.day);
    const others = findings.filter((r) => r.severity !== "low" && !planted(r));
    expect(others.map((r) => [r.kind, r.day, r.principal_arn.split(":").pop(), r.subject, r.severity])).toEqual([]);
  });

  it("raises nothing on the month-end close that grows 2.2x month over month", () => {
    const quiet = ledger.quiet.flatMap((q) => findings.filter((r) => r.principal_arn === q.principalArn && q.days.includes(r.day)));
    expect(quiet.map((r) => [r.kind, r.day, r.subject, r.severity])).toEqual([]);
  });
});
