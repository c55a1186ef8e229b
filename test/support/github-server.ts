/**
 * A local server answering the GitHub REST endpoints the issue sync uses: list issues (by state and
 * label, paginated with Link headers), create, update, comment, add and remove an issue's labels.
 * It refuses what GitHub refuses: a title over 256 characters or a label name over 50 (422), a
 * label list that is not one (422), removing a label the issue does not carry (404). Faults can be
 * queued per request.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  state_reason?: string;
  labels: string[];
  comments: string[];
  pull_request?: object;
  /** Who opened it (the token's login, see `logins`); the workflow's bot when not set. */
  author?: string;
}

/** The login GitHub gives the workflow's GITHUB_TOKEN. */
export const ACTIONS_BOT_LOGIN = "github-actions[bot]";

export interface GitHubServer {
  url: string;
  issues: FakeIssue[];
  requests: string[];
  /** The Authorization header of each request, in the same order: who made it. */
  authorizations: string[];
  /** Answer the next matching requests with this status and headers instead. */
  fail(times: number, status: number, headers?: Record<string, string>, method?: string): void;
  close(): Promise<void>;
}

/** How a sync reaches this server in tests: its repository, a bot's token, no dry run, quick retries. */
export function localSyncOptions(server: GitHubServer, log: (line: string) => void = () => undefined, token = "ghs_local") {
  return { owner: "northwind", repo: "data-platform", token, baseUrl: server.url, dryRun: false, maxNew: 10, log, retryBaseMs: 1 };
}

/**
 * `logins`: the login each token acts as (`Authorization: token <t>`); any other token is the
 * workflow's bot. Titles over 256 characters are refused with 422, as GitHub does.
 */
export async function startGitHubServer(
  owner: string,
  repo: string,
  pageSize = 2,
  logins: Record<string, string> = {},
): Promise<GitHubServer> {
  const issues: FakeIssue[] = [];
  const requests: string[] = [];
  const authorizations: string[] = [];
  const faults: { status: number; headers: Record<string, string>; method?: string }[] = [];
  const base = `/repos/${owner}/${repo}/issues`;
  const view = (i: FakeIssue) => ({
    ...i,
    labels: i.labels.map((name) => ({ name })),
    comments: i.comments.length,
    html_url: `https://github.com/${owner}/${repo}/issues/${i.number}`,
    user: { login: i.author ?? ACTIONS_BOT_LOGIN, type: (i.author ?? ACTIONS_BOT_LOGIN).endsWith("[bot]") ? "Bot" : "User" },
  });
  const tooLong = (title: unknown) => typeof title === "string" && Array.from(title).length > 256;
  /** The label names of a request (names, or objects with a name), or GitHub's refusal of them. */
  const labelNames = (labels: unknown): string[] | { refusal: object } => {
    const names = Array.isArray(labels)
      ? labels.map((l: unknown) => (typeof l === "object" && l !== null && "name" in l ? l.name : l))
      : undefined;
    if (!names?.every((n): n is string => typeof n === "string"))
      return { refusal: { message: "Invalid request.\n\nFor 'links/0/schema', labels is not an array of label names." } };
    const long = names.find((n) => Array.from(n).length > 50);
    if (long === undefined) return [...new Set(names)];
    return { refusal: { message: "Validation Failed", errors: [{ value: long, resource: "Label", field: "name", code: "invalid" }] } };
  };
  const labelsView = (i: FakeIssue) => i.labels.map((name) => ({ name }));

  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString()));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      requests.push(`${req.method ?? "GET"} ${url.pathname}${url.search}`);
      authorizations.push(req.headers.authorization ?? "");
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify(payload));
      };
      const faultAt = faults.findIndex((f) => !f.method || f.method === req.method);
      const [fault] = faultAt >= 0 ? faults.splice(faultAt, 1) : [];
      if (fault) {
        send(fault.status, { message: fault.status === 403 ? "API rate limit exceeded" : "Server Error" }, fault.headers);
        return;
      }
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      const number = Number(/\/issues\/(\d+)/.exec(url.pathname)?.[1]);
      const issue = issues.find((i) => i.number === number);
      if (req.method === "GET" && url.pathname === base) {
        const label = url.searchParams.get("labels");
        const state = url.searchParams.get("state") ?? "open";
        const matching = issues.filter((i) => (state === "all" || i.state === state) && (!label || i.labels.includes(label)));
        const page = Number(url.searchParams.get("page") ?? 1);
        const size = Math.min(pageSize, Number(url.searchParams.get("per_page") ?? 30));
        const slice = matching.slice((page - 1) * size, page * size);
        const next: Record<string, string> =
          page * size < matching.length
            ? {
                link: `<http://${req.headers.host ?? "127.0.0.1"}${base}?${new URLSearchParams({ ...Object.fromEntries(url.searchParams), page: String(page + 1) }).toString()}>; rel="next"`,
              }
            : {};
        send(200, slice.map(view), next);
        return;
      }
      if ((req.method === "POST" || req.method === "PATCH") && tooLong(body.title)) {
        send(422, {
          message: "Validation Failed",
          errors: [{ resource: "Issue", code: "custom", field: "title", message: "title is too long (maximum is 256 characters)" }],
        });
        return;
      }
      // Create and update take `labels` when given; adding takes them too, or a bare list as its body.
      const adding = req.method === "POST" && url.pathname.endsWith("/labels");
      const given = adding && Array.isArray(body) ? body : body.labels;
      const labels = adding || ((req.method === "POST" || req.method === "PATCH") && given !== undefined) ? labelNames(given) : [];
      if (!Array.isArray(labels)) {
        send(422, labels.refusal);
        return;
      }
      if (req.method === "POST" && url.pathname === base) {
        const token = (req.headers.authorization ?? "").replace(/^(token|bearer) /i, "");
        const created: FakeIssue = {
          author: logins[token] ?? ACTIONS_BOT_LOGIN,
          number: issues.length + 1,
          title: String(body.title),
          body: typeof body.body === "string" ? body.body : "",
          state: "open",
          labels,
          comments: [],
        };
        issues.push(created);
        send(201, view(created));
        return;
      }
      if (!issue) {
        send(404, { message: "Not Found" });
        return;
      }
      if (req.method === "PATCH" && url.pathname === `${base}/${number}`) {
        Object.assign(
          issue,
          Object.fromEntries(Object.entries(body).filter(([k]) => ["title", "body", "state", "state_reason"].includes(k))),
        );
        // The labels given replace the issue's own.
        if (given !== undefined) issue.labels = labels;
        send(200, view(issue));
        return;
      }
      if (adding && url.pathname === `${base}/${number}/labels`) {
        issue.labels = [...new Set([...issue.labels, ...labels])];
        send(200, labelsView(issue));
        return;
      }
      const removing = /\/labels\/([^/]+)$/.exec(url.pathname)?.[1];
      if (req.method === "DELETE" && removing !== undefined && url.pathname === `${base}/${number}/labels/${removing}`) {
        const name = decodeURIComponent(removing);
        if (!issue.labels.includes(name)) {
          send(404, { message: "Label does not exist" });
          return;
        }
        issue.labels = issue.labels.filter((l) => l !== name);
        send(200, labelsView(issue));
        return;
      }
      if (req.method === "POST" && url.pathname === `${base}/${number}/comments`) {
        issue.comments.push(String(body.body));
        send(201, { id: issue.comments.length, body: body.body });
        return;
      }
      send(404, { message: "Not Found" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    issues,
    requests,
    authorizations,
    fail: (times, status, headers = {}, method) => {
      for (let i = 0; i < times; i++) faults.push({ status, headers, method });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
