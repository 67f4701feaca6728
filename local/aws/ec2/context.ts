import type { Cloud, Session } from "./model.js";
import type { QueryParams, Xml } from "./query.js";

/** What an EC2 action is given: the cloud, who signed, in which region, and the parameters. */
export interface ActionContext {
  cloud: Cloud;
  session: Session;
  region: string;
  params: QueryParams;
}

/** An EC2 action: its answer's members (the emulator wraps them in `<{Action}Response>`). */
export type Ec2Action = (context: ActionContext) => { [element: string]: Xml };
