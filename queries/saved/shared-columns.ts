/** Columns several saved queries return, declared once so their names and comments agree. */

export const principal = { name: "principal", type: "varchar", comment: "caller ARN, or (unattributed)" } as const;
export const queries = { name: "queries", type: "bigint" } as const;
export const bytes = { name: "data_scanned_bytes", type: "bigint" } as const;
export const cost = { name: "cost_usd", type: "double" } as const;
export const rank = { name: "rank", type: "bigint" } as const;
export const iamPrincipal = { name: "iam_principal_arn", type: "varchar", nullable: true } as const;
export const account = {
  name: "account_id",
  type: "varchar",
  comment: "the account whose Athena ran the queries; (unknown) if none said",
} as const;
/** The short and the long window of the usage reports. */
export const shortAndLong = [
  { name: "queries_short", type: "bigint" },
  { name: "data_scanned_bytes_short", type: "bigint" },
  { name: "cost_usd_short", type: "double" },
  { name: "queries_long", type: "bigint" },
  { name: "data_scanned_bytes_long", type: "bigint" },
  { name: "cost_usd_long", type: "double" },
] as const;
