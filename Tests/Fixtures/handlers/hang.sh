#!/bin/sh
# Test handler: reads the header, starts a child that outlives nothing but its group, reports
# the child's pid with SET, then sleeps forever ignoring SIGHUP and SIGTERM, so only SIGKILL
# to the whole process group ends it (ignored signals are inherited by the children too).
trap '' HUP TERM
while IFS= read -r line; do
    [ -z "$line" ] && break
done
sleep 1000 &
echo "SET sleeper $!"
while :; do
    sleep 1
done
