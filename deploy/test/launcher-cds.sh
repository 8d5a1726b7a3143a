#!/usr/bin/env bash
# Checks the launcher's AppCDS handling against the source tree's jars (mvn -B package first):
# archives are made once and then used; an archive that does not match (other options, truncated) is
# never passed to the JVM when it cannot be made again, and the daemon still starts. Needs root (the
# unwritable case runs as nobody). Prints one line per check, then RESULT; exit 1 when one failed.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
launcher=$root/deploy/bin/tended
[[ $(id -u) == 0 ]] || { echo "launcher-cds.sh: must run as root" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 0755 "$work"
real_java=$(readlink -f "$(command -v java)")
# A java that writes down the options of the daemon's run (not of the training's) and then runs.
cat > "$work/java" <<JAVA
#!/bin/sh
case " \$* " in *" --version "*) printf '%s\n' "\$@" > "$work/out/args.\$(id -u)" ;; esac
exec "$real_java" "\$@"
JAVA
chmod 0755 "$work/java"
mkdir "$work/cds" "$work/out"
chmod 1777 "$work/out"
passed=0 failed=0
check() { # name command...
  if "${@:2}"; then echo "ok   $1"; passed=$((passed + 1)); else echo "FAIL $1"; failed=$((failed + 1)); fi
}
run() { # user: runs `tended worker --version` with the test's java and archive folder; exit code
  rm -f "$work"/out/args.*
  runuser -u "$1" -- env JAVA="$work/java" TENDED_CDS_DIR="$work/cds" ${OPTIONS:+TENDED_JVM_OPTIONS=$OPTIONS} \
    ${TENDED_CDS:+TENDED_CDS=$TENDED_CDS} \
    "$launcher" worker --version >/dev/null 2>&1
}
# The daemon's JVM ran (as uid $1), with / without the worker's archive.
used() { grep -qx -- "-XX:SharedArchiveFile=$work/cds/tended-worker.jsa" "$work/out/args.$1"; }
unused() { [[ -s $work/out/args.$1 ]] && ! used "$1"; }

check "a first start makes both archives and their keys" \
  eval 'run root && [[ -s $work/cds/tended-worker.jsa && -s $work/cds/tended-supervisor.jsa && -s $work/cds/tended-worker.key ]]'
check "...and maps the worker's" used 0
before=$(stat -c %Y "$work/cds/tended-worker.jsa")
check "a second start maps it without making it again" eval 'run root && used 0 && [[ $(stat -c %Y "$work/cds/tended-worker.jsa") == "$before" ]]'
chmod -R a+rX "$work/cds"
check "a user who cannot write the folder maps a matching archive" eval 'run nobody && used $(id -u nobody)'
cp "$root/deploy/jvm.options" "$work/other.options" && echo "# changed" >> "$work/other.options"
chmod 0644 "$work/other.options"
check "other JVM options, folder not writable: starts, without the archive" \
  eval 'OPTIONS=$work/other.options run nobody && unused $(id -u nobody)'
truncate -s 4096 "$work/cds/tended-worker.jsa"
check "a truncated archive, folder not writable: starts, without the archive" eval 'run nobody && unused $(id -u nobody)'
check "a truncated archive, folder writable: made again and mapped" \
  eval 'run root && used 0 && [[ $(stat -c %s "$work/cds/tended-worker.jsa") -gt 4096 ]]'
check "TENDED_CDS=off: no archive" eval 'TENDED_CDS=off run root && unused 0'
echo "RESULT: $passed passed, $failed failed"
((failed == 0))
