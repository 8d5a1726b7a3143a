#!/usr/bin/env bash
# Reload and upgrade under a REAL systemd (the rig of e2e.sh: Debian bookworm, systemd 252, in a
# systemd-nspawn container): a handler that runs for a while is never interrupted by a reload or a
# package upgrade. Shows: `systemctl reload tended` replaces the worker (new pid, same supervisor) and
# waits for it; a bad configuration fails the reload job, changes nothing and is shown by
# health-diagnose until a later reload; installing a newer .deb (this one repacked with a bumped
# version) while a long handler runs reloads rather than restarts, the new jar's worker adopts the
# handler and its item succeeds with attempt 1, the handler run once and never signalled; in the split
# topology `systemctl reload tended-supervisor` reloads the worker unit (polkit), whose exit 75 systemd
# turns into a restart that leaves the handler running (KillMode=process).
#
#   usage (as root, from a built tree):  mvn -B -Pdeb package -DskipTests && systemd/test/reload-e2e.sh
#
#   env: TENDED_E2E_CACHE, TENDED_DEB, MIRROR: see rig.sh
#
# Where it cannot run it prints "SKIP: <why>" and exits 0; exit 1: a check failed. Every process it
# starts is stopped by PID on exit; the rootfs is never modified (--volatile=overlay).
set -uo pipefail

RIG_TAG=reload-e2e
MACHINE=tended-reload-e2e
RIG_SKIP_NOTE="the real-systemd reload test did not run; nothing was checked"
# shellcheck source=systemd/test/rig.sh
. "$(dirname "$0")/rig.sh"
LOGS=$(mktemp -d /tmp/tended-reload-e2e.XXXXXX)
PASS=0
FAIL=0
T0=$(now)

rig_preflight
rig_on_exit() { (($1 <= 1)) && log "RESULT: $PASS passed, $FAIL failed, $(since "$T0") s in all (logs in $LOGS)"; }
trap rig_exit EXIT
trap 'exit 130' INT TERM
rig_rootfs
rig_boot

check() {
  local what=$1; shift
  if "$@"; then log "PASS: $what"; PASS=$((PASS + 1)); else log "FAIL: $what"; FAIL=$((FAIL + 1)); fi
}
journal_has() { ct journalctl -u "$1" --no-pager -o cat | grep -F -- "$2" >/dev/null; }
worker_pid() { ct pgrep -u tended -f tended-worker.jar | head -n1; }
CFG=/etc/tended/tended.yaml
DATA=/var/lib/tended
drop() { # drop ID: one idea in the ideas queue, appended atomically
  ct runuser -u tended -- sh -c "printf '%s\n' '[{\"id\": \"$1\", \"title\": \"long\"}]' > $DATA/queues/.ideas.tmp \
    && mv $DATA/queues/.ideas.tmp $DATA/queues/ideas_log.json"
}
handler_pid() { ct sh -c "sed -n 's/^$1 //p' $DATA/e2e-runs 2>/dev/null | head -n1"; }
runs_of() { ct sh -c "grep -c '^$1 ' $DATA/e2e-runs 2>/dev/null || true"; }
succeeded_once() { # ID: its result says succeeded after attempt 1
  ct grep -q '"status" *: *"succeeded"' "$DATA/results/ideas/$1.json" 2>/dev/null \
    && ct grep -q '"attempts" *: *1,' "$DATA/results/ideas/$1.json"
}
never_signalled() { ! ct test -s "$DATA/e2e-signals"; }
alive_ct() { # PID (in the container): running, not a zombie
  [[ -n $1 ]] && ct sh -c "test -r /proc/$1/stat && ! sed 's/.*) //' /proc/$1/stat | grep -q '^Z'"
}
release() { ct touch "$DATA/e2e-release-$1"; }

