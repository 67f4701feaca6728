/**
 * Links the emulator's acceptance to the Atlas simulator: when the gateway accepts `pcx-…` here, the simulator
 * is told to move the Atlas peer holding that connection on (`POST /__sim/peers/{peerId}/accept`), as Atlas
 * itself would once AWS shows the peering accepted. For the local stack and end-to-end tests.
 */

/** What the simulator answered for one acceptance. */
export interface AtlasAcceptResult {
  pcxId: string;
  peerId?: string;
  status?: number;
  /** The Atlas peer's statusName after the call (FINALIZING when it was waiting for acceptance). */
  statusName?: string;
  error?: string;
}

export interface AtlasLink {
  /**
   * Give this to `startPeerCloud({ onAccepted })` or `peerCloud.onAccepted(…)`; it resolves once the
   * simulator answered (the emulator gives CloudTrail's record on after that).
   */
  hook: (pcxId: string) => Promise<AtlasAcceptResult>;
  /** Every simulator call made so far, once answered. */
  settled(): Promise<AtlasAcceptResult[]>;
}

/** `peerIdOf` maps a connection id to the Atlas peer id (e.g. from the change record); unknown ones are skipped. */
export function linkToAtlasSimulator(
  simulatorUrl: string,
  peerIdOf: (pcxId: string) => string | undefined,
): AtlasLink {
  const calls: Promise<AtlasAcceptResult>[] = [];
  const accept = async (pcxId: string): Promise<AtlasAcceptResult> => {
    const peerId = peerIdOf(pcxId);
    if (peerId === undefined) return { pcxId, error: "no Atlas peer holds this connection id" };
    try {
      const answer = await fetch(`${simulatorUrl}/__sim/peers/${encodeURIComponent(peerId)}/accept`, {
        method: "POST",
      });
      const body = (await answer.json().catch(() => ({}))) as { statusName?: unknown };
      const statusName = typeof body.statusName === "string" ? { statusName: body.statusName } : {};
      return { pcxId, peerId, status: answer.status, ...statusName };
    } catch (error) {
      return { pcxId, peerId, error: String(error) };
    }
  };
  return {
    hook: (pcxId) => {
      const call = accept(pcxId);
      calls.push(call);
      return call;
    },
    settled: () => Promise.all(calls),
  };
}
