/**
 * S3 as a caller with a role meets it: an IAM-aware front for s3rver. Each request is named by the
 * access key it was signed with, mapped to the IAM checks S3 makes (the action per operation, the
 * bucket or object ARN, `s3:prefix` for listings, SSE-KMS key use), simulated against the role's
 * policy and the bucket policy, and refused with 403 AccessDenied when AWS would refuse it. A read
 * of a missing key answers 403, not 404, when the caller may not list the bucket at that key: S3
 * does not tell a caller without `s3:ListBucket` whether a key exists. The harness's own key (S3RVER) is
 * neither checked nor recorded.
 */
import * as http from "node:http";
import { present } from "../defined";
import { s3KmsRequests } from "./on-behalf";
import { accessKeyOf, CallLog, forward, listen, readBody, Request } from "./recorder";
import { decide, PolicyDocument, Principal, resourcePolicyOf } from "./simulate";

export const HARNESS_KEY = "S3RVER";

export interface S3FrontOptions {
  /** The s3rver URL. */
  target: string;
  log: CallLog;
  /** Principals by access key id; filled in after the front starts (once the plan is known). */
  principals: Map<string, Principal>;
  partition?: string;
  bucketKeys?: Record<string, string>;
  bucketPolicies?: Record<string, PolicyDocument>;
  /** The account owning each bucket, when not the caller's: S3 then needs the bucket policy to allow too. */
  bucketAccounts?: Record<string, string>;
}

interface S3Call {
  operation: string;
  bucket: string;
  key?: string;
  requests: Request[];
}

const unescapeXml = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");

/** The S3 operation of a path-style request and the IAM checks S3 makes for it. */
export function s3Call(method: string, rawUrl: string, body: Buffer, partition = "aws", bucketKeys: Record<string, string> = {}): S3Call {
  const url = new URL(rawUrl, "http://s3.local");
  const [, bucket = "", ...rest] = url.pathname.split("/");
  const key = rest.length > 0 && rest.join("/") !== "" ? decodeURIComponent(rest.join("/")) : undefined;
  const q = url.searchParams;
  const bucketArn = `arn:${partition}:s3:::${bucket}`;
  const objectArn = (k: string) => `${bucketArn}/${k}`;
  let operation: string;
  let requests: Request[];
  const one = (action: string, resource: string, context?: Record<string, string>): Request => ({
    action,
    resource,
    context,
    call: `S3 ${operation} s3://${bucket}/${key ?? context?.["s3:prefix"] ?? ""}`,
  });
  if (key === undefined) {
    if (method === "GET" && q.has("location")) [operation, requests] = ["GetBucketLocation", []];
    else if (method === "GET") [operation, requests] = ["ListObjectsV2", []];
    else if (method === "POST" && q.has("delete")) [operation, requests] = ["DeleteObjects", []];
    else [operation, requests] = [`${method} bucket`, []];
    if (operation === "GetBucketLocation") requests = [one("s3:GetBucketLocation", bucketArn)];
    if (operation === "ListObjectsV2") requests = [one("s3:ListBucket", bucketArn, { "s3:prefix": q.get("prefix") ?? "" })];
    if (operation === "DeleteObjects") {
      // DeleteObjects is authorized per key, as s3:DeleteObject.
      const keys = [...body.toString("utf8").matchAll(/<Key>([^<]*)<\/Key>/g)].map(([, listed]) => unescapeXml(present(listed, "a <Key>")));
      requests = keys.map((k) => ({ action: "s3:DeleteObject", resource: objectArn(k), call: `S3 DeleteObjects s3://${bucket}/${k}` }));
    }
    if (requests.length === 0 && operation !== "DeleteObjects")
      throw new Error(`the IAM contract does not know S3 ${method} ${url.pathname}${url.search}`);
    return { operation, bucket, requests };
  }
  if (method === "HEAD") operation = "HeadObject";
  else if (method === "GET") operation = "GetObject";
  else if (method === "PUT" && q.has("uploadId")) operation = "UploadPart";
  else if (method === "PUT") operation = "PutObject";
  else if (method === "POST" && q.has("uploads")) operation = "CreateMultipartUpload";
  else if (method === "POST" && q.has("uploadId")) operation = "CompleteMultipartUpload";
  else if (method === "DELETE" && q.has("uploadId")) operation = "AbortMultipartUpload";
  else if (method === "DELETE") operation = "DeleteObject";
  else throw new Error(`the IAM contract does not know S3 ${method} ${url.pathname}${url.search}`);
  const action = {
    HeadObject: "s3:GetObject",
    GetObject: "s3:GetObject",
    PutObject: "s3:PutObject",
    UploadPart: "s3:PutObject",
    CreateMultipartUpload: "s3:PutObject",
    CompleteMultipartUpload: "s3:PutObject",
    AbortMultipartUpload: "s3:AbortMultipartUpload",
    DeleteObject: "s3:DeleteObject",
  }[operation] as string;
  const direct = one(action, objectArn(key));
  return { operation, bucket, key, requests: [direct, ...s3KmsRequests({ bucketKeys }, operation, bucket, direct.call)] };
}

