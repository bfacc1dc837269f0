#!/bin/sh
# Tools/bench/telephony-support/hold-handler.sh — the telephony benchmark's call handler
# (docs/call-handler-protocol.md): dials the customer, then plays the greeting again and
# again, so RTP flows on the call the whole time, until HOLD_SECONDS (environment, default
# 30; `SET hold-seconds N` from the header is not needed) have passed since the answer;
# then hangs up. POSIX sh only: it runs once per call, hundreds at a time.
hold="${HOLD_SECONDS:-30}"
case "$hold" in ''|*[!0-9]*) hold=30 ;; esac

# Header: name: value lines up to the blank line (bounded: the node sends about ten).
n=0
while IFS= read -r line; do
  line="${line%"$(printf '\r')"}"
  [ -z "$line" ] && break
  n=$((n + 1))
  [ "$n" -gt 64 ] && exit 3
done

# send COMMAND — writes it and reads up to its reply (any line not starting with `800 `);
# sets $reply. EOF or `511` (channel gone): exit 0 as the protocol asks.
send() {
  printf '%s\n' "$1" || exit 0
  while IFS= read -r reply; do
    case "$reply" in
      "800 "*) continue ;;
      "511"*) exit 0 ;;
      *) return 0 ;;
    esac
  done
  exit 0
}

send "DIAL customer 30000"
case "$reply" in
  "200 result=answered"*) ;;
  *) send "HANGUP customer-unreached"; exit 0 ;;
esac
end=$(( $(date +%s) + hold ))
while [ "$(date +%s)" -lt "$end" ]; do
  send "PLAY greeting"
  case "$reply" in "200 "*) ;; *) break ;; esac
done
send "HANGUP"
exit 0
