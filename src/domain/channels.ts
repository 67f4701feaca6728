/**
 * The ways a change can come in, and the way its progress goes back. Adding a channel is one folder under
 * src/channels/, its name here, a caller identity for it in the registry and one line in the wiring.
 */
export const CHANNELS = ["http", "slack", "eventbridge"] as const;

/** The channel a change came in through. */
export type Channel = (typeof CHANNELS)[number];

/**
 * Where to tell whoever asked about a change's progress, on the channel they asked through (Slack: the
 * command's `response_url`). A short-lived capability: never shown in views, logs or the audit trail.
 */
export interface ReplyAddress {
  channel: Channel;
  url: string;
}
