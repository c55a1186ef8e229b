/** The Glue database and tables, derived from the single table definition; Athena's own work group and the saved queries. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { TbDefinition } from "../../core/cost";
import { namedQuerySql, SAVED_QUERIES } from "../../queries/saved";
import { GlueTableSpec, KEPT_BY_PROGRAM, parameterPath } from "../glue";
import { TableName } from "../../queries/schema/tables";
import { PRODUCT } from "../../core/names";

export interface AuditCatalogArgs {
  databaseName: string;
  /** Each table's spec, by name (known before the spec resolves: resource options cannot wait for it). */
  tables: { name: TableName; spec: pulumi.Input<GlueTableSpec> }[];
  workGroupName: string;
  resultsLocation: pulumi.Input<string>;
  kmsKeyArn?: string;
  bytesScannedCutoff: number;
  /** The TB the named queries' costs are written in: the stack's billingTb, as the reports price. */
  tb: TbDefinition;
}

export class AuditCatalog extends pulumi.ComponentResource {
  readonly databaseName: pulumi.Output<string>;
  readonly workGroupName: pulumi.Output<string>;

  constructor(name: string, args: AuditCatalogArgs, opts?: pulumi.ComponentResourceOptions) {
    super(`${PRODUCT}:catalog:AuditCatalog`, name, {}, opts);
    const database = new aws.glue.CatalogDatabase(name, { name: args.databaseName, description: "Athena usage audit" }, { parent: this });
    args.tables.forEach((table, i) => {
      const spec = pulumi.output(table.spec);
      new aws.glue.CatalogTable(
        `${name}-table-${i}`,
        {
          databaseName: database.name,
          name: spec.name,
          description: spec.description,
          tableType: "EXTERNAL_TABLE",
          parameters: spec.parameters.apply((p) => ({ ...p, EXTERNAL: "TRUE" })),
          partitionKeys: spec.partitionKeys,
          storageDescriptor: {
            location: spec.location,
            inputFormat: spec.inputFormat,
            outputFormat: spec.outputFormat,
            columns: spec.columns,
            serDeInfo: { serializationLibrary: spec.serde.library, parameters: spec.serde.parameters },
          },
        },
        { parent: this, ignoreChanges: (KEPT_BY_PROGRAM[table.name] ?? []).map(parameterPath) },
      );
    });
    const workGroup = new aws.athena.Workgroup(
      name,
      {
        name: args.workGroupName,
        description: `${PRODUCT}'s own queries: the daily join and the reports`,
        forceDestroy: true,
        configuration: {
          enforceWorkgroupConfiguration: true,
          publishCloudwatchMetricsEnabled: true,
          bytesScannedCutoffPerQuery: args.bytesScannedCutoff,
          resultConfiguration: {
            outputLocation: args.resultsLocation,
            encryptionConfiguration: args.kmsKeyArn
              ? { encryptionOption: "SSE_KMS", kmsKeyArn: args.kmsKeyArn }
              : { encryptionOption: "SSE_S3" },
          },
        },
      },
      { parent: this },
    );
    for (const query of SAVED_QUERIES) {
      new aws.athena.NamedQuery(
        `${name}-${query.name}`,
        {
          name: `${PRODUCT} ${query.title}`,
          description: query.description,
          database: database.name,
          workgroup: workGroup.name,
          query: namedQuerySql(query, args.tb),
        },
        { parent: this },
      );
    }
    this.databaseName = database.name;
    this.workGroupName = workGroup.name;
    this.registerOutputs({ databaseName: this.databaseName, workGroupName: this.workGroupName });
  }
}
