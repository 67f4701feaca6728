import { Metrics } from "@aws-lambda-powertools/metrics";
import { vi } from "vitest";
import {
  METRICS_NAMESPACE,
  PowertoolsChangeMetrics,
} from "../../../src/adapters/aws/PowertoolsChangeMetrics.js";
import type { ChangeRecord } from "../../../src/domain/change/ChangeRecord.js";
import type { ChangeMetrics } from "../../../src/ports/ChangeMetrics.js";
import type { PackagedTemplate } from "./packageTemplate.js";

/** A metric as CloudWatch keys it: namespace, name and the names of its dimensions (sorted). */
export interface MetricKey {
  namespace: string;
  name: string;
  dimensions: string[];
}

/** A metric a dashboard graph reads, with the dimension values it fixes (a SEARCH fixes only some). */
export interface GraphedMetric extends MetricKey {
  values: Record<string, string>;
}

const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);
const change = {
  id: "c1",
  state: "SUCCEEDED",
  channel: "http",
  createdAt: T0,
  updatedAt: T0 + 60_000,
  history: [{ at: new Date(T0).toISOString(), from: null, to: "SUCCEEDED" }],
} as unknown as ChangeRecord;

/** Every kind of sample the port takes, every branch of the adapter's (a new port method fails to compile). */
const everySample = {
  stateEntered: (m) => m.stateEntered(change),
  settled: (m) => m.settled(change),
  pending: (m) => m.pending(change, T0 + 5_000),
  atlasCall: (m) => {
    m.atlasCall({ operation: "PATCH", status: 503, latencyMs: 9, attempts: 2 });
    m.atlasCall({ operation: "GET", latencyMs: 5, attempts: 1, status: 401, credentialsRefused: true });
  },
  unauthenticated: (m) => m.unauthenticated(),
} satisfies Record<keyof ChangeMetrics, (metrics: ChangeMetrics) => void>;

/**
 * The metrics the real adapter writes, read back from the EMF lines it prints (as CloudWatch would read them
 * from the function's log), with the stage and service the functions run with.
 */
export function emittedMetrics(serviceName: string, stage: string): MetricKey[] {
  const lines: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName });
    const adapter = new PowertoolsChangeMetrics({ serviceName, stage, metrics });
    for (const write of Object.values(everySample)) write(adapter);
  } finally {
    vi.restoreAllMocks();
  }
  type Emf = {
    _aws: {
      CloudWatchMetrics: Array<{
        Namespace: string;
        Dimensions: string[][];
        Metrics: Array<{ Name: string }>;
      }>;
    };
  };
  return lines
    .flatMap((chunk) => chunk.split("\n"))
    .filter((line) => line.includes('"_aws"'))
    .flatMap((line) => (JSON.parse(line) as Emf)._aws.CloudWatchMetrics)
    .flatMap((directive) =>
      directive.Dimensions.flatMap((set) =>
        directive.Metrics.map((metric) => ({
          namespace: directive.Namespace,
          name: metric.Name,
          dimensions: [...set].sort(),
        })),
      ),
    );
}

/** The region `${AWS::Region}` stands for here: whatever region the stack is deployed to. */
export const STACK_REGION = "<the stack's region>";

/**
 * The dashboard body with its `Fn::Sub` references replaced by what CloudFormation would put there: a queue's
 * name, a function's name, the API's id. A reference to anything else (a resource the stack lacks) fails.
 */
export function substitute(body: string, template: PackagedTemplate): string {
  return body.replace(/\$\{([^}]+)\}/g, (_, reference: string) => {
    if (reference === "AWS::Region") return STACK_REGION;
    const [logicalId = "", attribute] = reference.split(".");
    const resource = template.Resources[logicalId];
    if (resource?.Type === "AWS::SQS::Queue" && attribute === "QueueName")
      return String(resource.Properties.QueueName);
    if (resource?.Type === "AWS::Lambda::Function" && attribute === undefined)
      return String(resource.Properties.FunctionName);
    if (resource?.Type === "AWS::ApiGatewayV2::Api" && attribute === undefined) return `id-of-${logicalId}`;
    throw new Error(
      `the dashboard refers to \${${reference}}, which is no queue, function or API of the stack`,
    );
  });
}

type MetricEntry = unknown[] | { expression?: string };

/** A metrics-array entry, `[namespace, name, dimension, value, …, options?]`, as the metric it names. */
function fromArray(entry: unknown[]): GraphedMetric {
  const [namespace, name, ...rest] = entry;
  const pairs = rest.filter((item) => typeof item === "string");
  const values: Record<string, string> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) values[String(pairs[i])] = String(pairs[i + 1]);
  return { namespace: String(namespace), name: String(name), dimensions: Object.keys(values).sort(), values };
}

/** `SEARCH('{Namespace,Dim,…} MetricName="X" Dim="v"', 'Stat', period)` as the metric it finds. */
function fromSearch(expression: string): GraphedMetric {
  const schema = /^SEARCH\('\{([^}]+)\}(.*)',\s*'[^']+'/.exec(expression);
  if (!schema?.[1] || schema[2] === undefined) throw new Error(`not a SEARCH with a schema: ${expression}`);
  const [namespace = "", ...dimensions] = schema[1].split(",").map((part) => part.trim());
  const terms = Object.fromEntries([...schema[2].matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  const { MetricName: name, ...values } = terms;
  if (name === undefined) throw new Error(`a SEARCH without an exact MetricName: ${expression}`);
  return { namespace, name, dimensions: dimensions.sort(), values: values as Record<string, string> };
}

export interface Widget {
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
  properties: { metrics?: MetricEntry[]; region?: string; title?: string };
}

/** Every metric a graph widget reads. An expression other than a SEARCH (metric math) reads none itself. */
export function graphedMetrics(widget: Widget): GraphedMetric[] {
  return (widget.properties.metrics ?? []).flatMap((entry) => {
    if (Array.isArray(entry)) return [fromArray(entry)];
    const expression = entry.expression ?? "";
    return expression.startsWith("SEARCH(") ? [fromSearch(expression)] : [];
  });
}

export const keyOf = (metric: MetricKey) =>
  `${metric.namespace} ${metric.name} {${metric.dimensions.join(",")}}`;
