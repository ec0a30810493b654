# Fuzz targets of the analysis and privacy modules: log parsers and analyzer, Sigma condition
# parser and rule loader, LLM output validator, prompt fences and built-in analyst, redactor and vault.
if(TARGET triagent_analysis)
  triagent_add_fuzz_target(NAME analysis_parsers_fuzz SOURCES ${CMAKE_CURRENT_LIST_DIR}/analysis_parsers_fuzz.cpp
                           DEPS triagent_analysis)
  triagent_add_fuzz_target(NAME analysis_sigma_fuzz SOURCES ${CMAKE_CURRENT_LIST_DIR}/analysis_sigma_fuzz.cpp
                           DEPS triagent_analysis)
  triagent_add_fuzz_target(NAME analysis_output_fuzz SOURCES ${CMAKE_CURRENT_LIST_DIR}/analysis_output_fuzz.cpp
                           DEPS triagent_analysis)
endif()
if(TARGET triagent_privacy)
  triagent_add_fuzz_target(NAME analysis_redactor_fuzz SOURCES ${CMAKE_CURRENT_LIST_DIR}/analysis_redactor_fuzz.cpp
                           DEPS triagent_privacy)
endif()

