#!/usr/bin/env bash
# End-to-end test of tended under a REAL systemd: boots Debian bookworm (systemd 252) as PID 1 of a
# systemd-nspawn container, installs the built .deb into it, and drives systemctl/journalctl from the
# outside. Shows: a unit is active only after READY=1; `systemctl status` shows the STATUS= line; a
# worker frozen with SIGSTOP is killed by systemd's watchdog and restarted; in the split topology the
# supervisor restarts the worker unit through systemctl; `systemctl stop` leaves no process;
# `journalctl -p warning` filters by priority; health-diagnose works after install; the install and
# uninstall scripts can each run twice in a row.
#
#   usage (as root, from a built tree):  mvn -B -Pdeb package -DskipTests && systemd/test/e2e.sh
#
# The wedged-poller checks start the worker through its test entry point (rig.sh FAULTABLE_WORKER: the
# installed jar with the test kit's jar on the class path, by a drop-in or supervisor.workerCommand);
# the shipped units and jars hold no test switch.
#
#   env: TENDED_E2E_CACHE, TENDED_DEB, MIRROR: see rig.sh (the container boot, shared with watchdog-bench.sh)
#
# Where it cannot run (not root, no systemd-nspawn and no apt-get to install it, container does not
# boot) it prints "SKIP: <why>" and exits 0. Once the container runs, nothing is skipped: a missing
# capability of the build (e.g. no `tended supervise`) fails its checks. Exit 1: a check failed. Every process it starts
# (systemd-nspawn) is stopped by PID on exit; the rootfs is never modified by a run (--volatile=overlay).
set -uo pipefail

RIG_TAG=e2e
MACHINE=tended-e2e
RIG_SKIP_NOTE="the real-systemd test did not run; nothing was checked"
# shellcheck source=systemd/test/rig.sh
. "$(dirname "$0")/rig.sh"
PASS=0
FAIL=0
T0=$(now)

# ------------------------------------------------------------------------------------------ preflight
rig_preflight
for f in worker/target/tended-worker.jar supervisor/target/tended-supervisor.jar; do
  [[ -f $repo/$f ]] || { log "FATAL: $f missing: build first"; exit 1; }
done
[[ -n $TESTKIT && -f $TESTKIT ]] || { log "FATAL: no test kit jar (testkit/target/tended-testkit-*.jar): build first"; exit 1; }
rig_on_exit() { (($1 <= 1)) && log "RESULT: $PASS passed, $FAIL failed, $(since "$T0") s in all"; }
trap rig_exit EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------------------------------ boot
rig_rootfs
rig_boot

# ------------------------------------------------------------------------------------------ helpers
check() {
  local what=$1; shift
  if "$@"; then log "PASS: $what"; PASS=$((PASS + 1)); else log "FAIL: $what"; FAIL=$((FAIL + 1)); fi
}
# (grep reads all its input: `grep -q` would make journalctl die of SIGPIPE and pipefail fail the check)
journal_has() { ct journalctl -u "$1" --no-pager -o cat | grep -F -- "$2" >/dev/null; }
journal_p() { ct journalctl -u "$1" -p "$2" --no-pager -o cat; }
no_tended_process() { ! ct pgrep -u tended >/dev/null 2>&1; }
mono_us() { # monotonic µs of the first journal line of unit $1 matching $2 (fixed string)
  ct journalctl -u "$1" --no-pager -o json --output-fields=MESSAGE,_SOURCE_MONOTONIC_TIMESTAMP,__MONOTONIC_TIMESTAMP \
    | grep -F -- "$2" | head -n1 | sed -n 's/.*"__MONOTONIC_TIMESTAMP":"\([0-9]*\)".*/\1/p'
}
jvm_args() { # jvm_args PID: the JVM's arguments one a line, java @argfiles expanded as java does
  local a
  ct cat "/proc/$1/cmdline" | tr '\0' '\n' | while IFS= read -r a; do
    if [[ $a == @* ]]; then ct sed -e 's/#.*//' -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' -e '/^$/d' "${a#@}" </dev/null
    else printf '%s\n' "$a"; fi
  done
}
jvm_has() { # jvm_has PID ARG: the JVM runs with exactly ARG (e.g. -Xmx128m)
  [[ -n $1 && $1 != 0 ]] && jvm_args "$1" | grep -Fx -- "$2" >/dev/null
}
jvm_options_used() { # jvm_options_used PID: jvm.options (heap cap) and the units' heap dump path
  jvm_has "$1" -Xmx128m && jvm_has "$1" -XX:+UseSerialGC && jvm_has "$1" -XX:HeapDumpPath=/var/lib/tended
}
worker_child() { ct pgrep -u tended -f tended-worker.jar | head -n1; }
drop_queue() { # an idea that succeeds and one that dies (exit 65: no title), appended atomically
  ct runuser -u tended -- sh -c "printf '%s\n' '$1' > /var/lib/tended/queues/.ideas.tmp && mv /var/lib/tended/queues/.ideas.tmp /var/lib/tended/queues/ideas_log.json"
}

