/** One simulated Athena query: its text, its outcome, and the QueryExecution history keeps. */
import { Actor, ErrorProfile } from "./org";
import { Random } from "./random";
import { tableParts } from "./sql";

export interface SimulatedQuery {
  id: string;
  region: string;
  actor: Actor;
  session?: string;
  clientIndex: number;
  sourceIp: string;
  workGroup: string;
  database: string;
  /** Tables the query reads (`database.table`), as the collector's parser would find them. */
  tables: string[];
  text: string;
  /** The text with literals masked and comments dropped, folded (generator/sql.ts). */
  shape: string;
  statementType: "DML" | "DDL";
  substatementType: string;
  state: "SUCCEEDED" | "FAILED" | "CANCELLED";
  /** Why a failed query failed (Athena's AthenaError). */
  failure?: AthenaFailure;
  bytes: number;
  /** The query asked for result reuse (ResultReuseByAgeConfiguration.Enabled, 60 minutes). */
  reuseEnabled: boolean;
  /** Athena answered it from an earlier result (ReusedPreviousResult): nothing scanned. */
  reused: boolean;
  /** When Athena accepted the query (ms precision). */
  submittedAt: Date;
  completedAt: Date;
  engineMs: number;
  queueMs: number;
  planningMs: number;
}

/** A failed query's AthenaError: ErrorCategory (1 system, 2 user, 3 other), ErrorType, message. */
export interface AthenaFailure {
  category: number;
  type: number;
  message: string;
  retryable: boolean;
}

/**
 * Ways a query fails, with Athena's ErrorCategory and ErrorType. The types follow the descriptions
 * in Athena's error catalog (error-reference.md: 1006 syntax error, 1303 function not found, 1001
 * data error, 1401 AWS Glue throttling, 1403 Amazon S3 throttling, 1501 Amazon S3 permission error,
 * 0-8 query exhausted resources); the messages are in the form Athena engine 3 writes them. No
 * public record we found pairs a message with its type, so the pairing is ours. `scans`: the query
 * failed while running, after reading part of its data; otherwise it failed before reading any.
 */
interface FailureKind {
  category: number;
  type: number;
  scans: boolean;
  retryable?: boolean;
  message(q: FailingQuery, rng: Random): string;
}

/** What a failure's message names: the tables, the day, and the bucket its account's tables live in (default: the main account's). */
type FailingQuery = Pick<SimulatedQuery, "tables" | "submittedAt"> & { lakeBucket?: string };

const requestId = (rng: Random) => rng.hex(16).toUpperCase();
const splitPath = (q: FailingQuery, rng: Random) => {
  const { database, name: table } = tableParts(q.tables[0] ?? "sales.orders");
  const dt = q.submittedAt.toISOString().slice(0, 10);
  return `s3://${q.lakeBucket ?? "northwind-lake"}/${database}/${table}/dt=${dt}/part-${String(rng.int(0, 63)).padStart(5, "0")}.snappy.parquet`;
};

export const FAILURES = {
  column: {
    category: 2,
    type: 1006,
    scans: false,
    message: (_q, rng) =>
      `COLUMN_NOT_FOUND: line ${rng.int(1, 4)}:${rng.int(8, 40)}: Column '${rng.pick(["amout", "customerid", "event_dt", "usr_id"])}' ` +
      "cannot be resolved or requester is not authorized to access requested resources",
  },
  syntax: {
    category: 2,
    type: 1006,
    scans: false,
    message: (_q, rng) =>
      `SYNTAX_ERROR: line 1:${rng.int(12, 60)}: mismatched input 'FORM'. Expecting: ',', 'EXCEPT', 'FROM', 'GROUP', 'HAVING', ` +
      "'INTERSECT', 'LIMIT', 'ORDER', 'UNION', 'WHERE', <EOF>",
  },
  typeMismatch: {
    category: 2,
    type: 1006,
    scans: false,
    message: (_q, rng) => `TYPE_MISMATCH: line ${rng.int(2, 4)}:${rng.int(7, 30)}: Cannot apply operator: date >= varchar(10)`,
  },
  functionNotFound: {
    category: 2,
    type: 1303,
    scans: false,
    message: () => "FUNCTION_NOT_FOUND: line 1:8: Function 'datediff' not registered",
  },
  memory: {
    category: 2,
    type: 0,
    scans: true,
    message: (_q, rng) =>
      `EXCEEDED_LOCAL_MEMORY_LIMIT: Query exceeded per-node memory limit of 10GB [Allocated: 9.9${rng.int(0, 9)}GB, ` +
      `Delta: ${rng.int(10, 90)}.${rng.int(10, 99)}MB, Top Consumers: {HashAggregationOperator=9.${rng.int(50, 89)}GB}]`,
  },
  badData: {
    category: 2,
    type: 1001,
    scans: true,
    message: (_q, rng) =>
      `HIVE_BAD_DATA: Error parsing field value '${rng.pick(["N/A", "2026-13-01", "-", "null"])}' for field ${rng.int(2, 9)}: ` +
      `For input string: "${rng.pick(["N/A", "-"])}"`,
  },
  s3Throttling: {
    category: 1,
    type: 1403,
    scans: true,
    retryable: true,
    message: (q, rng) =>
      `HIVE_CANNOT_OPEN_SPLIT: Error opening Hive split ${splitPath(q, rng)} (offset=0, length=${rng.int(40, 128) * 1048576}): ` +
      `Slow Down (Service: Amazon S3; Status Code: 503; Error Code: SlowDown; Request ID: ${requestId(rng)}; Proxy: null)`,
  },
  glueThrottling: {
    category: 1,
    type: 1401,
    scans: false,
    retryable: true,
    message: (_q, rng) => `Rate exceeded (Service: AWSGlue; Status Code: 400; Error Code: ThrottlingException; Request ID: ${rng.uuid()})`,
  },
  s3Denied: {
    category: 2,
    type: 1501,
    scans: false,
    message: (q, rng) =>
      `HIVE_CANNOT_OPEN_SPLIT: Error opening Hive split ${splitPath(q, rng)} (offset=0, length=${rng.int(8, 64) * 1048576}): ` +
      `Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied; Request ID: ${requestId(rng)}; Proxy: null)`,
  },
} satisfies Record<string, FailureKind>;

