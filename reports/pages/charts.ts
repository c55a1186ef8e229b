/**
 * Mermaid charts that read well where people read the reports: on GitHub, which renders a `mermaid`
 * code block with Mermaid 11 at a content width of 1,012 px. Each block carries its own palette
 * (GitHub's default theme draws the first series in a near-white colour), names at most
 * MAX_CATEGORIES categories (more overlap into a smear), starts its value axis at zero, and has a
 * title that says exactly what is drawn. Named things are horizontal bars, their value in the label
 * so a sliver beside one large bar still reads; time is a line, in buckets that keep the labels apart.
 * Pure functions: test/reports/charts.test.ts pins them, test/reports/github-render.test.ts renders
 * them with the real Mermaid library.
 */
import { addDays } from "../../core/days";
import { shortArn, usd } from "./format";
import { mermaidLength, mermaidString } from "../channels/mermaid";
import { visible } from "../../core/output/visible";

/** More category labels than this overlap at GitHub's width. */
export const MAX_CATEGORIES = 15;
/** Bars in a chart of named things: the largest ones, then one bar for the rest. */
export const MAX_BARS = 12;
/** A category label longer than this is cut in the middle, so both ends (role and session) stay. */
export const MAX_LABEL = 40;

/**
 * Colours on white that keep their contrast in GitHub's light and dark modes (the chart paints its
 * own white background): GitHub's own text, border and accent colours.
 */
export const PALETTE = {
  background: "#ffffff",
  text: "#1f2328",
  axis: "#59636e",
  series: ["#0969da", "#bc4c00", "#1a7f37", "#8250df"],
} as const;

export interface XyChart {
  title: string;
  /** `horizontal`: categories down the left, bars to the right (named things); `vertical`: along the bottom (time). */
  orientation: "horizontal" | "vertical";
  categories: readonly string[];
  valueTitle: string;
  values: readonly number[];
  /**
   * Bars start at the axis line, but Mermaid puts zero a few pixels past it to make room for the value
   * labels (half a label), so a bar of 0 shows as a stub. Lines are drawn on the scale itself. Bars that
   * carry their value in their label hide the value axis (`showValueAxis: false`): zero is then the axis line.
   */
  kind: "bar" | "line";
  showValueAxis: boolean;
  width: number;
  height: number;
}

/** Cents: what the labels and the data say, without binary fractions (0.1 + 0.2). */
function cents(value: number): number {
  return Math.round(value * 100) / 100;
}

/** The value axis' end: the largest value rounded up to two significant digits (834.07 -> 840), 1 when all are zero. */
export function axisMax(values: readonly number[]): number {
  const max = Math.max(0, ...values);
  if (max === 0) return 1;
  const step = 10 ** (Math.floor(Math.log10(max)) - 1);
  return Number((Math.ceil(Number((max / step).toPrecision(12))) * step).toPrecision(12));
}

/**
 * A Mermaid `xychart-beta` chart in a fenced block, its colours, size and axes in the front matter
 * (Mermaid 11's `config` key: `themeVariables.xyChart` for colours, `xyChart` for the rest).
 */
export function xyChartBlock(chart: XyChart): string {
  if (chart.categories.length !== chart.values.length) {
    throw new Error(`chart "${chart.title}": ${chart.categories.length} categories but ${chart.values.length} values`);
  }
  if (chart.categories.length > MAX_CATEGORIES) {
    throw new Error(`chart "${chart.title}": ${chart.categories.length} categories, at most ${MAX_CATEGORIES} stay legible`);
  }
  const colour = (name: string) => `      ${name}: "${name === "backgroundColor" ? PALETTE.background : PALETTE.text}"`;
  const axisColours = ["x", "y"].flatMap((axis) => [
    colour(`${axis}AxisTitleColor`),
    colour(`${axis}AxisLabelColor`),
    `      ${axis}AxisTickColor: "${PALETTE.axis}"`,
    `      ${axis}AxisLineColor: "${PALETTE.axis}"`,
  ]);
  return [
    "```mermaid",
    "---",
    "config:",
    "  themeVariables:",
    "    xyChart:",
    colour("backgroundColor"),
    colour("titleColor"),
    ...axisColours,
    `      plotColorPalette: "${PALETTE.series.join(", ")}"`,
    "  xyChart:",
    `    width: ${chart.width}`,
    `    height: ${chart.height}`,
    ...(chart.showValueAxis
      ? []
      : ["    yAxis:", "      showLabel: false", "      showTitle: false", "      showTick: false", "      showAxisLine: false"]),
    "---",
    chart.orientation === "horizontal" ? "xychart-beta horizontal" : "xychart-beta",
    `    title ${mermaidString(chart.title)}`,
    `    x-axis [${chart.categories.map((c) => mermaidString(c)).join(", ")}]`,
    `    y-axis ${mermaidString(chart.valueTitle)} 0 --> ${axisMax(chart.values)}`,
    `    ${chart.kind} [${chart.values.map(cents).join(", ")}]`,
    "```",
  ].join("\n");
}

