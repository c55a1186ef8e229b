/**
 * Athena's history API over a fixed set of executions, for the local server: ListWorkGroups,
 * ListQueryExecutions (newest first, optionally only roughly) and BatchGetQueryExecution (with a
 * share of ids left unprocessed). Timestamps go on the wire as epoch seconds, as AWS JSON 1.1 does.
 */
import { Random } from "../../generator/random";

export interface HistoryDataset {
  /** Executions per work group, in the wire form (timestamps as epoch seconds). */
  workGroups: Record<string, Record<string, unknown>[]>;
  /** Share of BatchGetQueryExecution ids answered as unprocessed. */
  unprocessedShare?: number;
  /** Listing order disturbed by swapping neighbours (still roughly newest first). */
  roughOrder?: boolean;
  listPageSize?: number;
  workGroupPageSize?: number;
  seed?: number;
}

/** A QueryExecution (timestamps as Date or ISO) in AWS JSON 1.1's wire form. */
export function toWire(execution: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(execution, function (this: Record<string, unknown>, key, value: unknown) {
      const raw = this[key];
      return raw instanceof Date ? raw.getTime() / 1000 : value;
    }),
  ) as Record<string, unknown>;
}

function submitted(e: Record<string, unknown>): number {
  return (e.Status as { SubmissionDateTime: number }).SubmissionDateTime;
}

export function historyOperations(data: HistoryDataset): Record<string, (input: Record<string, unknown>) => [number, unknown]> {
  const rng = new Random(data.seed ?? 1);
  const byId = new Map<string, Record<string, unknown>>();
  const listings: Record<string, string[]> = {};
  for (const [name, executions] of Object.entries(data.workGroups)) {
    const ordered = [...executions].sort((a, b) => submitted(b) - submitted(a));
    if (data.roughOrder) {
      // Neighbours swapped at random, two by two.
      for (let i = 0; i + 1 < ordered.length; i += 2) if (rng.chance(0.5)) ordered.splice(i, 2, ...ordered.slice(i, i + 2).reverse());
    }
    listings[name] = ordered.map((e) => String(e.QueryExecutionId));
    for (const e of executions) byId.set(String(e.QueryExecutionId), e);
  }
  const page = <T>(items: T[], input: Record<string, unknown>, size: number) => {
    const start = input.NextToken ? Number(input.NextToken) : 0;
    const n = Math.min(size, Number(input.MaxResults ?? size));
    return { items: items.slice(start, start + n), next: start + n < items.length ? String(start + n) : undefined };
  };
  return {
    ListWorkGroups: (input) => {
      const { items, next } = page(Object.keys(data.workGroups).sort(), input, data.workGroupPageSize ?? 50);
      return [200, { WorkGroups: items.map((Name) => ({ Name, State: "ENABLED" })), NextToken: next }];
    },
    ListQueryExecutions: (input) => {
      const listing = listings[typeof input.WorkGroup === "string" ? input.WorkGroup : "primary"];
      if (!listing) return [400, { __type: "InvalidRequestException", Message: `WorkGroup ${String(input.WorkGroup)} is not found.` }];
      const { items, next } = page(listing, input, data.listPageSize ?? 50);
      return [200, { QueryExecutionIds: items, NextToken: next }];
    },
    BatchGetQueryExecution: (input) => {
      const ids = input.QueryExecutionIds as string[];
      if (ids.length > 50) return [400, { __type: "InvalidRequestException", Message: "QueryExecutionIds: at most 50" }];
      const executions: unknown[] = [];
      const unprocessed: unknown[] = [];
      for (const id of ids) {
        if (rng.chance(data.unprocessedShare ?? 0))
          unprocessed.push({ QueryExecutionId: id, ErrorCode: "ThrottlingException", ErrorMessage: "Rate exceeded" });
        else if (byId.has(id)) executions.push(byId.get(id));
      }
      return [200, { QueryExecutions: executions, UnprocessedQueryExecutionIds: unprocessed }];
    },
  };
}
