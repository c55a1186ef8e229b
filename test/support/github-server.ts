/**
 * A local server answering the GitHub REST endpoints the issue sync uses: list issues (by state and
 * label, paginated with Link headers), create, update, comment. Faults can be queued per request.
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
      const fault = faults.findIndex((f) => !f.method || f.method === req.method);
      if (fault >= 0) {
        const [f] = faults.splice(fault, 1);
        send(f.status, { message: f.status === 403 ? "API rate limit exceeded" : "Server Error" }, f.headers);
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
      if (req.method === "POST" && url.pathname === base) {
        const token = (req.headers.authorization ?? "").replace(/^(token|bearer) /i, "");
        const created: FakeIssue = {
          author: logins[token] ?? ACTIONS_BOT_LOGIN,
          number: issues.length + 1,
          title: String(body.title),
          body: typeof body.body === "string" ? body.body : "",
          state: "open",
          labels: (body.labels as string[]) ?? [],
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
        send(200, view(issue));
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
