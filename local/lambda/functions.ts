import { basename } from "node:path";
import { LOCAL_STACK, resolve, type StackContext, type Template } from "./template.js";

/** One Lambda function of the template, as AWS would configure it. */
export interface FunctionSpec {
  /** The serverless.yml key: `http`, `recheck`, `events`, `notify`, `sweeper`. */
  key: string;
  logicalId: string;
  functionName: string;
  arn: string;
  /** `handlers/http.handler`: the module path (without extension) and the export. */
  handler: string;
  /** The zip's file name in the package folder. */
  zip: string;
  timeoutSeconds: number;
  memoryMb: number;
  environment: Record<string, string>;
  roleLogicalId: string;
}

/** An IAM policy statement with its intrinsics resolved. */
export interface PolicyStatement {
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** Every `AWS::Lambda::Function` of the template, its environment resolved. */
export function functionsOf(template: Template, stack: StackContext = LOCAL_STACK): FunctionSpec[] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === "AWS::Lambda::Function")
    .map(([logicalId, resource]) => {
      const props = resource.Properties ?? {};
      const code = props.Code as { S3Key: string };
      const variables = (props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables;
      const roleRef = (props.Role as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0];
      const functionName = String(props.FunctionName);
      return {
        key: logicalId.replace(/LambdaFunction$/, "").toLowerCase(),
        logicalId,
        functionName,
        arn: `arn:${stack.partition}:lambda:${stack.region}:${stack.accountId}:function:${functionName}`,
        handler: String(props.Handler),
        zip: basename(code.S3Key),
        timeoutSeconds: Number(props.Timeout ?? 6),
        memoryMb: Number(props.MemorySize ?? 1024),
        environment: resolve(variables ?? {}, template, stack) as Record<string, string>,
        roleLogicalId: roleRef,
      };
    });
}

/** The function whose serverless.yml key is `key`. */
export function functionOf(template: Template, key: string, stack: StackContext = LOCAL_STACK): FunctionSpec {
  const found = functionsOf(template, stack).find((spec) => spec.key === key);
  if (!found) throw new Error(`The template has no function ${key}.`);
  return found;
}

/** The statements of every inline policy of a role. */
export function roleStatements(
  template: Template,
  roleLogicalId: string,
  stack: StackContext = LOCAL_STACK,
): PolicyStatement[] {
  const role = template.Resources[roleLogicalId];
  const policies = (role?.Properties?.Policies ?? []) as Array<{ PolicyDocument: { Statement: unknown[] } }>;
  return policies.flatMap(
    (policy) => resolve(policy.PolicyDocument.Statement, template, stack) as PolicyStatement[],
  );
}

/** An EventBridge rule that targets a function of the stack. */
export interface RuleSpec {
  logicalId: string;
  eventBusName?: string;
  pattern?: Record<string, unknown>;
  scheduleExpression?: string;
  targetFunction: string;
}

/** Every `AWS::Events::Rule` whose target is one of the stack's functions. */
export function rulesOf(template: Template, stack: StackContext = LOCAL_STACK): RuleSpec[] {
  const functions = functionsOf(template, stack);
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === "AWS::Events::Rule")
    .flatMap(([logicalId, resource]) => {
      const props = resolve(resource.Properties ?? {}, template, stack) as Record<string, unknown>;
      const targets = (props.Targets ?? []) as Array<{ Arn: string }>;
      return targets.flatMap((target) => {
        const fn = functions.find((spec) => spec.arn === target.Arn);
        if (!fn) return [];
        const rule: RuleSpec = { logicalId, targetFunction: fn.key };
        if (typeof props.EventBusName === "string") rule.eventBusName = props.EventBusName;
        if (props.EventPattern) rule.pattern = props.EventPattern as Record<string, unknown>;
        if (typeof props.ScheduleExpression === "string") rule.scheduleExpression = props.ScheduleExpression;
        return [rule];
      });
    });
}
