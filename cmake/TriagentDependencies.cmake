# Every third-party dependency comes from a Debian 12 package (scripts/install-deps.sh installs them).
find_package(Boost 1.81.0 EXACT CONFIG REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(spdlog 1.10 REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(CURL REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
# jemalloc (Debian: libjemalloc-dev) replaces glibc's malloc in the long-running binaries. Measured
# on the pipeline benchmark: glibc's malloc and free took about a quarter of the daemon's CPU
# (malloc_consolidate runs on every free of a large HTTP body), and the daemon's CPU per case fell
# from 21.1 to 16.4 ms with jemalloc. Not with the sanitizers, whose allocator must see everything.
option(TRIAGENT_JEMALLOC "Link the daemon and the simulator with jemalloc" ON)
if(TRIAGENT_JEMALLOC AND NOT TRIAGENT_SANITIZE)
  pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)
endif()
function(triagent_use_fast_malloc target)
  if(TARGET PkgConfig::JEMALLOC)
    target_link_libraries(${target} PRIVATE PkgConfig::JEMALLOC)
  endif()
endfunction()
if(TRIAGENT_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(TRIAGENT_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()

# Asio and Beast are compiled once, in src/net/asio_impl.cpp; every target that includes them links
# triagent_asio so that the separate-compilation switches are the same everywhere.
add_library(triagent_asio_config INTERFACE)
target_compile_definitions(triagent_asio_config INTERFACE
  BOOST_ASIO_SEPARATE_COMPILATION
  BOOST_BEAST_SEPARATE_COMPILATION
  BOOST_ASIO_NO_DEPRECATED
  BOOST_BEAST_USE_STD_STRING_VIEW)
target_link_libraries(triagent_asio_config INTERFACE Boost::headers OpenSSL::SSL OpenSSL::Crypto Threads::Threads)
