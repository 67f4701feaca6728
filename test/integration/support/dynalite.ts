import { type LocalDynamo, type LocalDynamoOptions, startLocalDynamo } from "../../../local/dynalite.js";

export type { LocalDynamo };

/**
 * dynalite on 127.0.0.1 and an ephemeral port, in memory unless `path` is given (see toolchain.md section 2).
 * Start it in `beforeAll`, `close()` it in `afterAll`.
 */
export function startDynalite(options: Pick<LocalDynamoOptions, "path"> = {}): Promise<LocalDynamo> {
  return startLocalDynamo({ ...options, host: "127.0.0.1" });
}
