/**
 * The functions' entry points as Lambda sees them. Each factory runs inside Lambda and loads the
 * compiled handler from the archive (`dist/...`, added by the function component), so the closure
 * Pulumi serializes holds nothing but these few lines and the values they capture.
 */
type Handler = (event: unknown) => Promise<unknown>;

export function historyCollectorFactory(): () => Handler {
  return () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require("./dist/functions/history/handler") as { handler: Handler };
    return module.handler;
  };
}

/** The join's SQL is read when the program runs and travels in the closure as a string. */
export function eventsJoinerFactory(joinSql: string): () => Handler {
  return () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require("./dist/functions/events/handler") as { eventsJoinHandler: (sql: string) => Handler };
    return module.eventsJoinHandler(joinSql);
  };
}

export function grantsCollectorFactory(): () => Handler {
  return () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require("./dist/functions/grants/handler") as { handler: Handler };
    return module.handler;
  };
}
