#!/bin/sh
# Test handler: reads the header, then exits 3 at once.
while IFS= read -r line; do
    [ -z "$line" ] && break
done
exit 3
