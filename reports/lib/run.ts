/** Runs the saved queries for a period on an engine, a bounded number at a time. */
import { QueryEngine } from "../../queries/engine";
import { DEFAULT_OPTIONS, Period, SAVED_QUERIES, SavedQuery, SavedQueryOptions, savedQuerySql } from "../../queries/saved";
import { QueryOutcome } from "./pages";

export async function runSavedQueries(
  engine: QueryEngine,
  period: Period,
  options: SavedQueryOptions = DEFAULT_OPTIONS,
  queries: readonly SavedQuery[] = SAVED_QUERIES,
  concurrency = 1,
  onDone?: (query: SavedQuery) => void,
): Promise<QueryOutcome[]> {
  const outcomes: QueryOutcome[] = new Array(queries.length);
  let next = 0;
  const worker = async () => {
    while (next < queries.length) {
      const i = next++;
      const query = queries[i];
      outcomes[i] = { query, result: await engine.run(savedQuerySql(query), query.parameters(period, options)) };
      onDone?.(query);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, queries.length)) }, worker));
  return outcomes;
}
