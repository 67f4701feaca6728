/**
 * The stack's CloudWatch dashboard, `<service>-<stage>`: the changes, Atlas, the dead-letter queues and the
 * functions on one page (serverless.yml reads `dashboard`, and `url` for the stack's outputs).
 *
 * The body is built here because CloudFormation wants it as one JSON string; `Fn::Sub` fills in the region and
 * the names of the stack's own functions, queues and API, so a renamed resource cannot leave a stale graph.
 * test/integration/dashboard.test.ts checks every metric named here against what the code writes.
 */

// PowertoolsChangeMetrics.ts: METRICS_NAMESPACE, and the Stage dimension every sample carries.
const NAMESPACE = "AtlasPeeringGateway";
const PERIOD = 300;
const FUNCTIONS = {
  http: "HttpLambdaFunction",
  events: "EventsLambdaFunction",
  recheck: "RecheckLambdaFunction",
  sweeper: "SweeperLambdaFunction",
  notify: "NotifyLambdaFunction",
};
const DEAD_LETTER_QUEUES = {
  recheck: "RecheckDeadLetterQueue",
  events: "EventsDeadLetterQueue",
  notify: "NotifyDeadLetterQueue",
  sweeper: "SweeperDeadLetterQueue",
};

/** `${name}`: what `Fn::Sub` replaces with a pseudo parameter, or a resource's name or attribute. */
const ref = (name) => `\${${name}}`;

/**
 * Every series of one of the gateway's metrics in this stage, one line per value of `dimensions`. EMF keys a
 * metric by its whole dimension set (`service`, `Stage` and the sample's own), so the schema names all of them:
 * a schema missing one would find nothing.
 */
function search(stage, metric, dimensions, stat, id, label) {
  const schema = [NAMESPACE, ...dimensions, "Stage", "service"].join(",");
  const query = `{${schema}} MetricName="${metric}" Stage="${stage}"`;
  return { expression: `SEARCH('${query}', '${stat}', ${PERIOD})`, id, label };
}

/** One of the gateway's metrics that has only the `service` and `Stage` dimensions (the alarms' metrics). */
function stageMetric(names, metric, stat, label) {
  return [NAMESPACE, metric, "service", names.service, "Stage", names.stage, { stat, label }];
}

function graph(title, metrics, extra = {}) {
  return {
    type: "metric",
    properties: {
      title,
      metrics,
      region: ref("AWS::Region"),
      view: "timeSeries",
      stacked: false,
      period: PERIOD,
      ...extra,
    },
  };
}

function changeWidgets(names) {
  const { stage } = names;
  return [
    graph("Changes entering each state (by state and channel)", [
      search(stage, "ChangeStateEntered", ["State", "Channel"], "Sum", "entered", ""),
    ]),
    graph(
      "Age of the oldest change still followed (s)",
      [stageMetric(names, "PendingChangeAge", "Maximum", "oldest pending change")],
      { annotations: { horizontal: [{ label: "PendingTooLongAlarm", value: names.pendingAlarmSeconds }] } },
    ),
    graph("Time to settle, by end state (s)", [
      search(stage, "TimeToSettle", ["State"], "p50", "settle50", "p50"),
      search(stage, "TimeToSettle", ["State"], "p90", "settle90", "p90"),
    ]),
    graph("Time waiting for a person, by end state (s)", [
      search(stage, "TimeWaitingForPerson", ["State"], "p50", "person50", "p50"),
      search(stage, "TimeWaitingForPerson", ["State"], "p90", "person90", "p90"),
    ]),
  ];
}

function atlasWidgets(names) {
  const { stage } = names;
  return [
    graph("Atlas latency by operation (ms, retries included)", [
      search(stage, "AtlasLatency", ["Operation"], "p50", "latency50", "p50"),
      search(stage, "AtlasLatency", ["Operation"], "p90", "latency90", "p90"),
      search(stage, "AtlasLatency", ["Operation"], "p99", "latency99", "p99"),
    ]),
    graph("Atlas errors by errorCode", [search(stage, "AtlasErrors", ["ErrorCode"], "Sum", "errors", "")]),
    graph("Atlas retries; refused credentials; 401s", [
      search(stage, "AtlasRetries", ["Operation"], "Sum", "retries", "retries"),
      stageMetric(names, "AtlasCredentialsRefused", "Sum", "Atlas refused the gateway's keys"),
      stageMetric(names, "UnauthenticatedRequests", "Sum", "unauthenticated requests (401)"),
    ]),
  ];
}

function awsWidgets() {
  const perFunction = (metric) =>
    Object.entries(FUNCTIONS).map(([name, resource]) => [
      "AWS/Lambda",
      metric,
      "FunctionName",
      ref(resource),
      { stat: "Sum", label: name },
    ]);
  const queues = Object.entries(DEAD_LETTER_QUEUES).map(([name, resource]) => [
    "AWS/SQS",
    "ApproximateNumberOfMessagesVisible",
    "QueueName",
    ref(`${resource}.QueueName`),
    { stat: "Maximum", label: `${name} DLQ` },
  ]);
  const api = (metric) => ["AWS/ApiGateway", metric, "ApiId", ref("HttpApi"), { stat: "Sum", label: metric }];
  return [
    graph("Dead-letter queue depth (messages)", queues),
    graph("HTTP API requests and errors", [api("Count"), api("4xx"), api("5xx")]),
    graph("Lambda errors (threw) per function", perFunction("Errors")),
    graph("Lambda throttles per function", perFunction("Throttles")),
  ];
}

/** Lays rows out on the dashboard's 24-column grid, each row's widgets sharing its width. */
function grid(rows) {
  let y = 0;
  return rows.flatMap((row) => {
    const width = 24 / row.length;
    const height = row[0].type === "text" ? 2 : 6;
    const placed = row.map((widget, i) => ({ ...widget, x: i * width, y, width, height }));
    y += height;
    return placed;
  });
}

function body(names) {
  const header = {
    type: "text",
    properties: {
      markdown:
        `**${names.service} · ${names.stage}**: changes, Atlas calls, dead-letter queues and functions. ` +
        "Alarms notify the stack's AlarmTopic; what to do is in the README runbook (Operating it).",
    },
  };
  const [entered, pending, settle, person] = changeWidgets(names);
  const [latency, errors, retries] = atlasWidgets(names);
  const [queues, api, lambdaErrors, throttles] = awsWidgets();
  return {
    start: "-PT12H",
    widgets: grid([
      [header],
      [entered, pending],
      [settle, person, queues],
      [latency, errors, retries],
      [lambdaErrors, throttles, api],
    ]),
  };
}

module.exports = async ({ resolveVariable }) => {
  const names = {
    service: await resolveVariable("self:provider.environment.POWERTOOLS_SERVICE_NAME"),
    stage: await resolveVariable("sls:stage"),
    pendingAlarmSeconds: Number(await resolveVariable("param:pendingAlarmSeconds")),
  };
  const service = await resolveVariable("self:service");
  return {
    dashboard: {
      Type: "AWS::CloudWatch::Dashboard",
      Properties: {
        DashboardName: `${service}-${names.stage}`,
        DashboardBody: { "Fn::Sub": JSON.stringify(body(names)) },
      },
    },
    url: {
      "Fn::Sub": `https://${ref("AWS::Region")}.console.aws.amazon.com/cloudwatch/home?region=${ref("AWS::Region")}#dashboards:name=${ref("Dashboard")}`,
    },
  };
};
