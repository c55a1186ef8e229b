/**
 * The cases planted for issue 27, checked in the ledger itself: each is what its label says (a new
 * role's 10 TiB first day, a drift of 30% a day to 13x its median, probing no clock hour holds five
 * failures of, a month-end close that grows 2.2x), the rest of the lake is what it was, and a ledger
 * worked out without writing files is the one the written lake has.
 */
import * as fs from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { generateLake, Ledger } from "../../generator/generate";
import { declaredGrants } from "../../generator/iam";
import { finishedQueries } from "../../generator/live-events";
import { CLOSE, DRIFT } from "../../generator/planted-trends";
import { addDays } from "../../core/days";
import { only, present } from "../support/defined";
import { tempDir } from "../support/lake";

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));
const TIB = 1024 ** 4;

const root = tempDir("trends");
roots.push(root);
const ledger: Ledger = generateLake({ lake: root, days: 90, seed: 5, write: false });
const planted = (kind: string) => ledger.anomalies.filter((a) => a.kind === kind);
const bytesOn = (arn: string, day: string) =>
  ledger.queries.filter((q) => q.iamPrincipalArn === arn && q.eventDay === day).reduce((n, q) => n + q.bytes, 0);
const failuresOf = (ids: readonly string[]) => ledger.queries.filter((q) => ids.includes(q.id) && q.state === "FAILED");
const hours = (at: readonly string[]) => [...new Set(at.map((t) => t.slice(11, 13)))];

