#!/bin/sh
# Test handler: writes garbage lines as fast as it can and never reads.
exec yes "this is not a command"