rig_testkit || { log "FATAL: could not install the test kit's jar in the container"; exit 1; }

# ------------------------------------------------------------------------------------------ 1. the .deb
log "--- 1. dpkg -i tended.deb (postinst enables and starts tended.service: the single topology)"
t=$(now)
check "dpkg -i succeeds" eval 'ct dpkg -i /payload/tended.deb > "$CACHE/dpkg.log" 2>&1'
log "    installed and started in $(since "$t") s"
check "user tended exists (sysusers.d)" eval 'ct id tended >/dev/null'
check "tended is on PATH" eval 'eq "$(ct sh -c "command -v tended")" /usr/bin/tended'
check "jvm.options installed as a conffile in /etc/tended" eval '
  ct test -f /etc/tended/jvm.options && ct dpkg-query -W -f="\${Conffiles}\n" tended | grep -F /etc/tended/jvm.options >/dev/null'
check "user tended-web exists, in group tended (sysusers.d)" eval 'ct id -nG tended-web | grep -qw tended'
check "the web token is made, 0640 tended:tended, 43 base64url characters (32 bytes)" eval '
  eq "$(ct stat -c "%a %U:%G" /var/lib/tended/web.token)" "640 tended:tended" \
  && ct grep -qxE "[A-Za-z0-9_-]{43}" /var/lib/tended/web.token'
token_sum=$(ct sha256sum /var/lib/tended/web.token)
check "control/requests is 2770 tended:tended (tmpfiles.d)" eq "$(ct stat -c '%a %U:%G' /var/lib/tended/control/requests)" "2770 tended:tended"
check "tended-web.service is installed, not enabled" eval '
  ct test -f /lib/systemd/system/tended-web.service && ! ct systemctl --quiet is-enabled tended-web.service'
check "tended.service enabled by the package" eq "$(ct systemctl is-enabled tended.service 2>/dev/null)" enabled
check "tended.service reaches active" wait_for 60 active tended.service
p0=$(prop tended.service MainPID)
check "dpkg -i again (an upgrade run of the maintainer scripts) succeeds" eval 'ct dpkg -i /payload/tended.deb >> "$CACHE/dpkg.log" 2>&1'
check "...and reloaded the running service (same MainPID, a new worker child), still enabled" eval '
  eq "$(prop tended.service MainPID)" "$p0" && active tended.service && eq "$(ct systemctl is-enabled tended.service)" enabled \
  && ct journalctl -u tended.service --no-pager -o cat | grep -F reload_done >/dev/null'
check "...and kept the web token as it was (made once)" eq "$(ct sha256sum /var/lib/tended/web.token)" "$token_sum"
for u in tended.service tended-worker.service tended-supervisor.service tended-web.service; do
  out=$(ct systemd-analyze verify "/lib/systemd/system/$u" 2>&1)
  check "systemd-analyze verify $u is clean where it is installed" eq "$out" ""
done
for u in tended.service tended-worker.service tended-supervisor.service tended-web.service; do
  log "    $(ct systemd-analyze security --no-pager "$u" 2>/dev/null | tail -n1 | sed 's/^→ //')"
done

