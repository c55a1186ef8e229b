/**
 * The audit's own Glue tables as Glue's JSON 1.1 API serves them (GetTable, UpdateTable), for the
 * local Athena/Glue server; the local Athena reads its tables from here (athena-catalog.ts). Seeded
 * from what the Pulumi program creates: a plan's CatalogTable inputs, or the specs pulumi/glue.ts
 * derives. As in Glue, each table has a VersionId (0 when created) that UpdateTable advances, and
 * an UpdateTable naming a stale VersionId fails with ConcurrentModificationException. UpdateTable
 * replaces the whole definition with its TableInput: whatever the caller leaves out is gone.
 */
import type { GlueTableSpec } from "../../pulumi/glue";
import type { Plan } from "../pulumi/plan";

type Operation = (input: Record<string, unknown>) => [number, unknown];

export interface GlueColumn {
  Name: string;
  Type?: string;
  Comment?: string;
}

/** A table in Glue's wire form (timestamps as epoch seconds). */
export interface GlueTable {
  Name: string;
  DatabaseName: string;
  Description?: string;
  TableType?: string;
  Parameters: Record<string, string>;
  PartitionKeys: GlueColumn[];
  StorageDescriptor: {
    Location: string;
    InputFormat?: string;
    OutputFormat?: string;
    Columns: GlueColumn[];
    SerdeInfo?: { SerializationLibrary?: string; Parameters?: Record<string, string> };
  };
  CreateTime: number;
  UpdateTime: number;
  VersionId: string;
  CatalogId: string;
}

/** TableInput's members (Glue API reference): anything else in a TableInput is not Glue's. */
const TABLE_INPUT = new Set([
  "Name",
  "Description",
  "Owner",
  "LastAccessTime",
  "LastAnalyzedTime",
  "Retention",
  "StorageDescriptor",
  "PartitionKeys",
  "ViewOriginalText",
  "ViewExpandedText",
  "TableType",
  "Parameters",
  "TargetTable",
  "FederatedTable",
  "ViewDefinition",
]);

const error = (type: string, message: string): [number, unknown] => [400, { __type: type, Message: message }];

export class LocalGlueTables {
  private readonly tables = new Map<string, GlueTable>();
  /** Every successful UpdateTable: database, table, and the parameters it set. */
  readonly updates: { database: string; name: string; parameters: Record<string, string> }[] = [];

