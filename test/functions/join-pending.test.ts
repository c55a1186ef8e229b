/** Which days the scheduled join picks: hand-worked from keys alone. */
import { describe, expect, it } from "vitest";
import { eventsPartitionPrefix, historyObjectKey } from "../../core/layout";
import { scheduledDays, unjoinedHistoryDays } from "../../functions/join/pending";

const ACCOUNT = "111122223333";
const history = (region: string, dt: string, workGroup = "primary") => historyObjectKey({ account: ACCOUNT, region, dt, workGroup });
const events = (region: string, dt: string) => `${eventsPartitionPrefix(dt, region)}part_0.parquet`;

describe("the scheduled join's days", () => {
  it("are the days with history some joined region lacks events for, before the given day, oldest first", () => {
    const historyKeys = [
      history("us-east-1", "2026-10-03"),
      history("us-east-1", "2026-10-01", "etl"),
      history("us-east-1", "2026-10-01"),
      history("eu-west-1", "2026-10-02"),
      history("us-east-1", "2026-10-02"),
      // A region the join does not read, and the days the run joins anyway.
      history("ap-south-1", "2026-09-30"),
      history("us-east-1", "2026-10-08"),
      "athena-audit/history/not-a-partition.json",
    ];
    // 10-02 is joined in us-east-1 but not in eu-west-1; 10-03 in both.
    const eventKeys = [events("us-east-1", "2026-10-02"), events("us-east-1", "2026-10-03"), events("eu-west-1", "2026-10-03")];
    expect(unjoinedHistoryDays(historyKeys, eventKeys, ["us-east-1", "eu-west-1"], "2026-10-08")).toEqual(["2026-10-01", "2026-10-02"]);
  });

  it("end with the day before yesterday and yesterday, each once", () => {
    expect(scheduledDays(["2026-10-01", "2026-10-08"], "2026-10-09")).toEqual(["2026-10-01", "2026-10-08", "2026-10-09"]);
    expect(scheduledDays([], "2026-10-09")).toEqual(["2026-10-08", "2026-10-09"]);
  });
});
