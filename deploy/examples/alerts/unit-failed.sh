#!/bin/sh
# Run by tended-alert@.service when a tended unit fails (OnFailure=): the one failure tended cannot
# report itself, its supervisor being down. Calls the same alert command tended uses, with
# TENDED_ALERT=unit_failed and the unit's result as the detail.
#
#   unit-failed.sh UNIT COMMAND [ARG...]
set -eu
unit=${1:?usage: unit-failed.sh UNIT COMMAND [ARG...]}
shift
[ $# -gt 0 ] || { echo "unit-failed: no alert command given" >&2; exit 2; }
result=$(systemctl show --property=Result --value "$unit" 2>/dev/null || echo unknown)
status=$(systemctl show --property=ExecMainStatus --value "$unit" 2>/dev/null || echo unknown)
host=$(cat /proc/sys/kernel/hostname 2>/dev/null || echo unknown)
detail="$unit failed (result $result, exit status $status); systemd restarts it only within its start limit: journalctl -u $unit"
export TENDED_ALERT=unit_failed TENDED_ALERT_STATE=firing TENDED_ALERT_SOURCE= TENDED_ALERT_HOST="$host"
export TENDED_ALERT_DETAIL="$detail" TENDED_ALERT_AT="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
printf 'tended unit_failed firing on %s: %s\n' "$host" "$detail" | "$@"
