#!/usr/bin/env bash
# Checks every unit in systemd/ and deploy/examples/alerts/: `systemd-analyze verify` is clean and the exposure reported by
# `systemd-analyze security --offline=true` is at most MAX_EXPOSURE (2.0). A missing systemd-analyze is
# a failure (the check must not pass by not running); TENDED_UNIT_CHECK=0 skips it on purpose.
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
exit $fail
