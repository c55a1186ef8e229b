/**
 * The one wrapper every Lambda handler uses: a logger per invocation, and a failure logged once
 * (with its reason) and thrown again, so Lambda's retries, alarms and failure queue see it.
 */
import * as logging from "./log";

export function lambdaHandler<E, R>(service: string, work: (event: E, log: logging.Logger) => Promise<R>): (event: E) => Promise<R> {
  return async (event: E) => {
    const log = logging.jsonLogger(service);
    try {
      return await work(event, log);
    } catch (error) {
      log.error("failed", { reason: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  };
}
