/**
 * The statements the product sends to Athena for the saved queries: each run through the real
 * AthenaEngine against the local Athena, which answers every query SUCCEEDED with no rows. What it
 * receives is Athena's positional form (`?` markers, ExecutionParameters as literal texts); bound
 * again, it is the SQL Athena would plan.
 */
import * as athena from "@aws-sdk/client-athena";
import { AthenaEngine } from "../../queries/athena/engine";
import { LITERALS_AND_COMMENTS } from "../../queries/parameters";
import { DEFAULT_OPTIONS, Period, runSavedQuery, SAVED_QUERIES, SavedQuery, SavedQueryOptions } from "../../queries/saved";
import { startAthenaServer } from "./athena-server";
import { at } from "./defined";

export interface SentStatement {
  /** The saved query's name. */
  query: string;
  /** The SQL with each `?` replaced by the literal sent for it. */
  sql: string;
}

/** Positional SQL with its ExecutionParameters put back where the markers stand (outside literals and comments). */
export function boundStatement(sql: string, parameters: readonly string[] = []): string {
  let n = 0;
  const text = sql.replace(new RegExp(`${LITERALS_AND_COMMENTS}|\\?`, "g"), (m) => (m === "?" ? at(parameters, n++, "a parameter") : m));
  if (n !== parameters.length) throw new Error(`the SQL has ${n} markers, ${parameters.length} parameters were sent`);
  return text;
}

/** Each saved query's statement for a period, as the Athena engine sends it. */
export async function sentStatements(
  period: Period,
  options: SavedQueryOptions = DEFAULT_OPTIONS,
  queries: readonly SavedQuery[] = SAVED_QUERIES,
): Promise<SentStatement[]> {
  const server = await startAthenaServer({});
  // The client points at the local Athena directly, so nothing in the process's environment changes.
  const client = new athena.AthenaClient({
    endpoint: server.url,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const engine = new AthenaEngine({ workGroup: "athena-audit", database: "athena_audit", client, pollMs: 1, maxPollMs: 2 });
  try {
    const sent: SentStatement[] = [];
    for (const query of queries) {
      await runSavedQuery(engine, query, period, options);
      const received = at(server.queries, -1, `the statement of ${query.name}`);
      sent.push({ query: query.name, sql: boundStatement(received.sql, received.parameters) });
    }
    if (server.queries.length !== queries.length)
      throw new Error(`${queries.length} saved queries sent ${server.queries.length} statements`);
    return sent;
  } finally {
    await engine.close();
    await server.close();
  }
}
