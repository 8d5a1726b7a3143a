#!/bin/sh
# Builds the jars and the benchmark, then prints the benchmark table (also written to
# bench/target/bench-result.md). Arguments go to the benchmark:
#   --long                idle figures over 10 minutes and more samples (about 25 minutes in all)
#   --only a,b            some sections: jmh, pickup, throughput, startup, restart, idle
#   --worker-jar FILE     measure another worker jar (e.g. one built before a change)
# Takes under 10 minutes by default. Run it on a quiet machine: the table shows the load average.
set -eu
cd "$(dirname "$0")/.."
mvn -B -q -Pbench -DskipTests -pl worker,supervisor,bench -am package
exec java -jar bench/target/tended-bench.jar "$@"
