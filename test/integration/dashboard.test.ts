import { beforeAll, describe, expect, it } from "vitest";
import { METRICS_NAMESPACE, STAGE_DIMENSION } from "../../src/adapters/aws/PowertoolsChangeMetrics.js";
import {
  emittedMetrics,
  type GraphedMetric,
  graphedMetrics,
  keyOf,
  type MetricKey,
  STACK_REGION,
  substitute,
  type Widget,
} from "./support/dashboardMetrics.js";
import { type PackagedTemplate, packageWithParams } from "./support/packageTemplate.js";

type Template = PackagedTemplate & { Outputs?: Record<string, { Value: unknown }> };

let template: Template;
let widgets: Widget[];
let graphed: GraphedMetric[];
/** The stage and service name the functions run with (their STAGE and POWERTOOLS_SERVICE_NAME). */
let stage: string;
let serviceName: string;
let emitted: MetricKey[];

const ofType = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);
const gateway = () => graphed.filter((m) => m.namespace === METRICS_NAMESPACE);
const graphedIn = (namespace: string, name: string) =>
  graphed.filter((m) => m.namespace === namespace && m.name === name);

describe("the stack's CloudWatch dashboard (serverless package, offline)", () => {
  beforeAll(async () => {
    template = (await packageWithParams({})) as Template;
    const http = template.Resources.HttpLambdaFunction?.Properties as {
      Environment: { Variables: Record<string, string> };
    };
    stage = String(http.Environment.Variables.STAGE);
    serviceName = String(http.Environment.Variables.POWERTOOLS_SERVICE_NAME);
    const body = (template.Resources.Dashboard?.Properties.DashboardBody ?? {}) as { "Fn::Sub"?: string };
    widgets = (JSON.parse(substitute(body["Fn::Sub"] ?? "{}", template)) as { widgets: Widget[] }).widgets;
    graphed = widgets.flatMap(graphedMetrics);
    emitted = emittedMetrics(serviceName, stage);
  }, 200_000);

  it("is one dashboard per stage, its body JSON laid out on the 24-column grid", () => {
    const [[logicalId, dashboard] = []] = ofType("AWS::CloudWatch::Dashboard");
    expect(logicalId).toBe("Dashboard");
    expect(dashboard?.Properties.DashboardName).toBe(`atlas-peering-gateway-${stage}`);
    expect(widgets.length).toBeGreaterThan(5);
    for (const widget of widgets) {
      expect(widget.x + widget.width, JSON.stringify(widget.properties.title)).toBeLessThanOrEqual(24);
      expect(widget.height).toBeGreaterThan(0);
    }
    // Every graph reads the stack's own region, whichever it is deployed to.
    const graphs = widgets.filter((w) => w.type === "metric");
    expect(graphs.map((w) => w.properties.region)).toEqual(graphs.map(() => STACK_REGION));
  });

  it("graphs only metrics the code writes, under the dimension sets it writes them with", () => {
    const written = new Set(emitted.map(keyOf));
    expect(written.size).toBeGreaterThanOrEqual(8);
    expect(gateway().length).toBeGreaterThan(0);
    // A name or dimension that differs from the code's is a graph that stays empty forever.
    for (const metric of gateway()) expect([...written], keyOf(metric)).toContain(keyOf(metric));
    const namespaces = new Set(graphed.map((m) => m.namespace));
    expect([...namespaces].sort()).toEqual(
      ["AWS/ApiGateway", "AWS/Lambda", "AWS/SQS", METRICS_NAMESPACE].sort(),
    );
  });

  it("graphs every metric the code writes", () => {
    const onDashboard = new Set(gateway().map(keyOf));
    for (const metric of emitted) expect([...onDashboard], keyOf(metric)).toContain(keyOf(metric));
  });

  it("reads this stage's metrics only, and this service's", () => {
    for (const metric of gateway()) {
      expect(metric.values[STAGE_DIMENSION], keyOf(metric)).toBe(stage);
      // A SEARCH need not fix `service` (the stage is per stack); a metric given whole must.
      if (metric.values.service !== undefined) expect(metric.values.service).toBe(serviceName);
    }
  });

  it("shows the depth of every dead-letter queue of the stack", () => {
    const queues = ofType("AWS::SQS::Queue").map(([, q]) => String(q.Properties.QueueName));
    expect(queues.length).toBeGreaterThanOrEqual(4);
    const graphedQueues = graphedIn("AWS/SQS", "ApproximateNumberOfMessagesVisible").map(
      (m) => m.values.QueueName,
    );
    expect(graphedQueues.sort()).toEqual(queues.sort());
  });

  it("shows every function's errors and throttles, and the HTTP API's 5xx", () => {
    const functions = ofType("AWS::Lambda::Function").map(([, f]) => String(f.Properties.FunctionName));
    expect(functions.length).toBeGreaterThanOrEqual(5);
    for (const metric of ["Errors", "Throttles"]) {
      const names = graphedIn("AWS/Lambda", metric).map((m) => m.values.FunctionName);
      expect(names.sort(), metric).toEqual([...functions].sort());
    }
    expect(graphedIn("AWS/ApiGateway", "5xx").map((m) => m.values.ApiId)).toEqual(["id-of-HttpApi"]);
  });

  it("gives its address as a stack output", () => {
    const url = template.Outputs?.DashboardUrl?.Value as { "Fn::Sub"?: string } | undefined;
    expect(url?.["Fn::Sub"]).toMatch(
      /^https:\/\/\$\{AWS::Region\}\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=\$\{AWS::Region\}#dashboards:name=\$\{Dashboard\}$/,
    );
  });
});
