/** One simulated Athena query: its text, its outcome, and the QueryExecution history keeps. */
import { Actor } from "./org";
import { Random } from "./random";

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
  statementType: "DML" | "DDL";
  substatementType: string;
  state: "SUCCEEDED" | "FAILED" | "CANCELLED";
  bytes: number;
  reused: boolean;
  /** When Athena accepted the query (ms precision). */
  submittedAt: Date;
  completedAt: Date;
  engineMs: number;
  queueMs: number;
  planningMs: number;
}

const FAILURES = [
  { category: 2, type: 1301, message: "TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.%s.tmp_extract' does not exist" },
  { category: 2, type: 1100, message: "SYNTAX_ERROR: line 3:9: Column 'amout' cannot be resolved" },
  { category: 3, type: 1200, message: "EXCEEDED_LOCAL_MEMORY_LIMIT: Query exceeded per-node memory limit of 12GB" },
];

/** A plausible query on `database`, with literals a report would need to redact. */
export function queryText(rng: Random, database: string, table: string, day: string): string {
  const shapes = [
    `SELECT region, count(*) AS n, sum(amount) AS total\nFROM ${database}.${table}\n` +
      `WHERE event_date >= DATE '${day}' AND status = 'complete'\nGROUP BY region\nORDER BY total DESC`,
    `SELECT *\nFROM "${database}"."${table}"\nWHERE customer_id = ${rng.int(10000, 99999)}\nLIMIT 100`,
    `WITH recent AS (\n  SELECT user_id, max(ts) AS last_seen FROM ${table} WHERE dt > '${day}' GROUP BY user_id\n)\n` +
      "SELECT count(*) FROM recent WHERE last_seen > now() - interval '7' day",
    `SELECT date_trunc('week', created_at) AS week, approx_distinct(email) FROM ${database}.${table} GROUP BY 1`,
  ];
  return rng.pick(shapes);
}

export function ddlText(rng: Random, database: string, table: string): string {
  return rng.pick([`SHOW PARTITIONS ${database}.${table}`, `MSCK REPAIR TABLE ${database}.${table}`, `DESCRIBE ${database}.${table}`]);
}

/** The AthenaError of a failed query (category 1 system, 2 user, 3 other); none for the others. */
export function failureOf(q: SimulatedQuery): { category: number; type: number; message: string } | undefined {
  if (q.state !== "FAILED") return undefined;
  const failure = FAILURES[q.text.length % FAILURES.length];
  return { ...failure, message: failure.message.replace("%s", q.database) };
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
      Retryable: failure.category === 3,
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
    ResultReuseConfiguration: { ResultReuseByAgeConfiguration: { Enabled: q.reused, MaxAgeInMinutes: q.reused ? 60 : undefined } },
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
