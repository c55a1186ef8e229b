/** The demo organisation's Glue catalog as Glue's JSON 1.1 API answers it, for the local Athena/Glue server. */
import { LAKE_BUCKET } from "../../generator/iam";
import { DATABASES } from "../../generator/org";

type Operation = (input: Record<string, unknown>) => [number, unknown];

export function orgGlueOperations(): Record<string, Operation> {
  return {
    "AWSGlue.GetDatabases": () => [200, { DatabaseList: Object.keys(DATABASES).map((Name) => ({ Name })) }],
    "AWSGlue.GetTables": (input) => {
      const database = String(input.DatabaseName);
      const tables = DATABASES[database];
      if (!tables) return [400, { __type: "EntityNotFoundException", Message: `Database ${database} not found.` }];
      const TableList = tables.map((Name) => ({
        Name,
        StorageDescriptor: { Location: `s3://${LAKE_BUCKET}/${database}/${Name}/` },
      }));
      return [200, { TableList }];
    },
  };
}
