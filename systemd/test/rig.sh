# shellcheck shell=bash
# The real-systemd rig shared by e2e.sh and watchdog-bench.sh (sourced, not run): a Debian bookworm
# rootfs (systemd 252) built once with debootstrap and cached, booted as PID 1 of a systemd-nspawn
# container (--volatile=overlay: a run never changes the rootfs), with the built .deb bound in at
# /payload/tended.deb, the test kit's jar (when built) at /payload/tended-testkit.jar and the source
# tree read-only at /src; commands run inside with `ct`.
#
#   before sourcing, set RIG_TAG (the log prefix) and MACHINE (the container's name, one per script so
#   that two scripts can run at once); then:  rig_preflight; trap rig_exit EXIT; rig_rootfs; rig_boot
#
#   env: TENDED_E2E_CACHE  rootfs cache (default ~/.cache/tended-e2e), built once with debootstrap
#        TENDED_DEB        the package (default packaging/target/tended_*_all.deb)
#        TENDED_TESTKIT    the test kit's jar (default testkit/target/tended-testkit-*.jar): test-only faults
#                          (a wedged poller) that a worker started with it on its class path obeys
#        MIRROR            Debian mirror for debootstrap (default: the first one apt uses here)
#        RIG_NO_BUILD=1    skip (exit 0) rather than build a missing rootfs
#
# skip() prints "SKIP: <why>" and exits 0 (where the rig cannot run); rig_exit stops systemd-nspawn by
# PID (SIGTERM, then SIGKILL of its init after 15 s), removes the payload and calls rig_on_exit RC if
# the script defines it.

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE=${TENDED_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tended-e2e}
ROOT=$CACHE/rootfs
LOGS=${LOGS:-$CACHE}
RIG_TAG=${RIG_TAG:-rig}
MACHINE=${MACHINE:-tended-rig}
RIG_SKIP_NOTE=${RIG_SKIP_NOTE:-}
DEB=""
TESTKIT=""
PAYLOAD=""
NSPAWN_PID=""
LEADER=""