/**
 * `abcdefgh` cut to 7 as `abc…fgh`. The length is the one Mermaid measures (a character written as
 * an entity code counts as its code, see channels/mermaid.ts): a label made of such characters is
 * cut shorter, because one label too wide for the chart makes Mermaid draw none of them.
 */
export function middleCut(text: string, max = MAX_LABEL): string {
  if (mermaidLength(text) <= max) return text;
  const characters = Array.from(text);
  for (let keep = Math.min(characters.length, max) - 1; keep > 0; keep--) {
    const head = Math.ceil(keep / 2);
    const cut = `${characters.slice(0, head).join("")}…${characters.slice(characters.length - (keep - head)).join("")}`;
    if (mermaidLength(cut) <= max) return cut;
  }
  return "…";
}

/**
 * A principal as a chart label: the short ARN (`role/session`, `user`), an IAM Identity Center role
 * by its permission set (`AWSReservedSSO_DataAnalyst_5f3e2a1b0c9d8e7f` -> `DataAnalyst`), cut in the middle.
 */
export function principalLabel(principal: string): string {
  return middleCut(visible(shortArn(principal)).replace(/^AWSReservedSSO_(.+)_[0-9a-f]{16}(?=\/|$)/, "$1"));
}

/** Labels made distinct (Mermaid draws two bars of one label on top of each other): `x`, `x #2`. */
function distinct(labels: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return labels.map((label) => {
    const n = (seen.get(label) ?? 0) + 1;
    seen.set(label, n);
    return n === 1 ? label : `${label} #${n}`;
  });
}

export interface NamedValue {
  name: string;
  value: number;
}

/**
 * Named things as horizontal bars, largest first: all of them when they fit in MAX_BARS, else the
 * largest MAX_BARS - 1 and one bar for the others. Each label carries its value in dollars. The
 * title names the things (`principal`) and where they come from (`the table`), and says which of them it draws.
 */
export function costByNameChart(items: readonly NamedValue[], what: { one: string; source: string }): string | undefined {
  if (items.length === 0) return undefined;
  const sorted = [...items].sort((a, b) => b.value - a.value);
  const shown = sorted.length <= MAX_BARS ? sorted : sorted.slice(0, MAX_BARS - 1);
  const rest = sorted.slice(shown.length);
  const bars = shown.map((i) => ({ label: i.name, value: i.value }));
  if (rest.length > 0) bars.push({ label: `the other ${rest.length}`, value: rest.reduce((total, i) => total + i.value, 0) });
  const which =
    rest.length > 0
      ? `top ${shown.length} of the ${sorted.length} in ${what.source}, the other ${rest.length} as one bar`
      : sorted.length === 1
        ? `the one in ${what.source}`
        : `all ${sorted.length} in ${what.source}`;
  return xyChartBlock({
    title: `Cost by ${what.one} (USD), ${which}`,
    orientation: "horizontal",
    categories: distinct(bars.map((b) => `${b.label} · ${usd(b.value)}`)),
    valueTitle: "USD",
    values: bars.map((b) => b.value),
    kind: "bar",
    showValueAxis: false,
    width: 900,
    height: 110 + 34 * bars.length,
  });
}

export type Granularity = "day" | "week" | "month" | "quarter" | "year";

export interface TimeBucket {
  /** First and last day of the bucket inside the data's span. */
  from: string;
  to: string;
  /** Days of the bucket inside the span; fewer than a whole week, month... marks a partial bucket. */
  days: number;
  partial: boolean;
  value: number;
}

const MS_PER_DAY = 86_400_000;
const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / MS_PER_DAY;

