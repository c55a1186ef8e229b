/**
 * The one wrapper every Lambda handler uses: a logger per invocation, and a failure logged once
 * (with its reason) and thrown again, so Lambda's retries, alarms and failure queue see it.
 */
import * as logging from "./log";

/** What a handler reads of Lambda's context: the time it has left before Lambda stops it. */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

export function lambdaHandler<E, R>(
  service: string,
  work: (event: E, log: logging.Logger, context?: LambdaContext) => Promise<R>,
): (event: E, context?: LambdaContext) => Promise<R> {
  return async (event: E, context?: LambdaContext) => {
    const log = logging.jsonLogger(service);
    try {
      return await work(event, log, context);
    } catch (error) {
      log.error("failed", { reason: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  };
}