# ------------------------------------------------------------------------------------------ 2. single
log "--- 2. tended.service: supervisor with the worker as its child"
# UNIT: the unit's own "sd_ready" log line reaches the journal no later than 100 ms after systemd's
# "Started UNIT". The line is logged just before READY=1 is sent, but it travels through the daemon's
# asynchronous log queue and journald's stdout stream while READY=1 goes straight to the notify socket,
# so it may arrive a fraction of a millisecond after "Started" (seen: 0.34 ms). A unit that did not
# wait for READY=1 would be "Started" at exec, seconds before its first poll.
ready_before_started() {
  local r s; r=$(mono_us "$1" "sd_ready"); s=$(mono_us "$1" "Started $1")
  log "    $1: sd_ready logged at ${r:-?} us, 'Started' at ${s:-?} us (monotonic)"
  [[ -n $r && -n $s && $r -le $((s + 100000)) ]]
}
have_supervise() { ct tended supervise --help 2>&1 | grep -- --config >/dev/null; }
check "the installed build has 'tended supervise'" have_supervise
check "single: READY=1 sent before systemd called tended.service started" ready_before_started tended.service
check "single: the main process is the supervisor JVM" eval 'ct cat /proc/$(prop tended.service MainPID)/cmdline | tr "\0" " " | grep "tended-supervisor.jar supervise" >/dev/null'
check "single: the worker runs as a child in the same unit" eval 'wait_for 30 eval "ct systemctl status tended.service --no-pager | grep tended-worker.jar >/dev/null"'
check "single: the supervisor JVM runs with jvm.options (-Xmx128m, SerialGC) and HeapDumpPath=/var/lib/tended" \
  eval 'jvm_options_used "$(prop tended.service MainPID)"'
check "single: ...and so does its worker child" eval 'jvm_options_used "$(worker_child)"'
check "single: the supervisor has its own smaller heap (-Xmx32m after jvm.options); its worker child does not" \
  eval 'jvm_has "$(prop tended.service MainPID)" -Xmx32m && ! jvm_has "$(worker_child)" -Xmx32m'
check "postinst made both AppCDS archives in /var/cache/tended" \
  eval 'ct test -s /var/cache/tended/tended-worker.jsa && ct test -s /var/cache/tended/tended-supervisor.jsa'
check "single: the supervisor and its worker child map their own archives" eval '
  jvm_has "$(prop tended.service MainPID)" -XX:SharedArchiveFile=/var/cache/tended/tended-supervisor.jsa &&
  jvm_has "$(worker_child)" -XX:SharedArchiveFile=/var/cache/tended/tended-worker.jsa'
check "single: no archive was refused (no CDS warning in the journal)" eval '! journal_has tended.service "shared archive"'
check "single: systemctl status shows a Status: line" wait_for 20 eval 'ct systemctl status tended.service --no-pager | grep "Status: \"" >/dev/null'
log "    StatusText: $(prop tended.service StatusText)"
jcmd_in_unit() { # MAINPID TARGETPID: jcmd as tended, in the mount namespace (private /tmp) of MAINPID
  ct nsenter -t "$1" -m -S "$(ct id -u tended)" -G "$(ct id -g tended)" \
    /usr/lib/jvm/java-17-openjdk-amd64/bin/jcmd "$2" Thread.print 2>&1 | grep "Full thread dump" >/dev/null
}
check "single: jcmd from the supervisor's side reaches the worker child (thread dumps work under PrivateTmp)" eval '
  sp=$(prop tended.service MainPID); wp=$(ct pgrep -u tended -f tended-worker.jar | head -n1); jcmd_in_unit "$sp" "$wp"'
check "health-diagnose as root after install: healthy (exit 0)" eval 'wait_for 30 eval "ct tended health-diagnose --config /etc/tended/tended.yaml >\"$CACHE/diagnose.out\" 2>&1"'
sed 's/^/    /' "$CACHE/diagnose.out"
check "health-diagnose as the tended user works too" eval 'ct runuser -u tended -- tended health-diagnose --config /etc/tended/tended.yaml >/dev/null 2>&1'

