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

/** A permission_gaps row (snake_case columns) or a findings-file entry, checked; names what is wrong. */
export function toPermissionGap(row: Record<string, unknown>, where: string): PermissionGap {
  const pick = (camel: string, snake: string) => row[camel] ?? row[snake];
  const text = (camel: string, snake: string, optional = false): string => {
    const v = pick(camel, snake);
    if (typeof v === "string" && v !== "") return v;
    if (optional && (v === null || v === undefined)) return null as unknown as string;
    throw new Error(`${where}: ${snake} must be text, got ${JSON.stringify(v)}`);
  };
  const confidence = text("confidence", "confidence");
  if (confidence !== "high" && confidence !== "low") throw new Error(`${where}: confidence must be high or low, got ${JSON.stringify(confidence)}`);
  return {
    principalArn: text("principalArn", "principal_arn"),
    principalType: text("principalType", "principal_type"),
    grantKind: text("grantKind", "grant_kind"),
    resource: text("resource", "resource"),
    accessPath: text("accessPath", "access_path"),
    lastUsed: text("lastUsed", "last_used", true),
    principalQueries: Number(pick("principalQueries", "principal_queries") ?? 0),
    principalLastActive: text("principalLastActive", "principal_last_active", true),
    windowFrom: text("windowFrom", "window_from"),
    windowTo: text("windowTo", "window_to"),
    confidence,
    coverageNote: text("coverageNote", "coverage_note"),
  };
}
