/**
 * The functions' entry points as Lambda sees them. Each factory runs inside Lambda and loads its
 * handler from the one-file bundle `dist/lambda/<name>/index.js` that `scripts/bundle.mjs` builds
 * (the function component puts that folder, and nothing else, beside the closure), so the closure
 * Pulumi serializes holds nothing but these few lines and the values they capture.
 */
import type { JoinSqlTexts } from "../queries/join/sql";

type Handler = (event: unknown) => Promise<unknown>;
export type HandlerFactory = () => Handler;

/** A bundle's folder under `dist/lambda/`, as scripts/bundle.mjs names it. */
export type LambdaBundle = "history" | "join" | "grants" | "billing" | "live";

// Which bundle each factory requires, for the function component to package. Kept beside the
// factories, not on them: a property on the function would be serialized into the closure too.
const bundles = new WeakMap<HandlerFactory, LambdaBundle>();

function register(factory: HandlerFactory, bundle: LambdaBundle): HandlerFactory {
  bundles.set(factory, bundle);
  return factory;
}

/** The bundle a factory from this module loads; undefined for any other function. */
export function bundleOf(factory: HandlerFactory): LambdaBundle | undefined {
  return bundles.get(factory);
}

export function historyCollectorFactory(): HandlerFactory {
  return register(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved inside Lambda, where the bundle sits beside the closure
    const module = require("./dist/lambda/history") as { handler: Handler };
    return module.handler;
  }, "history");
}

/** The join's SQL (events, access) is read when the program runs and travels in the closure as strings. */
export function joinFactory(sql: JoinSqlTexts): HandlerFactory {
  return register(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved inside Lambda, where the bundle sits beside the closure
    const module = require("./dist/lambda/join") as { joinHandler: (texts: JoinSqlTexts) => Handler };
    return module.joinHandler(sql);
  }, "join");
}

export function grantsCollectorFactory(): HandlerFactory {
  return register(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved inside Lambda, where the bundle sits beside the closure
    const module = require("./dist/lambda/grants") as { handler: Handler };
    return module.handler;
  }, "grants");
}

export function billingCollectorFactory(): HandlerFactory {
  return register(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved inside Lambda, where the bundle sits beside the closure
    const module = require("./dist/lambda/billing") as { handler: Handler };
    return module.handler;
  }, "billing");
}

export function liveFactory(): HandlerFactory {
  return register(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved inside Lambda, where the bundle sits beside the closure
    const module = require("./dist/lambda/live") as { handler: Handler };
    return module.handler;
  }, "live");
}
