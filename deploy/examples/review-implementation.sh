#!/bin/sh
# Example handler for the "implementations" source: the item names an entry of implementations/.
set -eu
entry=$(cat)
echo "reviewing implementation $TENDED_ITEM_ID: $entry"
