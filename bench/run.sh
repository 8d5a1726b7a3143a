#!/bin/sh
# Builds the jars and the benchmark, then prints the benchmark table (also written to
# bench/target/bench-result.md and, after a run that succeeded, kept as
# docs/reports/performance-<UTC date>.md: commit it). Arguments go to the benchmark:
#   --long                idle figures over 10 minutes and more samples (about 25 minutes in all)
#   --only a,b            some sections: jmh, pickup, throughput, startup, restart, systemd, idle, idle-trees,
#                         retention, cluster (needs Debian's postgresql: 1/2/3 nodes on one database)
#   --worker-jar FILE     measure another worker jar (e.g. one built before a change)
# Takes under 10 minutes by default. Run it on a quiet machine: the table shows the load average.
# The systemd section needs root: then the .deb is built too (Maven profile deb), for the container.
set -eu
cd "$(dirname "$0")/.."

# Whether the systemd section runs: it does unless --only leaves it out.
runs_systemd() {
  while [ $# -gt 0 ]; do
    if [ "$1" = --only ]; then
      case ",${2:-}," in *,systemd,*) ;; *) return 1 ;; esac
    fi
    shift
  done
}
if runs_systemd "$@" && [ "$(id -u)" = 0 ]; then
  mvn -B -q -Pbench,deb -DskipTests -pl worker,supervisor,testkit,bench,packaging -am package
else
  mvn -B -q -Pbench -DskipTests -pl worker,supervisor,testkit,bench -am package
fi
status=0
java -jar bench/target/tended-bench.jar "$@" || status=$?
if [ "$status" -eq 0 ]; then
  docs/reports/keep-report.sh performance bench/target/bench-result.md bench/run.sh "$@"
fi
exit "$status"