# The supervisor's own stall recorder in the one-unit topology: a wedged child gets a record with a
# real thread dump (jcmd from the supervisor, same unit, same private /tmp). The supervisor starts
# its child through the worker's test entry point (supervisor.workerCommand), the test kit obeying
# the wedge file.
log "    single: wedging the child worker's ideas poller (test kit's wedge file), staleAfter=20s"
ct sed -i "s|^\(  staleAfter:\) 120s|\1 20s\n  workerCommand: $(faultable_worker_yaml)|" /etc/tended/tended.yaml
ct systemctl restart tended.service
# The dashboard's unit (optional): started by hand, as an operator would. Guarded so that this script
# also runs against a package built before `tended web` existed.
http_status() { # METHOD PATH [BODY [AUTH [HOST]]]: the status line's code, over bash's /dev/tcp (no curl in the
  # rootfs). AUTH "token": the installed token, read inside the container (never on a command line or in
  # the log); any other AUTH is sent as the bearer token itself; none, no Authorization header.
  ct bash -c 'exec 3<>/dev/tcp/127.0.0.1/9180 || exit 1
    if [[ ${4:-} == token ]]; then a=$(cat /var/lib/tended/web.token); else a=${4:-}; fi
    { printf "%s %s HTTP/1.0\r\nHost: %s\r\n" "$1" "$2" "${5:-127.0.0.1:9180}"
      [[ -n $a ]] && printf "Authorization: Bearer %s\r\n" "$a"
      printf "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s" "${#3}" "$3"; } >&3
    head -n1 <&3 | cut -d" " -f2' _ "$@"
}
as_web_in_unit() { # COMMAND...: as tended-web, in the web unit's mount namespace (its read-only data folder)
  ct nsenter -t "$(prop tended-web.service MainPID)" -m -S "$(ct id -u tended-web)" -G "$(ct id -g tended)" "$@"
}
if ct tended web --help >/dev/null 2>&1; then
  check "web: systemctl start tended-web.service returns (READY=1), it listens" eval '
    ct systemctl start tended-web.service && active tended-web.service && wait_for 5 journal_has tended-web.service web_listening'
  check "web: its process runs as tended-web, group tended" eval '
    eq "$(ct stat -c %U:%G "/proc/$(prop tended-web.service MainPID)")" tended-web:tended'
  check "web: /healthz answers 200 on 127.0.0.1:9180 (it sees the worker run by the user tended)" \
    wait_for 30 eval 'eq "$(http_status GET /healthz)" 200'
  check "web: /api/board and /metrics answer 200 (the ledger read through the read-only data folder)" eval '
    eq "$(http_status GET /api/board)" 200 && eq "$(http_status GET /metrics)" 200'
  check "web: a Host header naming another server is refused (421)" \
    eq "$(http_status GET /api/board "" "" evil.example:9180)" 421
  check "web: POST /api/pause without the token is refused (401)" eq "$(http_status POST /api/pause source=ideas)" 401
  check "web: ...with a wrong token, 403" eq "$(http_status POST /api/pause source=ideas not-the-token)" 403
  # 200 when the worker applies it within the dashboard's wait, 202 when none takes it (a worker without
  # the control folder); resumed at once either way, so the pause cannot outlive this check.
  check "web: ...with the installed token it is accepted (200 or 202), and resumed" eval '
    c=$(http_status POST /api/pause source=ideas token); [[ $c == 200 || $c == 202 ]] \
    && c=$(http_status POST /api/resume source=ideas token); [[ $c == 200 || $c == 202 ]]'
  check "web: the actions are logged (web_action) and the token never is" eval '
    journal_has tended-web.service "web_action action=pause" \
    && ! ct sh -c "journalctl -u tended-web.service --no-pager -o cat | grep -F -f /var/lib/tended/web.token >/dev/null"'
  # queues/ is 2770 group tended: the user tended-web may write there, its unit may not (ReadOnlyPaths=).
  check "web: in its unit it may write control/requests/ but not queues/ (which its group may outside the unit)" eval '
    as_web_in_unit sh -c "touch /var/lib/tended/control/requests/.e2e-probe && rm /var/lib/tended/control/requests/.e2e-probe" \
    && ! as_web_in_unit touch /var/lib/tended/queues/.e2e-probe 2>/dev/null \
    && ct runuser -u tended-web -- sh -c "touch /var/lib/tended/queues/.e2e-probe && rm /var/lib/tended/queues/.e2e-probe"'
  log "    FIGURE: tended-web RSS $(ct sed -n "s/^VmRSS:[[:space:]]*//p" "/proc/$(prop tended-web.service MainPID)/status")" \
      "(MemoryMax=256M, -Xmx64m), cgroup memory $(prop tended-web.service MemoryCurrent) bytes"
  log "    $(ct systemd-analyze security --no-pager tended-web.service 2>/dev/null | tail -n1 | sed 's/^→ //')"
  check "web: systemctl stop tended-web.service returns, nothing of it left" eval '
    ct systemctl stop tended-web.service && ! ct pgrep -u tended-web >/dev/null'
  ct sh -c "rm -f /var/lib/tended/control/requests/*.json"
