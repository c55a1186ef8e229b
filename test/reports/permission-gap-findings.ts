/** Permission-gap findings for the issue sync's tests: one grant each, of one account unless told. */
import { PermissionGap } from "../../reports/issues/permission-gap-issues";

export const gap = (principal: string, resource: string, extra: Partial<PermissionGap> = {}): PermissionGap => ({
  principalArn: `arn:aws:iam::210987654321:role/${principal}`,
  principalType: "AssumedRole",
  principalCreated: null,
  accountId: "210987654321",
  grantKind: resource.includes(".") ? "table" : "database",
  resource,
  accessPath: "iam",
  lastUsed: null,
  lastUsedBy: null,
  lastUsedFrom: "2026-08-03",
  principalQueries: 12,
  principalLastActive: "2026-10-30",
  principalOtherCalls: 0,
  principalOtherEngines: null,
  principalOtherLastActive: null,
  windowFrom: "2026-08-03",
  windowTo: "2026-10-31",
  confidence: "high",
  reason: "every query of the window has history and a named principal; no unattributed query touched it",
  ...extra,
});

/** Three principals: reporting-app with two grants, the others with one. */
export const FINDINGS = [
  gap("reporting-app", "finance.ledger"),
  gap("reporting-app", "hr"),
  gap("churn-scoring-lambda", "finance"),
  gap("etl-nightly-glue", "hr.headcount"),
];
