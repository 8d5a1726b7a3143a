#!/usr/bin/env bash
# Removes what deploy/install.sh installed. Idempotent. Keeps the configuration (/etc/tended), the data
# (/var/lib/tended), the logs (/var/log/tended) and the tended user unless --purge is given.
#
#   deploy/uninstall.sh [--prefix DIR] [--purge]
#
#   --prefix DIR  where install.sh put the programs (default: as recorded at install, else /usr/local)
#   --purge       also remove the configuration, the data, the logs and the tended user
set -euo pipefail

prefix=""
purge=0
while (($#)); do
  case $1 in
    --prefix) prefix=${2:?--prefix needs a folder}; shift 2 ;;
    --prefix=*) prefix=${1#*=}; shift ;;
    --purge) purge=1; shift ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "uninstall.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ $(id -u) == 0 ]] || { echo "uninstall.sh: must run as root" >&2; exit 1; }
if [[ -z $prefix && -f /etc/tended/.install ]]; then
  prefix=$(sed -n 's/^PREFIX=//p' /etc/tended/.install)
fi
prefix=${prefix:-/usr/local}
prefix=${prefix%/}
say() { printf 'uninstall.sh: %s\n' "$*"; }
units=(tended-web.service tended.service tended-worker.service tended-supervisor.service)

if [[ -d /run/systemd/system ]]; then
  for u in "${units[@]}"; do
    systemctl disable --now "$u" >/dev/null 2>&1 || true
  done
fi
for u in "${units[@]}"; do
  rm -f "/etc/systemd/system/$u"
done
rm -f /etc/polkit-1/rules.d/50-tended.rules /etc/tended/.install
[[ -d /run/systemd/system ]] && systemctl daemon-reload
for u in "${units[@]}"; do
  [[ -d /run/systemd/system ]] && systemctl reset-failed "$u" >/dev/null 2>&1 || true
done
rm -f "$prefix/bin/tended"
rm -rf "$prefix/share/tended" /var/cache/tended
say "removed the units and $prefix/bin/tended, $prefix/share/tended"

if ((purge)); then
  rm -rf /etc/tended /var/lib/tended /var/log/tended
  rm -f /etc/sysusers.d/tended.conf /etc/tmpfiles.d/tended.conf
  if id tended-web >/dev/null 2>&1; then
    userdel tended-web 2>/dev/null || say "WARNING: could not remove the user tended-web"
  fi
  if id tended >/dev/null 2>&1; then
    userdel tended 2>/dev/null || say "WARNING: could not remove the user tended"
    getent group tended >/dev/null && groupdel tended 2>/dev/null || true
  fi
  say "purged the configuration, the data (with the web token), the logs and the users tended, tended-web"
else
  say "kept /etc/tended, /var/lib/tended, /var/log/tended and the user tended (remove them with --purge)"
fi