function accessDenied(res: http.ServerResponse, method: string, message: string): void {
  res.writeHead(403, { "content-type": "application/xml", "x-amz-request-id": "local-denied" });
  res.end(
    method === "HEAD"
      ? undefined
      : '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code>' +
          `<Message>${message.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</Message><RequestId>local-denied</RequestId></Error>`,
  );
}

export async function startS3Front(options: S3FrontOptions) {
  const partition = options.partition ?? "aws";
  const server = http.createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const accessKeyId = accessKeyOf(req.headers);
      // s3rver knows one key; it does not check SigV4 signatures, so the caller's key is swapped for it.
      const headers = {
        ...req.headers,
        authorization: (req.headers.authorization ?? "").replace(/Credential=[^/]+\//, `Credential=${HARNESS_KEY}/`),
      };
      if (accessKeyId === HARNESS_KEY) {
        const answer = await forward(options.target, req, body, headers);
        res.writeHead(answer.status, answer.headers);
        return res.end(answer.body);
      }
      const principal = options.principals.get(accessKeyId);
      let call: S3Call;
      try {
        if (!principal) throw new Error(`unknown access key ${accessKeyId}`);
        call = s3Call(req.method ?? "GET", req.url ?? "/", body, partition, options.bucketKeys);
      } catch (error) {
        options.log.record({
          principal: accessKeyId,
          service: "s3",
          operation: `${req.method ?? "GET"} ${req.url ?? "/"}`,
          requests: [],
          denied: (error as Error).message,
        });
        accessDenied(res, req.method ?? "GET", (error as Error).message);
        return;
      }
      const requests = call.requests.map((r) => ({ ...r, principal: accessKeyId }));
      const record = (denied?: string) =>
        options.log.record({ principal: accessKeyId, service: "s3", operation: call.operation, requests, denied });
      for (const request of requests) {
        const decision = await decide(
          principal,
          request,
          resourcePolicyOf(request.resource, principal.account, options.bucketPolicies ?? {}, options.bucketAccounts),
        );
        if (!decision.allowed) {
          const message =
            `User: ${principal.arn} is not authorized to perform: ${request.action} ` +
            `on resource: ${request.resource} (${decision.reason})`;
          record(message);
          accessDenied(res, req.method ?? "GET", message);
          return;
        }
      }
      const answer = await forward(options.target, req, body, headers);
      if (answer.status === 404 && (call.operation === "GetObject" || call.operation === "HeadObject")) {
        const bucketArn = `arn:${partition}:s3:::${call.bucket}`;
        // S3 asks as for a listing of the key itself (`s3:prefix` = the key), so a role that may list
        // only its own prefix learns "not there" within it, and nowhere else (Ceph RGW does the same
        // to match AWS: ceph/ceph#68577).
        const list = await decide(
          principal,
          { action: "s3:ListBucket", resource: bucketArn, context: { "s3:prefix": call.key ?? "" } },
          resourcePolicyOf(bucketArn, principal.account, options.bucketPolicies ?? {}, options.bucketAccounts),
        );
        if (!list.allowed) {
          const message = `${call.operation} of a missing key s3://${call.bucket}/${call.key ?? ""} without s3:ListBucket on the bucket: S3 answers 403, not 404`;
          record(message);
          accessDenied(res, req.method ?? "GET", "Access Denied");
          return;
        }
      }
      record();
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    })();
  });
  return listen(server);
}
