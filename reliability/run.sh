#!/bin/sh
# Builds the jars and the reliability suite, then runs it against the real jars and prints the table
# (also written to reliability/target/reliability-result.md). Exit 1 when a row failed. After a run
# that passed, the table is also kept as docs/reports/reliability-<UTC date>.md: commit it.
#   (no argument)   the CI profile: a few minutes (mvn -B verify runs it too, as ReliabilityCiProfileIT)
#   --soak          the soak profile: 500 kills, 20 000 items, a 1 GB queue file; about half an hour
#   --only a,b      some scenarios: crash, hangs, damage, disk, permissions, powercut, hostile, leaks, size
#   --keep          keep the scratch folders (printed at the end)
set -eu
cd "$(dirname "$0")/.."
mvn -B -q -Preliability -DskipTests -pl worker,supervisor,testkit,reliability -am package
status=0
java -jar reliability/target/tended-reliability.jar "$@" || status=$?
if [ "$status" -eq 0 ]; then
  docs/reports/keep-report.sh reliability reliability/target/reliability-result.md reliability/run.sh "$@"
fi
exit "$status"
