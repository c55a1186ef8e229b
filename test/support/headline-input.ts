/** The index headline's input for a period with nothing in it, for tests that add the one part they check. */
import { Period } from "../../queries/saved";
import { coverageSummary } from "../../reports/pages/data-coverage-page";
import { HeadlineInput } from "../../reports/pages/headline";

export function quietHeadlineInput(period: Period): HeadlineInput {
  return { period, cost: 0, scanners: [], tables: [], shapes: [], unfinished: [], gaps: [], coverage: coverageSummary([]) };
}
