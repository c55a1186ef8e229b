/** Formatting for people: units, money, and Mermaid charts. Pure functions, used as handlebars helpers. */
import { Value } from "../../queries/engine";

const UNITS = ["B", "KB", "MB", "GB", "TB", "PB"];

/** Binary units with one decimal: 1536 -> `1.5 KB`. */
export function humanBytes(value: Value): string {
  const bytes = Number(value ?? 0);
  if (!Number.isFinite(bytes) || bytes <= 0) return "0 B";
  const exponent = Math.min(Math.floor(Math.log(bytes) / Math.log(1024)), UNITS.length - 1);
  const scaled = bytes / 1024 ** exponent;
  return `${exponent === 0 ? scaled : scaled.toFixed(1)} ${UNITS[exponent]}`;
}

/** Dollars with cents; amounts under a cent keep four decimals so they do not read as free. */
export function usd(value: Value): string {
  const amount = Number(value ?? 0);
  if (amount === 0) return "$0.00";
  return amount < 0.01
    ? `$${amount.toFixed(4)}`
    : `$${amount.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function count(value: Value): string {
  return Number(value ?? 0).toLocaleString("en-US");
}

export function percent(part: Value, whole: Value): string {
  const w = Number(whole ?? 0);
  return w === 0 ? "0%" : `${((Number(part ?? 0) / w) * 100).toFixed(1)}%`;
}

/** One line, pipes escaped, cut to `max` characters: safe inside a Markdown table cell. */
export function cell(value: Value, max = 120): string {
  if (value === null || value === undefined) return "";
  const text = String(value).replace(/\s+/g, " ").trim();
  const cut = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  return cut.replace(/\|/g, "\\|");
}

/** Milliseconds as `850 ms`, `12.3 s`, `4 min 05 s`, `2 h 07 min`. */
export function duration(value: Value): string {
  const ms = Number(value ?? 0);
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min ${String(Math.floor((ms % 60_000) / 1000)).padStart(2, "0")} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/;

/** How a column is shown, from its name. */
export function formatByColumn(name: string, value: Value): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string" && ISO_INSTANT.test(value)) return value.replace(ISO_INSTANT, "$1 $2");
  if (typeof value === "number") {
    // A code (Athena's ErrorType 1301), not a quantity: no thousands separator.
    if (name.endsWith("_type")) return String(value);
    if (name.endsWith("_ms")) return duration(value);
    if (name.includes("bytes")) return humanBytes(value);
    if (name.includes("cost_usd")) return usd(value);
    return Number.isInteger(value) ? count(value) : String(value);
  }
  if (name.includes("query_text")) return `\`${cell(value, 100).replace(/`/g, "'")}\``;
  // A finding's reason is the evidence behind it: shown whole.
  if (name === "reason") return cell(value, 400);
  return cell(value);
}

/** A Mermaid `xychart-beta` chart; GitHub renders it in Markdown. */
export function mermaidXyChart(chart: {
  title: string;
  xLabels: readonly string[];
  yTitle: string;
  series: readonly number[];
  kind: "line" | "bar";
}): string {
  const labels = chart.xLabels.map((l) => `"${l.replace(/"/g, "'")}"`).join(", ");
  const values = chart.series.map((v) => Number(v.toFixed(2))).join(", ");
  return [
    "```mermaid",
    "xychart-beta",
    `    title "${chart.title.replace(/"/g, "'")}"`,
    `    x-axis [${labels}]`,
    `    y-axis "${chart.yTitle.replace(/"/g, "'")}"`,
    `    ${chart.kind} [${values}]`,
    "```",
  ].join("\n");
}

/** `arn:aws:sts::1:assumed-role/Role/session` -> `Role/session`; other ARNs keep their resource part. */
export function shortArn(value: Value): string {
  const text = String(value ?? "");
  const m = /^arn:aws:(?:iam|sts)::\d{12}:(?:assumed-role|role|user)\/(.+)$/.exec(text);
  return m ? m[1] : text;
}
