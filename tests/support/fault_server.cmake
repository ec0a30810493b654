# Test support: a scripted local HTTP(S) server with faults, and a throwaway CA for TLS tests.
# Include from tests/CMakeLists.txt (before tests/unit) and link `triagent_fault_server`.
if(NOT TARGET triagent_fault_server)
  triagent_add_library(NAME triagent_fault_server
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/fault_server.cpp ${CMAKE_CURRENT_LIST_DIR}/fault_server_routes.cpp
            ${CMAKE_CURRENT_LIST_DIR}/test_pki.cpp
    DEPS OpenSSL::SSL OpenSSL::Crypto Threads::Threads)
  target_include_directories(triagent_fault_server PUBLIC ${CMAKE_CURRENT_LIST_DIR}/..)
endif()
