/**
 * A local HTTP server speaking Athena's AWS JSON 1.1 protocol (POST /, `X-Amz-Target:
 * AmazonAthena.<Operation>`), for pointing the real SDK client at with AWS_ENDPOINT_URL_ATHENA.
 * Each started query follows a script: how many polls it stays RUNNING, how it ends, what it returns.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { botocoreModel, shapeProblems } from "./botocore-model";
import { present } from "./defined";

const model = botocoreModel("athena");

/**
 * What AWS would refuse in a request, by Athena's published model (lengths, patterns, required
 * members); an operation the model lacks is left to the handler.
 */
function requestProblems(operation: string, input: Record<string, unknown>): string[] {
  const shape = model.operations[operation]?.input?.shape;
  return shape ? shapeProblems(model, shape, input) : [];
}

export interface ScriptedQuery {
  /** GetQueryExecution answers RUNNING this many times before the final state; Infinity never ends. */
  runningPolls?: number;
  state?: "SUCCEEDED" | "FAILED" | "CANCELLED";
  errorMessage?: string;
  bytesScanned?: number;
  columns?: { name: string; type: string }[];
  rows?: (string | null)[][];
  /** Done before StartQueryExecution answers: what the query writes (or half-writes) to S3. */
  effect?: () => Promise<void>;
  dataManifestLocation?: string;
}

export interface StartedQuery {
  id: string;
  sql: string;
  parameters?: string[];
  workGroup?: string;
  database?: string;
  polls: number;
  stopped: boolean;
  script: ScriptedQuery;
}

export interface AthenaServer {
  url: string;
  queries: StartedQuery[];
  /** Calls answered, by operation, since the start or the last reset(). */
  readonly calls: Record<string, number>;
  /** Forgets the queries started and the calls counted so far. */
  reset(): void;
  close(): Promise<void>;
}

/** Extra operations (name -> handler) and faults, for the history API and the benchmark. */
export interface ServerExtras {
  operations?: Record<string, (input: Record<string, unknown>) => [number, unknown]>;
  /** Decides, per call, to answer ThrottlingException instead (quotas, or a share of calls). */
  throttle?: (operation: string) => boolean;
  /** Delay before each answer, in ms (the benchmark's "realistic latency"). */
  latencyMs?: number;
  /**
   * Executions no StartQueryExecution here made (queries users ran), answered by GetQueryExecution
   * as given, by id; each is checked against the model's QueryExecution when answered.
   */
  executions?: ReadonlyMap<string, Record<string, unknown>>;
}

export async function startAthenaServer(
  options: { script?: (sql: string, parameters?: string[]) => ScriptedQuery; pageSize?: number } & ServerExtras,
): Promise<AthenaServer> {
  const script = options.script ?? (() => ({}));
  const queries: StartedQuery[] = [];
  let calls: Record<string, number> = {};
  const pageSize = options.pageSize ?? 1000;

  const handle = (operation: string, input: Record<string, unknown>): [number, unknown] => {
    const find = () => queries.find((q) => q.id === input.QueryExecutionId);
    switch (operation) {
      case "StartQueryExecution": {
        const context = (input.QueryExecutionContext ?? {}) as { Database?: string };
        const q: StartedQuery = {
          id: `q-${String(queries.length + 1).padStart(4, "0")}`,
          sql: String(input.QueryString),
          parameters: input.ExecutionParameters as string[] | undefined,
          workGroup: input.WorkGroup as string | undefined,
          database: context.Database,
          polls: 0,
          stopped: false,
          script: script(String(input.QueryString), input.ExecutionParameters as string[] | undefined),
        };
        queries.push(q);
        return [200, { QueryExecutionId: q.id }];
      }
      case "GetQueryExecution": {
        const q = find();
        const registered = options.executions?.get(String(input.QueryExecutionId));
        if (!q && registered) {
          const problems = shapeProblems(model, "QueryExecution", registered);
          if (problems.length > 0) return [500, { __type: "InternalServerException", Message: `not AWS's shape: ${problems.join("; ")}` }];
          return [200, { QueryExecution: registered }];
        }
        if (!q)
          return [400, { __type: "InvalidRequestException", Message: `QueryExecution ${String(input.QueryExecutionId)} was not found` }];
        q.polls++;
        const running = q.polls <= (q.script.runningPolls ?? 0) && !q.stopped;
        const state = q.stopped ? "CANCELLED" : running ? "RUNNING" : (q.script.state ?? "SUCCEEDED");
        const status: Record<string, unknown> = { State: state, SubmissionDateTime: 1730000000.123 };
        if (state === "FAILED") status.AthenaError = { ErrorCategory: 2, ErrorType: 1100, ErrorMessage: q.script.errorMessage };
        if (state === "FAILED") status.StateChangeReason = q.script.errorMessage;
        const statistics = { DataScannedInBytes: q.script.bytesScanned ?? 0, DataManifestLocation: q.script.dataManifestLocation };
        return [
          200,
          { QueryExecution: { QueryExecutionId: q.id, Query: q.sql, StatementType: "DML", Status: status, Statistics: statistics } },
        ];
      }
      case "StopQueryExecution": {
        const q = find();
        if (q) q.stopped = true;
        return [200, {}];
      }
      case "GetQueryResults": {
        const q = find();
        if (!q) return [400, { __type: "InvalidRequestException", Message: "not found" }];
        const columns = q.script.columns ?? [];
        const all = [columns.map((c) => c.name), ...(q.script.rows ?? [])];
        const start = input.NextToken ? Number(input.NextToken) : 0;
        const size = Math.min(pageSize, Number(input.MaxResults ?? 1000));
        const page = all.slice(start, start + size);
        return [
          200,
          {
            ResultSet: {
              Rows: page.map((r) => ({ Data: r.map((v) => (v === null ? {} : { VarCharValue: v })) })),
              ResultSetMetadata: { ColumnInfo: columns.map((c) => ({ Name: c.name, Label: c.name, Type: c.type })) },
            },
            NextToken: start + size < all.length ? String(start + size) : undefined,
          },
        ];
      }
      default: {
        const extra = options.operations?.[operation];
        return extra ? extra(input) : [400, { __type: "UnknownOperationException", Message: operation }];
      }
    }
  };

  const respond = async (req: http.IncomingMessage, res: http.ServerResponse, body: string) => {
    const target = String(req.headers["x-amz-target"] ?? "");
    const operation = target.replace(/^AmazonAthena\./, "");
    const callCount = (calls[operation] ?? 0) + 1;
    calls[operation] = callCount;
    const input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    const refused = requestProblems(operation, input);
    const [status, payload] = options.throttle?.(operation)
      ? [400, { __type: "ThrottlingException", Message: "Rate exceeded" }]
      : refused.length > 0
        ? [400, { __type: "ValidationException", Message: `${refused.length} validation error(s) detected: ${refused.join("; ")}` }]
        : handle(operation, input);
    if (operation === "StartQueryExecution" && status === 200) await present(queries.at(-1), "the query just started").script.effect?.();
    const answer = () => {
      res.writeHead(status, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": `req-${callCount}` });
      res.end(JSON.stringify(payload));
    };
    if (options.latencyMs) setTimeout(answer, options.latencyMs);
    else answer();
  };

  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => void respond(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    queries,
    get calls() {
      return calls;
    },
    reset() {
      queries.length = 0;
      calls = {};
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
