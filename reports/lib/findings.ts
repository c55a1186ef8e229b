/**
 * A permission-gap finding: one grant a principal holds but did not use in the window, as the
 * permission-gaps query returns it (one row per principal and grant). The reports and the issue
 * sync consume this shape.
 */
export interface PermissionGap {
  principalArn: string;
  principalType: string;
  /** `workgroup`, `database` or `table`. */
  grantKind: string;
  /** `primary`, `finance`, `finance.ledger`. */
  resource: string;
  /** How the principal holds it: `iam`, `iam (conditional)`, `lake-formation`. */
  accessPath: string;
  /** When the grant was last used (YYYY-MM-DD), or null if never in the evidence. */
  lastUsed: string | null;
  /** The principal's own use of Athena in the window. */
  principalQueries: number;
  principalLastActive: string | null;
  windowFrom: string;
  windowTo: string;
  /** `high` when history and CloudTrail cover every day of the window and the principal is older than it. */
  confidence: "high" | "low";
  coverageNote: string;
}

/** Findings grouped by principal, principals and grants in a stable order. */
export function byPrincipal(findings: readonly PermissionGap[]): Map<string, PermissionGap[]> {
  const groups = new Map<string, PermissionGap[]>();
  for (const f of [...findings].sort((a, b) => a.principalArn.localeCompare(b.principalArn) || a.grantKind.localeCompare(b.grantKind) || a.resource.localeCompare(b.resource))) {
    groups.set(f.principalArn, [...(groups.get(f.principalArn) ?? []), f]);
  }
  return groups;
}
