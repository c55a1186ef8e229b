/**
 * Realistic QueryExecutions for the history collector's tests: the generator's simulated org,
 * relative to a fixed "now", grouped by work group in the API's wire form.
 */
import { toQueryExecution } from "../../generator/executions";
import { Random } from "../../generator/random";
import { simulateDay } from "../../generator/simulate";
import { addDays, dayOf } from "../../core/days";
import { toWire } from "./athena-history";

export interface Expected {
  id: string;
  workGroup: string;
  day: string;
  state: string;
  finished: boolean;
  crossesMidnight: boolean;
}

export function executionsUntil(now: Date, days: number, seed: number, extraWorkGroups: string[] = []) {
  const rng = new Random(seed);
  const workGroups: Record<string, Record<string, unknown>[]> = Object.fromEntries(extraWorkGroups.map((w) => [w, []]));
  const expected: Expected[] = [];
  const today = dayOf(now);
  for (let d = days; d >= 0; d--) {
    const day = addDays(today, -d);
    for (const q of simulateDay({ day, region: "us-east-1" }, rng).queries) {
      if (q.submittedAt > now) continue;
      const execution = toQueryExecution(q, "results-bucket");
      // Queries started in the last half hour are still running when the collector looks.
      const finished = now.getTime() - q.submittedAt.getTime() > 30 * 60_000;
      if (!finished) {
        (execution.Status as Record<string, unknown>).State = "RUNNING";
        delete (execution.Status as Record<string, unknown>).CompletionDateTime;
      }
      (workGroups[q.workGroup] ??= []).push(toWire(execution));
      expected.push({
        id: q.id,
        workGroup: q.workGroup,
        day: dayOf(q.submittedAt),
        state: q.state,
        finished,
        crossesMidnight: q.midnightCrossing,
      });
    }
  }
  return { workGroups, expected };
}
