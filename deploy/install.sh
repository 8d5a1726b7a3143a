#!/usr/bin/env bash
# Installs tended from a built source tree (mvn -B package) as systemd services. Idempotent: running
# it again updates the programs and units and leaves the configuration and the data alone.
#
#   deploy/install.sh [--prefix DIR] [--topology single|split] [--no-start]
#
#   --prefix DIR      programs go to DIR/bin/tended and DIR/share/tended/ (default /usr/local)
#   --topology single tended.service: the supervisor runs the worker as its child (default)
#   --topology split  tended-worker.service + tended-supervisor.service (restartWith: systemctl),
#                     with a polkit rule that lets the tended user restart the worker unit only
#   --no-start        install and enable, but do not start (or restart) anything
#
# Installs: units in /etc/systemd/system, the user (sysusers.d), the data folders (tmpfiles.d), the
# daemons' AppCDS archives in /var/cache/tended (made by a training run),
# /etc/tended/tended.yaml and /etc/tended/jvm.options (only when absent; the shipped JVM options also
# go to DIR/share/tended/jvm.options), the polkit rule (split only). Needs root.
#
# An existing /etc/tended/tended.yaml is never changed. When its supervisor.restartWith does not match
# --topology (child: single, systemctl: split) it refuses (exit 2) rather than start a supervisor that
# would fight the units; with --no-start it installs anyway and says which key to edit before starting.
set -euo pipefail

prefix=/usr/local
topology=single
start=1
while (($#)); do
  case $1 in
    --prefix) prefix=${2:?--prefix needs a folder}; shift 2 ;;
    --prefix=*) prefix=${1#*=}; shift ;;
    --topology) topology=${2:?--topology needs single or split}; shift 2 ;;
    --topology=*) topology=${1#*=}; shift ;;
    --no-start) start=0; shift ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
