#!/bin/sh
# Builds the jars and the benchmark, then prints the benchmark table (also written to
# bench/target/bench-result.md). Arguments go to the benchmark: --long, --only jmh,pickup,...
# Run from anywhere; takes under 10 minutes (--long: about 20).
set -eu
cd "$(dirname "$0")/.."
mvn -B -q -Pbench -DskipTests -pl bench -am package
modules="worker"
[ -d supervisor/src/main ] && [ -f supervisor/pom.xml ] && modules="worker,supervisor"
mvn -B -q -DskipTests -pl "$modules" package
exec java -jar bench/target/tended-bench.jar "$@"
