#!/usr/bin/env bash
# Runs tended on a local demo data folder (var/demo in the source tree): builds the jars when they are
# missing, copies the sample queues once, and runs in the foreground. Ctrl-C stops it cleanly.
# Add work while it runs, e.g.:
#   echo '{"id": 104, "text": "new finding"}' >> var/demo/QAissue.json
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if [[ ! -f $root/worker/target/tended-worker.jar || ! -f $root/supervisor/target/tended-supervisor.jar ]]; then
  echo "run.sh: building the jars (first run, about a minute)..."
  (cd "$root" && mvn -B -q package -DskipTests)
fi
data=$root/var/demo
if [[ ! -e $data/ideas_log.json ]]; then
  mkdir -p "$data"
  cp -R "$here/data/." "$data/"
fi
exec "$root/deploy/bin/tended" supervise --config "$here/tended.yaml"
