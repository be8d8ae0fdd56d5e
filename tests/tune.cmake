# The tuning cache and `optbench tune` (issue 14), and the cache sizes:
#   test_tune_cache     the reader on valid and hostile files (bad numbers,
#                       another version or machine, every truncation, FIFOs),
#                       tuned thresholds in force, the override above them
#   test_tune_env       OPTBENCH_TUNE=path|off, XDG_CACHE_HOME and HOME, in
#                       child processes (the cache is read once a process);
#                       ob_machine_id against /proc/cpuinfo's model name
#   test_cpu_cache      cpuid's cache sizes: L1d and L2 known on x86, equal to
#                       /sys's where /sys has them; the sysfs parser on a
#                       made-up tree
#   tune_cli_out_*      `optbench tune --out` refuses a FIFO or a folder
#                       before any measurement, and leaves them alone
#   tune_cli_usage      bad options exit 2 before any measurement: unknown,
#                       --reps 0, an ISA given with +omp, --kernel with a
#                       cache to write, --out with --print
#   tune_cli_roundtrip  a short `optbench tune --out F`, then `optbench info`
#                       under OPTBENCH_TUNE=F reports F's thresholds in force
# None asserts anything about timing.
ob_test(test_tune_cache)
ob_test(test_tune_env)
ob_test(test_cpu_cache)
target_include_directories(test_tune_env PRIVATE ${PROJECT_SOURCE_DIR}/impl)
target_include_directories(test_cpu_cache PRIVATE ${PROJECT_SOURCE_DIR}/impl)

add_test(NAME tune_cli_out_fifo
         COMMAND sh -c "d=\"$1\"; rm -rf \"$d\"; mkdir -p \"$d\" && mkfifo \"$d/f\" || exit 1; \
\"$0\" tune --out \"$d/f\" --max-log2 8 --reps 1 >\"$d/out\" 2>\"$d/err\"; s=$?; cat \"$d/err\"; \
[ $s -eq 2 ] && [ -p \"$d/f\" ] && grep -q FIFO \"$d/err\" && [ ! -s \"$d/out\" ]"
                 $<TARGET_FILE:optbench_cli> ${CMAKE_CURRENT_BINARY_DIR}/tune_fifo)
add_test(NAME tune_cli_out_dir
         COMMAND sh -c "d=\"$1\"; rm -rf \"$d\"; mkdir -p \"$d/x\" || exit 1; \
\"$0\" tune --out \"$d/x\" --max-log2 8 --reps 1 >\"$d/out\" 2>\"$d/err\"; s=$?; cat \"$d/err\"; \
[ $s -eq 2 ] && [ -d \"$d/x\" ] && [ ! -s \"$d/out\" ]"
                 $<TARGET_FILE:optbench_cli> ${CMAKE_CURRENT_BINARY_DIR}/tune_dir)
add_test(NAME tune_cli_usage
         COMMAND sh -c "for args in '--bogus' '--reps 0' '--reps 1x' '--isa avx512+omp' \
'--kernel sgd --out /nonexistent/t.txt' '--kernel lion --print' '--out a --print' '--max-log2 7'; do \
\"$0\" tune $args >/dev/null 2>&1; s=$?; [ $s -eq 2 ] || { echo \"tune $args: exit $s\"; exit 1; }; \
done"
                 $<TARGET_FILE:optbench_cli>)
add_test(NAME tune_cli_roundtrip
         COMMAND sh -c "d=\"$1\"; rm -rf \"$d\"; mkdir -p \"$d\" || exit 1; \
\"$0\" tune --out \"$d/t.txt\" --max-log2 10 --reps 1 >\"$d/out\" 2>&1 || { cat \"$d/out\"; exit 1; }; \
OPTBENCH_TUNE=\"$d/t.txt\" \"$0\" info >\"$d/info\" || exit 1; cat \"$d/info\"; \
grep -q \"thresholds in force: tuned: $d/t.txt\" \"$d/info\" && \
t=$(sed -n 's/^algo adam //p' \"$d/t.txt\") && grep -q \"adam $t,\" \"$d/info\""
                 $<TARGET_FILE:optbench_cli> ${CMAKE_CURRENT_BINARY_DIR}/tune_roundtrip)
set_tests_properties(tune_cli_roundtrip PROPERTIES TIMEOUT 300)
