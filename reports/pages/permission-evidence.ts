/**
 * What permission_gaps rows say of the evidence behind them: each reason read back into its parts
 * (permission_gaps.sql words it, one reason per row: the first that applies), and each account's
 * gaps in the evidence gathered from all its rows. A reason worded any other way (a findings file's)
 * is unknown, and the verdicts treat it as a doubt.
 */

/** Region-days with a gap in the evidence: how many, and the first. */
export interface Span {
  days: number;
  first: string;
}

/** What a row's reason says; undefined where it does not say (the query names one reason, the first that applies). */
export interface Reason {
  silent?: boolean;
  unattributed?: string[];
  created?: string;
  missing?: Span | null;
  partial?: Span | null;
  trail?: string | null;
  unknown?: boolean;
}

const DATE = String.raw`\d{4}-\d{2}-\d{2}`;
/** How each of the query's trail problems begins. */
const TRAIL = [
  "no record of what the trail records",
  "the trails snapshot of",
  "no logging trail delivers",
  "the trail does not record",
  "the trail excludes",
].join("|");
const REASONS = {
  silent: /^nothing arrived from account .* in the window \(no history, no CloudTrail\): its use is unknown$/s,
  unattributed: new RegExp(
    String.raw`^\d+ unattributed quer(?:y|ies) .+ on (${DATE}(?:, ${DATE})*) \(any could have been this principal's\)$`,
    "s",
  ),
  created: new RegExp(String.raw`^principal created (${DATE}), within the window$`),
  missing: new RegExp(String.raw`^no evidence for (\d+) region-day\(s\) of the window \(first (${DATE})[^)]*\)$`),
  partial: new RegExp(
    String.raw`^queries lack history or a named principal on (\d+) region-day\(s\).* \(first (${DATE})[^)]*\), though .+$`,
    "s",
  ),
  trail: new RegExp(String.raw`^(.*?)(?:^|; )((?:${TRAIL})[^;]*)$`, "s"),
};

/** A permission_gaps reason read back into its parts (permission_gaps.sql words it); anything else is unknown. */
export function readReason(confidence: string, r: string): Reason {
  if (confidence === "high") return { missing: null, partial: null, trail: null };
  if (REASONS.silent.test(r)) return { silent: true };
  const unattributed = REASONS.unattributed.exec(r)?.[1];
  if (unattributed !== undefined) return { unattributed: unattributed.split(", ") };
  const created = REASONS.created.exec(r)?.[1];
  if (created !== undefined) return { created };
  const [, head = r, trail = null] = REASONS.trail.exec(r) ?? [];
  const span = (m: RegExpExecArray | null) => (m ? { days: Number(m[1]), first: m[2] as string } : undefined);
  const missing = span(REASONS.missing.exec(head));
  if (missing) return { missing, trail };
  const partial = span(REASONS.partial.exec(head));
  if (partial) return { missing: null, partial, trail };
  if (trail !== null && head === "") return { missing: null, partial: null, trail };
  return { unknown: true };
}

/** What of a permission_gaps row the evidence is read from. */
export interface GapEvidence {
  principalArn: string;
  accountId: string | null;
  grantKind: string;
  confidence: string;
  reason: string;
}

export function accountOf(gap: GapEvidence): string {
  return gap.accountId ?? gap.principalArn.split(":")[4] ?? "";
}

/** What every row of an account says of the account: gaps in its evidence are the account's, not the grant's. */
export interface AccountEvidence {
  silent: boolean;
  /** The days of every unattributed query its rows name: each is a day with a gap in its evidence. */
  gapDays: Set<string>;
  /** Undefined: no row says (each names a closer reason first); null: none. */
  missing?: Span | null;
  partial?: Span | null;
  trail?: string | null;
}

export function accountEvidence(gaps: readonly GapEvidence[]): Map<string, AccountEvidence> {
  const accounts = new Map<string, AccountEvidence>();
  for (const gap of gaps) {
    const seen = accounts.get(accountOf(gap)) ?? { silent: false, gapDays: new Set() };
    const reason = readReason(gap.confidence, gap.reason);
    seen.silent ||= reason.silent === true;
    for (const day of reason.unattributed ?? []) seen.gapDays.add(day);
    if (seen.missing === undefined) seen.missing = reason.missing;
    // A work group grant's gaps are its own work group's; a database or table grant's, every work group's.
    if (seen.partial === undefined && gap.grantKind !== "workgroup") seen.partial = reason.partial;
    if (seen.trail === undefined) seen.trail = reason.trail;
    accounts.set(accountOf(gap), seen);
  }
  return accounts;
}