type FailureName = keyof typeof FAILURES;

/** How often each kind of actor fails and cancels, and how it fails. */
const PROFILES: Record<ErrorProfile, { failed: number; cancelled: number; kinds: readonly (readonly [FailureName, number])[] }> = {
  person: {
    failed: 0.07,
    cancelled: 0.03,
    kinds: [
      ["column", 30],
      ["syntax", 20],
      ["typeMismatch", 12],
      ["functionNotFound", 8],
      ["memory", 18],
      ["s3Denied", 4],
      ["badData", 8],
    ],
  },
  pipeline: {
    failed: 0.04,
    cancelled: 0.005,
    kinds: [
      ["badData", 45],
      ["s3Throttling", 35],
      ["glueThrottling", 20],
    ],
  },
  dashboard: {
    failed: 0.015,
    cancelled: 0.025,
    kinds: [
      ["glueThrottling", 50],
      ["column", 50],
    ],
  },
  app: {
    failed: 0.03,
    cancelled: 0.005,
    kinds: [
      ["s3Denied", 30],
      ["column", 20],
      ["glueThrottling", 25],
      ["badData", 25],
    ],
  },
};

/** A heavy scan is cancelled more often: someone sees the bytes climb. */
const HEAVY_CANCELLED = 0.2;

export interface Outcome {
  state: SimulatedQuery["state"];
  failure?: AthenaFailure;
  /** Share of its bytes the query read before it failed or was cancelled. */
  readShare: number;
}

/** Whether a query succeeds, fails (and how) or is cancelled, by its actor's profile. */
export function outcomeOf(profile: ErrorProfile, heavy: boolean, q: FailingQuery, rng: Random): Outcome {
  const p = PROFILES[profile];
  const cancelled = heavy ? HEAVY_CANCELLED : p.cancelled;
  const roll = rng.next();
  if (roll < p.failed) {
    const kind: FailureKind = FAILURES[rng.weighted(p.kinds)];
    const failure = { category: kind.category, type: kind.type, message: kind.message(q, rng), retryable: kind.retryable ?? false };
    return { state: "FAILED", failure, readShare: kind.scans ? 0.05 + rng.next() * 0.6 : 0 };
  }
  if (roll < p.failed + cancelled) {
    // Cancelled while queued (nothing read) or part-way through.
    return { state: "CANCELLED", readShare: rng.chance(0.3) ? 0 : 0.05 + rng.next() * 0.6 };
  }
  return { state: "SUCCEEDED", readShare: 1 };
}

/** The AthenaError of a failed query (category 1 system, 2 user, 3 other); none for the others. */
export function failureOf(q: SimulatedQuery): AthenaFailure | undefined {
  return q.state === "FAILED" ? q.failure : undefined;
}

/** `Statistics.TotalExecutionTimeInMillis`: queue, planning, engine, and a little service time. */
export function totalExecutionMs(q: SimulatedQuery): number {
  return q.queueMs + q.planningMs + q.engineMs + 40;
}

/** The QueryExecution as `GetQueryExecution` returns it through SDK v3 (timestamps as Dates). */
export function toQueryExecution(q: SimulatedQuery, resultBucket: string): Record<string, unknown> {
  const failure = failureOf(q);
  const status: Record<string, unknown> = {
    State: q.state,
    SubmissionDateTime: q.submittedAt,
    CompletionDateTime: q.completedAt,
  };
  if (failure) {
    status.StateChangeReason = failure.message;
    status.AthenaError = {
      ErrorCategory: failure.category,
      ErrorType: failure.type,
      Retryable: failure.retryable,
      ErrorMessage: failure.message,
    };
  }
  if (q.state === "CANCELLED") status.StateChangeReason = "Query cancelled by user";
  const total = totalExecutionMs(q);
  return {
    QueryExecutionId: q.id,
    Query: q.text,
    StatementType: q.statementType,
    SubstatementType: q.substatementType,
    ResultConfiguration: {
      OutputLocation: `s3://${resultBucket}/${q.workGroup}/${q.id}.${q.statementType === "DDL" ? "txt" : "csv"}`,
      EncryptionConfiguration: { EncryptionOption: "SSE_S3" },
    },
    ResultReuseConfiguration: {
      ResultReuseByAgeConfiguration: { Enabled: q.reuseEnabled, MaxAgeInMinutes: q.reuseEnabled ? 60 : undefined },
    },
    QueryExecutionContext: { Database: q.database, Catalog: "AwsDataCatalog" },
    Status: status,
    Statistics: {
      EngineExecutionTimeInMillis: q.engineMs,
      DataScannedInBytes: q.bytes,
      TotalExecutionTimeInMillis: total,
      QueryQueueTimeInMillis: q.queueMs,
      ServicePreProcessingTimeInMillis: 12,
      QueryPlanningTimeInMillis: q.planningMs,
      ServiceProcessingTimeInMillis: 28,
      ResultReuseInformation: { ReusedPreviousResult: q.reused },
    },
    WorkGroup: q.workGroup,
    EngineVersion: { SelectedEngineVersion: "AUTO", EffectiveEngineVersion: "Athena engine version 3" },
  };
}
