/** A Lambda logger (functions/runtime/log.ts) that keeps its records, for tests to read the steps a handler logged. */
import { LogFields, Logger } from "../../functions/runtime/log";

export type CapturedLog = Logger & { records: (LogFields & { step: string; level: string })[] };

export function captureLog(): CapturedLog {
  const records: CapturedLog["records"] = [];
  return {
    records,
    info: (step, fields) => records.push({ level: "INFO", step, ...fields }),
    error: (step, fields) => records.push({ level: "ERROR", step, ...fields }),
  };
}
