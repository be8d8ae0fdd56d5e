#!/bin/sh
# plugin_bench_crash.sh BENCH ARGS...: optbench_bench --kernel on a kernel that
# crashes must die of it (a signal; under AddressSanitizer, its report and exit
# status 1), and the last line it printed before the crash must name the
# kernel, the rule and n. Exit 77 (skipped) when the benchmark is not built.
[ -n "$1" ] || exit 77
out=$("$@" 2>&1)
rc=$?
printf '%s\n' "$out"
[ $rc -ne 0 ] || { echo "plugin_bench_crash: the benchmark exited 0" >&2; exit 1; }
# the sanitizer's own report, if any, comes after the crash: leave it out
last=$(printf '%s\n' "$out" |
  grep -Ev '^(AddressSanitizer|UndefinedBehaviorSanitizer|==|SUMMARY|    #|$)' | tail -n 1)
printf '%s\n' "$last" |
  grep -Eq '^optbench_bench: calling kernel .*libplugin_bad_segv.so:optbench_step, rule sgd, n 1000$' ||
  { echo "plugin_bench_crash: the last line before the crash was: $last" >&2; exit 1; }
