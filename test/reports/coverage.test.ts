/** Coverage for people: hand-worked rows to words, headline counts and the compact calendar. */
import { describe, expect, it } from "vitest";
import {
  coverageCalendar,
  coverageDetail,
  coverageHeadline,
  CoverageRow,
  coverageSummary,
  hourRanges,
} from "../../reports/pages/data-coverage-page";

const row = (day: string, region: string, extra: Partial<CoverageRow> = {}): CoverageRow => ({
  day,
  region,
  history_queries: 88,
  events: 88,
  with_history: 88,
  with_cloudtrail: 88,
  unattributed: 0,
  first_unattributed: null,
  from_system_table: 0,
  without_history: 0,
  accounts_without_history: null,
  gap_hours: null,
  work_groups_not_joined: null,
  coverage: "complete",
  ...extra,
});

const outage = row("2026-08-23", "us-east-1", { with_cloudtrail: 82, unattributed: 6, gap_hours: "13,14,20", coverage: "partial" });
const empty = row("2026-08-24", "eu-west-1", { events: 0, with_history: 0, with_cloudtrail: 0, coverage: "missing" });

describe("coverage in words", () => {
  it("joins consecutive hours into ranges", () => {
    expect(hourRanges("13,14,20")).toBe("13:00–15:00, 20:00–21:00 UTC");
    expect(hourRanges("23")).toBe("23:00–24:00 UTC");
  });

  it("says what a partial day lacks, source by source", () => {
    expect(coverageDetail(outage)).toBe(
      "6 of 88 queries in history have no CloudTrail record (no CloudTrail at all 13:00–15:00, 20:00–21:00 UTC)",
    );
    expect(coverageDetail(row("d", "r", { without_history: 1, work_groups_not_joined: "bi,etl", coverage: "partial" }))).toBe(
      "1 CloudTrail start without history; history of work group(s) bi,etl not joined",
    );
    // Whose starts they were: the account whose collector is missing or failing.
    expect(
      coverageDetail(row("d", "r", { without_history: 3, accounts_without_history: "109876543210,444455556666", coverage: "partial" })),
    ).toBe("3 CloudTrail starts without history (accounts 109876543210, 444455556666)");
    expect(coverageDetail(row("d", "r", { without_history: 2, accounts_without_history: "109876543210", coverage: "partial" }))).toBe(
      "2 CloudTrail starts without history (account 109876543210)",
    );
    expect(coverageDetail({ ...outage, unattributed: 1, gap_hours: null })).toBe("1 of 88 queries in history has no CloudTrail record");
    expect(coverageDetail({ ...outage, unattributed: 0, from_system_table: 6 })).toBe(
      "6 of 88 queries in history have no CloudTrail record (no CloudTrail at all 13:00–15:00, 20:00–21:00 UTC); " +
        "Athena's system table named all 6 principals",
    );
    expect(coverageDetail({ ...outage, unattributed: 2, from_system_table: 4 })).toBe(
      "6 of 88 queries in history have no CloudTrail record (no CloudTrail at all 13:00–15:00, 20:00–21:00 UTC); " +
        "Athena's system table named the principal of 4",
    );
    expect(coverageDetail({ ...outage, unattributed: 0, from_system_table: 1, gap_hours: null })).toBe(
      "1 of 88 queries in history has no CloudTrail record; Athena's system table named its principal",
    );
    expect(coverageDetail(empty)).toBe("88 queries in history, none joined");
    expect(coverageDetail({ ...empty, history_queries: 0 })).toBe("nothing joined");
  });

  it("counts each state for the headline and lists only the exceptions", () => {
    const summary = coverageSummary([row("2026-08-22", "us-east-1"), outage, empty, row("2026-08-24", "us-east-1")]);
    expect(coverageHeadline(summary)).toBe("2 complete, 1 partial, 1 missing (of 4 region-days)");
    expect(summary.exceptions.map((e) => `${e.day} ${e.region} ${e.coverage}`)).toEqual([
      "2026-08-23 us-east-1 partial",
      "2026-08-24 eu-west-1 missing",
    ]);
  });

  it("draws one line per region and month, a mark per day, blank outside the period", () => {
    const calendar = coverageCalendar([
      row("2026-08-22", "us-east-1"),
      outage,
      empty,
      row("2026-08-24", "us-east-1"),
      row("2026-09-01", "us-east-1"),
    ]);
    const lines = calendar.split("\n");
    expect(lines[0]).toBe("```text");
    expect(lines).toContain(`eu-west-1  2026-08  ${" ".repeat(23)}.`);
    expect(lines).toContain(`us-east-1  2026-08  ${" ".repeat(21)}#~#`);
    expect(lines).toContain("us-east-1  2026-09  #");
    expect(lines.at(-1)).toBe("```");
  });
});