describe("the cases an attacker who waits makes", () => {
  it("a role created on its first day, reading 10 TiB of sales, finance and hr that day", () => {
    const a = only(planted("newcomer"), "newcomer");
    const mine = ledger.queries.filter((q) => q.iamPrincipalArn === a.principalArn);
    expect(mine.map((q) => q.id).sort()).toEqual([...a.queryIds].sort());
    expect(new Set(mine.map((q) => q.eventDay))).toEqual(new Set([a.day]));
    expect(mine.reduce((n, q) => n + q.bytes, 0)).toBe(10 * TIB);
    expect([...new Set(mine.flatMap((q) => q.tables.map((t) => t.split(".")[0])))].sort()).toEqual(["finance", "hr", "sales"]);
    const grant = declaredGrants(ledger.lastDay).find((g) => g.principalArn === a.principalArn);
    expect(grant?.created.slice(0, 10)).toBe(a.day);
    expect(a.subject).toBe("bytes");
  });

  it("a service reading 30% more each day for ten days over its median, 13x it on the last (the label's day)", () => {
    const a = only(planted("drift"), "drift");
    const span = a.days ?? [];
    expect(span).toHaveLength(DRIFT.days);
    expect(a.day).toBe(span.at(-1));
    const start = span[0] ?? "";
    const before = Array.from({ length: DRIFT.baselineDays }, (_, i) => bytesOn(a.principalArn, addDays(start, -1 - i))).sort(
      (x, y) => x - y,
    );
    const median = before[Math.floor(before.length / 2)] ?? 0;
    expect(median).toBeGreaterThan(10e9);
    // Each day reads at least its step of the drift; from the third on (2.2x), exactly it (an ordinary day never reaches that).
    span.forEach((day, i) => {
      const ratio = bytesOn(a.principalArn, day) / median;
      expect(ratio, day).toBeGreaterThanOrEqual(DRIFT.rate ** (i + 1) - 1e-6);
      if (i >= 2) expect(ratio, day).toBeCloseTo(DRIFT.rate ** (i + 1), 6);
    });
    expect(bytesOn(a.principalArn, a.day) / median).toBeGreaterThan(13);
    // Each day is at most 1.3 times the busiest before it: the volume rule's 2x never fires.
    let busiest = Math.max(...before);
    for (const day of span) {
      expect(bytesOn(a.principalArn, day), day).toBeLessThanOrEqual(DRIFT.rate * busiest * (1 + 1e-9));
      busiest = Math.max(busiest, bytesOn(a.principalArn, day));
    }
  });

  it("probing at four failures an hour for six hours, and five across a clock hour's boundary: no clock hour holds five", () => {
    const probes = planted("probing").filter((a) => !a.principalArn.includes("churn"));
    expect(probes).toHaveLength(2);
    const times = (a: (typeof probes)[number]) => failuresOf(a.queryIds).map((q) => q.eventAt);
    const [spread, boundary] = [...probes].sort((x, y) => y.queryIds.length - x.queryIds.length).map((a) => times(a).sort());
    for (const at of [spread ?? [], boundary ?? []]) {
      for (const hour of hours(at)) expect(at.filter((t) => t.slice(11, 13) === hour).length).toBeLessThanOrEqual(4);
    }
    expect(spread).toHaveLength(24);
    expect(hours(spread ?? []).length).toBeGreaterThanOrEqual(6);
    // No sliding hour holds five of the spread ones either: only the day's count shows them.
    const ms = (spread ?? []).map((t) => Date.parse(t));
    expect(ms.slice(4).every((t, i) => t - (ms[i] ?? 0) > 3_600_000)).toBe(true);
    expect(boundary).toHaveLength(5);
    expect(hours(boundary ?? [])).toHaveLength(2);
    const span = Date.parse(boundary?.at(-1) ?? "") - Date.parse(boundary?.[0] ?? "");
    expect(span).toBeLessThan(15 * 60_000);
    for (const a of probes) {
      const tables = [...new Set(failuresOf(a.queryIds).flatMap((q) => q.tables))].sort().join(", ");
      expect(a.subject).toBe(tables);
    }
  });

  it("a month-end close that grows 2.2x month over month on the last two business days, labelled quiet", () => {
    const quiet = only(ledger.quiet, "quiet case");
    expect(quiet.days.length).toBe(3 * CLOSE.businessDays);
    for (const day of quiet.days) expect([0, 6]).not.toContain(new Date(`${day}T00:00:00Z`).getUTCDay());
    const totals = quiet.days.filter((_, i) => i % CLOSE.businessDays === 0).map((d) => bytesOn(quiet.principalArn, d));
    for (let i = 1; i < totals.length; i++) expect((totals[i] ?? 0) / (totals[i - 1] ?? 1)).toBeCloseTo(CLOSE.growth, 3);
    // Its history: every day of the lake.
    const active = new Set(ledger.queries.filter((q) => q.iamPrincipalArn === quiet.principalArn).map((q) => q.eventDay));
    expect(active.size).toBe(90);
  });

  it("gives a day's finished queries as EventBridge's state change events, with the principal CloudTrail names", () => {
    const a = only(
      planted("exfiltration").filter((x) => x.subject.startsWith("s3://")),
      "unload",
    );
    const facts = finishedQueries(ledger, a.day);
    const unload = facts.find((f) => f.queryExecutionId === a.queryIds[0]);
    expect(unload?.principalArn).toMatch(/:assumed-role\/AWSReservedSSO_DataAnalyst_[0-9a-f]+\/carol@northwind.example$/);
    expect(unload?.sql).toContain("TO 's3://carol-transfer-2026/");
    expect(unload?.event).toMatchObject({
      "detail-type": "Athena Query State Change",
      source: "aws.athena",
      detail: { currentState: "SUCCEEDED", queryExecutionId: a.queryIds[0], workgroupName: "analysts" },
    });
    const probe = present(
      facts.find((f) => f.state === "FAILED"),
      "a failed query on the unload's day",
    );
    expect(probe.error?.message).toMatch(/\S/);
    expect(probe.event.detail.athenaError?.errorMessage).toBe(probe.error?.message);
    expect(facts.every((f) => f.completedAt.startsWith(a.day))).toBe(true);
  });
});

describe("the ledger without files", () => {
  it("is the written lake's ledger, and writes nothing", () => {
    const written = tempDir("trends-written");
    const bare = tempDir("trends-bare");
    roots.push(written, bare);
    const options = { days: 60, seed: 3 };
    const a = generateLake({ ...options, lake: written });
    const b = generateLake({ ...options, lake: bare, write: false });
    expect(b).toEqual(a);
    expect(a.anomalies.length).toBeGreaterThan(8);
    expect(fs.readdirSync(bare)).toEqual([]);
  });
});
