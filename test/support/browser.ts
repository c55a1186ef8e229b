/**
 * Markdown pages as GitHub shows them, in a headless browser: Debian's Chromium driven by
 * playwright-core, GitHub Flavored Markdown turned into HTML by marked, styled by GitHub's Markdown
 * stylesheet (github-markdown-css) at GitHub's content width, and every `mermaid` block drawn by the
 * real Mermaid library. Everything is read from node_modules: the page is written in place (no
 * server, no file URL) and every request it makes is refused and reported, so nothing reaches the
 * network. One browser and one page per view; pages are rendered one after another into it.
 *
 * Chromium: `/usr/bin/chromium` (`apt-get install chromium`; .ci/run installs it), or CHROMIUM_PATH.
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { Browser, chromium, Page } from "playwright-core";
import { CHROMIUM_MISSING, chromiumFile } from "./render-tools";

/** The width GitHub gives a Markdown file's content, px. */
export const GITHUB_CONTENT_WIDTH = 1012;
/** White space around the content in screenshots, px (not part of the content width). */
const MARGIN = 16;

export interface MermaidResult {
  /** 1-based, in page order. */
  block: number;
  source: string;
  /** Mermaid's parse or render error; absent when it drew the chart. */
  error?: string;
  /** The drawn SVG's size on the page, px. */
  width: number;
  height: number;
  /** The axis labels drawn (an xychart's categories and value ticks). */
  labels: string[];
  /** How many bars, and how many lines. */
  bars: number;
  lines: number;
  /** Axis labels drawn over one another, as `label / label`. */
  overlappingLabels: string[];
}

export interface Overflow {
  /** `table 2`, `code block 1`, `mermaid 1` (counted in page order), or the tag of another element. */
  element: string;
  /** What it holds: a table's headers, a code block's first line, a chart's title. */
  detail: string;
  /** Its full width, and the width the reader sees without scrolling, px. */
  width: number;
  visible: number;
  /** A table's columns (header and width, px), widest first. */
  columns?: { header: string; width: number }[];
}

export interface RenderedPage {
  mermaid: MermaidResult[];
  /** Mermaid's errors, as `block n: message`. */
  mermaidErrors: string[];
  /** The elements that make the reader scroll sideways: inside themselves (GitHub's tables and code blocks) or the whole page. */
  overflows: Overflow[];
  scrollsHorizontally: boolean;
  /** Requests the page tried to make; all refused. */
  requests: string[];
  /** Uncaught exceptions and console errors in the page while it rendered. */
  pageErrors: string[];
}

export interface GithubView {
  /** Renders a Markdown page; `screenshot`: a PNG of the whole page is written there. */
  render(markdown: string, options?: { screenshot?: string }): Promise<RenderedPage>;
  close(): Promise<void>;
}

/** Chromium's path, or an error that says how to install it (tests that need it skip first: render-tools.ts). */
export function chromiumPath(): string {
  if (CHROMIUM_MISSING)
    throw new Error(`${CHROMIUM_MISSING}: install Debian's (apt-get install chromium fonts-liberation) or set CHROMIUM_PATH`);
  return chromiumFile();
}

const requireHere = createRequire(__filename);

/** A file of an installed package, by the package's folder (their `exports` hide these paths). */
function packageFile(name: string, file: string): string {
  return path.join(path.dirname(requireHere.resolve(`${name}/package.json`)), file);
}

const PAGE_SCRIPT = path.join(__dirname, "github-page.js");

export async function openGithubView(options: { width?: number } = {}): Promise<GithubView> {
  const width = options.width ?? GITHUB_CONTENT_WIDTH;
  const browser: Browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  try {
    const context = await browser.newContext({ viewport: { width: width + 2 * MARGIN, height: 600 }, deviceScaleFactor: 1, offline: true });
    const requests: string[] = [];
    const pageErrors: string[] = [];
    await context.route("**/*", (route) => {
      requests.push(route.request().url());
      return route.abort();
    });
    const page: Page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") pageErrors.push(message.text());
    });
    await page.setContent(
      '<!doctype html><html lang="en"><head><meta charset="utf-8"></head><body><article class="markdown-body"></article></body></html>',
    );
    await page.addStyleTag({ path: packageFile("github-markdown-css", "github-markdown-light.css") });
    await page.addStyleTag({
      content: `body { margin: 0; background: #ffffff; }
        .markdown-body { box-sizing: content-box; width: ${width}px; padding: ${MARGIN}px; }
        .mermaid-view { margin-bottom: 16px; text-align: center; }`,
    });
    await page.addScriptTag({ path: packageFile("marked", "lib/marked.umd.js") });
    await page.addScriptTag({ path: packageFile("mermaid", "dist/mermaid.min.js") });
    await page.addScriptTag({ path: PAGE_SCRIPT });
    return {
      async render(markdown, renderOptions = {}) {
        requests.length = 0;
        pageErrors.length = 0;
        // The page's own script (github-page.js) computes these; a string, since the compiler has no DOM types.
        const result = await page.evaluate<Pick<RenderedPage, "mermaid" | "overflows" | "scrollsHorizontally">>(
          `window.githubPage.render(${JSON.stringify(markdown)})`,
        );
        if (renderOptions.screenshot) {
          fs.mkdirSync(path.dirname(renderOptions.screenshot), { recursive: true });
          await page.screenshot({ path: renderOptions.screenshot, fullPage: true });
        }
        return {
          ...result,
          mermaidErrors: result.mermaid.filter((m) => m.error !== undefined).map((m) => `block ${m.block}: ${m.error ?? ""}`),
          requests: [...requests],
          pageErrors: [...pageErrors],
        };
      },
      close: () => browser.close(),
    };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
