/**
 * The production engine: Amazon Athena. Starts a query in the audit's work group with its named
 * parameters bound to `?` markers and ExecutionParameters, polls with backoff, stops it at the time
 * limit, and pages through typed results.
 */
import * as athena from "@aws-sdk/client-athena";
import { QueryEngine, QueryParameters, QueryResult, Row } from "../engine";
import { QueryFailedError, QueryTimeoutError } from "../../core/errors";
import { bindParameters } from "../parameters";
import { athenaExecution, columnsOf, isHeaderRow, rowOf } from "./convert";

export interface AthenaEngineOptions {
  workGroup: string;
  database: string;
  catalog?: string;
  /** Region and endpoint come from the SDK's usual chain (AWS_REGION, AWS_ENDPOINT_URL_ATHENA). */
  client?: athena.AthenaClient;
  /** Wall-clock limit for one query; past it the query is stopped and the run fails. */
  timeoutMs?: number;
  /** First wait between status polls; doubles up to `maxPollMs`. */
  pollMs?: number;
  maxPollMs?: number;
}

const TERMINAL = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createAthenaClient(): athena.AthenaClient {
  // Adaptive retry backs off on ThrottlingException / TooManyRequestsException instead of failing.
  return new athena.AthenaClient({ retryMode: "adaptive", maxAttempts: 8 });
}

export class AthenaEngine implements QueryEngine {
  readonly kind = "athena" as const;
  private readonly client: athena.AthenaClient;

  constructor(private readonly options: AthenaEngineOptions) {
    this.client = options.client ?? createAthenaClient();
  }

  async run(sql: string, parameters: QueryParameters = {}, queryName?: string): Promise<QueryResult> {
    // Each value within Athena's 1,024 characters: a longer list travels as several (convert.ts).
    const request = athenaExecution(bindParameters(sql, parameters, queryName));
    const started = await this.client.send(
      new athena.StartQueryExecutionCommand({
        QueryString: request.sql,
        ExecutionParameters: request.parameters.length > 0 ? request.parameters : undefined,
        WorkGroup: this.options.workGroup,
        QueryExecutionContext: { Database: this.options.database, Catalog: this.options.catalog },
      }),
    );
    const queryId = started.QueryExecutionId;
    if (!queryId) throw new QueryFailedError("Athena returned no QueryExecutionId");
    const execution = await this.waitFor(queryId);
    const state = execution.Status?.State;
    if (state !== "SUCCEEDED") {
      const reason = execution.Status?.AthenaError?.ErrorMessage ?? execution.Status?.StateChangeReason ?? "no reason given";
      throw new QueryFailedError(`Athena query ${state ?? "ended without a state"}: ${reason}`, queryId);
    }
    const { columns, rows } = await this.results(queryId);
    return { columns, rows, bytesScanned: execution.Statistics?.DataScannedInBytes ?? 0, queryId };
  }

  close(): Promise<void> {
    this.client.destroy();
    return Promise.resolve();
  }

  private async waitFor(queryId: string): Promise<athena.QueryExecution> {
    const deadline = Date.now() + (this.options.timeoutMs ?? 10 * 60_000);
    let wait = this.options.pollMs ?? 250;
    for (;;) {
      const { QueryExecution } = await this.client.send(new athena.GetQueryExecutionCommand({ QueryExecutionId: queryId }));
      if (QueryExecution?.Status?.State && TERMINAL.has(QueryExecution.Status.State)) return QueryExecution;
      if (Date.now() + wait > deadline) {
        await this.client.send(new athena.StopQueryExecutionCommand({ QueryExecutionId: queryId })).catch(() => undefined);
        throw new QueryTimeoutError(`Athena query did not finish within ${this.options.timeoutMs ?? 600_000} ms and was stopped`, queryId);
      }
      await sleep(wait);
      wait = Math.min(wait * 2, this.options.maxPollMs ?? 5_000);
    }
  }

  private async results(queryId: string): Promise<Pick<QueryResult, "columns" | "rows">> {
    let columns: QueryResult["columns"] = [];
    const rows: Row[] = [];
    let first = true;
    for await (const page of athena.paginateGetQueryResults({ client: this.client }, { QueryExecutionId: queryId, MaxResults: 1000 })) {
      if (first) columns = columnsOf(page.ResultSet?.ResultSetMetadata?.ColumnInfo);
      const data = page.ResultSet?.Rows ?? [];
      data.forEach((row, i) => {
        if (first && i === 0 && isHeaderRow(row.Data ?? [], columns)) return;
        rows.push(rowOf(row.Data ?? [], columns));
      });
      first = false;
    }
    return { columns, rows };
  }
}
