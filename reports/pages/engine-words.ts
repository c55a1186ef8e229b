/**
 * Engines in words, as the access table names them (queries/sql/access_join.sql): for the access
 * and permission-gap pages, and for the anomaly findings' sentences on pages and in issues.
 */
import { markdownText } from "./format";

/** The access table's engine names in words. */
const ENGINE_NAMES: Record<string, string> = {
  athena: "Athena",
  "glue-etl": "Glue ETL",
  emr: "EMR",
  "redshift-spectrum": "Redshift Spectrum",
  sagemaker: "SageMaker",
  "lake-formation": "Lake Formation credentials (engine unknown)",
  "other-service": "another AWS service",
  cli: "AWS CLI",
  sdk: "AWS SDK",
  console: "console",
  unknown: "unknown client",
};

/** An engine in words, as Markdown; a name the table does not know, escaped as it is. */
export function engineName(engine: string): string {
  return ENGINE_NAMES[engine] ?? markdownText(engine, 100);
}

/** Comma-separated engines (as the saved queries list them) in words, as plain text for the caller to escape. */
export function engineWords(engines: string): string {
  return engines
    .split(", ")
    .map((engine) => ENGINE_NAMES[engine] ?? engine)
    .join(", ");
}
