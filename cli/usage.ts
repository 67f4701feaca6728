/**
 * Help texts, one per command. They name options and environment variables but never show a value: a token or
 * secret must not end up in a terminal log or a CI transcript through `--help`.
 */

const GLOBAL = `Global options:
  --url <url>               gateway base URL (env GATEWAY_URL; default http://127.0.0.1:3000)
  --token <token>           bearer token (env GATEWAY_TOKEN)
  --caller <id>             caller id for signed requests (env GATEWAY_CALLER)
  --signing-secret <secret> signing secret for signed requests (env GATEWAY_SIGNING_SECRET)
  --json                    print JSON on stdout, errors included (env MONGODB_ATLAS_OUTPUT=json or
                            MCLI_OUTPUT=json, as for the Atlas CLI)
  -h, --help                show help
  --version                 print the version

--group defaults to MONGODB_ATLAS_PROJECT_ID (or MCLI_PROJECT_ID), the Atlas CLI's project id.
Prefer the environment variables for credentials: command-line arguments are visible to other processes.`;

/** The exit codes, as every help text and the README list them. */
export const EXIT_CODES = `Exit codes:
  0    success (a followed change ended SUCCEEDED)
  1    the change ended other than SUCCEEDED, --timeout passed while waiting, or a plan was refused
  2    usage error (the command line cannot be run)
  3    the gateway refused the request or could not be reached
  130  interrupted (Ctrl-C): the gateway keeps following the change`;

const WAIT = `  --wait                    follow the change until it ends, with a live status line
  --interval <seconds>      seconds between checks while waiting (default 2)
  --timeout <duration>      give up waiting after this long: 90, 90s, 15m or 2h (default: never)`;

const CHANGE_FLAGS = `Change (only the fields given are sent; the gateway keeps the peer's other settings):
  --group <id>              Atlas project (group) id
  --peer <id>               Atlas peering connection id
  --provider <name>         AWS, AZURE or GCP (sent only when given; inferred from the flags otherwise)
  --container <id>          Atlas network container id
  --file <path>             JSON file: the whole POST body, or only the peering body when --peer is given;
                            cannot be combined with peering options
  --reason <text>           why, kept in the change's history

AWS:    --vpc <vpc-id>  --account <aws-account-id>  --region <aws-region>  --cidr <route-table-cidr>
AZURE:  --directory <tenant-id>  --subscription <id>  --resource-group <name>  --vnet <name>
GCP:    --gcp-project <project-id>  --network <name>`;

const TAIL = `${GLOBAL}

${EXIT_CODES}`;

/** Help for the whole program. */
export const MAIN_USAGE = `Usage: peering-gateway <command> [options]

Change MongoDB Atlas network peering through atlas-peering-gateway.

Commands:
  submit           submit a peering change (e.g. --group <id> --peer <id> --cidr 10.9.0.0/21 --wait)
  plan             show what a change would do, without making it (a dry run: nothing is sent to Atlas)
  status <id>      show a change and its timeline
  watch <id>       follow a change live until it ends
  list             list a project's changes, newest first
  cancel <id>      stop following a change that has not ended
  peers list       list a project's peerings (AWS, AZURE, GCP) with last changes, or find one by an id
  peers get        show one peering connection as Atlas has it
  audit            a project's audit trail, newest first
  help [command]   show help for a command

${TAIL}`;

const SUBMIT_USAGE = `Usage: peering-gateway submit --group <id> --peer <id> [peering options] [options]
       peering-gateway submit --file body.json [options]

Submit a peering change (POST /v1/peering-changes). The change id is printed first.

${CHANGE_FLAGS}
  --callback-url <url>      where the gateway posts the change's outcome
  --idempotency-key <key>   send Idempotency-Key, so a retried submit does not make a second change

Waiting:
${WAIT}

${TAIL}`;

const PLAN_USAGE = `Usage: peering-gateway plan --group <id> --peer <id> [peering options] [options]

Show what a change would do (POST /v1/peering-changes with dryRun: true): each field that would change, the
gateway's warnings, Atlas's refusal when it cannot make the change in place, and the body that would be sent.
Nothing is recorded and nothing is sent to Atlas.

${CHANGE_FLAGS}

${TAIL}`;