case $topology in single|split) ;; *) echo "install.sh: --topology must be single or split" >&2; exit 2 ;; esac
[[ $prefix == /* ]] || { echo "install.sh: --prefix must be an absolute path" >&2; exit 2; }
prefix=${prefix%/}
[[ $(id -u) == 0 ]] || { echo "install.sh: must run as root" >&2; exit 1; }

src=$(cd "$(dirname "$0")/.." && pwd)
worker_jar=$src/worker/target/tended-worker.jar
supervisor_jar=$src/supervisor/target/tended-supervisor.jar
for f in "$worker_jar" "$supervisor_jar" "$src/deploy/bin/tended"; do
  [[ -f $f ]] || { echo "install.sh: $f is missing: run 'mvn -B package' first" >&2; exit 1; }
done

say() { printf 'install.sh: %s\n' "$*"; }
systemd_running() { [[ -d /run/systemd/system ]]; }

# 0. an existing configuration must agree with --topology (checked before anything is changed)
want=$([[ $topology == split ]] && echo systemctl || echo child)
if [[ -e /etc/tended/tended.yaml ]]; then
  have=$(sed -n 's/^[[:space:]]*restartWith:[[:space:]]*\([A-Za-z]*\).*/\1/p' /etc/tended/tended.yaml | head -n1)
  have=${have:-child} # the default when the key is absent
  if [[ $have != "$want" ]]; then
    other=$([[ $topology == split ]] && echo single || echo split)
    mismatch="/etc/tended/tended.yaml has supervisor.restartWith: $have, but --topology $topology needs restartWith: $want"
    edit="sed -i 's/^\\(  restartWith:\\) $have/\\1 $want/' /etc/tended/tended.yaml"
    if ((start)); then
      cat >&2 <<EOF
install.sh: $mismatch. Nothing was changed.
  To switch to $topology: set "restartWith: $want" under "supervisor:" in /etc/tended/tended.yaml, e.g.
    $edit
  then run install.sh --topology $topology again. To keep the configuration: install.sh --topology $other.
  (--no-start installs and enables without starting, for editing the key before starting the units.)
EOF
      exit 2
    fi
    say "WARNING: $mismatch: installing without starting; before starting the units: $edit"
  fi
fi
units=(tended.service tended-worker.service tended-supervisor.service)
# Installed, never enabled nor stopped by the install: the operator's choice (systemctl enable --now tended-web).
optional_units=(tended-web.service)
if [[ $topology == single ]]; then enabled=(tended.service); else enabled=(tended-worker.service tended-supervisor.service); fi

# 1. programs
install -d -m 0755 "$prefix/bin" "$prefix/share/tended/examples"
install -m 0644 "$worker_jar" "$supervisor_jar" "$src/deploy/jvm.options" "$prefix/share/tended/"
install -m 0755 "$src"/deploy/examples/*.sh "$prefix/share/tended/examples/"
install -d -m 0755 "$prefix/share/tended/examples/alerts"
install -m 0755 "$src"/deploy/examples/alerts/*.sh "$prefix/share/tended/examples/alerts/"
install -m 0644 "$src"/deploy/examples/alerts/*.service "$prefix/share/tended/examples/alerts/"
install -d -m 0755 "$prefix/share/tended/examples/prometheus"
install -m 0644 "$src"/deploy/examples/prometheus/* "$prefix/share/tended/examples/prometheus/"
install -m 0755 "$src/deploy/bin/tended" "$prefix/bin/tended"
install -m 0755 "$src/deploy/bin/tended-cds" "$prefix/share/tended/tended-cds"
say "programs in $prefix/bin/tended and $prefix/share/tended/"

# 2. user and folders
install -D -m 0644 "$src/deploy/sysusers.d/tended.conf" /etc/sysusers.d/tended.conf
install -D -m 0644 "$src/deploy/tmpfiles.d/tended.conf" /etc/tmpfiles.d/tended.conf
if command -v systemd-sysusers >/dev/null; then
  systemd-sysusers /etc/sysusers.d/tended.conf
elif ! id tended >/dev/null 2>&1; then
  useradd --system --home-dir /var/lib/tended --no-create-home --shell /usr/sbin/nologin tended
fi
if ! command -v systemd-sysusers >/dev/null && ! id tended-web >/dev/null 2>&1; then
  useradd --system --home-dir /var/lib/tended --no-create-home --shell /usr/sbin/nologin -g tended tended-web
fi
if command -v systemd-tmpfiles >/dev/null; then
  systemd-tmpfiles --create /etc/tmpfiles.d/tended.conf
fi
install -d -m 0750 -o tended -g tended /var/log/tended /var/cache/tended
# The dashboard's action token, made once: 32 random bytes, readable by the tended group, never printed.
if [[ ! -e /var/lib/tended/web.token ]]; then
  (umask 0137 && head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '=' > /var/lib/tended/web.token.new)
  chown tended:tended /var/lib/tended/web.token.new
  mv /var/lib/tended/web.token.new /var/lib/tended/web.token
  say "made the dashboard's token /var/lib/tended/web.token (group tended may read it)"
fi

# 3. configuration: written once, never overwritten
install -d -m 0755 /etc/tended
if [[ ! -e /etc/tended/tended.yaml ]]; then
  sed -e "s|/usr/share/tended/|$prefix/share/tended/|g" \
      -e "s|^\(  restartWith:\) child |\1 $( [[ $topology == split ]] && echo systemctl || echo child ) |" \
      "$src/deploy/config/tended.yaml" > /etc/tended/tended.yaml.new
  chmod 0644 /etc/tended/tended.yaml.new
  mv /etc/tended/tended.yaml.new /etc/tended/tended.yaml
  say "wrote /etc/tended/tended.yaml ($topology topology)"
fi
# JVM options (heap bounds, serial GC, heap dump on OOM), the operator's to edit: the launcher reads
# /etc/tended/jvm.options first, else the shipped defaults in $prefix/share/tended/jvm.options.
if [[ ! -e /etc/tended/jvm.options ]]; then
  install -m 0644 "$src/deploy/jvm.options" /etc/tended/jvm.options
  say "wrote /etc/tended/jvm.options"
elif ! cmp -s "$src/deploy/jvm.options" /etc/tended/jvm.options; then
  say "kept /etc/tended/jvm.options as it is; this version's defaults: $prefix/share/tended/jvm.options"
fi

# AppCDS archives of both daemons (start-up about twice as fast), made now by a short training run as
# the tended user, as the launcher would at the first start; stale ones go first. Never fatal.
rm -f /var/cache/tended/tended-*.jsa /var/cache/tended/tended-*.key /var/cache/tended/tended-cds.failed
if runuser -u tended -- env TENDED_CDS_DIR=/var/cache/tended "$prefix/bin/tended" worker --version >/dev/null 2>&1 \
    && [[ -f /var/cache/tended/tended-worker.jsa && -f /var/cache/tended/tended-supervisor.jsa ]]; then
  say "AppCDS archives in /var/cache/tended"
else
  say "WARNING: no AppCDS archives made (the daemons start without them, a little slower)"
fi

# 4. units (ExecStart and the documentation point at the prefix) and the polkit rule
for u in "${units[@]}" "${optional_units[@]}"; do
  sed -e "s|/usr/bin/tended |$prefix/bin/tended |" -e "s|/usr/share/doc/tended/|$prefix/share/tended/|" \
      "$src/systemd/$u" > "/etc/systemd/system/$u.new"
  chmod 0644 "/etc/systemd/system/$u.new"
  mv "/etc/systemd/system/$u.new" "/etc/systemd/system/$u"
done
install -m 0644 "$src/README.md" "$prefix/share/tended/README.md"
if [[ $topology == split ]]; then
  install -D -m 0644 "$src/deploy/polkit/50-tended.rules" /etc/polkit-1/rules.d/50-tended.rules
  command -v pkaction >/dev/null || say "WARNING: polkit is not installed: the supervisor cannot restart tended-worker.service (apt-get install polkitd)"
else
  rm -f /etc/polkit-1/rules.d/50-tended.rules
fi
printf 'PREFIX=%s\nTOPOLOGY=%s\n' "$prefix" "$topology" > /etc/tended/.install
say "units in /etc/systemd/system: ${units[*]} ${optional_units[*]} (the last not enabled)"

# 5. enable the topology's units, disable the other's
if ! systemd_running; then
  say "systemd is not running here: units installed but not enabled or started"
  exit 0
fi
systemctl daemon-reload
for u in "${units[@]}"; do
  case " ${enabled[*]} " in
    *" $u "*) ;;
    *) systemctl disable --now "$u" >/dev/null 2>&1 || true ;;
  esac
done
if ((start)); then
  systemctl enable "${enabled[@]}" >/dev/null 2>&1
  systemctl restart "${enabled[@]}"
  say "enabled and (re)started: ${enabled[*]}"
  say "check: systemctl status ${enabled[*]}; $prefix/bin/tended health-diagnose --config /etc/tended/tended.yaml"
else
  systemctl enable "${enabled[@]}" >/dev/null 2>&1
  say "enabled, not started: ${enabled[*]}"
fi