  constructor(
    readonly account = "123456789012",
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Replaces the catalog's tables with these (a fresh deployment). */
  load(tables: Omit<GlueTable, "CreateTime" | "UpdateTime" | "VersionId" | "CatalogId">[]): this {
    this.tables.clear();
    this.updates.length = 0;
    const at = this.now().getTime() / 1000;
    for (const t of tables)
      this.tables.set(`${t.DatabaseName}.${t.Name}`, { ...t, CreateTime: at, UpdateTime: at, VersionId: "0", CatalogId: this.account });
    return this;
  }

  /** The tables a Pulumi plan creates, from its CatalogTable inputs (with the EXTERNAL flag it adds). */
  loadPlan(plan: Plan): this {
    return this.load(
      plan.resources
        .filter((r) => r.type === "aws:glue/catalogTable:CatalogTable")
        .map((r) => {
          const i = r.inputs as {
            name: string;
            databaseName: string;
            description?: string;
            tableType?: string;
            parameters: Record<string, string>;
            partitionKeys: { name: string; type?: string; comment?: string }[];
            storageDescriptor: {
              location: string;
              inputFormat: string;
              outputFormat: string;
              columns: { name: string; type?: string; comment?: string }[];
              serDeInfo?: { serializationLibrary?: string; parameters?: Record<string, string> };
            };
          };
          const column = (c: { name: string; type?: string; comment?: string }): GlueColumn => ({
            Name: c.name,
            Type: c.type,
            Comment: c.comment,
          });
          return {
            Name: i.name,
            DatabaseName: i.databaseName,
            Description: i.description,
            TableType: i.tableType,
            Parameters: i.parameters,
            PartitionKeys: i.partitionKeys.map(column),
            StorageDescriptor: {
              Location: i.storageDescriptor.location,
              InputFormat: i.storageDescriptor.inputFormat,
              OutputFormat: i.storageDescriptor.outputFormat,
              Columns: i.storageDescriptor.columns.map(column),
              SerdeInfo: {
                SerializationLibrary: i.storageDescriptor.serDeInfo?.serializationLibrary,
                Parameters: i.storageDescriptor.serDeInfo?.parameters,
              },
            },
          };
        }),
    );
  }

  /** The tables pulumi/glue.ts specifies, as the catalog component creates them. */
  loadSpecs(database: string, specs: GlueTableSpec[]): this {
    return this.load(
      specs.map((s) => ({
        Name: s.name,
        DatabaseName: database,
        Description: s.description,
        TableType: "EXTERNAL_TABLE",
        Parameters: { ...s.parameters, EXTERNAL: "TRUE" },
        PartitionKeys: s.partitionKeys.map((c) => ({ Name: c.name, Type: c.type, Comment: c.comment })),
        StorageDescriptor: {
          Location: s.location,
          InputFormat: s.inputFormat,
          OutputFormat: s.outputFormat,
          Columns: s.columns.map((c) => ({ Name: c.name, Type: c.type, Comment: c.comment })),
          SerdeInfo: { SerializationLibrary: s.serde.library, Parameters: s.serde.parameters },
        },
      })),
    );
  }

  table(database: string, name: string): GlueTable | undefined {
    return this.tables.get(`${database}.${name.toLowerCase()}`);
  }

  /** Sets parameters by hand, as someone in the console would (VersionId advances). */
  edit(database: string, name: string, parameters: Record<string, string>): void {
    const table = this.table(database, name);
    if (!table) throw new Error(`no table ${database}.${name}`);
    table.Parameters = { ...table.Parameters, ...parameters };
    table.VersionId = String(Number(table.VersionId) + 1);
  }

  operations(): Record<string, Operation> {
    return {
      "AWSGlue.GetTable": (input) => {
        const table = this.table(String(input.DatabaseName), String(input.Name));
        if (!table) return error("EntityNotFoundException", `Table ${String(input.Name)} not found.`);
        return [
          200,
          { Table: { ...table, CreatedBy: `arn:aws:iam::${this.account}:user/deployer`, IsRegisteredWithLakeFormation: false } },
        ];
      },
      "AWSGlue.UpdateTable": (input) => {
        const database = String(input.DatabaseName);
        const tableInput = (input.TableInput ?? {}) as Record<string, unknown>;
        const name = typeof tableInput.Name === "string" ? tableInput.Name : "";
        const table = this.table(database, name);
        if (!table) return error("EntityNotFoundException", `Table ${name} not found.`);
        const foreign = Object.keys(tableInput).filter((k) => !TABLE_INPUT.has(k));
        if (foreign.length > 0) return error("ValidationException", `TableInput has unknown members: ${foreign.join(", ")}`);
        if (input.VersionId !== undefined && input.VersionId !== table.VersionId)
          return error("ConcurrentModificationException", "Update table failed due to concurrent modifications.");
        const replaced = {
          ...(tableInput as Partial<GlueTable>),
          Parameters: (tableInput.Parameters ?? {}) as Record<string, string>,
          PartitionKeys: (tableInput.PartitionKeys ?? []) as GlueColumn[],
          StorageDescriptor: tableInput.StorageDescriptor as GlueTable["StorageDescriptor"],
          Name: table.Name,
          DatabaseName: table.DatabaseName,
          CreateTime: table.CreateTime,
          UpdateTime: this.now().getTime() / 1000,
          VersionId: String(Number(table.VersionId) + 1),
          CatalogId: table.CatalogId,
        };
        this.tables.set(`${database}.${table.Name}`, replaced);
        this.updates.push({ database, name: table.Name, parameters: replaced.Parameters });
        return [200, {}];
      },
    };
  }
}
