#!/usr/bin/env bash
# Checks every unit in systemd/ and deploy/examples/alerts/: `systemd-analyze verify` is clean and the exposure reported by
# `systemd-analyze security --offline=true` is at most MAX_EXPOSURE (2.0). A missing systemd-analyze is
# a failure (the check must not pass by not running); TENDED_UNIT_CHECK=0 skips it on purpose.
# Then: only tended-web.service may have a network socket, and it may write only control/requests; every
# unit is handled by the maintainer scripts and install.sh/uninstall.sh; and, when a .deb is built
# (TENDED_DEB, else packaging/target/tended_*_all.deb), it holds every unit, example, man page and
# document, with the right modes (dpkg-deb -c).
#
#   systemd/test/check-units.sh            (exit 0 all good or skipped on purpose, 1 a check failed)
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
max=${MAX_EXPOSURE:-2.0}

if [[ ${TENDED_UNIT_CHECK:-1} == 0 ]]; then
  echo "check-units: SKIP: TENDED_UNIT_CHECK=0"
  exit 0
fi
if ! command -v systemd-analyze >/dev/null; then
  echo "check-units: FAIL: systemd-analyze is not installed here (apt-get install systemd; .ci/run does)," \
       "or set TENDED_UNIT_CHECK=0 to skip the unit checks on purpose"
  exit 1
