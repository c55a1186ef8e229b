/** Findings, grants and charts that carry one hostile value (test/support/hostile.ts) in every field the data fills. */
import { oneLine } from "../../core/output/visible";
import { PermissionGap } from "../../reports/issues/permission-gap-issues";
import { Anomaly } from "../../reports/pages/anomaly-words";
import { costByNameChart, MAX_BARS, principalLabel } from "../../reports/pages/charts";
import { usd } from "../../reports/pages/format";

const ACCOUNT = "210987654321";

/** An IAM role whose path and name are the value (IAM paths allow most printable characters). */
export const hostileArn = (value: string) => `arn:aws:iam::${ACCOUNT}:role/${value}/${value}`;

/** A principal's permission-gap findings: the resource, the reason and the principal carry the value. */
export function hostileGaps(value: string): [string, PermissionGap[]] {
  const arn = hostileArn(value);
  const gap = (grantKind: string, resource: string): PermissionGap =>
    ({
      principalArn: arn,
      principalType: "AssumedRole",
      principalCreated: null,
      accountId: ACCOUNT,
      grantKind,
      resource,
      accessPath: "iam",
      lastUsed: null,
      lastUsedBy: null,
      lastUsedFrom: "2026-08-03",
      principalQueries: 3,
      principalLastActive: "2026-10-30",
      principalOtherCalls: 0,
      principalOtherEngines: null,
      principalOtherLastActive: null,
      windowFrom: "2026-08-03",
      windowTo: "2026-10-31",
      confidence: "high",
      reason: `no query read ${value} in the period`,
    }) as unknown as PermissionGap;
  return [arn, [gap("database", value), gap("table", `${value}.${value}`), gap("workgroup", value)]];
}

/** A high anomaly whose principal, subject, example query id, engine and networks carry the value. */
export function hostileFinding(value: string): Anomaly {
  return {
    day: "2026-10-30",
    principalArn: hostileArn(value),
    kind: "exfiltration",
    subject: `unload:s3://${value}/`,
    measured: 3,
    baseline: null,
    spread: null,
    score: 9,
    severity: "high",
    queries: 3,
    exampleQueryId: value,
    sessions: value,
    sessionCount: 2,
    exampleQuery: value,
    human: true,
    coverage: "partial",
    // Other engines' evidence shows in the issue too: the engine and the networks are the lake's text.
    engine: value,
    calls: 3,
    objects: null,
    baselineObjects: null,
    peak: null,
    networks: value,
    newNetworks: null,
    alertedAt: null,
  };
}

const DOLLARS = (i: number) => 100 - i;

/** Bar charts (as many as the values need) whose bars are principals named by the values. */
export function hostileChart(values: readonly string[]): string {
  const blocks: string[] = [];
  for (let start = 0; start < values.length; start += MAX_BARS) {
    const items = values.slice(start, start + MAX_BARS).map((v, i) => ({ name: principalLabel(hostileArn(v)), value: DOLLARS(start + i) }));
    blocks.push(costByNameChart(items, { one: "principal", source: "the data" }) ?? "");
  }
  return blocks.join("\n\n");
}

/** The label a reader must see for the value's bar: its name as the page shows it, then its cost. */
export function expectedLabel(value: string, index: number): string {
  return `${oneLine(principalLabel(hostileArn(value)), 200)} · ${usd(DOLLARS(index))}`;
}
