import type { Cloud, Session } from "./model.js";
import type { QueryParams, Xml } from "./query.js";

/** What an EC2 action is given: the cloud, who signed, in which region, the parameters and the hooks. */
export interface ActionContext {
  cloud: Cloud;
  session: Session;
  region: string;
  params: QueryParams;
  /** Called once a peering is accepted (link the Atlas simulator: `POST /__sim/peers/{peerId}/accept`). */
  onAccepted: (pcxId: string) => void;
}

/** An EC2 action: its answer's members (the emulator wraps them in `<{Action}Response>`). */
export type Ec2Action = (context: ActionContext) => { [element: string]: Xml };
