/** Bytes as the pages, issues and live alerts print them. */
import { defined } from "../checks";

/**
 * Binary multiples, named as what they are (IEC: 1 GiB = 2^30 bytes). Binary, because the default
 * billing unit is binary (1 TB = 2^40 bytes = 1 TiB, see core/cost.ts), so at the default a page's
 * `$5 x TiB` is its cost; the footnote names the TB the costs use when it is decimal.
 */
const UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];

/** Binary units with one decimal: 1536 -> `1.5 KiB`, 5 * 2^30 -> `5.0 GiB`. */
export function humanBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return "0 B";
  // Under one byte (a share of one) is shown in bytes too.
  let exponent = Math.max(0, Math.min(Math.floor(Math.log2(bytes) / 10), UNITS.length - 1));
  // Just under a unit rounds up to it: 2^40 - 1 bytes is `1.0 TiB`, not `1024.0 GiB`.
  if (exponent < UNITS.length - 1 && (bytes / 1024 ** exponent).toFixed(1) === "1024.0") exponent += 1;
  const scaled = bytes / 1024 ** exponent;
  return `${exponent === 0 ? scaled : scaled.toFixed(1)} ${defined(UNITS[exponent], `the unit of 1024^${exponent} bytes`)}`;
}
