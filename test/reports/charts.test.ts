/** Chart text for GitHub's Mermaid (reports/pages/charts.ts), from hand-worked inputs; github-render.test.ts draws them. */
import { describe, expect, it } from "vitest";
import { daysBetween } from "../../core/days";
import {
  axisMax,
  bucketLabel,
  costByNameChart,
  costOverTimeChart,
  MAX_BARS,
  middleCut,
  principalLabel,
  timeBuckets,
  xyChartBlock,
} from "../../reports/pages/charts";
import { at } from "../support/defined";

const FRONT_MATTER = [
  "```mermaid",
  "---",
  "config:",
  "  themeVariables:",
  "    xyChart:",
  '      backgroundColor: "#ffffff"',
  '      titleColor: "#1f2328"',
  '      xAxisTitleColor: "#1f2328"',
  '      xAxisLabelColor: "#1f2328"',
  '      xAxisTickColor: "#59636e"',
  '      xAxisLineColor: "#59636e"',
  '      yAxisTitleColor: "#1f2328"',
  '      yAxisLabelColor: "#1f2328"',
  '      yAxisTickColor: "#59636e"',
  '      yAxisLineColor: "#59636e"',
  '      plotColorPalette: "#0969da, #bc4c00, #1a7f37, #8250df"',
  "  xyChart:",
];

/** The chart lines after the front matter, by name. */
function lines(block: string): { title: string; categories: string[]; axis: string; values: number[]; kind: string } {
  const body = at(block.split("\n---\n"), 2, "the chart after its front matter");
  const get = (re: RegExp) => re.exec(body)?.[1] ?? "";
  return {
    kind: at(body.split("\n"), 0, "the chart's first line"),
    title: get(/^ {4}title "(.*)"$/m),
    categories: get(/^ {4}x-axis \[(.*)\]$/m)
      .split(", ")
      .map((c) => c.slice(1, -1)),
    axis: get(/^ {4}y-axis (.*)$/m),
    values: get(/^ {4}(?:bar|line) \[(.*)\]$/m)
      .split(", ")
      .map(Number),
  };
}

describe("the value axis", () => {
  it.each([
    [[834.07, 15.66], 840],
    [[25.09, 3], 26],
    [[0.52], 0.52],
    [[0.521], 0.53],
    [[99.1], 100],
    [[1234], 1300],
    [[100], 100],
    [[0.004], 0.004],
    [[0, 0], 1],
    [[], 1],
  ])("ends at two significant digits above the largest value: %j -> %d", (values, max) => expect(axisMax(values)).toBe(max));
});

describe("labels", () => {
  it("cuts long names in the middle, keeping both ends", () => {
    expect(middleCut("abcdefgh", 7)).toBe("abc…fgh");
    expect(middleCut("abcdefg", 7)).toBe("abcdefg");
  });

  it("shows a principal by its short ARN, an Identity Center role by its permission set", () => {
    expect(
      principalLabel("arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_DataAnalyst_5f3e2a1b0c9d8e7f/dave@northwind.example"),
    ).toBe("DataAnalyst/dave@northwind.example");
    expect(principalLabel("arn:aws:iam::123456789012:user/alice")).toBe("alice");
    expect(principalLabel("(unattributed)")).toBe("(unattributed)");
    // 64 characters: the first 20 and the last 19 around the ellipsis.
    expect(principalLabel("arn:aws:sts::123456789012:assumed-role/aws-quicksight-service-role-v0/QuickSight-RoleSession-1700000001")).toBe(
      "aws-quicksight-servi…eSession-1700000001",
    );
  });
});

