import { randomUUID } from "node:crypto";
import type { Context } from "aws-lambda";

/** What Lambda knows of a function and tells each invocation in its context. */
export interface LocalFunctionSpec {
  name: string;
  arn: string;
  /** The function's timeout (serverless.yml): each invocation's remaining time starts there. */
  timeoutSeconds: number;
  memoryMb: number;
}

/** A Lambda handler as the entries build it. */
export type LambdaHandler<Event, Result> = (event: Event, context: Context) => Promise<Result>;

/**
 * The context Lambda passes a Node.js handler: the function's name, ARN and memory, a request id, and the time
 * left from `remainingMs` (the function's timeout from now by default).
 */
export function lambdaContext(
  spec: LocalFunctionSpec,
  remainingMs: () => number = remainingFrom(spec.timeoutSeconds * 1000),
): Context {
  const noop = () => undefined;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: spec.name,
    functionVersion: "$LATEST",
    invokedFunctionArn: spec.arn,
    memoryLimitInMB: String(spec.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${spec.name}`,
    logStreamName: "local",
    getRemainingTimeInMillis: remainingMs,
    done: noop,
    fail: noop,
    succeed: noop,
  };
}

function remainingFrom(budgetMs: number): () => number {
  const started = Date.now();
  return () => Math.max(0, budgetMs - (Date.now() - started));
}

/**
 * One Lambda function run in this process. As in Lambda, an execution environment serves one invocation at a
 * time: an invocation takes an idle environment (warm) or gets a new one from `build` (a cold start: the
 * entry builds its handler and `awsDeps(env)` afresh), and the environment is kept for the next one. So
 * concurrent invocations never share a container's logger keys, caches or correlation id.
 */
export class LocalFunction<Event, Result> {
  /** How many execution environments were started (cold starts). */
  coldStarts = 0;
  private readonly idle: Array<LambdaHandler<Event, Result>> = [];
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    readonly spec: LocalFunctionSpec,
    private readonly build: () => LambdaHandler<Event, Result>,
  ) {}

  /** Runs one invocation with a fresh context, as an asynchronous or synchronous invoke would. */
  async invoke(event: Event): Promise<Result> {
    const handler = this.idle.pop() ?? this.coldStart();
    const tracked = handler(event, lambdaContext(this.spec)).finally(() => {
      this.running.delete(tracked);
      this.idle.push(handler);
    });
    this.running.add(tracked);
    return tracked;
  }

  /** Resolves once no invocation is running (whatever their outcome). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private coldStart(): LambdaHandler<Event, Result> {
    this.coldStarts += 1;
    return this.build();
  }
}
