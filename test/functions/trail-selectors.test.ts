/**
 * What a trail records, from its event selectors: hand-worked examples, the first four taken from
 * the AWS CLI's documented examples (aws/aws-cli awscli/examples/cloudtrail/get-event-selectors.rst
 * and put-event-selectors.rst), the rest built to the CloudTrail API reference's rules.
 */
import * as zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { interpretSelectors, Recording, s3Scope } from "../../functions/grants/trail-selectors";
import { trailRow, trailRows, trailsObject } from "../../functions/grants/trail-rows";

const recording = (r: Partial<Recording>): Recording => ({
  selectorKind: "basic",
  managementEvents: "all",
  excludedSources: [],
  s3Read: [],
  s3Write: [],
  notes: [],
  ...r,
});

describe("basic event selectors", () => {
  it("get-event-selectors' example: all management events, no data events", () => {
    const answer = { EventSelectors: [{ IncludeManagementEvents: true, DataResources: [], ReadWriteType: "All" }] };
    expect(interpretSelectors(answer)).toEqual(recording({}));
  });

  it("put-event-selectors example 2: all management events, two bucket prefixes read and written, a Lambda function ignored", () => {
    const answer = {
      EventSelectors: [
        {
          IncludeManagementEvents: true,
          DataResources: [
            { Values: ["arn:aws:s3:::mybucket/prefix", "arn:aws:s3:::mybucket2/prefix2"], Type: "AWS::S3::Object" },
            { Values: ["arn:aws:lambda:us-west-2:123456789012:function:hello-world-python-function"], Type: "AWS::Lambda::Function" },
          ],
          ReadWriteType: "All",
        },
      ],
    };
    const both = ["mybucket/prefix", "mybucket2/prefix2"];
    expect(interpretSelectors(answer)).toEqual(recording({ s3Read: both, s3Write: both }));
  });

  it("put-event-selectors example 3: `arn:aws:s3` is every bucket", () => {
    const answer = {
      EventSelectors: [
        {
          IncludeManagementEvents: true,
          DataResources: [
            { Values: ["arn:aws:s3"], Type: "AWS::S3::Object" },
            { Values: ["arn:aws:lambda"], Type: "AWS::Lambda::Function" },
          ],
          ReadWriteType: "All",
        },
      ],
    };
    expect(interpretSelectors(answer)).toEqual(recording({ s3Read: ["*"], s3Write: ["*"] }));
  });

  it("write-only management events with KMS excluded; a second, data-only selector records reads of one bucket", () => {
    const answer = {
      EventSelectors: [
        { ReadWriteType: "WriteOnly", IncludeManagementEvents: true, ExcludeManagementEventSources: ["kms.amazonaws.com"] },
        {
          ReadWriteType: "ReadOnly",
          IncludeManagementEvents: false,
          DataResources: [{ Type: "AWS::S3::Object", Values: ["arn:aws:s3:::lake/"] }],
        },
      ],
    };
    // Exclusions concern only selectors recording reads: none here.
    expect(interpretSelectors(answer)).toEqual(recording({ managementEvents: "write-only", s3Read: ["lake/"] }));
  });

  it("a source is excluded only when every selector recording reads excludes it", () => {
    const both = {
      EventSelectors: [
        { ReadWriteType: "ReadOnly", ExcludeManagementEventSources: ["kms.amazonaws.com", "rdsdata.amazonaws.com"] },
        { ReadWriteType: "All", ExcludeManagementEventSources: ["rdsdata.amazonaws.com"] },
      ],
    };
    expect(interpretSelectors(both)).toEqual(recording({ excludedSources: ["rdsdata.amazonaws.com"] }));
  });

  it("an unknown ReadWriteType counts for nothing and is noted", () => {
    const answer = { EventSelectors: [{ ReadWriteType: "Sometimes", IncludeManagementEvents: true }] };
    expect(interpretSelectors(answer)).toEqual(
      recording({ managementEvents: "none", notes: ['event selector 1: ReadWriteType "Sometimes" not understood'] }),
    );
  });
});

