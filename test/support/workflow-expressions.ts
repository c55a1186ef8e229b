/**
 * GitHub Actions expressions (`${{ }}` and `if:`) for the local workflow runner: literals,
 * contexts, `.`/`[]` access, `==`, `!=`, `!`, `&&`, `||`, and the few functions the workflow uses.
 * Anything it does not know throws, so an expression it cannot evaluate never passes silently.
 */
export type Value = null | boolean | number | string | Value[] | { [key: string]: Value };
export type Contexts = Record<string, Value>;

const LENIENT = new WeakSet();
/** A context whose missing keys read as null, as GitHub's `vars`, `secrets`, `env` and outputs do. */
export function lenient<T extends object>(o: T): T {
  LENIENT.add(o);
  return o;
}

type Evaluator = (ctx: Contexts) => Value;
const TOKEN = /\s*(?:(\d+(?:\.\d+)?)|'((?:[^']|'')*)'|([A-Za-z_][A-Za-z0-9_-]*)|(==|!=|&&|\|\||[!()[\].,]))/y;

const truthy = (v: Value) => !(v === null || v === false || v === 0 || v === "" || Number.isNaN(v));
const isObject = (v: Value) => typeof v === "object" && v !== null;
/** GitHub's `==`: strings ignore case, objects by identity, anything else compared as numbers. */
function equals(a: Value, b: Value): boolean {
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
  if (isObject(a) || isObject(b)) return a === b;
  return Number(a ?? 0) === Number(b ?? 0);
}

function member(target: Value, key: string, where: string): Value {
  if (target === null) return null;
  if (typeof target !== "object") throw new Error(`${where}: cannot read "${key}" of ${JSON.stringify(target)}`);
  if (Object.prototype.hasOwnProperty.call(target, key)) return (target as Record<string, Value>)[key];
  if (LENIENT.has(target)) return null;
  throw new Error(`${where}: unknown property "${key}"`);
}

/** A value as text for a function or an index: a string as it is, anything else as its JSON. */
const textOf = (v: Value) => (typeof v === "string" ? v : JSON.stringify(v));

const FUNCTIONS = new Map<string, (...args: Value[]) => Value>([
  ["fromJSON", (s) => JSON.parse(textOf(s)) as Value],
  ["toJSON", (v) => JSON.stringify(v, null, 2)],
]);
/** Binary operators by precedence, loosest first; the right side is evaluated only when needed. */
const LEVELS = [
  new Map([["||", (a: Value, b: () => Value) => (truthy(a) ? a : b())]]),
  new Map([["&&", (a: Value, b: () => Value) => (truthy(a) ? b() : a)]]),
  new Map([
    ["==", (a: Value, b: () => Value) => equals(a, b())],
    ["!=", (a: Value, b: () => Value) => !equals(a, b())],
  ]),
];

/** Compiles one expression (the text between `${{` and `}}`, or an `if:`). */
export function compile(text: string): Evaluator {
  const fail = (why: string): never => {
    throw new Error(`expression "${text}": ${why}`);
  };
  const tokens: { kind: "num" | "str" | "id" | "op"; text: string }[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.trimEnd().length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text) ?? fail(`cannot read "${text.slice(at).trim()}"`);
    if (m[1] !== undefined) tokens.push({ kind: "num", text: m[1] });
    else if (m[2] !== undefined) tokens.push({ kind: "str", text: m[2].replace(/''/g, "'") });
    else tokens.push({ kind: m[3] !== undefined ? "id" : "op", text: m[3] ?? m[4] });
  }
  let i = 0;
  const isOp = (op: string) => tokens[i]?.kind === "op" && tokens[i].text === op;
  const expect = (op: string) => (isOp(op) ? i++ : fail(`expected "${op}" at token ${i}`));
  const primary = (): Evaluator => {
    const { kind, text: token } = tokens[i++] ?? fail("ends too early");
    if (kind === "num") return () => Number(token);
    if (kind === "str") return () => token;
    if (kind === "op" && token === "(") {
      const inner = level(0);
      expect(")");
      return inner;
    }
    if (kind !== "id") return fail(`unexpected "${token}"`);
    if (token === "true" || token === "false") return () => token === "true";
    if (token === "null") return () => null;
    if (isOp("(")) {
      const fn = FUNCTIONS.get(token) ?? fail(`unknown function ${token}()`);
      const args: Evaluator[] = [];
      for (i++; !isOp(")");) {
        args.push(level(0));
        if (!isOp(")")) expect(",");
      }
      i++;
      return (c) => fn(...args.map((a) => a(c)));
    }
    return (c) => (token in c ? c[token] : fail(`unknown context "${token}"`));
  };
  const postfix = (): Evaluator => {
    let value = primary();
    for (;;) {
      const target = value;
      if (isOp(".")) {
        i++;
        const key = tokens[i]?.kind === "id" ? tokens[i++].text : fail("expected a property name");
        value = (c) => member(target(c), key, `expression "${text}"`);
      } else if (isOp("[")) {
        i++;
        const key = level(0);
        expect("]");
        value = (c) => member(target(c), textOf(key(c)), `expression "${text}"`);
      } else return value;
    }
  };
  const unary = (): Evaluator => {
    if (!isOp("!")) return postfix();
    i++;
    const inner = unary();
    return (c) => !truthy(inner(c));
  };
  const level = (n: number): Evaluator => {
    if (n === LEVELS.length) return unary();
    const operator = () => (tokens[i]?.kind === "op" ? LEVELS[n].get(tokens[i].text) : undefined);
    let left = level(n + 1);
    for (let op = operator(); op; op = operator()) {
      i++;
      const [a, b, apply] = [left, level(n + 1), op];
      left = (c) => apply(a(c), () => b(c));
    }
    return left;
  };
  const result = level(0);
  if (i < tokens.length) fail(`unexpected "${tokens[i].text}"`);
  return result;
}

export function asText(v: Value, where: string): string {
  if (v === null) return "";
  if (typeof v === "object") throw new Error(`${where}: an object or array cannot be written into text`);
  return String(v);
}

/** A YAML value with `${{ }}` in it: the expression's own value when it is the whole text, else text. */
export function interpolate(value: unknown, ctx: Contexts): Value {
  if (typeof value !== "string") return value as Value;
  const parts = value.split(/\$\{\{(.*?)\}\}/s);
  if (parts.length === 3 && parts[0].trim() === "" && parts[2].trim() === "") return compile(parts[1])(ctx);
  return parts.map((p, n) => (n % 2 === 0 ? p : asText(compile(p)(ctx), value))).join("");
}

export function condition(value: unknown, ctx: Contexts): boolean {
  if (value === undefined) return true;
  if (typeof value === "boolean") return value;
  const text = (typeof value === "string" ? value : JSON.stringify(value)).trim();
  const whole = /^\$\{\{(.*)\}\}$/s.exec(text);
  return truthy(compile(whole ? whole[1] : text)(ctx));
}
