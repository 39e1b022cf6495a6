/** The help text of the command line, apart from the program that shows it (./main). */

export const ENVIRONMENT = `
Environment variables:
  TIKTOK_ACCESS_TOKEN           same as --access-token
  TIKTOK_EVENT_SET_ID           same as --event-set-id
  TIKTOK_DEFAULT_PHONE_COUNTRY  same as --default-phone-country
(The host requests go to is chosen with --api-url, --sandbox-url or --dry-run, never by the environment.)`

export const EXIT_STATUSES = `
Exit status:
  0    the run completed: every event has an outcome in the summary and the report (rejected ones
       included, unless --fail-on-rejects)
  1    the target refused the credentials: the check before sending (nothing is sent), or a
       401-class answer during the run (sending stops; the remaining events are reported
       "not sent: credentials refused"); or the target could not be reached: no answer to the check,
       or no answer to any request during all the attempts of a batch, at the start or mid-run (the
       remaining events are reported "not sent"; continue with --resume once it answers); or it
       answered the check only with errors (5xx, 429); or send --fail-on-rejects and some event was
       rejected, failed after retries, was not valid input, was not sent or is unknown; check-auth:
       the credentials were refused or could not be checked
  2    usage or input error, found before anything is sent: bad option, invalid --subscribe FQL
       (with the parser's reading), missing or unreadable file or folder, a file that is not UTF-8
       (UTF-16 and others are named), bad mapping JSON, unknown action, report not writable, a
       --resume report missing or not a report; or an input that fails during the run (a gzip file
       cut short, bytes further in that are not UTF-8): what was read before it is sent and reported
  3    the report could not be written during the run (disk full): nothing more is read or sent, the
       summary counts what was delivered and what is not in the report
  130  interrupted (Ctrl-C, SIGINT or SIGTERM), during the run or the credentials check: the requests
       in flight finish, every known outcome is reported, the summary counts the events not sent;
       continue with --resume <report>`

