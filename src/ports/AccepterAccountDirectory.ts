import type { AccepterAccounts } from "../domain/accepter/accounts.js";

export type { AccepterAccount, AccepterAccounts } from "../domain/accepter/accounts.js";

/**
 * Where the gateway learns which AWS accounts it accepts peerings in, and with which role: the `awsAccounts`
 * section of the callers registry, cached with it. Throws `CallerRegistryError` when the registry cannot be
 * read or is not valid.
 */
export interface AccepterAccountDirectory {
  accepterAccounts(): Promise<AccepterAccounts>;
}
