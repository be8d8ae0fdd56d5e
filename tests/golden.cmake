# The golden vector tests; included from tests/CMakeLists.txt (which defines
# ob_test(NAME [LIBS...])).
#   test_golden_reader  the reader rejects broken files (file, line, reason)
#                       and old versions (how to regenerate), loads good ones;
#                       the metric and the checker behave as golden/FORMAT.md
#                       says, for a rule and a layer kernel
#   test_golden_kernels the same in depth for layer-kernel cases: every kind
#                       of broken record, missing and unused records
#   test_golden_hostile hostile files: 2^17 cases in linear time, layer
#                       parameters beyond the arrays, inexact numbers
#   test_golden         every supported variant x every golden file x every
#                       case (every algorithm and every op of the lists), fresh
#                       and on its own state, at offsets 0..15 floats
#   test_golden_omp     the same with the +omp variants parallel at every size
#                       (threshold 1) on 3 threads, so small cases cross chunks
#   golden_cli_verify   `optbench verify` itself (every supported variant)
#   golden_cli_convention  `verify --algo adam --convention torch` is torch_adam,
#                       under the PyTorch heading, its JSON row naming the
#                       convention; --convention book alone runs the six
#                       textbook rules and no layer kernel
#   golden_cli_info     `optbench info` runs
#   golden_cli_usage    bad arguments exit with status 2
#   test_outfile        output files: only over regular files or nothing,
#                       through a unique temporary file
#   golden_cli_json_fifo  `verify --json FIFO` refuses before the work and
#                       leaves the FIFO and the user's FIFO.tmp alone
#   test_cli_args       the argument parser and the numeric option parser
#                       refuse overflow, signs, junk and empty values
set(OB_GOLDEN_SRC_DIR ${PROJECT_SOURCE_DIR}/golden)

ob_test(test_golden_reader obgolden)
ob_test(test_cli_args obcli)
ob_test(test_outfile obutil)
ob_test(test_golden_kernels obgolden)
ob_test(test_golden_hostile obgolden)

ob_test(test_golden obgolden)
target_compile_definitions(test_golden PRIVATE OB_GOLDEN_DIR="${OB_GOLDEN_SRC_DIR}")
add_test(NAME test_golden_omp COMMAND test_golden --omp-threshold 1 ${OB_GOLDEN_SRC_DIR})
set_tests_properties(test_golden_omp PROPERTIES
                     ENVIRONMENT "OMP_NUM_THREADS=3;OMP_WAIT_POLICY=passive")

add_test(NAME golden_cli_verify
         COMMAND optbench_cli verify --golden-dir ${OB_GOLDEN_SRC_DIR}
                 --json ${CMAKE_CURRENT_BINARY_DIR}/golden_verify.json)
add_test(NAME golden_cli_info COMMAND optbench_cli info)
add_test(NAME golden_cli_usage
         COMMAND sh -c "for a in 'verify --bogus' 'verify --variant nosuch' 'verify --algo nosuch' \
'verify --op nosuch' 'verify --offset 16' 'verify --json' 'verify --omp-threshold 99999999999999999999999' \
'verify --offset -1' 'verify --omp-threshold=' 'verify --convention pytorch' \
'verify --algo momentum --convention torch' 'verify --kernel-form states' 'info extra' 'frobnicate' ''; do \
\"$0\" $a >/dev/null 2>&1; s=$?; \
if [ $s -ne 2 ]; then echo \"optbench $a: exit $s, want 2\"; exit 1; fi; done; echo ok"
                 $<TARGET_FILE:optbench_cli>)
add_test(NAME golden_cli_json_fifo
         COMMAND sh -c "d=\"$1\"; rm -rf \"$d\"; mkdir -p \"$d\" && mkfifo \"$d/f\" && \
echo mine >\"$d/f.tmp\" || exit 1; \
\"$0\" verify --algo sgd --variant scalar --golden-dir \"$2\" --json \"$d/f\" >/dev/null 2>\"$d/err\"; \
s=$?; cat \"$d/err\"; [ $s -eq 2 ] && [ -p \"$d/f\" ] && grep -q FIFO \"$d/err\" && \
[ \"$(cat \"$d/f.tmp\")\" = mine ] && [ $(ls -A \"$d\" | wc -l) -eq 3 ]"
                 $<TARGET_FILE:optbench_cli> ${CMAKE_CURRENT_BINARY_DIR}/json_fifo
                 ${OB_GOLDEN_SRC_DIR})
add_test(NAME golden_cli_convention
         COMMAND sh -c "d=\"$1\"; rm -rf \"$d\"; mkdir -p \"$d\" || exit 1; \
\"$0\" verify --algo adam --convention torch --variant scalar --golden-dir \"$2\" \
--json \"$d/torch.json\" >\"$d/torch.out\" || exit 1; \
grep -q '^-- PyTorch conventions' \"$d/torch.out\" && grep -Eq '^torch_adam +scalar .* PASS$' \"$d/torch.out\" && \
[ $(grep -Ec '^[a-z_]+ +scalar ' \"$d/torch.out\") -eq 1 ] && \
grep -q '\"op\": \"torch_adam\", \"kind\": \"rule\", \"family\": \"torch_adam\", \"convention\": \"torch\"' \"$d/torch.json\" && \
\"$0\" verify --convention book --variant scalar --golden-dir \"$2\" >\"$d/book.out\" && \
[ $(grep -Ec '^[a-z_]+ +scalar ' \"$d/book.out\") -eq 6 ] && grep -q '^-- textbook rules' \"$d/book.out\" && \
! grep -q '^-- layer kernels' \"$d/book.out\""
                 $<TARGET_FILE:optbench_cli> ${CMAKE_CURRENT_BINARY_DIR}/convention
                 ${OB_GOLDEN_SRC_DIR})
set_tests_properties(test_golden_hostile PROPERTIES TIMEOUT 300)
set_tests_properties(test_golden_reader test_golden_kernels test_golden_hostile test_cli_args test_outfile golden_cli_json_fifo test_golden test_golden_omp golden_cli_verify golden_cli_convention golden_cli_info
                     golden_cli_usage PROPERTIES LABELS golden)
