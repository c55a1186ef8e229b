// Runs inside the headless browser page that test/support/browser.ts opens, after marked (GFM to
// HTML) and Mermaid have been loaded from node_modules. Plain browser JavaScript, outside the
// TypeScript project: its compiler options have no DOM types, and adding them would change the
// types of every Node file (setTimeout, fetch). browser.ts holds the types of what it returns.
/* global document, window, getComputedStyle, marked, mermaid -- a browser page, with the two libraries browser.ts loads */
"use strict";

(() => {
  let renders = 0;

  mermaid.initialize({ startOnLoad: false, securityLevel: "strict", suppressErrorRendering: true, theme: "default" });

  const round = (n) => Math.round(n * 10) / 10;
  const oneLine = (text, max) => {
    const line = text.replace(/\s+/g, " ").trim();
    return line.length > max ? `${line.slice(0, max - 1)}…` : line;
  };
  const intersect = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;

  /** Axis labels (text in a `g.label` group: xychart's tick labels) drawn over one another. */
  function overlappingLabels(svg) {
    const pairs = [];
    for (const group of svg.querySelectorAll("g.label")) {
      const texts = [...group.querySelectorAll("text")].map((t) => ({ text: t.textContent ?? "", box: t.getBoundingClientRect() }));
      for (let i = 0; i < texts.length; i++) {
        for (let j = i + 1; j < texts.length; j++) {
          if (intersect(texts[i].box, texts[j].box)) pairs.push(`${texts[i].text} / ${texts[j].text}`);
        }
      }
    }
    return pairs;
  }

  /** Every `mermaid` code block replaced by what Mermaid draws of it, or by its error. */
  async function renderMermaid(article) {
    const results = [];
    const blocks = [...article.querySelectorAll("pre > code.language-mermaid")];
    for (const [index, code] of blocks.entries()) {
      const source = code.textContent ?? "";
      const view = document.createElement("div");
      view.className = "mermaid-view";
      code.parentElement.replaceWith(view);
      const result = { block: index + 1, source, width: 0, height: 0, labels: [], bars: 0, lines: 0, overlappingLabels: [] };
      try {
        const { svg } = await mermaid.render(`mermaid-${++renders}`, source);
        view.innerHTML = svg;
        const drawn = view.querySelector("svg");
        const box = drawn.getBoundingClientRect();
        Object.assign(result, {
          width: round(box.width),
          height: round(box.height),
          labels: [...drawn.querySelectorAll("g.label text")].map((t) => t.textContent ?? ""),
          bars: drawn.querySelectorAll("g[class^='bar-plot'] rect").length,
          lines: drawn.querySelectorAll("g[class^='line-plot'] path").length,
          overlappingLabels: overlappingLabels(drawn),
        });
      } catch (error) {
        result.error = String(error instanceof Error ? error.message : error);
        view.textContent = `Mermaid error: ${result.error}`;
      }
      results.push(result);
    }
    return results;
  }

  /** What an element holds, in a few words: a table's headers, a code block's first line, a chart's title. */
  function describe(element) {
    if (element.tagName === "TABLE") return oneLine([...element.querySelectorAll("thead th")].map((th) => th.textContent).join(" | "), 100);
    if (element.tagName === "PRE") return oneLine((element.textContent ?? "").split("\n")[0], 100);
    const title = element.querySelector("svg .chart-title, svg title");
    return oneLine(title?.textContent ?? element.textContent ?? "", 100);
  }

  function kind(element, counters) {
    const name =
      element.tagName === "TABLE"
        ? "table"
        : element.tagName === "PRE"
          ? "code block"
          : element.classList.contains("mermaid-view")
            ? "mermaid"
            : element.tagName.toLowerCase();
    counters.set(name, (counters.get(name) ?? 0) + 1);
    return name;
  }

  /**
   * Where a reader scrolls sideways: an element that scrolls inside itself (GitHub's stylesheet gives
   * tables and code blocks `overflow: auto`), or one that reaches past the content box and so widens the page.
   */
  function overflows(article) {
    const content = article.getBoundingClientRect().right - parseFloat(getComputedStyle(article).paddingRight);
    const found = [];
    const nodes = [];
    const counters = new Map();
    const ordinal = new Map([...article.querySelectorAll("table, pre, div.mermaid-view")].map((e) => [e, 0]));
    for (const element of ordinal.keys()) {
      const name = kind(element, counters);
      ordinal.set(element, `${name} ${counters.get(name)}`);
    }
    for (const element of article.querySelectorAll("*")) {
      if (nodes.some((n) => n.contains(element))) continue;
      const scrolls = ["auto", "scroll"].includes(getComputedStyle(element).overflowX) && element.scrollWidth > element.clientWidth + 1;
      const sticksOut = element.getBoundingClientRect().right > content + 1;
      if (!scrolls && !sticksOut) continue;
      // Something inside a table, code block or chart that sticks out is reported as that block.
      const node = scrolls ? element : (element.closest("table, pre, div.mermaid-view") ?? element);
      const box = element.getBoundingClientRect();
      const entry = {
        element: ordinal.get(node) ?? node.tagName.toLowerCase(),
        detail: describe(node),
        width: round(scrolls ? element.scrollWidth : box.right - node.getBoundingClientRect().left),
        visible: round(scrolls ? element.clientWidth : content - node.getBoundingClientRect().left),
      };
      if (node.tagName === "TABLE") {
        entry.columns = [...node.querySelectorAll("thead th")]
          .map((th) => ({ header: oneLine(th.textContent ?? "", 40), width: round(th.getBoundingClientRect().width) }))
          .sort((a, b) => b.width - a.width);
      }
      nodes.push(node);
      found.push(entry);
    }
    return found;
  }

  window.githubPage = {
    /** Renders GFM into the page's article and reports what GitHub's reader would meet. */
    async render(markdown) {
      const article = document.querySelector("article.markdown-body");
      window.scrollTo(0, 0);
      article.innerHTML = marked.parse(markdown, { gfm: true, async: false });
      const charts = await renderMermaid(article);
      // An image settles (drawn, or failed: browser.ts refuses every request) before the page is measured.
      const settled = (img) =>
        new Promise((done) => {
          img.addEventListener("load", done);
          img.addEventListener("error", done);
        });
      await Promise.all([...article.querySelectorAll("img")].filter((img) => !img.complete).map(settled));
      await document.fonts.ready;
      const root = document.documentElement;
      const found = overflows(article);
      return {
        mermaid: charts,
        overflows: found,
        scrollsHorizontally: root.scrollWidth > root.clientWidth || found.length > 0,
      };
    },
  };
})();