log()   { printf '[%s %s] %s\n' "$RIG_TAG" "$(date +%T)" "$*"; }
skip()  { log "SKIP: $*"; [[ -n $RIG_SKIP_NOTE ]] && log "$RIG_SKIP_NOTE"; exit 0; }
now()   { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
alive() { [[ -n $1 && -r /proc/$1/stat ]] && [[ $(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) != Z ]]; }

rig_preflight() { # root, the .deb, host tools (installed with apt-get when missing), cgroups
  local need=()
  [[ $(id -u) == 0 ]] || skip "must run as root (systemd-nspawn boots a container)"
  DEB=${TENDED_DEB:-$(ls "$repo"/packaging/target/tended_*_all.deb 2>/dev/null | sed -n 1p)}
  [[ -n $DEB && -f $DEB ]] || { log "FATAL: no .deb: build it first with 'mvn -B -Pdeb package -DskipTests'"; exit 1; }
  TESTKIT=${TENDED_TESTKIT:-$(ls "$repo"/testkit/target/tended-testkit-*.jar 2>/dev/null | grep -v -e '-sources\.jar$' -e '-tests\.jar$' | sed -n 1p)}
  command -v systemd-nspawn >/dev/null || need+=(systemd-container)
  command -v debootstrap >/dev/null || need+=(debootstrap)
  command -v nsenter >/dev/null || need+=(util-linux)
  if ((${#need[@]})); then
    command -v apt-get >/dev/null || skip "needs ${need[*]} and there is no apt-get to install them"
    log "installing host packages: ${need[*]}"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"; } >/dev/null 2>&1 \
      || skip "could not install ${need[*]}"
  fi
  [[ -d /sys/fs/cgroup ]] || skip "no cgroup file system: systemd cannot run as a container's PID 1 here"
  mkdir -p "$LOGS"
}

rig_exit() { # the EXIT trap: halt the container, remove the payload, then rig_on_exit RC
  local rc=$? i
  trap - EXIT INT TERM
  if alive "$NSPAWN_PID"; then
    log "halting the container (systemd-nspawn pid $NSPAWN_PID)"
    kill -TERM "$NSPAWN_PID" 2>/dev/null
    for i in $(seq 1 150); do alive "$NSPAWN_PID" || break; sleep 0.1; done
    if alive "$NSPAWN_PID"; then
      log "container still running after 15 s: SIGKILL to its init $LEADER and to systemd-nspawn $NSPAWN_PID"
      [[ -n $LEADER ]] && kill -KILL "$LEADER" 2>/dev/null
      kill -KILL "$NSPAWN_PID" 2>/dev/null
    fi
  fi
  [[ -n $NSPAWN_PID ]] && wait "$NSPAWN_PID" 2>/dev/null
  [[ -n $PAYLOAD && -d $PAYLOAD ]] && rm -rf "$PAYLOAD"
  rmdir "/run/systemd/nspawn/propagate/$MACHINE" 2>/dev/null
  declare -F rig_on_exit >/dev/null && rig_on_exit "$rc"
  exit "$rc"
}

rig_mirror() {
  { grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}'
    grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}'; } | grep -v security | sed -n 1p
}

rig_rootfs() { # builds $ROOT once (a few minutes), or reuses it; with RIG_NO_BUILD=1 skips instead of building
  local t
  if [[ -f $ROOT/.tended-e2e-complete ]]; then
    log "reusing rootfs $ROOT"
    return
  fi
  [[ ${RIG_NO_BUILD:-0} == 1 ]] && skip "no rootfs cached in $CACHE yet: systemd/test/e2e.sh builds it once (debootstrap, a few minutes)"
  MIRROR=${MIRROR:-$(rig_mirror)}
  MIRROR=${MIRROR:-http://deb.debian.org/debian}
  log "building rootfs once (debootstrap bookworm with systemd, polkitd and a JDK; a few minutes)"
  t=$(now)
  mkdir -p "$CACHE"
  rm -rf "$ROOT.tmp"
  # libpam-systemd + systemd-sysv: polkitd needs a logind; the JDK brings jcmd for thread dumps.
  debootstrap --variant=minbase \
      --include=systemd,systemd-sysv,dbus,libnss-systemd,libpam-systemd,polkitd,procps,openjdk-17-jdk-headless \
      bookworm "$ROOT.tmp" "$MIRROR" > "$CACHE/debootstrap.log" 2>&1 \
    || skip "debootstrap failed (no network or mirror?), see $CACHE/debootstrap.log"
  echo tended-e2e > "$ROOT.tmp/etc/hostname"
  rm -f "$ROOT.tmp"/var/cache/apt/archives/*.deb
  rm -rf "$ROOT"
  mv "$ROOT.tmp" "$ROOT"
  touch "$ROOT/.tended-e2e-complete"
  log "rootfs built in $(since "$t") s"
}

rig_boot() { # boots the container and waits (30 s at most) until its systemd is running
  local t state="" _
  PAYLOAD=$(mktemp -d /tmp/tended-rig.XXXXXX)
  cp "$DEB" "$PAYLOAD/tended.deb"
  [[ -n $TESTKIT && -f $TESTKIT ]] && cp "$TESTKIT" "$PAYLOAD/tended-testkit.jar"
  chmod 755 "$PAYLOAD"
  log "booting systemd in a container (systemd-nspawn -b --volatile=overlay)"
  t=$(now)
  systemd-nspawn -q -D "$ROOT" -M "$MACHINE" --register=no --keep-unit -b --console=pipe \
      --volatile=overlay --private-network \
      --bind-ro="$PAYLOAD:/payload" --bind-ro="$repo:/src" \
      </dev/null >"$LOGS/boot.log" 2>&1 &
  NSPAWN_PID=$!
  for _ in $(seq 1 300); do
    alive "$NSPAWN_PID" || skip "systemd-nspawn exited at once: $(tail -n 5 "$LOGS/boot.log")"
    LEADER=$(awk '{print $1}' "/proc/$NSPAWN_PID/task/$NSPAWN_PID/children" 2>/dev/null)
    if [[ -n $LEADER && $(cat "/proc/$LEADER/comm" 2>/dev/null) == systemd ]]; then
      state=$(ct systemctl is-system-running 2>/dev/null)
      [[ $state == running || $state == degraded ]] && break
    fi
    sleep 0.1
  done
  [[ $state == running || $state == degraded ]] \
    || skip "the container did not boot within 30 s (state '$state'), see $LOGS/boot.log"
  log "container up in $(since "$t") s: $(ct systemctl --version | sed -n 1p)"
}

# ------------------------------------------------------------------------------------------ inside the container
ct() { # run a command inside the container, in all its namespaces
  nsenter -t "$LEADER" -a env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 SYSTEMD_PAGER= SYSTEMD_COLORS=0 "$@"
}
prop() { ct systemctl show -P "$2" "$1" 2>/dev/null; }
wait_for() { # wait_for SECONDS command...
  local end=$(($(date +%s) + $1)); shift
  until "$@"; do (($(date +%s) >= end)) && return 1; sleep 0.2; done
}
eq() { [[ $1 == "$2" ]]; }
active() { [[ $(prop "$1" ActiveState) == active ]]; }
restarted() { # restarted UNIT OLD_PID: a new main process is up and active
  local p; p=$(prop "$1" MainPID)
  active "$1" && [[ -n $p && $p != 0 && $p != "$2" ]]
}
# The test entry point of the worker: the installed jar's own main class with the test kit on its class
# path (its fault services: a poller wedged by a file), the units' JVM options. Never the shipped
# command line: the product holds no test switch. rig_testkit installs the kit's jar in the container.
TESTKIT_IN_CT=/usr/local/lib/tended-test/tended-testkit.jar
FAULTABLE_WORKER="/usr/bin/java @/etc/tended/jvm.options -XX:+ExitOnOutOfMemoryError -XX:HeapDumpPath=/var/lib/tended -cp /usr/share/tended/tended-worker.jar:$TESTKIT_IN_CT dev.tended.worker.WorkerMain --config /etc/tended/tended.yaml"
rig_testkit() { # copies the test kit's jar from the payload to $TESTKIT_IN_CT, readable by the tended user
  ct test -f /payload/tended-testkit.jar && ct install -D -m 0644 /payload/tended-testkit.jar "$TESTKIT_IN_CT"
}
faultable_worker_yaml() { # FAULTABLE_WORKER as a YAML flow sequence, for supervisor.workerCommand
  local a out=""
  for a in $FAULTABLE_WORKER; do out+="${out:+, }\"$a\""; done
  printf '[%s]' "$out"
}
dropin() { # dropin UNIT NAME CONTENT: a drop-in for the test, then daemon-reload
  ct mkdir -p "/etc/systemd/system/$1.d"
  printf '%s\n' "$3" | ct tee "/etc/systemd/system/$1.d/$2.conf" >/dev/null
  ct systemctl daemon-reload
}
