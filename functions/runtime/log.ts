/** Structured logs: one JSON line per step, with its counts, for CloudWatch Logs Insights. */
export type LogFields = Record<string, unknown>;

export interface Logger {
  info(step: string, fields?: LogFields): void;
  error(step: string, fields?: LogFields): void;
}

export function jsonLogger(service: string, write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Logger {
  const emit = (level: string, step: string, fields: LogFields = {}) =>
    write(JSON.stringify({ level, service, step, time: new Date().toISOString(), ...fields }));
  return { info: (step, fields) => emit("INFO", step, fields), error: (step, fields) => emit("ERROR", step, fields) };
}

export const SILENT_LOGGER: Logger = { info: () => undefined, error: () => undefined };
