/** The cost_by_query_shape page's shape labels: no two shapes that read alike once cut to a cell. */
import { describe, expect, it } from "vitest";
import { shapeLabels, SHAPE_WIDTH } from "../../reports/pages/columns";

const JOB = "insert into clickstream.sessions select session_id, user_id, min(ts) as started_at, max(ts) as ended_at, count(*) as";
const DAILY = `${JOB} views from clickstream.page_views where dt = '?' group by session_id, user_id`;
const BACKFILL = `${JOB} views from clickstream.page_views where dt between '?' and '?' group by session_id, user_id`;

describe("query shapes in their cells", () => {
  it("cuts a shape no other shares to the cell's width", () => {
    const [short, long] = shapeLabels(["select ?", DAILY]);
    expect(short).toBe("select ?");
    expect(long).toBe(`${DAILY.slice(0, SHAPE_WIDTH - 1)}…`);
  });

  it("shows two shapes that read alike once cut where they differ (the demo's two session jobs)", () => {
    const labels = shapeLabels([DAILY, BACKFILL]);
    // Hand-worked: they differ from character 160 (`=` against `b`); each shows its first 32 characters, ` … `,
    // then itself from 10 characters before that.
    expect(labels).toEqual([
      "insert into clickstream.sessions … where dt = '?' group by session_id, user_id",
      "insert into clickstream.sessions … where dt between '?' and '?' group by session_id, user_id",
    ]);
    expect(new Set(labels).size).toBe(2);
    for (const label of labels) expect(label.length).toBeLessThanOrEqual(SHAPE_WIDTH);
  });
});
