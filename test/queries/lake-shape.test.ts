/** CloudTrail's eventTime as the reader judges it: kept as written, rewritten to CloudTrail's form, or refused (hand-worked cases). */
import { describe, expect, it } from "vitest";
import { repairCloudTrail } from "../../queries/lake/shape";

const judge = (eventTime: unknown) => {
  const record: Record<string, unknown> = { eventSource: "s3.amazonaws.com", eventName: "GetObject", eventTime };
  const verdict = repairCloudTrail(record);
  return verdict.problem ? { problem: verdict.problem } : { repaired: verdict.repaired === true, eventTime: record.eventTime };
};

describe("CloudTrail's eventTime", () => {
  it.each(["2026-10-14T12:00:00Z", "2024-02-29T23:59:59Z", "2026-12-31T00:00:00Z"])("keeps %s as written", (time) => {
    expect(judge(time)).toEqual({ repaired: false, eventTime: time });
  });

  it.each([
    ["2026-10-14T12:00:00.123Z", "2026-10-14T12:00:00Z"],
    ["2026-10-14 12:00:00", "2026-10-14T12:00:00Z"],
    ["2026-10-14T14:00:00+02:00", "2026-10-14T12:00:00Z"],
  ])("rewrites %s as %s", (time, want) => {
    expect(judge(time)).toEqual({ repaired: true, eventTime: want });
  });

  it.each(["2026-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-10-14T24:00:00Z", "2026-13-01T00:00:00Z", "yesterday"])(
    "refuses %s",
    (time) => {
      expect(judge(time)).toEqual({ problem: `eventTime: not a timestamp: ${JSON.stringify(time)}` });
    },
  );
});