# A newer package: this one with a bumped version (dpkg-deb repack), so dpkg runs an upgrade.
log "--- repacking $(basename "$DEB") with a bumped version"
newer=$(mktemp -d /tmp/tended-newer.XXXXXX)
dpkg-deb -R "$DEB" "$newer/pkg" && sed -i 's/^Version: .*/&+e2e1/' "$newer/pkg/DEBIAN/control" \
  && dpkg-deb -b -Zgzip "$newer/pkg" "$PAYLOAD/tended-newer.deb" >/dev/null \
  || { log "FATAL: could not repack the .deb"; exit 2; }
rm -rf "$newer"
NEWER_VERSION=$(dpkg-deb -f "$PAYLOAD/tended-newer.deb" Version)

# ------------------------------------------------------------------------------------------ 1. install
log "--- 1. dpkg -i tended.deb, a 40 s handler for ideas"
check "dpkg -i succeeds" eval 'ct dpkg -i /payload/tended.deb > "$LOGS/dpkg.log" 2>&1'
check "tended.service reaches active" wait_for 90 active tended.service
ct sh -c "cat > $DATA/e2e-long.sh" <<EOF
#!/bin/sh
for s in TERM INT HUP; do trap "echo \"\$TENDED_ITEM_ID \$s\" >> $DATA/e2e-signals" \$s; done
echo "\$TENDED_ITEM_ID \$\$" >> $DATA/e2e-runs
cat > /dev/null
# runs until the test releases it (at most 5 minutes)
i=0
while [ ! -e $DATA/e2e-release-\$TENDED_ITEM_ID ] && [ \$i -lt 3000 ]; do sleep 0.1; i=\$((i+1)); done
exit 0
EOF
ct chmod 755 "$DATA/e2e-long.sh"
ct sed -i "s|/usr/share/tended/examples/implement-idea.sh|$DATA/e2e-long.sh|" "$CFG"

# ------------------------------------------------------------------------------------------ 2. reload
log "--- 2. systemctl reload tended.service"
sup=$(prop tended.service MainPID)
w0=$(worker_pid)
t=$(now)
check "systemctl reload tended.service succeeds (waits for the new worker)" eval 'ct systemctl reload tended.service'
log "    FIGURE: systemctl reload (no handler running) took $(since "$t") s"
check "...same supervisor, a new worker" eval 'eq "$(prop tended.service MainPID)" "$sup" && w=$(worker_pid) && [[ -n $w && $w != "$w0" ]]'
check "...reload_done in the journal" journal_has tended.service "reload_done"
drop long-1
check "the long handler started" wait_for 60 eval '[[ -n $(handler_pid long-1) ]]'
h1=$(handler_pid long-1)
w1=$(worker_pid)
t=$(now)
check "reload while the handler runs succeeds" eval 'ct systemctl reload tended.service'
log "    FIGURE: systemctl reload with a handler running took $(since "$t") s;" \
  "$(ct journalctl -u tended.service --no-pager -o cat | grep reload_done | tail -n1 | grep -o 'took_ms=[0-9]*')"
check "...a new worker, the handler still running" eval 'w=$(worker_pid); [[ -n $w && $w != "$w1" ]] && alive_ct "$h1"'

# ------------------------------------------------------------------------------------------ 3. refused
log "--- 3. a bad configuration: the reload job fails, nothing changes"
w2=$(worker_pid)
ct cp "$CFG" /root/tended.yaml.good
ct sed -i 's/^\(  staleAfter:\) 120s/\1 soon/' "$CFG"
check "systemctl reload fails" eval '! ct systemctl reload tended.service 2>"$LOGS/reload-refused.err"'
sed 's/^/    /' "$LOGS/reload-refused.err"
check "...the unit stays active with the same worker" eval 'active tended.service && eq "$(worker_pid)" "$w2"'
check "...the journal names the key" eval 'ct journalctl -u tended.service --no-pager -o cat | grep -F "config: supervisor.staleAfter" >/dev/null'
# A file that loads but changes what only a restart applies: refused by the supervisor itself, recorded.
ct cp /root/tended.yaml.good "$CFG"
ct sed -i 's|^\(  file:\) status.json|\1 status2.json|' "$CFG"
check "a change only a restart applies (heartbeat.file): the reload fails" eval '! ct systemctl reload tended.service 2>/dev/null'
ct cp /root/tended.yaml.good "$CFG"
check "health-diagnose shows config_reload degraded until a later reload" eval '
  ct tended health-diagnose --config "$CFG" > "$LOGS/diagnose-refused.out" 2>&1; rc=$?
  [[ $rc != 0 ]] && grep -F "config_reload: reload refused" "$LOGS/diagnose-refused.out" >/dev/null \
  && grep -E "^verdict: .*config_reload" "$LOGS/diagnose-refused.out" >/dev/null'
