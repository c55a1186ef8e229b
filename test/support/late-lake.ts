/**
 * A hand-made lake of one account and region where CloudTrail delivers late, for the join's tests:
 * each query's history and its StartQueryExecution record, and the time its log file is delivered
 * (into the folder of that day, as CloudTrail does).
 */
import { addDays } from "../../core/days";
import { QueryExecutionLike } from "../../core/history-record";
import { ACCOUNT_ID } from "../../generator/org";
import { writeCloudTrail, writeHistory } from "./write-lake";

export const LATE_REGION = "us-east-1";

export interface LateQuery {
  id: string;
  /** What history says: the submission, to the millisecond. */
  submittedAt: string;
  /** What CloudTrail says: the event time, to the second. */
  eventAt: string;
  /** When the log file holding the record is delivered. */
  deliveredAt: string;
}

/** The four cases around day D: on time; the midnight straddle delivered 03:30; a day late; two days late. */
export function lateQueries(day: string): Record<"onTime" | "straddle" | "dayLate" | "twoDaysLate", LateQuery> {
  const next = addDays(day, 1);
  return {
    onTime: { id: "q-on-time", submittedAt: `${day}T09:00:00.000Z`, eventAt: `${day}T09:00:00Z`, deliveredAt: `${day}T09:05:00Z` },
    straddle: { id: "q-straddle", submittedAt: `${next}T00:00:00.300Z`, eventAt: `${day}T23:59:59Z`, deliveredAt: `${next}T03:30:00Z` },
    dayLate: { id: "q-day-late", submittedAt: `${day}T10:00:00.000Z`, eventAt: `${day}T10:00:00Z`, deliveredAt: `${next}T11:00:00Z` },
    twoDaysLate: {
      id: "q-two-days-late",
      submittedAt: `${day}T11:00:00.000Z`,
      eventAt: `${day}T11:00:00Z`,
      deliveredAt: `${addDays(day, 2)}T12:00:00Z`,
    },
  };
}

export const ANALYST = `arn:aws:iam::${ACCOUNT_ID}:user/analyst`;

function execution(q: LateQuery): QueryExecutionLike {
  return {
    QueryExecutionId: q.id,
    Query: "SELECT 1",
    StatementType: "DML",
    WorkGroup: "primary",
    Status: { State: "SUCCEEDED", SubmissionDateTime: q.submittedAt, CompletionDateTime: q.submittedAt },
    Statistics: { DataScannedInBytes: 1_048_576, EngineExecutionTimeInMillis: 100, TotalExecutionTimeInMillis: 150 },
  };
}

function startRecord(q: LateQuery) {
  return {
    eventVersion: "1.09",
    userIdentity: { type: "IAMUser", arn: ANALYST, accountId: ACCOUNT_ID, userName: "analyst" },
    eventTime: q.eventAt,
    eventSource: "athena.amazonaws.com",
    eventName: "StartQueryExecution",
    awsRegion: LATE_REGION,
    sourceIPAddress: "203.0.113.7",
    userAgent: "aws-cli/2.15.0",
    requestParameters: { queryString: "SELECT 1", workGroup: "primary" },
    responseElements: { queryExecutionId: q.id },
    eventID: `event-${q.id}`,
    recipientAccountId: ACCOUNT_ID,
  };
}

/** Every query's history; returns the files written. */
export function writeLateHistory(root: string, queries: readonly LateQuery[]): string[] {
  return writeHistory(root, LATE_REGION, queries.map(execution));
}

/** The query's CloudTrail file, delivered when it says; returns the file written. */
export function writeLateRecord(root: string, q: LateQuery): string {
  const suffix = q.id
    .replace(/[^A-Za-z0-9]/g, "")
    .toUpperCase()
    .padEnd(16, "0")
    .slice(0, 16);
  return writeCloudTrail(root, ACCOUNT_ID, LATE_REGION, q.deliveredAt, [startRecord(q)], suffix);
}