fi
echo "check-units: $(systemd-analyze --version | head -n1)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail=0
# The shipped units, and the sample OnFailure= unit of the alert examples.
for unit in "$repo"/systemd/*.service "$repo"/deploy/examples/alerts/*.service; do
  name=$(basename "$unit")
  # verify needs ExecStart= to exist: point it at the launcher (and the examples) in this tree, in a copy.
  sed -e "s|/usr/bin/tended |$repo/deploy/bin/tended |" -e "s|/usr/share/tended/examples/|$repo/deploy/examples/|g" \
    "$unit" > "$work/$name"
  if out=$(cd "$work" && systemd-analyze verify --man=no "$work/$name" 2>&1) && [[ -z $out ]]; then
    echo "check-units: PASS: systemd-analyze verify $name is clean"
  else
    echo "check-units: FAIL: systemd-analyze verify $name:"; echo "$out" | sed 's/^/    /'
    fail=1
  fi
  score=$(systemd-analyze security --offline=true --no-pager "$unit" 2>/dev/null \
    | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
  if [[ -z $score ]]; then
    echo "check-units: FAIL: no exposure score for $name"; fail=1
  elif awk -v s="$score" -v m="$max" 'BEGIN { exit !(s <= m) }'; then
    echo "check-units: PASS: $name exposure $score <= $max"
  else
    echo "check-units: FAIL: $name exposure $score > $max"
    systemd-analyze security --offline=true --no-pager "$unit" | grep '✗' | sed 's/^/    /'
    fail=1
  fi
done

pass() { echo "check-units: PASS: $*"; }
failed() { echo "check-units: FAIL: $*"; fail=1; }
# The value(s) of KEY= in a unit file, one a line (comments left out).
unit_values() { sed -n "s/^$2=//p" "$1"; }

# The shipped daemons have no network; the dashboard has loopback only and one writable folder.
for unit in "$repo"/systemd/*.service; do
  name=$(basename "$unit")
  if [[ $name == tended-web.service ]]; then
    if [[ $(unit_values "$unit" ReadWritePaths) == /var/lib/tended/control/requests \
          && $(unit_values "$unit" ReadOnlyPaths) == /var/lib/tended \
          && $(unit_values "$unit" ProtectSystem) == strict \
          && -z $(unit_values "$unit" 'StateDirectory\|LogsDirectory\|CacheDirectory') ]]; then
      pass "$name may write only /var/lib/tended/control/requests (ProtectSystem=strict, no StateDirectory=)"
    else
      failed "$name must write only /var/lib/tended/control/requests: ProtectSystem=strict," \
        "ReadOnlyPaths=/var/lib/tended, ReadWritePaths=/var/lib/tended/control/requests, no State/Logs/CacheDirectory="
    fi
    if [[ $(unit_values "$unit" IPAddressAllow) == localhost && $(unit_values "$unit" IPAddressDeny) == any \
          && -z $(unit_values "$unit" PrivateNetwork) ]]; then
      pass "$name reaches loopback only (IPAddressAllow=localhost, IPAddressDeny=any)"
    else
      failed "$name must set IPAddressAllow=localhost and IPAddressDeny=any (and no PrivateNetwork=, it listens)"
    fi
  elif [[ $(unit_values "$unit" PrivateNetwork) == yes && $(unit_values "$unit" RestrictAddressFamilies) == AF_UNIX ]]; then
    pass "$name has no network (PrivateNetwork=yes, RestrictAddressFamilies=AF_UNIX)"
  else
    failed "$name: only tended-web.service may have a network socket (PrivateNetwork=yes, RestrictAddressFamilies=AF_UNIX)"
  fi
done

# A new unit must be known to everything that installs, enables, stops or removes the units.
for script in packaging/src/deb/control/postinst packaging/src/deb/control/postrm packaging/src/deb/control/prerm \
    deploy/install.sh deploy/uninstall.sh; do
  missing=()
  for unit in "$repo"/systemd/*.service; do
    grep -qF "$(basename "$unit")" "$repo/$script" || missing+=("$(basename "$unit")")
  done
  if ((${#missing[@]})); then failed "$script does not name ${missing[*]}"; else pass "$script names every unit"; fi
done

# The package's contents: what is in the tree must be in the .deb, where the units and docs say it is.
deb=${TENDED_DEB:-$(ls "$repo"/packaging/target/tended_*_all.deb 2>/dev/null | sed -n 1p)}
if [[ -z $deb || ! -f $deb ]]; then
  echo "check-units: SKIP: no .deb built (mvn -B -Pdeb package -DskipTests), its contents not checked"
  exit $fail
fi
if ! command -v dpkg-deb >/dev/null; then
  failed "dpkg-deb is not installed here: the contents of $deb cannot be checked"
  exit $fail
fi
listing=$work/deb.list
dpkg-deb -c "$deb" | awk '{ print substr($1, 2, 9), substr($NF, 2) }' > "$listing"
missing=()
wrong=()
expect() { # PATH MODE: PATH is in the package with mode MODE (rwxr-xr-x)
  local got
  got=$(awk -v p="$1" '$2 == p { print $1 }' "$listing")
  if [[ -z $got ]]; then missing+=("$1"); elif [[ $got != "$2" ]]; then wrong+=("$1 ($got, not $2)"); fi
}
x=rwxr-xr-x
r=rw-r--r--
for f in "$repo"/systemd/*.service; do expect "/lib/systemd/system/$(basename "$f")" $r; done
while IFS= read -r f; do
  rel=${f#"$repo"/deploy/examples/}
  if [[ $f == *.sh ]]; then expect "/usr/share/tended/examples/$rel" $x; else expect "/usr/share/tended/examples/$rel" $r; fi
done < <(find "$repo/deploy/examples" -type f | sort)
while IFS= read -r f; do expect "/usr/share/doc/tended/docs/${f#"$repo"/docs/}" $r; done \
  < <(find "$repo/docs" -type f ! -name '*.sh' | sort)
for f in README.md LICENSE CHANGELOG.md CONTRIBUTING.md; do expect "/usr/share/doc/tended/$f" $r; done
expect /usr/bin/tended $x
expect /usr/share/tended/tended-cds $x
expect /usr/share/tended/tended-worker.jar $r
expect /usr/share/tended/tended-supervisor.jar $r
expect /usr/lib/sysusers.d/tended.conf $r
expect /usr/lib/tmpfiles.d/tended.conf $r
expect /usr/share/polkit-1/rules.d/50-tended.rules $r
expect /etc/tended/tended.yaml $r
expect /etc/tended/jvm.options $r
# A man page for every command the launcher lists (tended COMMAND ...), and tended(1).
expect /usr/share/man/man1/tended.1.gz $r
for c in $(sed -n 's/^  tended \([a-z-]*\) .*/\1/p' "$repo/deploy/bin/tended" | sort -u); do
  expect "/usr/share/man/man1/tended-$c.1.gz" $r
done
if ((${#missing[@]} + ${#wrong[@]} == 0)); then
  pass "$(basename "$deb") holds every unit, example, document and man page, with their modes ($(wc -l < "$listing") entries)"
else
  ((${#missing[@]})) && failed "$(basename "$deb") lacks: ${missing[*]}"
  ((${#wrong[@]})) && failed "$(basename "$deb") has the wrong mode on: ${wrong[*]}"
fi
conffiles=$(dpkg-deb -I "$deb" conffiles 2>/dev/null)
if grep -qx /etc/tended/tended.yaml <<<"$conffiles" && grep -qx /etc/tended/jvm.options <<<"$conffiles"; then
  pass "$(basename "$deb"): /etc/tended/tended.yaml and jvm.options are conffiles"
else
  failed "$(basename "$deb"): /etc/tended/tended.yaml and /etc/tended/jvm.options must be conffiles (got: ${conffiles:-none})"
fi
exit $fail
