#!/bin/sh
# tended alert command: one mail per alert through the local sendmail.
#
#   alerts:
#     command: ["/usr/share/tended/examples/alerts/alert-mail.sh", "ops@example.com"]
#
# Reads the one-line summary on stdin and TENDED_ALERT* from the environment (docs/unattended.md,
# "Alerts"). Exits with sendmail's status: a failure is logged by tended and the mail tried again.
# Under the shipped units (sandboxed, no network) the sendmail must work without either: see
# "Alerts from the shipped units" in docs/unattended.md.
set -eu
to=${1:?usage: alert-mail.sh RECIPIENT [SENDMAIL]}
sendmail=${2:-/usr/sbin/sendmail}
summary=$(head -c 2000)
# Header lines must not break: the summary is one line already; strip what could still end one.
subject=$(printf '%s' "$summary" | tr -d '\r\n' | cut -c1-200)
{
  printf 'To: %s\n' "$to"
  printf 'Subject: %s\n' "$subject"
  printf 'Content-Type: text/plain; charset=UTF-8\n'
  printf 'X-Tended-Alert: %s %s\n' "${TENDED_ALERT:-}" "${TENDED_ALERT_STATE:-}"
  printf '\n'
  printf '%s\n\n' "$summary"
  printf 'alert:  %s\n' "${TENDED_ALERT:-}"
  printf 'state:  %s\n' "${TENDED_ALERT_STATE:-}"
  printf 'source: %s\n' "${TENDED_ALERT_SOURCE:-}"
  printf 'host:   %s\n' "${TENDED_ALERT_HOST:-}"
  printf 'at:     %s\n' "${TENDED_ALERT_AT:-}"
  printf 'detail: %s\n\n' "${TENDED_ALERT_DETAIL:-}"
  printf 'On the host: tended health-diagnose --config /etc/tended/tended.yaml\n'
} | "$sendmail" -oi -t
