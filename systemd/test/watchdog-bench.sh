#!/usr/bin/env bash
# Freeze of the worker (SIGSTOP) → the new worker's first beat, under a REAL systemd, two ways side by
# side in one container (the rig of rig.sh: Debian bookworm, systemd 252, the built .deb installed):
#
#   watchdog    systemd's own watchdog, split topology: tended-worker.service with WatchdogSec=10s and
#               the shipped TimeoutAbortSec= and RestartSec=; tended-supervisor.service is not started,
#               so nothing else acts. The freeze comes right after a WATCHDOG=1 ping (the unit's
#               WatchdogTimestamp changed): the worst case, as a freeze right after a beat is below.
#   supervisor  tended's supervisor, one unit: tended.service (child mode), staleAfter 10s, heartbeat
#               every 2s. The freeze comes right after a beat (status.json's sequence changed).
#
# The end of each sample is the new worker's first beat: the first status.json of another pid in state
# "running", read from the host through /proc/<container init>/root every 20 ms, as the bench's restart
# section reads its own. For the watchdog the journal also tells when systemd acted (the PHASE lines).
#
#   usage (as root, from a built tree):  mvn -B -Pdeb package -DskipTests && systemd/test/watchdog-bench.sh [--samples N] [--no-build]
#     --samples N   freezes per way (default 3)
#     --no-build    SKIP rather than build the rootfs when it is not cached yet (debootstrap: minutes)
#
#   prints, besides progress lines ([wd-bench hh:mm:ss] ...):
#     CONFIG  <name> <key>=<value>...           what the figure's path includes (unit and config values)
#     SAMPLE  <name> <seconds>                  one freeze → new worker's first beat
#     PHASE   watchdog <phase> <seconds>        median time from the freeze to systemd's step: fired (the
#                                               watchdog timed out, SIGQUIT), dump (the JVM's thread dump
#                                               in the journal; n/a: none), sigkill (TimeoutAbortSec= ran
#                                               out), restart (RestartSec= ran out), ready (READY=1: active)
#     FIGURE  <name> <median seconds> samples=N min=<s> max=<s>
#   env: TENDED_E2E_CACHE, TENDED_DEB, MIRROR: see rig.sh (LOGS: where its logs go)
#
# Exit 0: figures printed, or "SKIP: <why>" where the rig cannot run (not root, no systemd-nspawn, the
# container does not boot). Exit 1: a measurement failed (the line before says which). The container
# is stopped by PID on exit.
set -uo pipefail

RIG_TAG=wd-bench
MACHINE=tended-wd-bench
RIG_SKIP_NOTE="the watchdog benchmark did not run; nothing was measured"
LOGS=${LOGS:-${TENDED_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tended-e2e}/watchdog-bench}
# shellcheck source=systemd/test/rig.sh
. "$(dirname "$0")/rig.sh"

SAMPLES=3
while (($#)); do
  case $1 in
    --samples) SAMPLES=${2:-}; shift 2 ;;
    --no-build) RIG_NO_BUILD=1; shift ;;
    *) echo "usage: $0 [--samples N] [--no-build]" >&2; exit 64 ;;
  esac
done
[[ $SAMPLES =~ ^[1-9][0-9]*$ ]] || { echo "watchdog-bench: --samples takes a whole number above 0" >&2; exit 64; }

WATCHDOG_SEC=10
STALE_AFTER_S=10
HEARTBEAT_S=2

fail() { log "FAILED: $*"; exit 1; }

rig_preflight
trap rig_exit EXIT
trap 'exit 130' INT TERM
rig_rootfs
rig_boot

