// The inside of one local Lambda execution environment: loads the handler from the unzipped package (the
// working directory, like /var/task) with nothing but the function's own environment, then runs the
// invocations its parent sends over IPC, one at a time, as the Lambda Node.js runtime does. Plain JavaScript:
// it must run on a bare `node`, the way the packaged code does in AWS.
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [modulePath, exportName] = splitHandler(process.env._HANDLER ?? "");
const send = (message) => process.send?.(message);

function splitHandler(handler) {
  const dot = handler.lastIndexOf(".");
  return [handler.slice(0, dot), handler.slice(dot + 1)];
}

function contextFor(invocation) {
  const started = Date.now();
  const name = process.env.AWS_LAMBDA_FUNCTION_NAME ?? "local";
  return {
    functionName: name,
    functionVersion: "$LATEST",
    invokedFunctionArn: invocation.functionArn,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? "512",
    awsRequestId: invocation.requestId ?? randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: "local",
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, invocation.timeoutMs - (Date.now() - started)),
    done() {},
    fail() {},
    succeed() {},
  };
}

function describe(error) {
  if (error instanceof Error)
    return { errorType: error.name, errorMessage: error.message, stack: error.stack };
  return { errorType: "Error", errorMessage: String(error) };
}

// Like the Lambda runtime: an unhandled rejection ends the environment.
process.on("unhandledRejection", (reason) => {
  send({ type: "crash", error: { ...describe(reason), errorType: "Runtime.UnhandledPromiseRejection" } });
  process.exit(128);
});

const initStarted = performance.now();
let handler;
try {
  const module = await import(pathToFileURL(join(process.cwd(), `${modulePath}.mjs`)).href);
  handler = module[exportName];
  if (typeof handler !== "function") throw new Error(`${modulePath}.${exportName} is not a function`);
  send({ type: "ready", initMs: performance.now() - initStarted });
} catch (error) {
  send({ type: "init-error", error: { ...describe(error), errorType: "Runtime.ImportModuleError" } });
}

process.on("message", async (message) => {
  if (message.type === "memory") {
    send({ type: "memory", id: message.id, rss: process.memoryUsage().rss });
    return;
  }
  if (message.type !== "invoke") return;
  const started = performance.now();
  try {
    if (!handler) throw new Error("the handler failed to load");
    const result = await handler(message.event, contextFor(message));
    send({ type: "result", id: message.id, result: result ?? null, durationMs: performance.now() - started });
  } catch (error) {
    send({ type: "result", id: message.id, error: describe(error), durationMs: performance.now() - started });
  }
});
