/**
 * The Mermaid channel: text inside a chart's quoted string (a title, an axis label). Mermaid has no
 * escape inside a string; it reads the whole chart first for directives (`%%{init: …}%%`, anywhere,
 * even inside a label) and comments (`%%` at a line's start), and a `"` ends the string, a newline
 * the statement, a backquote the Markdown fence around the chart. Its own way to write a character is
 * an entity code, `#35;` for `#`, which it turns into `&#35;` in the drawn SVG. So every character
 * that means something to Mermaid, to its entity decoding or to the fence is written as its code,
 * and the reader sees exactly the text. Invisibles are shown (`[U+202E]`), white space is one space.
 */
import { oneLine, visible } from "../../core/output/visible";

/**
 * What Mermaid would read in a quoted string: the quote that ends it, `%` (directives and comments
 * start `%%`), a backquote (a Markdown string, or the fence around the chart), and `#` where it starts
 * an entity code (`#35;`). A `:` only matters in a line Mermaid takes for a style (its entity
 * decoding first trims the `;` of `style …:…#…;`), so it is coded only where `style` or `classDef` appears.
 * `<`, `>` and `&` are coded too: Mermaid sanitizes its SVG as HTML, and drops what reads as a tag or
 * a comment. Everything else is drawn as written; coding only these keeps a
 * label's measured width near its drawn width, which Mermaid uses to decide whether labels fit at all.
 */
const MEANINGFUL = /["%`<>&]|#(?=\w+;)/g;

function code(character: string): string {
  return `#${character.charCodeAt(0)};`;
}

/** How long Mermaid takes the text to be when it sizes a label: each coded character as its code (`ﬂ°°60¶ß`, 7). */
export function mermaidLength(text: string): number {
  return text.length + (text.match(MEANINGFUL) ?? []).length * 6;
}

/** The text as a quoted Mermaid string that draws exactly that text, on one line, at most `max` characters before encoding. */
export function mermaidString(text: string, max = 200): string {
  const line = oneLine(visible(text), max);
  const coded = line.replace(MEANINGFUL, code);
  return `"${/style|classDef/.test(coded) ? coded.replace(/:/g, code) : coded}"`;
}