# ------------------------------------------------------------------------------------------ helpers
status_now() { # "pid sequence state" of status.json now, empty when absent or unreadable
  local s
  s=$(tr -d '\n' 2>/dev/null < "/proc/$LEADER/root/var/lib/tended/status.json") || return 0
  awk -v s="$s" 'function field(k,  r) {
      if (match(s, "\"" k "\" *: *\"?[A-Za-z0-9]+")) { r = substr(s, RSTART, RLENGTH); sub(/.*: *"?/, "", r); return r }
      return "" }
    BEGIN { p = field("pid"); q = field("sequence"); t = field("state"); if (p != "" && q != "" && t != "") print p, q, t }'
}
await_status() { # await_status SECONDS AWK_CONDITION: polls (every 20 ms) until "pid sequence state" matches; prints it
  local end s
  end=$(awk -v n="$(now)" -v d="$1" 'BEGIN { printf "%.3f", n + d }')
  while :; do
    s=$(status_now)
    if [[ -n $s ]] && awk -v s="$s" "BEGIN { split(s, f, \" \"); pid = f[1]; seq = f[2]; state = f[3]; exit !($2) }"; then
      printf '%s\n' "$s"
      return 0
    fi
    awk -v n="$(now)" -v e="$end" 'BEGIN { exit !(n >= e) }' && return 1
    sleep 0.02
  done
}
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
figure() { # figure NAME VALUES...: the FIGURE line (median, min, max)
  local name=$1; shift
  printf '%s\n' "$@" | sort -g | awk -v n="$name" '{ v[NR] = $1 }
    END { printf "FIGURE %s %s samples=%d min=%s max=%s\n", n, v[int((NR + 1) / 2)], NR, v[1], v[NR] }'
}
journal_at() { # journal_at UNIT SINCE PATTERN: realtime (s) of the first line of UNIT at or after SINCE matching PATTERN
  ct journalctl -u "$1" --no-pager -o short-unix --since "@${2%.*}" \
    | awk -v t="$2" -v p="$3" '!found && index($0, p) && $1 + 0 >= t + 0 { print $1; found = 1 }'
}
journal_wait() { # journal_wait UNIT SINCE PATTERN: journal_at, waiting up to 5 s for journald to have the line
  local at end=$(($(date +%s) + 5))
  until at=$(journal_at "$@") && [[ -n $at ]]; do (($(date +%s) >= end)) && return 1; sleep 0.2; done
  printf '%s\n' "$at"
}
pinged_since() { [[ $(prop tended-worker.service WatchdogTimestampMonotonic) != "$1" ]]; }

# ------------------------------------------------------------------------------------------ install
log "installing the .deb (postinst starts tended.service, the one-unit topology)"
ct dpkg -i /payload/tended.deb > "$LOGS/dpkg.log" 2>&1 || fail "dpkg -i: see $LOGS/dpkg.log"
ct sed -i "s/^\(  interval:\) [0-9]*s/\1 ${HEARTBEAT_S}s/; s/^\(  staleAfter:\) [0-9]*s/\1 ${STALE_AFTER_S}s/" /etc/tended/tended.yaml
ct grep -qx "  interval: ${HEARTBEAT_S}s" /etc/tended/tended.yaml && ct grep -qx "  staleAfter: ${STALE_AFTER_S}s" /etc/tended/tended.yaml \
  || fail "could not set heartbeat.interval and supervisor.staleAfter in /etc/tended/tended.yaml"

# ------------------------------------------------------------------------------------------ supervisor
log "--- supervisor: tended.service (child mode), staleAfter ${STALE_AFTER_S}s, heartbeat ${HEARTBEAT_S}s"
ct systemctl restart tended.service || fail "systemctl restart tended.service"
st=$(await_status 60 'state == "running"') || fail "tended.service: no running worker within 60 s"
echo "CONFIG supervisor unit=tended.service staleAfter=${STALE_AFTER_S}s heartbeat=${HEARTBEAT_S}s"
values=()
for i in $(seq 1 "$SAMPLES"); do
  read -r pid seq _ <<<"$st"
  # right after a beat: wait for this worker's next one
  await_status 30 "pid == $pid && seq > $seq && state == \"running\"" >/dev/null || fail "no beat of pid $pid within 30 s"
  t0=$(now)
  ct kill -STOP "$pid" || fail "kill -STOP $pid"
  st=$(await_status 60 "pid != $pid && state == \"running\"") || fail "supervisor: no beat of a new worker within 60 s of the freeze"
  v=$(elapsed "$t0" "$(now)")
  echo "SAMPLE supervisor $v"
  log "    sample $i: froze pid $pid, new worker ${st%% *} beat after $v s"
  values+=("$v")
done
figure supervisor "${values[@]}"
ct systemctl disable --now tended.service >/dev/null 2>&1 || fail "systemctl disable --now tended.service"

# ------------------------------------------------------------------------------------------ watchdog
log "--- watchdog: tended-worker.service with WatchdogSec=${WATCHDOG_SEC}s, tended-supervisor.service not started"
dropin tended-worker.service 50-watchdog-bench "[Service]
WatchdogSec=${WATCHDOG_SEC}s"
ct systemctl start tended-worker.service || fail "systemctl start tended-worker.service"
active tended-supervisor.service && fail "tended-supervisor.service is active: it could act first"
eq "$(prop tended-worker.service WatchdogUSec)" "${WATCHDOG_SEC}s" || fail "WatchdogUSec is $(prop tended-worker.service WatchdogUSec)"
span() { prop tended-worker.service "$1" | tr -d ' '; } # "1min 30s" -> "1min30s": one word per value
echo "CONFIG watchdog unit=tended-worker.service WatchdogSec=$(span WatchdogUSec)" \
  "TimeoutAbortSec=$(span TimeoutAbortUSec) RestartSec=$(span RestartUSec)" \
  "WatchdogSignal=$(prop tended-worker.service WatchdogSignal | sed 's/^3$/SIGQUIT/')" \
  "heartbeat=${HEARTBEAT_S}s"
st=$(await_status 60 'state == "running"') || fail "tended-worker.service: no running worker within 60 s"
values=()
phases=()
for i in $(seq 1 "$SAMPLES"); do
  pid=$(prop tended-worker.service MainPID)
  await_status 30 "pid == $pid && state == \"running\"" >/dev/null || fail "no beat of MainPID $pid within 30 s"
  nr=$(prop tended-worker.service NRestarts)
  # right after a ping: wait until systemd records the next WATCHDOG=1
  w0=$(prop tended-worker.service WatchdogTimestampMonotonic)
  end=$(($(date +%s) + WATCHDOG_SEC))
  until pinged_since "$w0"; do (($(date +%s) >= end)) && fail "no WATCHDOG=1 from pid $pid within ${WATCHDOG_SEC} s"; sleep 0.02; done
  t0=$(now)
  ct kill -STOP "$pid" || fail "kill -STOP $pid"
  st=$(await_status 90 "pid != $pid && state == \"running\"") || fail "watchdog: no beat of a new worker within 90 s of the freeze"
  v=$(elapsed "$t0" "$(now)")
  wait_for 10 eval '(( $(prop tended-worker.service NRestarts) > nr ))' || fail "NRestarts did not grow: not a restart by systemd?"
  echo "SAMPLE watchdog $v"
  line="sample $i: froze pid $pid, new worker ${st%% *} beat after $v s"
  for p in "fired:Watchdog timeout" "sigkill:with signal SIGKILL" "restart:Scheduled restart job" "ready:Started tended-worker.service"; do
    at=$(journal_wait tended-worker.service "$t0" "${p#*:}") || fail "the journal of tended-worker.service has no '${p#*:}' after the freeze"
    phases+=("${p%%:*} $(elapsed "$t0" "$at")")
    line+=", ${p%%:*} +$(elapsed "$t0" "$at")"
  done
  # SIGQUIT comes with SIGCONT: the JVM wakes and prints a thread dump to its stdout, the journal
  at=$(journal_at tended-worker.service "$t0" "Full thread dump")
  if [[ -n $at ]]; then phases+=("dump $(elapsed "$t0" "$at")"); line+=", thread dump +$(elapsed "$t0" "$at")"
  else line+=", no thread dump in the journal"; fi
  log "    $line"
  values+=("$v")
done
for p in fired dump sigkill restart ready; do
  m=$(printf '%s\n' "${phases[@]}" | awk -v p="$p" '$1 == p { print $2 }' | median)
  echo "PHASE watchdog $p ${m:-n/a}"
done
figure watchdog "${values[@]}"
ct systemctl stop tended-worker.service
log "done"
