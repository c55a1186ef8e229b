import { TB_DEFINITIONS } from "../../core/cost";
import { defineSavedQuery, Period, SavedQueryOptions } from "./query";
import { pricedWindow } from "./windows";

/**
 * How far the bill may stray from the audit's price and still match: a cent (Cost Explorer's amounts
 * are unrounded, an invoice is in cents) plus 0.5% (AWS may round usage per line item, not per query,
 * and a query running across midnight may be billed on the other day). Twenty times smaller than the
 * 9.95% between a binary and a decimal TB, so the unit that fits is never in doubt on a day that cost
 * more than about $0.20; below that both may fit (`either`).
 */
export const BILL_TOLERANCE = { usd: 0.01, ratio: 0.005 } as const;

/** The period, the price in the report's TB and in both definitions, and the tolerance: the SQL prices each day all ways. */
const reconciliation = (p: Period, o: SavedQueryOptions) => ({
  ...pricedWindow(p, o),
  binary_mb_bytes: TB_DEFINITIONS.binary.mbBytes,
  binary_tb_bytes: TB_DEFINITIONS.binary.tbBytes,
  decimal_mb_bytes: TB_DEFINITIONS.decimal.mbBytes,
  decimal_tb_bytes: TB_DEFINITIONS.decimal.tbBytes,
  tolerance_usd: BILL_TOLERANCE.usd,
  tolerance_ratio: BILL_TOLERANCE.ratio,
});

export const billReconciliation = defineSavedQuery({
  name: "bill_reconciliation",
  title: "Reconciliation with the bill",
  description: "Per day, the audit's cost against what Cost Explorer says AWS billed for Athena, and which TB definition fits.",
  parameters: reconciliation,
  columns: [
    { name: "day", type: "varchar" },
    { name: "audit_cost_usd", type: "double", comment: "the day's queries priced in the report's TB" },
    { name: "billed_cost_usd", type: "double", nullable: true, comment: "Cost Explorer's UnblendedCost for Athena; null without a bill" },
    { name: "difference_usd", type: "double", nullable: true, comment: "billed minus audit" },
    {
      name: "ratio",
      type: "double",
      nullable: true,
      comment: "billed over audit; about 1.0995 when the bill counts decimal TB and the report binary",
    },
    { name: "binary_cost_usd", type: "double", comment: "the day's billed queries priced with a 2^40-byte TB" },
    { name: "decimal_cost_usd", type: "double", comment: "the same priced with a 10^12-byte TB" },
    { name: "tb_fit", type: "varchar", nullable: true, values: ["binary", "decimal", "either", "neither"] },
    { name: "mismatch", type: "boolean", nullable: true, comment: "no TB definition explains the bill within the tolerance" },
    { name: "estimated", type: "boolean", nullable: true, comment: "Cost Explorer still estimates the day; null without a bill" },
    {
      name: "audit_regions",
      type: "varchar",
      nullable: true,
      comment: "regions of the day's events, comma-separated; null without events",
    },
    {
      name: "billed_usage_types",
      type: "varchar",
      nullable: true,
      comment: "the bill's usage types (region code first, e.g. USE1-DataScannedInTB), comma-separated; null without a bill",
    },
    {
      name: "unbilled_cost_usd",
      type: "double",
      comment: "the day's cost in accounts the bill does not cover (another account's Cost Explorer bills them); not compared",
    },
  ],
});
