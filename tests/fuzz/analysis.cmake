# Fuzz targets of the analysis and privacy modules: log parsers and analyzer, Sigma condition
# parser and rule loader, redactor and vault.
if(TARGET triagent_analysis)
  triagent_add_fuzz_target(NAME analysis_parsers_fuzz SOURCES ${CMAKE_CURRENT_LIST_DIR}/analysis_parsers_fuzz.cpp
                           DEPS triagent_analysis)
  triagent_add_fuzz_target(NAME analysis_sigma_fuzz SOURCES ${CMAKE_CURRENT_LIST_DIR}/analysis_sigma_fuzz.cpp
                           DEPS triagent_analysis)
endif()
if(TARGET triagent_privacy)
  triagent_add_fuzz_target(NAME analysis_redactor_fuzz SOURCES ${CMAKE_CURRENT_LIST_DIR}/analysis_redactor_fuzz.cpp
                           DEPS triagent_privacy)
endif()

# The analysis unit tests also exercise the verbs (classify/redact/eval), which live in their own
# library because they need the redactor. tests/unit links only triagent_analysis; until it passes
# extra deps for this module, add the verbs' library here (this file is read after tests/unit).
if(TARGET analysis_test AND TARGET triagent_analysis_commands)
  target_link_libraries(analysis_test PRIVATE triagent_analysis_commands)
endif()
