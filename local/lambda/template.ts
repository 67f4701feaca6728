import { readFile } from "node:fs/promises";

/** A CloudFormation template as `serverless package` writes it (only the parts read here are typed). */
export interface Template {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

/** Where the stack would run; the intrinsics resolve against it. */
export interface StackContext {
  region: string;
  accountId: string;
  partition: string;
  stackName: string;
}

export const LOCAL_STACK: StackContext = {
  region: "eu-west-1",
  accountId: "123456789012",
  partition: "aws",
  stackName: "atlas-peering-gateway-dev",
};

export async function readTemplate(path: string): Promise<Template> {
  return JSON.parse(await readFile(path, "utf8")) as Template;
}

/**
 * Resolves `Ref`, `Fn::GetAtt`, `Fn::Sub`, `Fn::Join` and `Fn::Split` to the values CloudFormation would give
 * the stack's resources (names from their properties, ARNs built the way AWS builds them), so a function's
 * environment and its role's policies can be read as they would be in AWS.
 */
export function resolve(value: unknown, template: Template, stack: StackContext = LOCAL_STACK): unknown {
  if (Array.isArray(value)) return value.map((item) => resolve(item, template, stack));
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  if ("Ref" in record) return ref(String(record.Ref), template, stack);
  if ("Fn::GetAtt" in record) {
    const [id, attribute] = record["Fn::GetAtt"] as [string, string];
    return getAtt(id, attribute, template, stack);
  }
  if ("Fn::Sub" in record) return sub(record["Fn::Sub"], template, stack);
  if ("Fn::Join" in record) {
    const [separator, parts] = record["Fn::Join"] as [string, unknown[]];
    return parts.map((part) => String(resolve(part, template, stack))).join(separator);
  }
  if ("Fn::Split" in record) {
    const [separator, text] = record["Fn::Split"] as [string, unknown];
    return String(resolve(text, template, stack)).split(separator);
  }
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, resolve(v, template, stack)]));
}

function sub(spec: unknown, template: Template, stack: StackContext): string {
  const [text, variables] = Array.isArray(spec)
    ? (spec as [string, Record<string, unknown>])
    : [String(spec), {}];
  return text.replace(/\$\{([^}]+)\}/g, (_match, name: string) => {
    if (name in variables) return String(resolve(variables[name], template, stack));
    const [id = "", attribute] = name.split(".");
    return String(attribute ? getAtt(id, attribute, template, stack) : ref(id, template, stack));
  });
}

const PSEUDO: Record<string, (stack: StackContext) => string> = {
  "AWS::Region": (s) => s.region,
  "AWS::AccountId": (s) => s.accountId,
  "AWS::Partition": (s) => s.partition,
  "AWS::StackName": (s) => s.stackName,
  "AWS::URLSuffix": () => "amazonaws.com",
};

function ref(id: string, template: Template, stack: StackContext): string {
  const pseudo = PSEUDO[id];
  if (pseudo) return pseudo(stack);
  const resource = resourceOf(id, template);
  const props = resource.Properties ?? {};
  switch (resource.Type) {
    case "AWS::DynamoDB::Table":
      return String(props.TableName ?? id);
    case "AWS::Scheduler::ScheduleGroup":
    case "AWS::Events::EventBus":
      return String(props.Name ?? id);
    case "AWS::Lambda::Function":
      return String(props.FunctionName ?? id);
    case "AWS::SQS::Queue":
      return `https://sqs.${stack.region}.amazonaws.com/${stack.accountId}/${props.QueueName ?? id}`;
    case "AWS::SNS::Topic":
      return arn(stack, "sns", `${props.TopicName ?? id}`);
    case "AWS::ApiGatewayV2::Api":
      return "localapi01";
    default:
      return id;
  }
}

function getAtt(id: string, attribute: string, template: Template, stack: StackContext): string {
  const resource = resourceOf(id, template);
  const props = resource.Properties ?? {};
  const name = ref(id, template, stack);
  const key = `${resource.Type}.${attribute}`;
  switch (key) {
    case "AWS::DynamoDB::Table.Arn":
      return arn(stack, "dynamodb", `table/${name}`);
    case "AWS::SQS::Queue.Arn":
      return arn(stack, "sqs", String(props.QueueName ?? id));
    case "AWS::SQS::Queue.QueueName":
      return String(props.QueueName ?? id);
    case "AWS::IAM::Role.Arn":
      return `arn:${stack.partition}:iam::${stack.accountId}:role/${props.RoleName ?? `${stack.stackName}-${id}`}`;
    case "AWS::Events::EventBus.Arn":
      return arn(stack, "events", `event-bus/${name}`);
    case "AWS::Lambda::Function.Arn":
      return arn(stack, "lambda", `function:${name}`);
    case "AWS::Scheduler::ScheduleGroup.Arn":
      return arn(stack, "scheduler", `schedule-group/${name}`);
    default:
      throw new Error(`No local value for Fn::GetAtt ${id}.${attribute} (${resource.Type}).`);
  }
}

function arn(stack: StackContext, service: string, resource: string): string {
  return `arn:${stack.partition}:${service}:${stack.region}:${stack.accountId}:${resource}`;
}

function resourceOf(id: string, template: Template) {
  const resource = template.Resources[id];
  if (!resource) throw new Error(`The template has no resource ${id}.`);
  return resource;
}