else
  log "web: SKIP: this package has no tended web"
fi
check "single: restarted with the test kit on the worker's class path" wait_for 60 eval '
  active tended.service && w=$(worker_child) && [[ -n $w ]] && ct grep -qF tended-testkit.jar "/proc/$w/cmdline"'
wchild=$(worker_child)
ct runuser -u tended -- sh -c 'mkdir -p /var/lib/tended/test-hooks && touch /var/lib/tended/test-hooks/wedge-poller-ideas'
t=$(now)
check "single: the supervisor noticed the stall and recorded it" wait_for 60 journal_has tended.service "stall_recorded"
log "    FIGURE: wedge -> supervisor's stall_recorded (single): $(since "$t") s"
ct rm -f /var/lib/tended/test-hooks/wedge-poller-ideas
record=$(ct sh -c 'ls -t /var/lib/tended/diagnostics/stall-*.txt 2>/dev/null | head -n1')
check "single: the stall record holds a real thread dump of the wedged poller" \
  eval '[[ -n $record ]] && ct grep -q "Full thread dump" "$record" && ct grep -q "dev.tended.testkit.faults.WedgeablePolls" "$record"'
[[ -n $record ]] && ct grep -m1 -E "^reason:" "$record" | sed 's/^/    record: /'
check "single: the supervisor restarted its child (new worker pid), the unit stayed active" \
  wait_for 60 eval 'w=$(worker_child); [[ -n $w && $w != "$wchild" ]] && active tended.service'
ct sh -c 'rm -f /var/lib/tended/diagnostics/stall-*.txt'
t=$(now)
check "single: systemctl stop returns" eval 'ct systemctl stop tended.service'
log "    stop took $(since "$t") s"
check "single: no tended process left after stop" no_tended_process
check "single: the worker stopped cleanly (state stopped)" eval 'ct grep -q "\"state\" *: *\"stopped\"" /var/lib/tended/status.json'
ct sed -i '/^  workerCommand: /d' /etc/tended/tended.yaml

# ------------------------------------------------------------------------------------------ 3. split: worker unit
log "--- 3. split topology: tended-worker.service with WatchdogSec="
ct sed -i 's/^\(  restartWith:\) child /\1 systemctl /; s/^\(  staleAfter:\) 120s/\1 20s/' /etc/tended/tended.yaml
ct systemctl disable --now tended.service >/dev/null 2>&1
# Faster than the shipped 30 s / 10 s so the test takes seconds; the mechanism is the same.
# The worker through its test entry point (ExecStart= replaced), so the test kit's wedge file applies.
dropin tended-worker.service 50-e2e "[Service]
ExecStart=
ExecStart=$FAULTABLE_WORKER
WatchdogSec=6s
TimeoutAbortSec=4s
RestartSec=1s"
# Proof that "active" waits for READY=1: with the ideas poller wedged from the start (test kit), the
# first poll never completes, so no READY=1 is sent and the unit must stay "activating".
ct runuser -u tended -- sh -c 'mkdir -p /var/lib/tended/test-hooks && touch /var/lib/tended/test-hooks/wedge-poller-ideas'
ct systemctl start --no-block tended-worker.service
check "split: worker process up but its first poll held back: unit stays activating (no READY=1 yet)" eval '
  wait_for 30 eval "ct pgrep -u tended -f tended-worker.jar >/dev/null" && sleep 5 && eq "$(prop tended-worker.service ActiveState)" activating'
t=$(now)
ct rm -f /var/lib/tended/test-hooks/wedge-poller-ideas
check "split: first poll completes -> READY=1 -> active" wait_for 20 active tended-worker.service
log "    active $(since "$t") s after the poller was released"
check "split: the worker logged sd_ready before systemd logged Started" ready_before_started tended-worker.service
drop_queue '[{"id": "e2e-ok", "title": "works"}, {"id": "e2e-dead"}]'
check "split: STATUS= line with queue figures" wait_for 20 eval '[[ $(prop tended-worker.service StatusText) == ideas:*"1 dead" ]]'
log "    StatusText: $(prop tended-worker.service StatusText)"
check "split: systemctl status shows it" eval 'ct systemctl status tended-worker.service --no-pager | grep "Status: \"ideas:" >/dev/null'
check "split: WatchdogUSec=6s" eq "$(prop tended-worker.service WatchdogUSec)" 6s
check "split: the worker JVM runs with jvm.options (-Xmx128m, SerialGC) and HeapDumpPath=/var/lib/tended" \
  eval 'jvm_options_used "$(prop tended-worker.service MainPID)"'