const STATUS_USAGE = `Usage: peering-gateway status <id> [--wait] [options]

Show a change (GET /v1/peering-changes/{id}) with its timeline: each step, how long it took, and the time
spent waiting for a person. --wait follows it like \`watch\`.

${WAIT}

${TAIL}`;

const WATCH_USAGE = `Usage: peering-gateway watch <id> [--interval <seconds>] [--timeout <duration>] [options]

Follow a change until it ends: every step of its history once, in order, what a person must do when it waits
for one, and a status line whose clock ticks (on a terminal). Ctrl-C stops watching, not the change.

  --interval <seconds>      seconds between checks (default 2)
  --timeout <duration>      give up after this long: 90, 90s, 15m or 2h (default: never)

${TAIL}`;

const LIST_USAGE = `Usage: peering-gateway list --group <id> [--peer <id>] [--state <state>] [--limit <n>] [--all] [options]

List a project's changes, newest first (GET /v1/peering-changes).

  --group <id>              Atlas project (group) id
  --peer <id>               only this peering connection
  --state <state>           only changes in this state (IN_PROGRESS, WAITING_FOR_USER, SUCCEEDED, ...)
  --limit <n>               changes per page
  --cursor <cursor>         start at this page (the cursor a previous list printed)
  --all                     follow the cursors and list every page

${TAIL}`;

const CANCEL_USAGE = `Usage: peering-gateway cancel <id> [options]

Cancel a change that has not ended (DELETE /v1/peering-changes/{id}). Atlas is not rolled back: the gateway
stops following the change.

${TAIL}`;

const PEERS_USAGE = `Usage: peering-gateway peers list --group <id> [--q <id> | --find <id>] [--provider AWS|AZURE|GCP]
       peering-gateway peers get --group <id> --peer <id>

peers list: every peering of the project across AWS, AZURE and GCP (GET /v1/peerings), with Atlas's status,
the last change through the gateway, the next step and the Terraform import id (PROJECTID-PEERID-PROVIDER).
peers get: one peering as Atlas has it, through the drop-in read (GET /api/atlas/v2/groups/{groupId}/peers/{peerId}).

  --group <id>              Atlas project (group) id
  --peer <id>               the peering connection (peers get)
  --q, --find <id>          only peerings one of whose ids contains this, ignoring case: pcx-..., vpc-...,
                            the Atlas peer id, a VNet or GCP network name, an account or project id
  --provider <name>         only this provider's peerings

${TAIL}`;

const AUDIT_USAGE = `Usage: peering-gateway audit --group <id> [--since <date>] [--limit <n>] [--cursor <c>] [--all] [options]

A project's audit trail, newest first (GET /v1/audit): who asked what, through which channel, and what came of
it.

  --group <id>              Atlas project (group) id
  --since <date>            from this ISO 8601 date or date-time (default: 30 days ago)
  --limit <n>               records per page, 1-100
  --cursor <cursor>         start at this page (the cursor a previous audit printed)
  --all                     follow the cursors and print every page

${TAIL}`;

/** Help for one command, by name (`peers` covers `peers list` and `peers get`). */
export const COMMAND_USAGE: Readonly<Record<string, string>> = {
  submit: SUBMIT_USAGE,
  plan: PLAN_USAGE,
  status: STATUS_USAGE,
  watch: WATCH_USAGE,
  list: LIST_USAGE,
  cancel: CANCEL_USAGE,
  peers: PEERS_USAGE,
  audit: AUDIT_USAGE,
};

/**
 * A command line that cannot be run. `command` is what it was meant for (`submit`, `peers list`), so the one
 * line printed can point at that command's help instead of repeating all of it.
 */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = "UsageError";
  }

  /** `peering-gateway: <message> (see peering-gateway <command> --help)`. */
  get line(): string {
    const help = this.command ? `peering-gateway ${this.command} --help` : "peering-gateway --help";
    return `peering-gateway: ${this.message} (see ${help})`;
  }
}
