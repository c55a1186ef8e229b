/**
 * One live alert, as an SNS message (plain text, for e-mail and chat subscribers) and as an ASFF
 * finding for Security Hub. Every value from AWS is untrusted: control characters, line and
 * paragraph separators and bidirectional overrides are shown as `[U+202E]` (core/output/visible.ts), so a principal
 * or query text cannot start a line of its own or reorder what is read; the query text is redacted
 * (core/redact.ts) and, when the message would pass SNS's limit, cut, saying so.
 */
import { visible } from "../../core/output/visible";
import { redactSql } from "../../core/redact";
import type { Finished, Started } from "./events";
import type { Execution, LiveFinding } from "./judge";
import { humanBytes } from "./words";

export interface LiveAlert {
  finding: LiveFinding;
  started: Started;
  finished: Finished;
  execution: Execution;
  /** When the alert was made (ISO). */
  at: string;
}

/** SNS's limits: a message of 262,144 bytes (UTF-8), a subject under 100 characters, printable ASCII. */
export const SNS_MESSAGE_BYTES = 262_144;
export const SNS_SUBJECT_CHARS = 100;

/** A value on one line of plain text: every invisible or control character, newlines too, shown as `[U+XXXX]`. */
export function plainText(value: string): string {
  return visible(value).replace(/[\t\n\r]/g, (c) => `[U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}]`);
}

export function consoleLink(region: string, queryId: string): string {
  return `https://${region}.console.aws.amazon.com/athena/home?region=${region}#/query-editor/history/${encodeURIComponent(queryId)}`;
}

const KIND_TITLE = { exfiltration: "Exfiltration", probing: "Probing", reach: "First read of sensitive data" } as const;

/** The principal's last name (`reporting-app`, `alice`), printable ASCII only. */
const shortName = (arn: string) => (arn.split("/").pop() ?? arn).replace(/[^\x21-\x7e]/g, "?");

export function alertSubject(alert: LiveAlert): string {
  const subject = `Athena ${KIND_TITLE[alert.finding.kind]} (${alert.finding.severity}) by ${shortName(alert.started.principal)}`;
  return subject.length < SNS_SUBJECT_CHARS ? subject : `${subject.slice(0, SNS_SUBJECT_CHARS - 2)}~`;
}

/** The facts of the alert, one per line, each value escaped. */
function facts(alert: LiveAlert): string[] {
  const { finding, started, finished, execution } = alert;
  return [
    `${KIND_TITLE[finding.kind]} (${finding.severity}) in account ${finished.account}, ${finished.region}`,
    plainText(finding.sentence),
    "",
    `Principal: ${plainText(started.principal)}`,
    ...(started.caller !== started.principal ? [`Caller: ${plainText(started.caller)}`] : []),
    ...(started.onBehalfOf ? [`On behalf of: ${plainText(started.onBehalfOf)}`] : []),
    ...(started.sourceIp ? [`From: ${plainText(started.sourceIp)} (${plainText(started.userAgent ?? "no user agent")})`] : []),
    `Query: ${execution.queryId} in work group ${plainText(finished.workGroup)}, ${execution.state}, started ${started.time}`,
    `Scanned: ${humanBytes(execution.bytes)} (${execution.bytes.toLocaleString("en-US")} bytes)`,
    ...(execution.errorMessage ? [`Error: ${plainText(execution.errorMessage.slice(0, 1000))}`] : []),
    `Console: ${consoleLink(finished.region, execution.queryId)}`,
    "",
  ];
}

/** Cuts `text` to at most `bytes` UTF-8 bytes, at a code point. */
function cutToBytes(text: string, bytes: number): string {
  if (Buffer.byteLength(text) <= bytes) return text;
  let out = "";
  let used = 0;
  for (const c of text) {
    const size = Buffer.byteLength(c);
    if (used + size > bytes) break;
    out += c;
    used += size;
  }
  return out;
}

/** The SNS message: the facts, then the redacted query text, cut so the whole fits SNS's limit. */
export function alertMessage(alert: LiveAlert): string {
  const head = facts(alert).join("\n");
  const sql = plainText(redactSql(alert.execution.sql));
  const full = `${head}\nQuery text (redacted: literals masked):\n${sql}\n`;
  if (Buffer.byteLength(full) <= SNS_MESSAGE_BYTES) return full;
  const total = Array.from(sql).length.toLocaleString("en-US");
  const label = (kept: number) =>
    `Query text (redacted: literals masked; cut to its first ${kept.toLocaleString("en-US")} of ${total} characters, ` +
    "see the console for the rest):";
  // The label's own length depends on what is kept: leave room for its longest form.
  const room = SNS_MESSAGE_BYTES - Buffer.byteLength(`${head}\n${label(Number.MAX_SAFE_INTEGER)}\n\n`);
  const kept = cutToBytes(sql, room);
  return `${head}\n${label(Array.from(kept).length)}\n${kept}\n`;
}

/** ASFF's text limits: Title 256 characters, Description 1,024. */
const clip = (text: string, max: number) =>
  Array.from(text).length <= max
    ? text
    : `${Array.from(text)
        .slice(0, max - 1)
        .join("")}…`;

const TYPES = {
  exfiltration: "Effects/Data Exfiltration/Athena query",
  probing: "TTPs/Discovery/Athena access-denied burst",
  reach: "Unusual Behaviors/User/Athena first read of sensitive data",
} as const;

/** The alert as an AWS Security Finding Format finding, with every field BatchImportFindings requires. */
export function asffFinding(alert: LiveAlert, partition = "aws"): Record<string, unknown> {
  const { finding, started, finished, execution } = alert;
  const { account, region } = finished;
  const label = finding.severity === "high" ? "HIGH" : "MEDIUM";
  const principalType = started.principal.includes(":role/") ? "AwsIamRole" : started.principal.includes(":user/") ? "AwsIamUser" : "Other";
  return {
    SchemaVersion: "2018-10-08",
    Id: `athena-audit/live/${region}/${execution.queryId}/${finding.kind}`,
    ProductArn: `arn:${partition}:securityhub:${region}:${account}:product/${account}/default`,
    GeneratorId: `athena-audit-live-${finding.kind}`,
    AwsAccountId: account,
    Types: [TYPES[finding.kind]],
    CreatedAt: alert.at,
    UpdatedAt: alert.at,
    Severity: { Label: label, Original: finding.severity },
    FindingProviderFields: { Severity: { Label: label, Original: finding.severity }, Types: [TYPES[finding.kind]] },
    Title: clip(plainText(`Athena ${KIND_TITLE[finding.kind]} by ${started.principal}`), 256),
    Description: clip(plainText(`${finding.sentence} Query ${execution.queryId}: ${redactSql(execution.sql)}`), 1024),
    SourceUrl: consoleLink(region, execution.queryId),
    ProductFields: {
      "athena-audit/QueryExecutionId": execution.queryId,
      "athena-audit/WorkGroup": clip(plainText(finished.workGroup), 512),
      "athena-audit/DataScannedInBytes": String(execution.bytes),
    },
    Resources: [
      { Type: principalType, Id: clip(plainText(started.principal), 512), Partition: partition, Region: region },
      {
        Type: "Other",
        Id: `arn:${partition}:athena:${region}:${account}:workgroup/${clip(plainText(finished.workGroup), 128)}`,
        Region: region,
      },
    ],
  };
}