pid1=$(prop tended-worker.service MainPID)
check "split: same process after 8 s of pings (watchdog kept happy)" eval 'sleep 8; eq "$(prop tended-worker.service MainPID)/$(prop tended-worker.service NRestarts)" "$pid1/0"'

log "    freezing the worker: SIGSTOP to pid $pid1"
nr0=$(prop tended-worker.service NRestarts)
t=$(now)
ct kill -STOP "$pid1"
check "split: frozen worker killed by the watchdog and restarted (NRestarts grows, new pid)" \
  wait_for 60 eval 'restarted tended-worker.service "$pid1" && (( $(prop tended-worker.service NRestarts) > nr0 ))'
WD_RESTART=$(since "$t")
log "    FIGURE: SIGSTOP -> restarted unit active again (its READY=1): ${WD_RESTART} s (WatchdogSec=6s + TimeoutAbortSec=4s + RestartSec=1s + JVM start)"
check "split: journal says the watchdog did it" wait_for 5 journal_has tended-worker.service "Watchdog timeout"
check "split: journal: Failed with result 'watchdog'" journal_has tended-worker.service "Failed with result 'watchdog'"

check "split: journalctl -p warning shows item_dead (error) and not item_succeeded (info)" wait_for 20 eval '
  w=$(journal_p tended-worker.service warning); grep -q "item_dead" <<<"$w" && ! grep -q "item_succeeded" <<<"$w"'
check "split: journalctl -p info shows item_succeeded" eval 'grep -q item_succeeded <<<"$(journal_p tended-worker.service info)"'
check "split: journal lines carry no second timestamp" eval '! grep -qE "^[0-9]{4}-[0-9]{2}-[0-9]{2}T" <<<"$(journal_p tended-worker.service info)"'
log "    journalctl -u tended-worker -p warning:"
journal_p tended-worker.service warning | grep -v "^ *at " | tail -n 4 | sed 's/^/      /'
check "split: the rolling log file has the same events" eval 'ct grep -q item_succeeded /var/log/tended/worker.log'
# Lines written straight to stderr (a bad configuration: exit 78) carry <3> too, and the supervisor
# tells systemd why it did not start (ERRNO=, STATUS=).
ct sh -c 'printf "dataDir: /tmp/tended-bad\nbogus: 1\n" > /tmp/bad.yaml'
ct systemd-run -q --wait --unit=tended-e2e-badworker /usr/bin/tended worker --config /tmp/bad.yaml >/dev/null 2>&1
ct systemd-run -q --wait --unit=tended-e2e-badsup -p Type=notify /usr/bin/tended supervise --config /tmp/bad.yaml >/dev/null 2>&1
check "bad configuration: the worker's stderr line is an error in the journal (journalctl -p err)" \
  eval 'journal_p tended-e2e-badworker.service err | grep -F "bad configuration: bogus" >/dev/null'
check "bad configuration: the supervisor's too, and its STATUS= says why it failed to start" eval '
  journal_p tended-e2e-badsup.service err | grep -F "config: bogus" >/dev/null \
  && [[ $(prop tended-e2e-badsup.service StatusText) == "failed to start: bad configuration"* ]]'
log "    tended-e2e-badsup StatusText: $(prop tended-e2e-badsup.service StatusText)"
ct systemctl reset-failed tended-e2e-badworker.service tended-e2e-badsup.service >/dev/null 2>&1

