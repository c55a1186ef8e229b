/**
 * The audit's errors, in one place. Each names what was wrong and where (key, file, line, query id)
 * so a user can act on it without reading the code.
 */
import { PRODUCT } from "./names";

export class AuditError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input a user or caller gave that the audit cannot use (a day, a flag, a config key). */
export class InputError extends AuditError {}

/** A stack setting the program cannot use; the message starts with the full config key (`athena-audit:…`). */
export class ConfigError extends InputError {
  constructor(key: string, problem: string) {
    super(`${key.includes(":") ? key : `${PRODUCT}:${key}`} ${problem}`);
  }
}

/** The lake (local folder or bucket layout) is missing or unreadable as a whole. */
export class LakeError extends AuditError {}

/** A query ended in FAILED or CANCELLED, or the engine rejected it. */
export class QueryFailedError extends AuditError {
  constructor(
    message: string,
    readonly queryId?: string,
    options?: { cause?: unknown },
  ) {
    super(queryId ? `${message} (query ${queryId})` : message, options);
  }
}

/** A query ran past its time limit; the engine asked Athena to stop it. */
export class QueryTimeoutError extends QueryFailedError {}
