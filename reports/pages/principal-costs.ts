/**
 * The one principal model every page uses for cost: an IAM user or role, its sessions beneath it
 * (an SSO user, the name given to AssumeRole), and what it cost in the previous period of the same
 * length, all from top_scanners' rows. Pure; Top scanners prints it, the index headline quotes it.
 */
import { Period, previousPeriod, SAVED, SavedRow } from "../../queries/saved";

export type ScannerRow = SavedRow<typeof SAVED.top_scanners>;

export interface Figures {
  cost: number;
  bytes: number;
  queries: number;
  previousCost: number;
}

export interface PrincipalCost extends Figures {
  iamPrincipal: string;
  account: string;
  type: string | null;
  /** Sessions with queries in the period, the costliest first (at most the query's session limit). */
  sessions: (Figures & { arn: string; name: string })[];
  /** Every session with queries in the period, those listed included. */
  sessionCount: number;
  /** The sessions not listed, summed; none when all are listed. */
  moreSessions?: Figures & { count: number };
}

/**
 * Whether the previous period can be compared: `full` with events from its first day, `partial`
 * when they start later inside it, `none` when they start in the period itself (or there are none).
 */
export interface Comparison {
  previous: Period;
  evidence: "full" | "partial" | "none";
  evidenceFrom: string | null;
}

export function comparison(period: Period, rows: readonly ScannerRow[]): Comparison {
  const previous = previousPeriod(period);
  const evidenceFrom = rows[0]?.evidence_from ?? null;
  const evidence = evidenceFrom === null || evidenceFrom > previous.to ? "none" : evidenceFrom <= previous.from ? "full" : "partial";
  return { previous, evidence, evidenceFrom };
}

/** The totals over every principal of both periods, whatever the rows were cut to. */
export function totals(rows: readonly ScannerRow[]) {
  const first = rows[0];
  return {
    cost: first?.total_cost_usd ?? 0,
    queries: first?.total_queries ?? 0,
    previousCost: first?.total_previous_cost_usd ?? 0,
    previousQueries: first?.total_previous_queries ?? 0,
    principals: first?.total_principals ?? 0,
    sessions: first?.total_sessions ?? 0,
  };
}

/** The session's own name: an assumed role's last part (`carol@example.com`); none for a user or anything else. */
export function sessionName(arn: string): string | undefined {
  return /:assumed-role\/[^/]+\/(.+)$/s.exec(arn)?.[1];
}

/**
 * Whether a principal's sessions are worth a line each: a role several sessions share, or a role
 * people assume through IAM Identity Center, where the one session is the person. A service whose one
 * session is its only caller says nothing more than its row.
 */
export function listsSessions(p: Pick<PrincipalCost, "iamPrincipal" | "sessionCount">): boolean {
  if (!p.iamPrincipal.includes(":role/")) return false;
  return p.sessionCount > 1 || p.iamPrincipal.includes(":role/aws-reserved/sso.amazonaws.com/");
}

const minus = (a: Figures, b: Figures): Figures => ({
  cost: a.cost - b.cost,
  bytes: a.bytes - b.bytes,
  queries: a.queries - b.queries,
  previousCost: a.previousCost - b.previousCost,
});

/** The rows (one per session, grouped by principal in rank order) as principals with their sessions. */
export function principalCosts(rows: readonly ScannerRow[]): PrincipalCost[] {
  const byKey = new Map<string, ScannerRow[]>();
  for (const r of rows) {
    const key = `${r.rank}`;
    byKey.set(key, [...(byKey.get(key) ?? []), r]);
  }
  return [...byKey.values()].map((group) => {
    const first = group[0] as ScannerRow;
    const whole: Figures = {
      cost: first.principal_cost_usd,
      bytes: first.principal_data_scanned_bytes,
      queries: first.principal_queries,
      previousCost: first.principal_previous_cost_usd,
    };
    const sessions = group
      .filter((r) => r.queries > 0)
      .map((r) => ({
        arn: r.principal,
        name: sessionName(r.principal) ?? r.principal,
        cost: r.cost_usd,
        bytes: r.data_scanned_bytes,
        queries: r.queries,
        previousCost: r.previous_cost_usd,
      }));
    const listed = sessions.reduce<Figures>(
      (sum, s) => ({
        cost: sum.cost + s.cost,
        bytes: sum.bytes + s.bytes,
        queries: sum.queries + s.queries,
        previousCost: sum.previousCost + s.previousCost,
      }),
      { cost: 0, bytes: 0, queries: 0, previousCost: 0 },
    );
    const more = first.session_count - sessions.length;
    return {
      iamPrincipal: first.iam_principal_arn,
      account: first.account_id,
      type: first.principal_type,
      ...whole,
      sessions,
      sessionCount: first.session_count,
      ...(more > 0 ? { moreSessions: { ...minus(whole, listed), count: more } } : {}),
    };
  });
}