# ------------------------------------------------------------------------------------------ 4. split: supervisor unit
log "--- 4. split topology: tended-supervisor.service restarts the worker unit through systemctl"
# The supervisor must act before systemd's own watchdog here: give the worker a long one for now.
dropin tended-worker.service 50-e2e "[Service]
ExecStart=
ExecStart=$FAULTABLE_WORKER
WatchdogSec=120s
RestartSec=1s"
ct systemctl restart tended-worker.service
check "split: systemctl start tended-supervisor returns (READY=1)" eval 'ct systemctl start tended-supervisor.service'
check "split: the supervisor's READY=1 came before systemd called it started" ready_before_started tended-supervisor.service
log "    tended-supervisor StatusText: $(prop tended-supervisor.service StatusText)"
wpid=$(prop tended-worker.service MainPID)
log "    wedging the worker's ideas poller (test kit): beats stop after staleAfter/2, the supervisor acts after staleAfter=20s"
ct runuser -u tended -- sh -c 'mkdir -p /var/lib/tended/test-hooks && touch /var/lib/tended/test-hooks/wedge-poller-ideas'
t=$(now)
check "split: the supervisor noticed the stall" wait_for 60 journal_has tended-supervisor.service "worker_stalled pid="
log "    FIGURE: wedge -> supervisor's worker_stalled: $(since "$t") s"
# Release the wedge so the restarted worker can complete its first poll and become ready.
ct rm -f /var/lib/tended/test-hooks/wedge-poller-ideas
check "split: the supervisor restarted tended-worker.service through systemctl (new MainPID, active)" \
  wait_for 60 restarted tended-worker.service "$wpid"
log "    FIGURE: wedge -> worker unit active again after the supervisor's restart: $(since "$t") s"
check "split: the supervisor logged worker_unit_restarted" journal_has tended-supervisor.service "worker_unit_restarted unit=tended-worker.service"
ct journalctl -u tended-supervisor.service --no-pager -o cat | grep -E "worker_stalled|stall_recorded|worker_unit_restarted|worker_restarted" | sed 's/^/    /'
record=$(ct sh -c 'ls -t /var/lib/tended/diagnostics/stall-*.txt 2>/dev/null | head -n1')
check "split: a stall record was written" eval '[[ -n $record ]]'
check "split: jcmd in the supervisor's unit took the worker's thread dump (shared /tmp, chown allowed)" \
  eval '[[ -n $record ]] && ct grep -q "Full thread dump" "$record"'
[[ -n $record ]] && ct grep -m1 -E "thread_dump|jcmd|SIGQUIT" "$record" | sed 's/^/    record: /'
check "split: tended-supervisor.service still active" active tended-supervisor.service
t=$(now)
check "split: systemctl stop both returns" eval 'ct systemctl stop tended-supervisor.service tended-worker.service'
log "    stop took $(since "$t") s"
check "split: no tended process left after stop" no_tended_process
ct rm -rf /etc/systemd/system/tended-worker.service.d
ct systemctl daemon-reload

# ------------------------------------------------------------------------------------------ 5. remove the .deb
log "--- 5. dpkg --purge tended"
ct sh -c 'echo "{}" > /var/lib/tended/marker.json'
check "dpkg -r keeps the data" eval 'ct dpkg -r tended >/dev/null 2>&1 && ct test -f /var/lib/tended/marker.json && ct test -f /etc/tended/tended.yaml'
check "dpkg --purge removes data and configuration" eval 'ct dpkg --purge tended >/dev/null 2>&1 && ! ct test -e /var/lib/tended && ! ct test -e /etc/tended'
check "no tended process after purge" no_tended_process

# ------------------------------------------------------------------------------------------ 6. install.sh
log "--- 6. deploy/install.sh and uninstall.sh, each twice"
installed_ok() { # PREFIX UNITS...: programs, user, config and the topology's units active
  local p=$1 u; shift
  ct test -x "$p/bin/tended" && ct test -f "$p/share/tended/tended-worker.jar" && ct id tended >/dev/null \
    && ct test -f /etc/tended/tended.yaml || return 1
  for u in "$@"; do wait_for 60 active "$u" || return 1; done
}
for i in 1 2; do
  check "install.sh --prefix /opt/tended --topology split (run $i)" eval 'ct /src/deploy/install.sh --prefix /opt/tended --topology split > "$CACHE/install-$i.log" 2>&1'
  check "after install run $i: programs, user, config, worker and supervisor units active" installed_ok /opt/tended tended-worker.service tended-supervisor.service
done
check "split install: the config says restartWith: systemctl" eval 'ct grep -qE "^  restartWith: systemctl" /etc/tended/tended.yaml'
check "split install: the polkit rule is in place" eval 'ct test -f /etc/polkit-1/rules.d/50-tended.rules'
check "split install: jvm.options in /etc/tended and the shipped defaults beside the jars" eval '
  ct test -f /etc/tended/jvm.options && ct test -f /opt/tended/share/tended/jvm.options'
