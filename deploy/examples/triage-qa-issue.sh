#!/bin/sh
# Example handler for the "qa-issues" source: triages one QA finding read as JSON on stdin.
# A finding marked "flaky" fails its first attempt with 75 (EX_TEMPFAIL) to show a retry.
set -eu
issue=$(cat)
case "$issue" in
  *'"flaky"'*)
    if [ "$TENDED_ATTEMPT" -lt 2 ]; then
      echo "QA issue $TENDED_ITEM_ID: test environment busy, retry later" >&2
      exit 75
    fi ;;
esac
echo "triaged QA issue $TENDED_ITEM_ID on attempt $TENDED_ATTEMPT"
