#!/bin/bash
# Sample call handler in bash (docs/call-handler-protocol.md): the default click-to-call flow.
# Replies are the lines that do not start with "800 "; events are kept aside in EVENTS.
# EOF on stdin, a broken pipe or "511" ends the handler quietly with status 0.
set -u
trap '' PIPE
EVENTS=()
REPLY_LINE=""

# Header: "name: value" lines up to a blank line.
while IFS= read -r line; do
    line=${line%$'\r'}
    [ -z "$line" ] && break
    case "$line" in
        call-id:*) CALL_ID=${line#call-id: } ;;
    esac
done || exit 0

# send COMMAND: writes it and reads its reply into REPLY_LINE.
send() {
    printf '%s\n' "$1" 2>/dev/null || exit 0
    while IFS= read -r REPLY_LINE; do
        case "$REPLY_LINE" in
            "800 "*) [ ${#EVENTS[@]} -lt 64 ] && EVENTS+=("$REPLY_LINE") ;;
            "511 "*) exit 0 ;;
            *) return 0 ;;
        esac
    done
    exit 0
}

answered() { [ "$REPLY_LINE" = "200 result=answered" ]; }

# wait_for_hangup: returns once an "800 event=hangup" arrived (earlier or now).
wait_for_hangup() {
    local event
    for event in "${EVENTS[@]+"${EVENTS[@]}"}"; do
        case "$event" in "800 event=hangup"*) return 0 ;; esac
    done
    while IFS= read -r event; do
        case "$event" in "800 event=hangup"*) return 0 ;; esac
    done
    exit 0
}

send "DIAL customer 30000"
if ! answered; then
    result=${REPLY_LINE#200 result=}
    result=${result%% *}
    result=${result//[^A-Za-z0-9_-]/}
    send "HANGUP customer-${result:-failed}"
    exit 0
fi
send "PLAY greeting"
send "DIAL agent 30000"
if ! answered; then
    send "PLAY no-agent"
    send "HANGUP no-agent"
    exit 0
fi
send "BRIDGE"
wait_for_hangup
send "HANGUP"
exit 0
