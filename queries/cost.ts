/**
 * Athena's price for one query: $5 per TB (2^40 bytes) scanned, billed per MB with a 10 MB minimum;
 * DDL and queries that scan nothing are free.
 */
export const USD_PER_TB = 5;
const MB = 1024 ** 2;

export function queryCostUsd(bytesScanned: number, statementType?: string): number {
  if (statementType === "DDL" || bytesScanned <= 0) return 0;
  const megabytes = Math.max(Math.ceil(bytesScanned / MB), 10);
  return (megabytes * USD_PER_TB) / MB;
}
