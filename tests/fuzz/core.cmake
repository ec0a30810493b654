# Fuzz targets of the core module: the fast JSON reader against nlohmann's parser.
if(TARGET triagent_core)
  triagent_add_fuzz_target(NAME json_reader_fuzz SOURCES ${CMAKE_CURRENT_LIST_DIR}/json_reader_fuzz.cpp
                           DEPS triagent_core)
endif()
