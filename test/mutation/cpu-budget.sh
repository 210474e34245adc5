#!/bin/sh
# The command Stryker runs for each mutant of `npm run mutation`, under a CPU-time budget instead of a
# wall-clock one: on a machine shared with other work a sweep's wall time grows with the load, so a
# wall-clock timeout counts a slow survivor as detected; its CPU time barely moves.
#
#   cpu-budget.sh DIR FACTOR SLACK command...
#
# The clean sweep (Stryker's dry run: no active mutant) runs unbounded and leaves its CPU seconds in
# DIR/clean-cpu-seconds. Each mutant's sweep then runs under `ulimit -t` of FACTOR x that + SLACK s; a
# sweep stopped by it (SIGXCPU, exit 152) prints the marker line run.ts counts as a timeout.
dir=$1
factor=$2
slack=$3
shift 3
if [ -z "$__STRYKER_ACTIVE_MUTANT__" ]; then
  "$@"
  rc=$?
  # `times` prints the shell's own user/system time, then its children's (e.g. "1m2.50s 0m1.20s").
  # Not in a pipeline or $(...): a subshell's `times` would count the subshell's children, none.
  times > "$dir/clean-times"
  sed -n 2p "$dir/clean-times" | awk '{ s = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); s += p[1] * 60 + p[2] } printf "%d\n", s + 1 }' > "$dir/clean-cpu-seconds"
  exit $rc
fi
clean=$(cat "$dir/clean-cpu-seconds" 2>/dev/null)
if [ -z "$clean" ]; then
  echo "zabsim-mutation: no clean sweep CPU time in $dir (the dry run did not finish)" >&2
  exit 4
fi
limit=$((clean * factor + slack))
# A soft limit sends SIGXCPU (exit 152); the hard one, 10 s later, SIGKILL if that was ignored.
(ulimit -S -t "$limit" && ulimit -H -t $((limit + 10)) && exec "$@")
rc=$?
if [ $rc -eq 152 ] || [ $rc -eq 137 ]; then echo "zabsim-mutation: cpu budget spent ($limit s)" >&2; fi
exit $rc