check "split install: the worker JVM runs with them (-Xmx128m) and HeapDumpPath=/var/lib/tended" \
  eval 'jvm_options_used "$(prop tended-worker.service MainPID)"'
check "split install: ExecStart points into the prefix" eval 'ct systemctl cat tended-worker.service | grep "^ExecStart=/opt/tended/bin/tended worker" >/dev/null'
# polkitd reloads its rules asynchronously when install.sh (run 2, just before) rewrites them; a request
# in that window is refused as if there were no rule, so the first restart is allowed a few seconds.
check "split install: the tended user may restart the worker unit (polkit)" \
  wait_for 15 eval 'ct runuser -u tended -- systemctl restart tended-worker.service 2>/dev/null'
check "split install: ...but not stop it, nor touch another unit" eval '! ct runuser -u tended -- systemctl stop tended-worker.service 2>/dev/null && ! ct runuser -u tended -- systemctl restart dbus.service 2>/dev/null'
# Switching topology: refused while the config says otherwise (it would start a supervisor in child
# mode beside the worker unit); --no-start installs and says which key to edit; then install again.
wsplit=$(prop tended-worker.service MainPID)
check "install.sh --topology single on the split config refuses: exit 2, names the key, changes nothing" eval '
  ct /src/deploy/install.sh --prefix /opt/tended --topology single > "$CACHE/install-refused.log" 2>&1; rc=$?
  [[ $rc == 2 ]] && grep -F "supervisor.restartWith: systemctl" "$CACHE/install-refused.log" >/dev/null \
  && grep -F "\"restartWith: child\"" "$CACHE/install-refused.log" >/dev/null \
  && eq "$(prop tended-worker.service MainPID)" "$wsplit" && active tended-supervisor.service \
  && ! active tended.service && eq "$(ct systemctl is-enabled tended.service)" disabled'
sed -n 1p "$CACHE/install-refused.log" | sed 's/^/    /'
check "install.sh --topology single --no-start: installs, keeps the split config, says to set restartWith: child" eval '
  ct /src/deploy/install.sh --prefix /opt/tended --topology single --no-start > "$CACHE/install-3.log" 2>&1 \
  && grep "restartWith: child" "$CACHE/install-3.log" >/dev/null && ct grep -qE "^  restartWith: systemctl" /etc/tended/tended.yaml'
ct sed -i 's/^\(  restartWith:\) systemctl /\1 child /' /etc/tended/tended.yaml
check "after editing the key: install.sh --topology single starts tended.service" eval '
  ct /src/deploy/install.sh --prefix /opt/tended --topology single > "$CACHE/install-4.log" 2>&1'
check "after switching to single: tended.service enabled and active, the split units disabled and inactive" eval '
  wait_for 60 active tended.service && eq "$(ct systemctl is-enabled tended.service)" enabled \
  && eq "$(ct systemctl is-enabled tended-worker.service)" disabled && ! active tended-worker.service && ! active tended-supervisor.service'
for i in 1 2; do
  check "uninstall.sh (run $i)" eval 'ct /src/deploy/uninstall.sh > "$CACHE/uninstall-$i.log" 2>&1'
  check "after uninstall run $i: no units, no programs, no process; data, config and user kept" eval '
    ! ct test -e /etc/systemd/system/tended.service && ! ct test -e /opt/tended/bin/tended && no_tended_process \
    && ct test -f /var/lib/tended/ledger.db && ct test -f /etc/tended/tended.yaml && ct id tended >/dev/null'
done
check "install.sh again keeps the ledger and config" eval 'ct /src/deploy/install.sh --prefix /opt/tended --topology single >/dev/null 2>&1 && ct test -f /var/lib/tended/ledger.db && wait_for 60 active tended.service'
for i in 1 2; do
  check "uninstall.sh --purge (run $i)" eval 'ct /src/deploy/uninstall.sh --purge > "$CACHE/purge-$i.log" 2>&1'
done
check "after purge: no data, config, user or process" eval '! ct test -e /var/lib/tended && ! ct test -e /etc/tended && ! ct id tended >/dev/null 2>&1 && no_tended_process'

log "--- figures: watchdog restart ${WD_RESTART:-?} s; whole run $(since "$T0") s"
((FAIL == 0)) && exit 0 || exit 1
