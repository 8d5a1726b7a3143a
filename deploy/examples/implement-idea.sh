#!/bin/sh
# Example handler for the "ideas" source: reads one idea (JSON) on stdin and "implements" it.
# Exit 0 = done, 75 = try again later, 65 = this item is bad and must not be retried.
set -eu
idea=$(cat)
case "$idea" in
  *'"title"'*) ;;
  *) echo "idea $TENDED_ITEM_ID has no title" >&2; exit 65 ;;
esac
echo "implementing idea $TENDED_ITEM_ID (attempt $TENDED_ATTEMPT, key $TENDED_IDEMPOTENCY_KEY)"
printf '%s\n' "$idea" > "$TENDED_WORK_DIR/implemented.json"
sleep 0.2
echo "done"
