/** Runs the saved queries for a period on an engine, a bounded number at a time. */
import { mapLimit } from "../../core/concurrency";
import { QueryEngine } from "../../queries/engine";
import { DEFAULT_OPTIONS, Period, runSavedQuery, SAVED_QUERIES, SavedQuery, SavedQueryOptions } from "../../queries/saved";
import { QueryOutcome } from "./pages";

export async function runSavedQueries(
  engine: QueryEngine,
  period: Period,
  options: SavedQueryOptions = DEFAULT_OPTIONS,
  queries: readonly SavedQuery[] = SAVED_QUERIES,
  concurrency = 1,
  onDone?: (query: SavedQuery) => void,
): Promise<QueryOutcome[]> {
  return mapLimit(queries, concurrency, async (query) => {
    const outcome = { query, result: await runSavedQuery(engine, query, period, options) };
    onDone?.(query);
    return outcome;
  });
}