describe("time buckets", () => {
  // Thursday 2026-10-08 to Saturday 2026-10-31: 24 days, too many for one bar a day.
  const days = [
    { day: "2026-10-31", value: 4 },
    { day: "2026-10-08", value: 1.5 },
    { day: "2026-10-11", value: 2 },
    { day: "2026-10-12", value: 10 },
    { day: "2026-10-25", value: 0.25 },
  ];

  it("sums days into weeks from Monday, a week cut by the period marked partial, a day without data as zero", () => {
    expect(timeBuckets(days)).toEqual({
      granularity: "week",
      buckets: [
        { from: "2026-10-08", to: "2026-10-11", days: 4, partial: true, value: 3.5 },
        { from: "2026-10-12", to: "2026-10-18", days: 7, partial: false, value: 10 },
        { from: "2026-10-19", to: "2026-10-25", days: 7, partial: false, value: 0.25 },
        { from: "2026-10-26", to: "2026-10-31", days: 6, partial: true, value: 4 },
      ],
    });
  });

  it("keeps one bucket a day up to 15 days, and goes to weeks at 16", () => {
    const span = (n: number) => daysBetween("2026-10-01", `2026-10-${String(n).padStart(2, "0")}`).map((day) => ({ day, value: 1 }));
    expect(timeBuckets(span(15)).granularity).toBe("day");
    expect(timeBuckets(span(15)).buckets).toHaveLength(15);
    expect(timeBuckets(span(16)).granularity).toBe("week");
  });

  it("goes to months for a year and to quarters past 15 months", () => {
    const year = timeBuckets([
      { day: "2026-01-01", value: 1 },
      { day: "2026-12-31", value: 2 },
    ]);
    expect(year.granularity).toBe("month");
    expect(year.buckets.map((b) => bucketLabel(b, year.granularity))).toEqual(
      Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, "0")}`),
    );
    const long = timeBuckets([
      { day: "2025-03-15", value: 1 },
      { day: "2027-06-10", value: 2 },
    ]);
    expect(long.granularity).toBe("quarter");
    expect(long.buckets.map((b) => bucketLabel(b, long.granularity))).toEqual([
      "2025 Q1 (17 d)",
      "2025 Q2",
      "2025 Q3",
      "2025 Q4",
      "2026 Q1",
      "2026 Q2",
      "2026 Q3",
      "2026 Q4",
      "2027 Q1",
      "2027 Q2 (71 d)",
    ]);
  });

  it("labels weeks by their first day in the period, with the days of a partial one", () => {
    const { granularity, buckets } = timeBuckets(days);
    expect(buckets.map((b) => bucketLabel(b, granularity))).toEqual(["10-08 (4 d)", "10-12", "10-19", "10-26 (6 d)"]);
  });
});

describe("cost over time", () => {
  it("draws a line from zero, a point a day, in its own colours, a missing day at zero, cents without float noise", () => {
    const chart = costOverTimeChart([
      { day: "2026-10-30", value: 1.234 },
      { day: "2026-10-31", value: 5 },
      { day: "2026-10-28", value: 0.1 + 0.2 },
    ]);
    expect(chart).toBe(
      [
        ...FRONT_MATTER,
        "    width: 900",
        "    height: 400",
        "---",
        "xychart-beta",
        '    title "Cost per day (USD)"',
        '    x-axis ["10-28", "10-29", "10-30", "10-31"]',
        '    y-axis "USD" 0 --> 5',
        "    line [0.3, 0, 1.23, 5]",
        "```",
      ].join("\n"),
    );
  });

  it("draws weeks for a longer period, titled so", () => {
    const chart = lines(
      costOverTimeChart(daysBetween("2026-08-03", "2026-10-31").map((day) => ({ day, value: day === "2026-08-03" ? 7 : 1 })))!,
    );
    expect(chart.title).toBe("Cost per week (USD), weeks from Monday");
    expect(chart.categories).toHaveLength(13);
    expect(chart.categories.at(-1)).toBe("10-26 (6 d)");
    expect(chart.values).toEqual([13, ...Array<number>(11).fill(7), 6]);
    expect(chart.axis).toBe('"USD" 0 --> 13');
  });

  it("draws nothing without data, nor for one day (a line needs two points)", () => {
    expect(costOverTimeChart([])).toBeUndefined();
    expect(costOverTimeChart([{ day: "2026-10-31", value: 3 }])).toBeUndefined();
  });
});

describe("cost by name", () => {
  const source = { one: "principal", source: "the table" };

  it("draws every name as a horizontal bar, largest first, its cost in its label (no value axis), titled with how many", () => {
    const chart = costByNameChart(
      [
        { name: "bob", value: 0.52 },
        { name: "etl", value: 834.07 },
        { name: 'say "hi"', value: 15.66 },
      ],
      source,
    )!;
    expect(chart).toBe(
      [
        ...FRONT_MATTER,
        "    width: 900",
        "    height: 212",
        "    yAxis:",
        "      showLabel: false",
        "      showTitle: false",
        "      showTick: false",
        "      showAxisLine: false",
        "---",
        "xychart-beta horizontal",
        '    title "Cost by principal (USD), all 3 in the table"',
        // A quote is written as Mermaid's entity code, which it draws as the quote itself.
        '    x-axis ["etl · $834.07", "say #34;hi#34; · $15.66", "bob · $0.52"]',
        '    y-axis "USD" 0 --> 840',
        "    bar [834.07, 15.66, 0.52]",
        "```",
      ].join("\n"),
    );
  });

  it("says so when the table has one row", () => {
    expect(lines(costByNameChart([{ name: "alice", value: 3 }], source)!).title).toBe("Cost by principal (USD), the one in the table");
  });

  it(`draws the largest ${MAX_BARS - 1} and one bar for the others past ${MAX_BARS}, and says so`, () => {
    const items = Array.from({ length: 14 }, (_, i) => ({ name: `p${i + 1}`, value: 14 - i }));
    const chart = lines(costByNameChart(items, source)!);
    expect(chart.title).toBe("Cost by principal (USD), top 11 of the 14 in the table, the other 3 as one bar");
    expect(chart.categories).toHaveLength(MAX_BARS);
    expect(chart.categories.at(-1)).toBe("the other 3 · $6.00");
    expect(chart.values).toEqual([14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 6]);
  });

  it("keeps labels apart when two names read the same (Mermaid would draw their bars on top of each other)", () => {
    const chart = lines(
      costByNameChart(
        [
          { name: "a", value: 1 },
          { name: "a", value: 1 },
        ],
        source,
      )!,
    );
    expect(chart.categories).toEqual(["a · $1.00", "a · $1.00 #2"]);
  });

  it("draws nothing without rows", () => expect(costByNameChart([], source)).toBeUndefined());
});

describe("the chart block", () => {
  const chart = {
    title: "t",
    orientation: "vertical" as const,
    valueTitle: "USD",
    kind: "bar" as const,
    showValueAxis: true,
    width: 900,
    height: 400,
  };

  it("refuses more categories than stay legible, and values that do not match them", () => {
    const sixteen = Array.from({ length: 16 }, (_, i) => `c${i}`);
    expect(() => xyChartBlock({ ...chart, categories: sixteen, values: sixteen.map(() => 1) })).toThrow(/16 categories, at most 15/);
    expect(() => xyChartBlock({ ...chart, categories: ["a"], values: [1, 2] })).toThrow(/1 categories but 2 values/);
  });

  it("writes labels on one line", () => {
    expect(lines(xyChartBlock({ ...chart, categories: ["two\n  lines"], values: [1] })).categories).toEqual(["two lines"]);
  });
});