describe("advanced event selectors", () => {
  it("put-event-selectors example 1: all management events; S3 writes of every bucket but one; no S3 reads", () => {
    const answer = {
      AdvancedEventSelectors: [
        { Name: "Log all management events", FieldSelectors: [{ Field: "eventCategory", Equals: ["Management"] }] },
        {
          Name: "Log PutObject and DeleteObject events for all but one bucket",
          FieldSelectors: [
            { Field: "eventCategory", Equals: ["Data"] },
            { Field: "resources.type", Equals: ["AWS::S3::Object"] },
            { Field: "eventName", Equals: ["PutObject", "DeleteObject"] },
            { Field: "resources.ARN", NotStartsWith: ["arn:aws:s3:::sample_bucket_name/"] },
          ],
        },
        {
          Name: "Log data events for a specific Lambda function",
          FieldSelectors: [
            { Field: "eventCategory", Equals: ["Data"] },
            { Field: "resources.type", Equals: ["AWS::Lambda::Function"] },
            { Field: "resources.ARN", Equals: ["arn:aws:lambda:us-east-1:123456789012:function:myFunction"] },
          ],
        },
      ],
    };
    expect(interpretSelectors(answer)).toEqual(recording({ selectorKind: "advanced", s3Write: ["* except sample_bucket_name/"] }));
  });

  it("the stack's own selectors with lake reads on: management events kept, GetObject of the lake buckets", () => {
    const answer = {
      AdvancedEventSelectors: [
        { Name: "management", FieldSelectors: [{ Field: "eventCategory", Equals: ["Management"] }] },
        {
          Name: "lake reads",
          FieldSelectors: [
            { Field: "eventCategory", Equals: ["Data"] },
            { Field: "resources.type", Equals: ["AWS::S3::Object"] },
            { Field: "readOnly", Equals: ["true"] },
            { Field: "resources.ARN", StartsWith: ["arn:aws:s3:::northwind-lake/", "arn:aws:s3:::northwind-marketing-lake/"] },
          ],
        },
      ],
    };
    expect(interpretSelectors(answer)).toEqual(
      recording({ selectorKind: "advanced", s3Read: ["northwind-lake/", "northwind-marketing-lake/"] }),
    );
  });

  it("write-only management events: the Glue reads another engine makes are not recorded", () => {
    const answer = {
      AdvancedEventSelectors: [
        {
          FieldSelectors: [
            { Field: "eventCategory", Equals: ["Management"] },
            { Field: "readOnly", Equals: ["false"] },
          ],
        },
      ],
    };
    expect(interpretSelectors(answer)).toEqual(recording({ selectorKind: "advanced", managementEvents: "write-only" }));
  });

  it("read management events without KMS and Glue's sources", () => {
    const answer = {
      AdvancedEventSelectors: [
        {
          FieldSelectors: [
            { Field: "eventCategory", Equals: ["Management"] },
            { Field: "eventSource", NotEquals: ["kms.amazonaws.com", "glue.amazonaws.com"] },
          ],
        },
      ],
    };
    expect(interpretSelectors(answer)).toEqual(
      recording({ selectorKind: "advanced", excludedSources: ["glue.amazonaws.com", "kms.amazonaws.com"] }),
    );
  });

  it("a management selector narrowed by a field it does not understand is not counted (never 'records everything')", () => {
    const answer = {
      AdvancedEventSelectors: [
        {
          Name: "only one role",
          FieldSelectors: [
            { Field: "eventCategory", Equals: ["Management"] },
            { Field: "userIdentity.arn", Equals: ["arn:aws:iam::123456789012:role/admin"] },
          ],
        },
      ],
    };
    const read = interpretSelectors(answer);
    expect(read.managementEvents).toBe("none");
    expect(read.notes).toEqual(['advanced selector "only one role": management events narrowed by userIdentity.arn, not counted']);
  });

  it("GetObject named by eventName is a read; an exact object ARN is its own scope", () => {
    const answer = {
      AdvancedEventSelectors: [
        {
          FieldSelectors: [
            { Field: "eventCategory", Equals: ["Data"] },
            { Field: "resources.type", Equals: ["AWS::S3::Object"] },
            { Field: "eventName", Equals: ["GetObject"] },
            { Field: "resources.ARN", Equals: ["arn:aws:s3:::lake/finance/ledger/part-0.parquet"] },
          ],
        },
      ],
    };
    expect(interpretSelectors(answer)).toEqual(
      recording({ selectorKind: "advanced", managementEvents: "none", s3Read: ["lake/finance/ledger/part-0.parquet"] }),
    );
  });
});

describe("what is read of a trail", () => {
  it("no selectors at all is recorded as nothing, with a note", () => {
    expect(interpretSelectors({})).toEqual(recording({ managementEvents: "none", notes: ["GetEventSelectors returned no selectors"] }));
  });

  it("reads S3 data resource ARNs of every partition, and only S3's", () => {
    expect(["arn:aws:s3", "arn:aws:s3:::", "arn:aws-cn:s3:::b/p/", "arn:aws:lambda"].map(s3Scope)).toEqual(["*", "*", "b/p/", undefined]);
  });

  it("a trail whose selectors could not be read has a note and no recording, never 'all'", () => {
    const row = trailRow(
      {
        trail: { TrailARN: "arn:aws:cloudtrail:us-east-1:1:trail/t", HomeRegion: "us-east-1", S3BucketName: "b" },
        problems: ["GetEventSelectors: AccessDenied"],
      },
      { bucket: "b", prefix: "" },
    );
    expect(row).toMatchObject({
      management_events: null,
      selector_kind: null,
      logging: null,
      delivers_to_lake: true,
      note: "GetEventSelectors: AccessDenied",
    });
  });

  it("delivers into the lake only for the lake's bucket and prefix (slashes aside)", () => {
    const trail = { TrailARN: "t", S3BucketName: "trail-bucket", S3KeyPrefix: "org-trail" };
    const at = (bucket: string, prefix: string) => trailRow({ trail, problems: [] }, { bucket, prefix }).delivers_to_lake;
    expect([
      at("trail-bucket", "org-trail/"),
      at("trail-bucket", ""),
      at("other", "org-trail"),
      trailRow({ trail, problems: [] }, undefined).delivers_to_lake,
    ]).toEqual([true, false, false, null]);
  });

  it("an account that sees no trail gets one row saying so; the object is JSON lines", () => {
    const rows = trailRows([], undefined, "eu-west-1");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      trail_arn: "",
      management_events: "none",
      note: "DescribeTrails in eu-west-1 listed no trail: nothing is recorded",
    });
    const lines = zlib.gunzipSync(trailsObject(rows)).toString().trim().split("\n");
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(rows);
  });
});