export const SEND_HELP = `
Input: files and folders (a folder's files in name order, its subfolders' in their place, hidden
".…" entries left out: an archive of one folder per day and one file per hour runs in time order),
and "-" for stdin. Each file is NDJSON (one Segment event per line) or one JSON array of events
(it starts with "["), gzip-compressed or not: gzip is recognized by its content, whatever the name.
Files must be UTF-8; one in another encoding is named and stops the run before anything is sent.
Everything is streamed, so archives of millions of events run in bounded memory. A line that is not
JSON, not an object, has no "type", or has a "context" that is not an object is an input error:
reported, never dropped. An event without a messageId gets "runner-<hash of the event>", so re-sends
and re-runs de-duplicate at TikTok; the report marks it (messageIdGenerated).

Routing is Segment's: the destination's presets are the subscriptions (Order Completed →
CompletePayment, Callback Started → Contact, Subscription Created → Subscribe, Form Submitted →
SubmitForm, Signed Up → CompleteRegistration, …), run by actions-core's Destination on its batch path.
With --action and --mapping, one subscription of that action with that mapping replaces them; the
mapping is used as Segment uses a saved mapping (field keys to values or directives such as
{"@path": "$.properties.order_id"}; defaults are not merged in).

Target: with --access-token and --event-set-id, events go to TikTok (--api-url: another host that
speaks TikTok's API, e.g. a proxy). Without credentials, a TikTok sandbox is started on a random
loopback port and the summary shows what it accepted. --sandbox-url sends to a sandbox already
running (npm run sandbox). --dry-run sends nothing: it prints each TikTok request body (identifiers
hashed) to stdout, and the summary to stderr. The progress bar (on a terminal) names the target from
the start and counts delivered, rejected and failed events as they settle.

Credentials first: before the first batch, the destination's own credentials check runs (a request
with no events; TikTok records no conversion). Refused, not answered, or answered only with errors:
exit 1, nothing sent. --no-auth-check skips it. A 401-class answer during the run stops the sending:
the remaining events are reported "not sent: credentials refused", exit 1. So does a target that
stops answering: a batch that used all its retries while no request of the run got any HTTP answer
stops the run, the rest "not sent: the target could not be reached", exit 1.

Ctrl-C / SIGTERM: reading stops, nothing new is sent, the requests in flight (or the credentials
check) may finish (up to --stop-wait seconds, at most 2147483; a second signal abandons them at
once, and their events are reported "unknown": TikTok may have them). Every known outcome is
reported, the summary counts the events not sent, exit 130. --resume <report> then skips what was
delivered to the same target (a dry run's or a sandbox's report skips nothing at TikTok), matched by
the event_id sent and the TikTok event name (what TikTok de-duplicates by), and sends the rest;
repeat it for each earlier report of the same input. Lines of reports of earlier versions name no
target: used only with --resume-untargeted. TikTok de-duplicates by event_id, so sending an
"unknown" event again is safe.

Pace: by default the runner finds how many batches to keep in flight and how fast to start them
(additive increase / multiplicative decrease with slow start, as TCP does): more while throughput
grows and nothing is throttled; much less, at once, when TikTok throttles (40100, HTTP 429) or is
overloaded (5xx, timeouts); below one in flight it spaces requests in time; never sooner than a
Retry-After; at most --max-concurrency (64). --concurrency N keeps N in flight instead. The credentials
check, the batches and their retries all go through it; the progress bar shows the requests in flight
and those throttled, the summary the peak and mean in flight, the requests refused for rate and the
time spent waiting.

Retries: answers 408, 429 and 5xx (and TikTok's rate-limit and system-error codes) are retried
with exponential back-off and full jitter (random wait up to min(max, base × 2^(n-1))), never sooner
than a Retry-After the server sent (capped at 5 minutes). What still fails is reported as failed,
or unknown when a request of it timed out (TikTok may have it), never dropped. Delays past
2^31 − 1 ms (Node's timer limit) are refused.

Report (--report): one JSON line per input event (two when two subscriptions matched it):
  {"file", "index": <line or element number in the file>, "messageId", "action", "preset", "status",
   "outcome", "error", "attempts", "target" (dry-run | sandbox | sandbox:<host>/<event set> |
   tiktok:<host>/<event set>), "event" and "eventId" when the destination built the event (the
   TikTok event name and event_id, what TikTok de-duplicates by: a purchase's order ID, else the
   messageId), and for delivered events "dropped" [values the destination left out]}
  outcome: delivered (status 200) | skipped (delivered by an earlier run, --resume) | rejected (4xx,
  not retried) | failed (still 408/429/5xx after the last retry, or when the run stopped) |
  not-sent (status 0: the run stopped first) | unknown (its request was abandoned or timed out:
  TikTok may have it) | unrouted
  (status 0: no subscription matches) | input-error (status 400)
Lines are written as batches finish: sort by file and index for input order. A report that cannot
be written (disk full) stops the run at once: exit 3, the summary counts what it is missing. Messages and "dropped"
notes ("phone_numbers[1]: no country code and no Default Phone Country") never hold raw emails,
phone numbers or tokens.

Match quality (in the summary and --json): the share of delivered events with an email, a phone,
an external ID, a ttclid; the values the destination dropped, by reason; events refused as outside
TikTok's time window; purchases delivered without revenue; and a hint for each loss you can fix.

Examples:
  npm start                                            the sample file against the built-in sandbox
  tiktok-offline-conversions send archive/2026-11-*/ --report report.ndjson --access-token … --event-set-id …
  tiktok-offline-conversions send archive/ --resume report.ndjson --report report-2.ndjson …
  tiktok-offline-conversions send events.json --dry-run --pretty
  zcat events.ndjson.gz | tiktok-offline-conversions send - --access-token … --event-set-id …
  tiktok-offline-conversions send events.ndjson --action trackNonPaymentOfflineConversion \\
      --mapping samples/contact-mapping.json --subscribe 'type = "track" and event = "Callback Started"'`

export const PROGRAM_DESCRIPTION =
  'Sends offline conversions (Segment events) to TikTok through the Segment Actions destination "TikTok Offline Conversions": events in, hashed TikTok requests out, an outcome for every event.'

/** What the target options say, per command (they are declared once, in ./main). */
export interface TargetOptionHelp {
  defaultPhoneCountry: string
  sandboxUrl: string
  apiUrl: string
}

export const SEND_TARGET_HELP: TargetOptionHelp = {
  defaultPhoneCountry: 'ISO 3166 alpha-2 country of phone numbers written without a country code (e.g. US)',
  sandboxUrl: "send to a TikTok sandbox already running there (credentials default to the sandbox's)",
  apiUrl: 'send to this host instead of https://business-api.tiktok.com (one that speaks its API)'
}

export const CHECK_AUTH_TARGET_HELP: TargetOptionHelp = {
  defaultPhoneCountry: 'also check this Default Phone Country setting',
  sandboxUrl: 'check against a TikTok sandbox running there instead of TikTok',
  apiUrl: 'check against this host instead of https://business-api.tiktok.com'
}
