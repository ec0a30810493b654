# Fuzz target of the hunt module: the PowerQuery lexer, parser, validator and canonical printer.
if(TARGET triagent_hunt)
  triagent_add_fuzz_target(NAME hunt_parser_fuzz SOURCES ${CMAKE_CURRENT_LIST_DIR}/hunt_parser_fuzz.cpp
                           DEPS triagent_hunt)
endif()