/** The first day of the bucket that holds `day`; weeks start on Monday (ISO 8601). */
function bucketStart(day: string, granularity: Granularity): string {
  const [year, month] = [day.slice(0, 4), Number(day.slice(5, 7))];
  switch (granularity) {
    case "day":
      return day;
    case "week":
      return addDays(day, -((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7));
    case "month":
      return `${day.slice(0, 7)}-01`;
    case "quarter":
      return `${year}-${String(month - ((month - 1) % 3)).padStart(2, "0")}-01`;
    case "year":
      return `${year}-01-01`;
  }
}

/** The Monday of a day's week (UTC, ISO 8601). */
export const weekStart = (day: string) => bucketStart(day, "week");

/** The first day of the next bucket after the one starting on `start`. */
function nextStart(start: string, granularity: Granularity): string {
  const [year, month] = [Number(start.slice(0, 4)), Number(start.slice(5, 7))];
  const months = { day: 0, week: 0, month: 1, quarter: 3, year: 12 }[granularity];
  if (months === 0) return addDays(start, granularity === "day" ? 1 : 7);
  const next = month - 1 + months;
  return `${year + Math.floor(next / 12)}-${String((next % 12) + 1).padStart(2, "0")}-01`;
}

/**
 * Daily values summed into buckets of the finest granularity that needs at most `max` of them,
 * from the first to the last day given; a day without a value counts as zero.
 */
export function timeBuckets(
  days: readonly { day: string; value: number }[],
  max = MAX_CATEGORIES,
): { granularity: Granularity; buckets: TimeBucket[] } {
  const sorted = [...days].sort((a, b) => a.day.localeCompare(b.day));
  const first = sorted.at(0)?.day;
  const last = sorted.at(-1)?.day;
  if (first === undefined || last === undefined) return { granularity: "day", buckets: [] };
  const granularities: Granularity[] = ["day", "week", "month", "quarter", "year"];
  for (const granularity of granularities) {
    const buckets: TimeBucket[] = [];
    for (let start = bucketStart(first, granularity); start <= last; start = nextStart(start, granularity)) {
      const end = addDays(nextStart(start, granularity), -1);
      const from = start < first ? first : start;
      const to = end > last ? last : end;
      const inside = sorted.filter((d) => d.day >= from && d.day <= to);
      const days = dayNumber(to) - dayNumber(from) + 1;
      const whole = dayNumber(end) - dayNumber(start) + 1;
      buckets.push({ from, to, days, partial: days < whole, value: inside.reduce((total, d) => total + d.value, 0) });
    }
    if (buckets.length <= max || granularity === "year") return { granularity, buckets };
  }
  throw new Error("unreachable: the year granularity always returns");
}

/** A bucket's axis label: `08-03`, `2026-08`, `2026 Q3`, `2026`; a partial one says how many days it holds. */
export function bucketLabel(bucket: TimeBucket, granularity: Granularity): string {
  const name = {
    day: bucket.from.slice(5),
    week: bucket.from.slice(5),
    month: bucket.from.slice(0, 7),
    quarter: `${bucket.from.slice(0, 4)} Q${Math.floor((Number(bucket.from.slice(5, 7)) - 1) / 3) + 1}`,
    year: bucket.from.slice(0, 4),
  }[granularity];
  return bucket.partial ? `${name} (${bucket.days} d)` : name;
}

const PER: Record<Granularity, string> = {
  day: "Cost per day (USD)",
  week: "Cost per week (USD), weeks from Monday",
  month: "Cost per month (USD)",
  quarter: "Cost per quarter (USD)",
  year: "Cost per year (USD)",
};

/**
 * Cost over time as a line from zero: per day up to MAX_CATEGORIES days, then per week, month...
 * Nothing for a single day (or bucket): a line needs two points, and the table says the one value.
 */
export function costOverTimeChart(days: readonly { day: string; value: number }[]): string | undefined {
  if (days.length === 0) return undefined;
  const { granularity, buckets } = timeBuckets(days);
  if (buckets.length < 2) return undefined;
  return xyChartBlock({
    title: PER[granularity],
    orientation: "vertical",
    categories: buckets.map((b) => bucketLabel(b, granularity)),
    valueTitle: "USD",
    values: buckets.map((b) => b.value),
    kind: "line",
    showValueAxis: true,
    width: 900,
    height: 400,
  });
}
