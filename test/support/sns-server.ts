/**
 * A local HTTP server speaking SNS's query protocol (POST /, a form with `Action=Publish`), for
 * pointing a client at with AWS_ENDPOINT_URL_SNS. Requests are checked against botocore's model
 * (PublishInput) and refused as SNS refuses them: a topic it does not have, a message over 262,144
 * bytes, a subject empty, of 100 characters or more, or with line breaks or control characters
 * (SNS's documentation: "less than 100 characters long"), and a request not signed with Signature
 * V4 for `sns` in the server's region (the signature is computed again and compared).
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { botocoreModel, shapeProblems } from "./botocore-model";

const model = botocoreModel("sns");

export interface Published {
  topicArn: string;
  subject?: string;
  message: string;
}

export interface SnsServer {
  url: string;
  published: Published[];
  /** Requests refused, with SNS's error code and message. */
  refused: { code: string; message: string }[];
  close(): Promise<void>;
}

const xml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** What is wrong with the request's Signature V4 for `service` (empty when it is right); the secret is the test's. */
export async function signatureProblems(
  req: http.IncomingMessage,
  body: string,
  service: string,
  region: string,
  secret = "S3RVER",
): Promise<string[]> {
  const auth = req.headers.authorization ?? "";
  const scope = /Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth);
  if (!scope) return [`not a Signature V4 authorization: ${auth.slice(0, 80)}`];
  const [, accessKeyId = "", , scopeRegion = "", scopeService = "", signedHeaders = ""] = scope;
  if (scopeService !== service) return [`signed for ${scopeService}, not ${service}`];
  if (scopeRegion !== region) return [`signed for ${scopeRegion}, not ${region}`];
  const headers: Record<string, string> = {};
  for (const name of signedHeaders.split(";")) headers[name] = String(req.headers[name] ?? "");
  const url = new URL(req.url ?? "/", `http://${req.headers.host ?? ""}`);
  const amzDate = String(req.headers["x-amz-date"]);
  const signingDate = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13)}`,
  );
  const signer = new SignatureV4({
    service,
    region,
    credentials: { accessKeyId, secretAccessKey: secret },
    sha256: Sha256,
  });
  const again = await signer.sign(
    {
      method: req.method ?? "POST",
      protocol: "http:",
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      headers,
      body,
      query: {},
    },
    { signingDate, unsignableHeaders: new Set(), signableHeaders: new Set(signedHeaders.split(";")) },
  );
  return again.headers.authorization === auth ? [] : ["the signature does not match the request"];
}

export async function startSnsServer(options: { topics: string[]; region?: string }): Promise<SnsServer> {
  const region = options.region ?? "us-east-1";
  const published: Published[] = [];
  const refused: SnsServer["refused"] = [];
  let count = 0;
  const answer = (res: http.ServerResponse, status: number, code: string, message: string) => {
    refused.push({ code, message });
    res.writeHead(status, { "content-type": "text/xml" });
    res.end(
      `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code>` +
        `<Message>${xml(message)}</Message></Error><RequestId>req-${count}</RequestId></ErrorResponse>`,
    );
  };
  const respond = async (req: http.IncomingMessage, res: http.ServerResponse, body: string) => {
    count++;
    const signature = await signatureProblems(req, body, "sns", region);
    if (signature.length > 0) {
      answer(res, 403, "SignatureDoesNotMatch", signature.join("; "));
      return;
    }
    const form = Object.fromEntries(new URLSearchParams(body));
    const { Action: action, Version: version, ...input } = form;
    if (action !== "Publish") {
      answer(res, 400, "InvalidAction", `${String(action)} is not valid for this web service`);
      return;
    }
    if (version !== "2010-03-31") {
      answer(res, 400, "InvalidParameterValue", `version ${String(version)} unknown`);
      return;
    }
    const problems = shapeProblems(model, "PublishInput", input);
    if (problems.length > 0) {
      answer(res, 400, "ValidationError", problems.join("; "));
      return;
    }
    const message = input.Message ?? "";
    const subject = input.Subject;
    if (!input.TopicArn || !options.topics.includes(input.TopicArn)) {
      answer(res, 404, "NotFound", "Topic does not exist");
      return;
    }
    if (Buffer.byteLength(message) > 262_144) {
      answer(res, 400, "InvalidParameter", "Invalid parameter: Message too long");
      return;
    }
    if (message === "") {
      answer(res, 400, "InvalidParameter", "Invalid parameter: Empty message");
      return;
    }
    if (subject !== undefined) {
      if (subject === "" || Array.from(subject).length >= 100 || /\p{Cc}/u.test(subject)) {
        answer(res, 400, "InvalidParameter", "Invalid parameter: Subject");
        return;
      }
    }
    published.push({ topicArn: input.TopicArn, subject, message });
    res.writeHead(200, { "content-type": "text/xml" });
    res.end(
      `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-${published.length}</MessageId>` +
        `</PublishResult><ResponseMetadata><RequestId>req-${count}</RequestId></ResponseMetadata></PublishResponse>`,
    );
  };
  const server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => void respond(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    published,
    refused,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
