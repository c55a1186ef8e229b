/**
 * A generated day's finished queries as the live path sees them (issue 27): Athena's "Athena Query
 * State Change" event on EventBridge (which names no principal), and beside it the facts the
 * principal's CloudTrail record and GetQueryExecution add: who, the SQL, bytes, the output location.
 * Built from the ledger, so a replay drives exactly what the generator planted.
 */
import { LedgerEntry } from "./ledger";
import { orgAccount } from "./org";

/** One finished query: what a live judge can know within minutes of its end. */
export interface FinishedQuery {
  queryExecutionId: string;
  account: string;
  region: string;
  workGroup: string;
  /** The caller ARN CloudTrail shows, and its IAM user or role; null when the trail lost the record (an outage). */
  principalArn: string | null;
  iamPrincipalArn: string | null;
  state: "SUCCEEDED" | "FAILED" | "CANCELLED";
  /** AthenaError of a failed query. */
  error: { category: number; type: number; message: string } | null;
  bytes: number;
  sql: string;
  statementType: string;
  substatementType: string;
  /** ResultConfiguration.OutputLocation (an UNLOAD's own target is in its SQL). */
  outputLocation: string;
  /** StartQueryExecution's time in CloudTrail, submission and completion (ISO-8601). */
  eventAt: string;
  submittedAt: string;
  completedAt: string;
  /** The EventBridge event Athena sends when the query reaches its final state. */
  event: QueryStateChangeEvent;
}

/** "Athena Query State Change", as EventBridge delivers it. */
export interface QueryStateChangeEvent {
  version: "0";
  id: string;
  "detail-type": "Athena Query State Change";
  source: "aws.athena";
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: {
    currentState: string;
    previousState: string;
    queryExecutionId: string;
    sequenceNumber: string;
    statementType: string;
    versionId: string;
    workgroupName: string;
    athenaError?: { errorCategory: number; errorType: number; errorMessage: string; retryable: boolean };
  };
}

/** Where Athena wrote the query's result (generator/executions.ts writes the same into history). */
export function outputLocation(q: Pick<LedgerEntry, "account" | "workGroup" | "id" | "statementType">): string {
  return `s3://${orgAccount(q.account).resultBucket}/${q.workGroup}/${q.id}.${q.statementType === "DDL" ? "txt" : "csv"}`;
}

function errorOf(q: LedgerEntry): FinishedQuery["error"] {
  return q.state === "FAILED" && q.errorCategory !== null && q.errorType !== null
    ? { category: q.errorCategory, type: q.errorType, message: q.errorMessage ?? "" }
    : null;
}

/** The state change event of a finished ledger query: its id is derived from the query's, so a replay is deterministic. */
export function queryStateChangeEvent(q: LedgerEntry): QueryStateChangeEvent {
  const error = errorOf(q);
  return {
    version: "0",
    id: `${q.id.slice(0, 8)}-e0e0-${q.id.slice(14)}`,
    "detail-type": "Athena Query State Change",
    source: "aws.athena",
    account: q.account,
    // EventBridge stamps whole seconds.
    time: `${q.completedAt.slice(0, 19)}Z`,
    region: q.region,
    resources: [],
    detail: {
      currentState: q.state,
      // A query cancelled or failed before it ran leaves QUEUED; the others leave RUNNING.
      previousState: q.state !== "SUCCEEDED" && q.bytes === 0 && q.engineMs < 1000 ? "QUEUED" : "RUNNING",
      queryExecutionId: q.id,
      sequenceNumber: "3",
      statementType: q.statementType,
      versionId: "0",
      workgroupName: q.workGroup,
      ...(error && {
        athenaError: { errorCategory: error.category, errorType: error.type, errorMessage: error.message, retryable: false },
      }),
    },
  };
}

/** The finished queries of `day` (UTC day of completion), in the order they finished. */
export function finishedQueries(ledger: { queries: readonly LedgerEntry[] }, day: string): FinishedQuery[] {
  return ledger.queries
    .filter((q) => q.completedAt.startsWith(day))
    .sort((a, b) => a.completedAt.localeCompare(b.completedAt) || a.id.localeCompare(b.id))
    .map((q) => ({
      queryExecutionId: q.id,
      account: q.account,
      region: q.region,
      workGroup: q.workGroup,
      principalArn: q.principalArn,
      iamPrincipalArn: q.iamPrincipalArn,
      state: q.state as FinishedQuery["state"],
      error: errorOf(q),
      bytes: q.bytes,
      sql: q.text,
      statementType: q.statementType,
      substatementType: q.substatementType,
      outputLocation: outputLocation(q),
      eventAt: q.eventAt,
      submittedAt: q.submittedAt,
      completedAt: q.completedAt,
      event: queryStateChangeEvent(q),
    }));
}
