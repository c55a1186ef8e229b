/**
 * The anomalies page: the period's findings ranked by severity then score, each in words
 * (anomaly-words.ts) beside the role's sessions behind it and its example query (redacted as every
 * page's query text is), days with partial evidence marked once in the notes, what each kind shown
 * looks for, and a small chart for the principals with the most severe volume findings. The rows
 * carry no daily series, so a chart shows what they do carry: each unusual day against the median
 * day before it (the finding's baseline).
 */
import { AnomalySettings } from "../../core/anomaly-settings";
import { SAVED, savedRows } from "../../queries/saved";
import { AnomalyRow, anomalySentence, bySeverity, liveAlertTime, PARTIAL_EVIDENCE, sessionWords } from "./anomaly-words";
import { MAX_BARS, middleCut, principalLabel, xyChartBlock } from "./charts";
import { queryText } from "./columns";
import { codeSpan, count, humanBytes, markdownText, PrincipalNames, wordList } from "./format";
import { Column, RIGHT, table } from "./table";
import type { Page } from "./types";

type Kind = AnomalyRow["kind"];

/** A setting by name, with its value when known: `` `volumeMads` (6) ``. */
function setting<K extends keyof AnomalySettings>(s: AnomalySettings | undefined, key: K, show: (v: AnomalySettings[K]) => string) {
  return s === undefined ? `\`${key}\`` : `\`${key}\` (${show(s[key])})`;
}
const plain = (n: number) => count(n);
const list = (items: readonly string[]) => (items.length === 0 ? "none set" : markdownText(items.join(", "), 200));
const announced = (a: AnomalySettings["announcements"]) => list(a.map((x) => `${x.resource} from ${x.from}`));
const history = (s?: AnomalySettings) =>
  `since ${setting(s, "lookbackDays", plain)} days before the period, ` +
  `once it has been seen for ${setting(s, "minHistoryDays", plain)} days`;

/** Each kind: its name in the table, and its rule in one line with the settings that tune it (queries/sql/anomalies.sql). */
const KINDS: Record<Kind, { label: string; rule: (s?: AnomalySettings) => string }> = {
  volume: {
    label: "Volume",
    rule: (s) =>
      `a day whose bytes scanned, query count or catalog calls (Glue, Lake Formation) is at least ` +
      `${setting(s, "volumeMads", plain)} scaled median absolute ` +
      `deviations above the principal's median day of the previous ${setting(s, "baselineDays", plain)} days (a day without ` +
      `queries counts as zero), at least ${setting(s, "volumeRatio", plain)} times the busiest of those days, and at least ` +
      `${setting(s, "volumeFloorBytes", humanBytes)}, ${setting(s, "volumeFloorQueries", plain)} queries or ` +
      `${setting(s, "volumeFloorCalls", plain)} calls; at a point of the cycle where the principal habitually peaks (the ` +
      `month's last five days, a weekday), at least ${setting(s, "seasonalRatio", plain)} times that point's peak.`,
  },
  reach: {
    label: "Reach",
    rule: (s) =>
      "a first read of a database, or of a table in a database it read before, by a query or another engine's catalog read " +
      `(Glue, Lake Formation), ${history(s)}; high when ` +
      `${setting(s, "sensitive", list)} lists it or its database, ` +
      `and none from the day ${setting(s, "announcements", announced)} names it.`,
  },
  origin: {
    label: "Origin",
    rule: (s) =>
      `a first call from a network (an IPv4 /24, or the AWS service CloudTrail names) or with a client family, ${history(s)}; ` +
      "another engine's client once the principal has read through other engines that long.",
  },
  time: {
    label: "Time",
    rule: (s) => `activity in an hour (UTC) at least three hours from every hour the principal was active ${history(s)}.`,
  },
  probing: {
    label: "Probing",
    rule: (s) =>
      `at least ${setting(s, "probingFailures", plain)} access-denied or not-found failures by one principal within an hour, ` +
      `or ${setting(s, "probingDayFailures", plain)} within a day (sliding windows, not the clock's).`,
  },
  exfiltration: {
    label: "Exfiltration",
    rule: (s) =>
      `UNLOAD or CREATE TABLE AS writing to a bucket ${setting(s, "knownBuckets", list)} does not list, or a first unfiltered ` +
      `\`SELECT *\` of a table that scanned at least ${setting(s, "largeScanBytes", humanBytes)}.`,
  },
  download: {
    label: "Download",
    rule: (s) =>
      "S3 objects read straight from the lake's buckets by any engine but Athena's queries (where the trail records S3 data " +
      `events): a day's bytes or objects judged as volume is, from ${setting(s, "downloadFloorBytes", humanBytes)} or ` +
      `${setting(s, "downloadFloorObjects", plain)} objects, against the principal's own days (none counted as zero from its ` +
      `first evidence of any kind); or reads from a network it never used, ${history(s)}; or, medium, the first reads of a ` +
      `principal not seen in that time, once the lake holds ${setting(s, "minHistoryDays", plain)} days of evidence.`,
  },
  newcomer: {
    label: "Newcomer",
    rule: (s) =>
      `a principal without ${setting(s, "baselineDays", plain)} days of its own yet (first seen at least ` +
      `${setting(s, "minHistoryDays", plain)} days after the evidence begins) scanning, in a day, at least ` +
      `${setting(s, "volumeRatio", plain)} times the busiest day of any of its peers over the previous ` +
      `${setting(s, "baselineDays", plain)} days (the account's IAM users; the roles of its SSO permission set; or its other ` +
      "roles under the same IAM path), or " +
      `${setting(s, "newcomerCeilingBytes", humanBytes)}, from ${setting(s, "volumeFloorBytes", humanBytes)}.`,
  },
  drift: {
    label: "Drift",
    rule: (s) =>
      "bytes scanned growing day after day: the excess over the principal's median day, in robust standard deviations (at most " +
      `3 a day, less 0.5), summed (CUSUM) until it reaches ${setting(s, "driftMads", plain)} on a day that is the busiest of the ` +
      `previous ${setting(s, "baselineDays", plain)}, at least ${setting(s, "volumeRatio", plain)} times the median and ` +
      `${setting(s, "volumeFloorBytes", humanBytes)}.`,
  },
};
const ORDER = Object.keys(KINDS) as Kind[];

