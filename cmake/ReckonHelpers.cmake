# Helpers in the Abseil style: one library per module, explicit source lists,
# the repository root as the include root, targets aliased reckon::<name>.

# Warnings for our own code only; generated protobuf code never links this.
add_library(reckon_warnings INTERFACE)
target_compile_options(reckon_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wmissing-declarations -Wcast-qual -Wvla
  -Wimplicit-fallthrough -Wno-missing-field-initializers
  $<$<BOOL:${RECKON_WERROR}>:-Werror>)

# Tests use gtest macros that trip the strictest of these; keep them useful.
add_library(reckon_test_warnings INTERFACE)
target_compile_options(reckon_test_warnings INTERFACE
  -Wall -Wextra -Wshadow -Wnon-virtual-dtor -Wvla -Wimplicit-fallthrough
  -Wno-missing-field-initializers
  $<$<BOOL:${RECKON_WERROR}>:-Werror>)

# reckon_cc_library(NAME n [HDRS ...] [SRCS ...] [DEPS ...] [TESTONLY])
# Defines reckon_<n>, aliased reckon::<n>. Without SRCS it is header-only.
function(reckon_cc_library)
  cmake_parse_arguments(RCC "TESTONLY" "NAME" "HDRS;SRCS;DEPS" ${ARGN})
  set(target reckon_${RCC_NAME})
  if(RCC_SRCS)
    add_library(${target} STATIC ${RCC_SRCS} ${RCC_HDRS})
    target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR})
    target_link_libraries(${target} PUBLIC ${RCC_DEPS} PRIVATE reckon_warnings)
  else()
    add_library(${target} INTERFACE ${RCC_HDRS})
    target_include_directories(${target} INTERFACE ${PROJECT_SOURCE_DIR})
    target_link_libraries(${target} INTERFACE ${RCC_DEPS})
  endif()
  add_library(reckon::${RCC_NAME} ALIAS ${target})
endfunction()

# reckon_cc_binary(NAME n SRCS ... DEPS ...): an installed executable.
function(reckon_cc_binary)
  cmake_parse_arguments(RCC "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${RCC_NAME} ${RCC_SRCS})
  target_include_directories(${RCC_NAME} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${RCC_NAME} PRIVATE ${RCC_DEPS} reckon_warnings)
  install(TARGETS ${RCC_NAME} RUNTIME DESTINATION bin)
endfunction()

# reckon_cc_test(NAME n SRCS ... DEPS ...): a GoogleTest binary whose tests
# ctest discovers one by one. Tests run with the repository root as working
# directory so they can find tests/data/.
function(reckon_cc_test)
  cmake_parse_arguments(RCC "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${RCC_NAME} ${RCC_SRCS})
  target_include_directories(${RCC_NAME} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${RCC_NAME} PRIVATE ${RCC_DEPS} GTest::gmock_main
                        reckon_test_warnings)
  target_compile_definitions(${RCC_NAME} PRIVATE
    RECKON_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    RECKON_BINARY_DIR="${PROJECT_BINARY_DIR}")
  gtest_discover_tests(${RCC_NAME}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    DISCOVERY_MODE PRE_TEST
    PROPERTIES TIMEOUT 300)
endfunction()

# reckon_cc_benchmark(NAME n SRCS ... DEPS ...): a Google Benchmark program.
function(reckon_cc_benchmark)
  cmake_parse_arguments(RCC "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${RCC_NAME} ${RCC_SRCS})
  target_include_directories(${RCC_NAME} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${RCC_NAME} PRIVATE ${RCC_DEPS} benchmark::benchmark
                        reckon_warnings)
  if(RECKON_BENCH_NATIVE)
    target_compile_options(${RCC_NAME} PRIVATE -march=native)
  endif()
endfunction()
