# Fuzz targets of the ingress module: webhook body normalizers and webhook authentication.
if(TARGET triagent_ingress)
  triagent_add_fuzz_target(NAME normalizer_fuzz SOURCES ${CMAKE_CURRENT_LIST_DIR}/normalizer_fuzz.cpp
                           DEPS triagent_ingress)
  triagent_add_fuzz_target(NAME signature_fuzz SOURCES ${CMAKE_CURRENT_LIST_DIR}/signature_fuzz.cpp
                           DEPS triagent_ingress)
endif()
