# The waiter of one tended handler (POSIX sh; run as: sh -c THIS tended-waiter SETSID SLEEP MV
# STDOUT_FIFO STDERR_FIFO EXIT_FILE PROGRAM ARGS...). Its environment holds TENDED_WAITER=<token>;
# the handler gets TENDED_ATTEMPT_TOKEN=<token> instead. Tools come as absolute paths, so the
# handler's PATH, whatever it is, only finds the handler.
setsid_=$1 sleep_=$2 mv_=$3 out=$4 err=$5 exit_file=$6
shift 6
# Read-write first, so that no open waits for the other end; then the read ends the waiter keeps,
# so that the handler never gets SIGPIPE and its output waits in the pipe while no worker reads.
# The read-write ends are closed before the fork: the handler's own are then the only write ends
# there ever are after the waiter's first moment, so a reader never sees the end of the output
# (every writer gone) before the handler has opened its end.
exec 3<>"$out" 4<>"$err" || exit 111
exec 5<"$out" 6<"$err" || exit 111
exec 3>&- 4>&-
# An asynchronous list gets /dev/null as stdin: keep the item's input (the waiter's stdin) on 7.
exec 7<&0
(
  exec 5<&- 6<&-
  TENDED_ATTEMPT_TOKEN=$TENDED_WAITER
  export TENDED_ATTEMPT_TOKEN
  unset TENDED_WAITER
  exec "$setsid_" "$@" <&7 7<&- >"$out" 2>"$err"
) &
pid=$!
exec 7<&-
# A worker gone before it read the pid must not kill the waiter with SIGPIPE (set after the fork:
# an ignored signal would be inherited by the handler).
trap '' PIPE
echo "$pid"
exec >/dev/null 2>&1 </dev/null
wait "$pid"
status=$?
printf '%s\n' "$status" >"$exit_file.tmp" && "$mv_" -f "$exit_file.tmp" "$exit_file"
exec "$sleep_" 2147483647
