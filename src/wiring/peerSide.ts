import type { AccepterAccountDirectory } from "../ports/AccepterAccountDirectory.js";
import type { CallerDirectory } from "../ports/CallerDirectory.js";
import type { PeerAccountSide } from "../ports/PeerAccountSide.js";
import type { PeerSideDeps } from "../usecases/ChangeDeps.js";
import { awsClientConfig } from "./clientConfig.js";
import { lazyPort } from "./lazy.js";

/**
 * The peer's AWS side for the functions that follow changes (recheck, sweeper): STS and EC2 through the
 * `AWS_ENDPOINT_URL_STS`/`_EC2` of `env` (the SDK's defaults in AWS), the EC2 SDK loaded on first use only
 * (it is large, and most checks never need it), and the accounts from the callers registry's cached secret.
 */
export function peerSideDeps(
  env: Record<string, string | undefined>,
  callers: CallerDirectory,
): PeerSideDeps {
  return {
    side: lazyPort<PeerAccountSide>(async () => {
      const { Ec2PeerAccountSide } = await import("../adapters/aws/peerAccount/Ec2PeerAccountSide.js");
      // STS in the gateway's own region (the SDK's regional endpoint); EC2 per run, in the accepter's region.
      const region = env.AWS_REGION === undefined ? {} : { region: env.AWS_REGION };
      return new Ec2PeerAccountSide({
        sts: { ...awsClientConfig(env, "STS"), ...region },
        ec2: awsClientConfig(env, "EC2"),
      });
    }),
    accounts: accepterAccountsOf(callers),
  };
}

/** The registry's `awsAccounts`, through the same directory (and cache) that authenticates callers. */
export function accepterAccountsOf(callers: CallerDirectory): AccepterAccountDirectory {
  return { accepterAccounts: async () => (await callers.registry()).awsAccounts ?? new Map() };
}
