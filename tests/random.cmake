# Random numbers, weight initialisation and dropout: the generator against
# Random123, the same bits in every variant and thread count, the
# distribution, the book's dropout semantics, and bad arguments. They read
# the library's internal kernel tables too (the counter carry past 2^32).
foreach(t test_rand test_dropout)
  ob_test(${t} m)
  target_include_directories(${t} PRIVATE ${PROJECT_SOURCE_DIR}/impl ${OB_RANDOM123_INCLUDE})
endforeach()
