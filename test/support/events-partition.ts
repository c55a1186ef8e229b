/** The rows a join wrote to an events partition in the bucket, read back through DuckDB from the Parquet objects. */
import * as fs from "node:fs";
import * as path from "node:path";
import { eventsPartitionPrefix } from "../../core/layout";
import { DuckDbEngine } from "../../queries/duckdb/engine";
import { Row } from "../../queries/engine";
import { sqlString } from "../../queries/duckdb/views";
import { tempDir } from "./lake";
import { LocalS3 } from "./s3";

/** `columns` of the partition's rows ordered by query id (no rows when it holds no object). */
export async function eventsPartitionRows(s3: LocalS3, duck: DuckDbEngine, day: string, region: string, columns = "*"): Promise<Row[]> {
  const folder = tempDir("events-read");
  try {
    const files: string[] = [];
    for (const key of await s3.keys(eventsPartitionPrefix(day, region))) {
      const file = path.join(folder, `${files.length}.parquet`);
      fs.writeFileSync(file, await s3.bytes(key));
      files.push(file);
    }
    if (files.length === 0) return [];
    const result = await duck.run(`SELECT ${columns} FROM read_parquet([${files.map(sqlString).join(", ")}]) ORDER BY query_execution_id`);
    return result.rows;
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}
