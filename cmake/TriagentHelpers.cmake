# One place for warnings, sanitizers and test labels, so every target is built the same way.

set(TRIAGENT_WARNINGS -Wall -Wextra -Wpedantic -Werror -Wno-error=deprecated-declarations)
# GCC 12 at -O2 reports Asio's coroutine-frame allocator (aligned new inlined into the frame's
# operator new) as mismatched with the frame's delete: a false positive (chriskohlhoff/asio#1391)
# that appears or not depending on inlining.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  list(APPEND TRIAGENT_WARNINGS -Wno-mismatched-new-delete)
endif()
set(TRIAGENT_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
# clang 14's -fsanitize=function (part of `undefined` there) cannot compile some coroutines: "error in
# backend: Cannot represent a difference across sections" (llvm/llvm-project#49689), first hit by
# src/audit/audit_shipper_loop.cpp in the fuzz build. GCC has no such check.
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  list(APPEND TRIAGENT_SANITIZER_FLAGS -fno-sanitize=function)
endif()

function(triagent_apply_common target)
  target_compile_options(${target} PRIVATE ${TRIAGENT_WARNINGS})
  if(TRIAGENT_SANITIZE)
    target_compile_options(${target} PRIVATE ${TRIAGENT_SANITIZER_FLAGS})
    target_link_options(${target} PRIVATE ${TRIAGENT_SANITIZER_FLAGS})
  endif()
endfunction()

# triagent_add_library(NAME name SOURCES ... [DEPS ...])
function(triagent_add_library)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS" ${ARGN})
  add_library(${ARG_NAME} STATIC ${ARG_SOURCES})
  target_include_directories(${ARG_NAME} PUBLIC ${PROJECT_SOURCE_DIR}/include PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${ARG_NAME} PUBLIC ${ARG_DEPS})
  triagent_apply_common(${ARG_NAME})
  if(TRIAGENT_SANITIZE)
    target_link_options(${ARG_NAME} INTERFACE ${TRIAGENT_SANITIZER_FLAGS})
  endif()
endfunction()

# triagent_add_executable(NAME name SOURCES ... [DEPS ...])
function(triagent_add_executable)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_include_directories(${ARG_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/include ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS})
  triagent_apply_common(${ARG_NAME})
endfunction()

# triagent_add_test(NAME name SOURCES ... [DEPS ...] LABEL unit|integration|fuzz-regression [TIMEOUT s])
# Each test binary is discovered by gtest so ctest reports every case, with a label and a timeout.
function(triagent_add_test)
  cmake_parse_arguments(ARG "" "NAME;LABEL;TIMEOUT" "SOURCES;DEPS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 60)
  endif()
  triagent_add_executable(NAME ${ARG_NAME} SOURCES ${ARG_SOURCES}
    DEPS ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_include_directories(${ARG_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  target_compile_definitions(${ARG_NAME} PRIVATE
    TRIAGENT_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    TRIAGENT_BINARY_DIR="${PROJECT_BINARY_DIR}")
  include(GoogleTest)
  gtest_discover_tests(${ARG_NAME}
    PROPERTIES LABELS ${ARG_LABEL} TIMEOUT ${ARG_TIMEOUT}
    DISCOVERY_TIMEOUT 30)
endfunction()
