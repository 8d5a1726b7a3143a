#!/bin/sh
# Keeps a table that a suite has just written as this folder's dated report; bench/run.sh and
# reliability/run.sh call it after a run that passed, from the repository's root:
#   docs/reports/keep-report.sh KIND TABLE RUN-ARGS...
# KIND is performance or reliability, TABLE the file the suite wrote, RUN-ARGS the run's arguments.
# Writes docs/reports/KIND-<UTC date>.md, or KIND-<date>-only-<sections>.md for a run with --only; a
# name already taken gets -2, -3, ... (a report is never replaced). In it: a heading, the command and
# the commit, then the table as the suite wrote it. Commit the file.
set -eu
kind=$1 table=$2 script=$3
shift 3
day=$(date -u +%F)
only=$(printf '%s\n' "$@" | sed -n '/^--only$/{n;s/,/-/g;s/^/-only-/p;q;}')
if commit=$(git rev-parse --short HEAD 2>/dev/null); then
  git diff --quiet HEAD -- . ':!docs/reports' 2>/dev/null || commit="$commit, with uncommitted changes"
else
  commit="unknown (not a git checkout)"
fi
report=docs/reports/$kind-$day$only.md
n=1
while [ -e "$report" ]; do
  n=$((n + 1))
  report=docs/reports/$kind-$day$only-$n.md
done
{
  case $kind in performance) title=Performance ;; *) title=Reliability ;; esac
  printf "# %s report, %s\n\n" "$title" "$day"
  printf 'Written by `%s%s` at commit %s.\n\n' "$script" "${*:+ $*}" "$commit"
  cat "$table"
} > "$report"
echo "$kind: report kept as $report (commit it)" >&2
