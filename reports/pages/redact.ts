/** The rule lives in core/ since the live alerts (functions/) redact query text too. */
export { redactSql } from "../../core/redact";
