#!/bin/sh
# tended alert command: one JSON POST per alert with curl.
#
#   alerts:
#     command: ["/usr/share/tended/examples/alerts/alert-webhook.sh", "/etc/tended/alert-webhook.url"]
#
# The URL (which often carries a token) is read from the file named by $1 (default
# /etc/tended/alert-webhook.url; make it readable by the tended user only) and handed to curl on its
# stdin, never on a command line: it stays out of `ps` and of tended's logs. The body:
#   {"alert":"item_dead","state":"firing","source":"ideas","host":"h","at":"...","detail":"...","text":"..."}
# ("text" is the one-line summary, for chat webhooks that show one field). A non-2xx answer or no
# answer within 20 s fails the run: tended logs it and tries again. The shipped units have no network:
# see "Alerts from the shipped units" in docs/unattended.md for the drop-in this needs.
set -eu
url_file=${1:-/etc/tended/alert-webhook.url}
url=$(head -n 1 "$url_file" | tr -d '\r\n')
[ -n "$url" ] || { echo "alert-webhook: no URL in $url_file" >&2; exit 2; }
summary=$(head -c 2000)

# JSON string: backslash and quote escaped, other control characters dropped (values are one line).
json() { printf '%s' "$1" | tr -d '\000-\037' | sed 's/\\/\\\\/g; s/"/\\"/g'; }
body=$(printf '{"alert":"%s","state":"%s","source":"%s","host":"%s","at":"%s","detail":"%s","text":"%s"}' \
  "$(json "${TENDED_ALERT:-}")" "$(json "${TENDED_ALERT_STATE:-}")" "$(json "${TENDED_ALERT_SOURCE:-}")" \
  "$(json "${TENDED_ALERT_HOST:-}")" "$(json "${TENDED_ALERT_AT:-}")" "$(json "${TENDED_ALERT_DETAIL:-}")" \
  "$(json "$summary")")
# curl's config syntax: inside "...", backslash and quote are escaped once more.
cfg() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }
printf 'url = "%s"\ndata-binary = "%s"\nheader = "Content-Type: application/json"\n' "$(cfg "$url")" "$(cfg "$body")" \
  | curl --config - --fail --silent --show-error --max-time 20 --output /dev/null