/** One note per kind: what it looks for and the settings (core/anomaly-settings.ts) that tune it. */
export function kindNote(kind: Kind, settings?: AnomalySettings): string {
  const rule = KINDS[kind].rule(settings);
  return `**${KINDS[kind].label}**: ${rule}`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;
const PARTIAL_MARK = "⚠";
/** Principals named in the verdict before "and n more". */
const NAMED = 5;

function verdict(rows: readonly AnomalyRow[], names: PrincipalNames): string[] {
  if (rows.length === 0) {
    return [
      `None found: no principal's activity in the period was unusual by any of the kinds checked, ` +
        `${wordList(ORDER, "and")} (each explained under the table). ` +
        // Honest about what could not be judged: a short history is no evidence of normal activity.
        "First-time kinds judge a principal after `minHistoryDays` of history, volume and drift after `baselineDays`; " +
        "a newer principal is judged against its peers and a ceiling (newcomer).",
    ];
  }
  const severity = (s: string) => rows.filter((r) => r.severity === s).length;
  // Principals in the order of their first finding, so the most severe are named.
  const principals = [...new Set(rows.map((r) => r.principal_arn))];
  const named = principals.slice(0, NAMED).map((p) => names.cell(p));
  const more = principals.length > NAMED ? `, and ${count(principals.length - NAMED)} more` : "";
  const partial = rows.filter((r) => r.coverage === "partial").length;
  return [
    `${plural(rows.length, "finding")}: ${severity("high")} high, ${severity("medium")} medium, ${severity("low")} low, ` +
      `for ${plural(principals.length, "principal")} (${named.join(", ")}${more}); most severe first, then farthest from normal.`,
    ...(partial === 0
      ? []
      : [`${partial === 1 ? "One is on a day" : `${count(partial)} are on days`} whose evidence is partial (${PARTIAL_MARK}).`]),
  ];
}

/** How many findings a principal's chart shows at most: two bars each. */
const CHART_FINDINGS = MAX_BARS / 2;
/** Charts on the page at most: the principals with the most severe volume findings. */
export const MAX_CHARTS = 3;
const GIB = 1024 ** 3;

/**
 * For one principal, each unusual day of its top finding's measure (bytes or queries) against the
 * median day before it, as horizontal bars with their values in the labels.
 */
function volumeChart(findings: readonly AnomalyRow[], label: (principal: string) => string): string | undefined {
  const [top] = findings;
  if (!top) return undefined;
  const subject = top.subject;
  const shown = findings
    .filter((f) => f.subject === subject && f.baseline !== null)
    .slice(0, CHART_FINDINGS)
    .sort((a, b) => a.day.localeCompare(b.day));
  if (shown.length === 0) return undefined;
  const bytes = subject === "bytes";
  const unit = subject === "calls" ? "calls" : "queries";
  const amount = (n: number) => (bytes ? humanBytes(n) : subject === "calls" ? plural(n, "call") : plural(n, "query", "queries"));
  const bars = shown.flatMap((f) => [
    { label: `median before ${f.day} · ${amount(f.baseline ?? 0)}`, value: f.baseline ?? 0 },
    { label: `${f.day} · ${amount(f.measured)}`, value: f.measured },
  ]);
  // Cut shorter than other charts' labels: the title says the rest in the same line.
  const who = middleCut(label(top.principal_arn), 30);
  return xyChartBlock({
    title: `${who}: ${bytes ? "GiB scanned" : unit}, unusual days and the median day before`,
    orientation: "horizontal",
    categories: bars.map((b) => b.label),
    valueTitle: bytes ? "GiB" : unit,
    values: bars.map((b) => (bytes ? b.value / GIB : b.value)),
    kind: "bar",
    showValueAxis: false,
    width: 900,
    height: 110 + 34 * bars.length,
  });
}

/**
 * Up to MAX_CHARTS volume charts, one per principal, the principal of the most severe finding first;
 * `label` names the principal as the page's table does.
 */
export function anomalyCharts(ranked: readonly AnomalyRow[], label: (principal: string) => string = principalLabel): string | undefined {
  const byPrincipal = new Map<string, AnomalyRow[]>();
  for (const r of ranked.filter((f) => f.kind === "volume"))
    byPrincipal.set(r.principal_arn, [...(byPrincipal.get(r.principal_arn) ?? []), r]);
  const charts = [...byPrincipal.values()].map((findings) => volumeChart(findings, label)).filter((c): c is string => c !== undefined);
  return charts.length === 0 ? undefined : charts.slice(0, MAX_CHARTS).join("\n\n");
}

/** What "Alerted live at …" in a row means: this page is the record, not a second alert. */
const LIVE_NOTE =
  "**Alerted live**: the live alerts (the stack's SNS topic, and Security Hub when set) reported such a finding minutes after " +
  "its query, at the time given; it is listed here as the record of what the day held, not as news.";

/** The principal as the page names it, and the sessions behind the finding when it is a role's. */
function who(r: AnomalyRow, names: PrincipalNames): string {
  const sessions = sessionWords(r);
  return sessions === undefined ? names.cell(r.principal_arn) : `${names.cell(r.principal_arn)} (${markdownText(sessions, 160)})`;
}

export const anomaliesPage: Page = (result, _period, options) => {
  const settings = options.anomalies;
  const rows = bySeverity(savedRows(SAVED.anomalies, result));
  const names = new PrincipalNames(rows.map((r) => r.principal_arn));
  const identified = rows.filter((r) => r.example_query_id !== null);
  const number = new Map(rows.map((r, i) => [r, i + 1]));
  const partial = (r: AnomalyRow) => r.coverage === "partial";
  const columns: Column<AnomalyRow>[] = [
    // Numbered when the notes name example query ids by number.
    ...(identified.length > 0 ? [{ label: "#", right: RIGHT, cell: (r: AnomalyRow) => count(number.get(r) ?? 0) }] : []),
    { label: "Severity", cell: (r) => markdownText(r.severity) },
    { label: "Day", cell: (r) => `${markdownText(r.day)}${partial(r) ? ` ${PARTIAL_MARK}` : ""}` },
    { label: "Principal", cell: (r) => who(r, names) },
    { label: "Kind", cell: (r) => markdownText(KINDS[r.kind].label) },
    { label: "What happened", cell: (r) => markdownText(anomalySentence(r), 400) },
    ...(rows.some((r) => r.example_query !== null)
      ? [{ label: "Example query", cell: (r: AnomalyRow) => (r.example_query === null ? "" : queryText(r.example_query, options)) }]
      : []),
  ];
  // An empty page says what was checked: every kind's rule.
  const kinds = rows.length === 0 ? ORDER : ORDER.filter((k) => rows.some((r) => r.kind === k));
  const legend = names.legend();
  // The 36-character ids, to look a query up in Athena's history: in the row they would squeeze the sentence.
  const ids = identified.map((r) => `${count(number.get(r) ?? 0)} ${codeSpan(r.example_query_id)}`);
  const main = table(rows, columns, {
    empty: "No findings in this period.",
    notes: [
      ...(rows.some(partial) ? [`${PARTIAL_MARK} ${PARTIAL_EVIDENCE} See [Data coverage](data_coverage.md).`] : []),
      ...kinds.map((k) => kindNote(k, settings)),
      ...(rows.some((r) => liveAlertTime(r) !== undefined) ? [LIVE_NOTE] : []),
      ...(legend.length === 0 ? [] : [`Names shown short: ${legend.join("; ")}.`]),
      ...(ids.length === 0 ? [] : [`Example query ids by row: ${ids.join(", ")}.`]),
    ],
  });
  return {
    context: verdict(rows, names),
    chart: anomalyCharts(rows, (p) => names.plain(p)),
    tables: [main],
  };
};