grep config_reload "$LOGS/diagnose-refused.out" | sed 's/^/    /'
check "the handler is still running, never signalled" eval 'alive_ct "$h1" && never_signalled'

# ------------------------------------------------------------------------------------------ 4. upgrade
log "--- 4. dpkg -i of a newer version ($NEWER_VERSION) while the handler runs"
w3=$(worker_pid)
t=$(now)
check "dpkg -i tended-newer.deb succeeds" eval 'ct dpkg -i /payload/tended-newer.deb > "$LOGS/dpkg-upgrade.log" 2>&1'
log "    upgrade took $(since "$t") s"
check "...the new version is installed" eq "$(ct dpkg-query -W -f='${Version}' tended)" "$NEWER_VERSION"
check "...reloaded, not restarted: same supervisor, a new worker" eval '
  eq "$(prop tended.service MainPID)" "$sup" && w=$(worker_pid) && [[ -n $w && $w != "$w3" ]]'
check "...the handler still runs" eval 'alive_ct "$h1"'
check "health-diagnose: config_reload no longer degraded" eval '
  ct tended health-diagnose --config "$CFG" > "$LOGS/diagnose-after.out" 2>&1
  grep -F "config_reload: last reload done" "$LOGS/diagnose-after.out" >/dev/null'
release long-1
check "the handler, released, ran to success: attempt 1" wait_for 60 succeeded_once long-1
check "...run once, never signalled" eval 'eq "$(runs_of long-1)" 1 && never_signalled'
ct journalctl -u tended.service --no-pager -o cat | grep -E "reload_done|worker_hand_over_done|items_adopted|item_adopted" | sed 's/^/    /'

# ------------------------------------------------------------------------------------------ 5. split
log "--- 5. split topology: systemctl reload tended-supervisor.service reloads the worker unit"
ct sed -i 's/^\(  restartWith:\) child /\1 systemctl /' "$CFG"
ct systemctl disable --now tended.service >/dev/null 2>&1
ct systemctl start tended-worker.service tended-supervisor.service
check "split: both units active" wait_for 90 eval 'active tended-worker.service && active tended-supervisor.service'
drop long-2
check "split: the long handler started" wait_for 60 eval '[[ -n $(handler_pid long-2) ]]'
h2=$(handler_pid long-2)
wu=$(prop tended-worker.service MainPID)
t=$(now)
check "split: systemctl reload tended-supervisor.service succeeds" eval 'ct systemctl reload tended-supervisor.service'
log "    FIGURE: split reload with a handler running took $(since "$t") s"
check "split: the worker unit has a new main process (exit 75, restarted by systemd)" wait_for 30 restarted tended-worker.service "$wu"
check "split: journal: the supervisor reloaded the unit" journal_has tended-supervisor.service "worker_unit_reloaded unit=tended-worker.service"
check "split: the handler survived the restart of its unit (KillMode=process)" eval 'alive_ct "$h2"'
release long-2
check "split: the handler ran to success: attempt 1, once, never signalled" eval '
  wait_for 90 succeeded_once long-2 && eq "$(runs_of long-2)" 1 && never_signalled'
ct systemctl stop tended-supervisor.service tended-worker.service

log "--- figures in the lines marked FIGURE; whole run $(since "$T0") s"
((FAIL == 0)) && exit 0 || exit 1
