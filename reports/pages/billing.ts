/**
 * The reports state the TB definition their costs follow, but the costs were written by the join.
 * This checks the two agree, from rows the reports already have (the heaviest queries: their bytes
 * and billed cost), so a page never claims one definition over costs computed with the other.
 */
import { TB_DEFINITIONS, TbDefinition, tbDefinitionsFor } from "../../core/cost";
import { SAVED, savedRows } from "../../queries/saved";
import type { QueryOutcome } from "./types";

/** The TB definitions the period's billed heaviest queries were costed with (empty when none was billed). */
export function tbDefinitionsInEvents(outcomes: readonly QueryOutcome[]): TbDefinition[] {
  const heaviest = outcomes.find((o) => o.query.name === SAVED.heaviest_queries.name);
  if (!heaviest) return [];
  const seen = savedRows(SAVED.heaviest_queries, heaviest.result).flatMap((row) =>
    row.state === "FAILED" || row.cost_usd === null ? [] : tbDefinitionsFor(row.data_scanned_bytes, row.cost_usd),
  );
  return [...new Set(seen)].sort();
}

/** Why the reports cannot say their costs follow `tb`, or undefined when nothing in the events contradicts it. */
export function billingMismatch(outcomes: readonly QueryOutcome[], tb: TbDefinition): string | undefined {
  const seen = tbDefinitionsInEvents(outcomes);
  const other = seen.find((d) => d !== tb);
  if (other === undefined) return undefined;
  if (seen.includes(tb))
    return (
      `some events in this period were costed in ${TB_DEFINITIONS[other].text}, others in ${TB_DEFINITIONS[tb].text}: ` +
      `join the period again with --tb ${tb}`
    );
  return (
    `the events in this period were costed in ${TB_DEFINITIONS[other].text}, not ${TB_DEFINITIONS[tb].text}: ` +
    `report with --tb ${other}, or join the period again with --tb ${tb}`
  );
}
