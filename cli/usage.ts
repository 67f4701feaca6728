/**
 * Help texts, one per command. They name options and environment variables but never show a value: a token or
 * secret must not end up in a terminal log or a CI transcript through `--help`.
 */

const GLOBAL = `Global options:
  --url <url>               gateway base URL (env GATEWAY_URL; default http://127.0.0.1:3000)
  --token <token>           bearer token (env GATEWAY_TOKEN)
  --caller <id>             caller id for signed requests (env GATEWAY_CALLER)
  --signing-secret <secret> signing secret for signed requests (env GATEWAY_SIGNING_SECRET)
  --json                    print the gateway's JSON instead of human output
  -h, --help                show help

Prefer the environment variables for credentials: command-line arguments are visible to other processes.`;

const EXIT_CODES = `Exit codes: 0 success, 1 the change ended other than SUCCEEDED or --wait timed out,
2 usage error, 3 the gateway refused the request or could not be reached.`;

const WAIT = `  --wait                    follow the change until it ends, with a live status line
  --interval <seconds>      seconds between checks while waiting (default 2)
  --timeout <duration>      give up waiting after this long: 90, 90s, 15m or 2h (default: never)`;

/** Help for the whole program. */
export const MAIN_USAGE = `Usage: peering-gateway <command> [options]

Change MongoDB Atlas network peering through atlas-peering-gateway.

Commands:
  submit           submit a peering change
  status <id>      show a change (optionally wait for it to end)
  list             list a project's changes, newest first
  cancel <id>      cancel a change that has not ended
  help [command]   show help for a command

${GLOBAL}

${EXIT_CODES}`;

const SUBMIT_USAGE = `Usage: peering-gateway submit --group <id> --peer <id> --provider AWS|AZURE|GCP [peering options] [options]
       peering-gateway submit --file body.json [--group <id> --peer <id>] [options]

Submit a peering change (POST /v1/peering-changes).

Change:
  --group <id>              Atlas project (group) id
  --peer <id>               Atlas peering connection id
  --provider <name>         AWS, AZURE or GCP (default AWS, as in Atlas)
  --container <id>          Atlas network container id
  --file <path>             JSON file: the whole POST body, or only the peering body when --group and --peer
                            are given; cannot be combined with peering options
  --reason <text>           why, kept in the change's history
  --callback-url <url>      where the gateway posts the change's outcome
  --idempotency-key <key>   send Idempotency-Key, so a retried submit does not make a second change

AWS:    --vpc <vpc-id>  --account <aws-account-id>  --region <aws-region>  --cidr <route-table-cidr>
AZURE:  --directory <tenant-id>  --subscription <id>  --resource-group <name>  --vnet <name>
GCP:    --gcp-project <project-id>  --network <name>

Waiting:
${WAIT}

${GLOBAL}

${EXIT_CODES}`;

const STATUS_USAGE = `Usage: peering-gateway status <id> [--wait] [options]

Show a change (GET /v1/peering-changes/{id}).

${WAIT}

${GLOBAL}

${EXIT_CODES}`;

const LIST_USAGE = `Usage: peering-gateway list --group <id> [--peer <id>] [--state <state>] [--limit <n>] [--all] [options]

List a project's changes, newest first (GET /v1/peering-changes).

  --group <id>              Atlas project (group) id (required)
  --peer <id>               only this peering connection
  --state <state>           only changes in this state (IN_PROGRESS, WAITING_FOR_USER, SUCCEEDED, ...)
  --limit <n>               changes per page
  --cursor <cursor>         start at this page (the cursor a previous list printed)
  --all                     follow the cursors and list every page

${GLOBAL}

Exit codes: 0 success, 2 usage error, 3 the gateway refused the request or could not be reached.`;

const CANCEL_USAGE = `Usage: peering-gateway cancel <id> [options]

Cancel a change that has not ended (DELETE /v1/peering-changes/{id}). Atlas is not rolled back: the gateway
stops following the change.

${GLOBAL}

Exit codes: 0 cancelled, 2 usage error, 3 the gateway refused the request or could not be reached.`;

/** Help for one command, by name. */
export const COMMAND_USAGE: Readonly<Record<string, string>> = {
  submit: SUBMIT_USAGE,
  status: STATUS_USAGE,
  list: LIST_USAGE,
  cancel: CANCEL_USAGE,
};

/** A command line that cannot be run. `usage` is the help of the command it was meant for. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}
