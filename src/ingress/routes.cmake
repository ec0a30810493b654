# The HTTP routes of the intake and admin surface (kept apart from the normalizers, which have no
# network dependencies and are fuzzed on their own).

# The review UI's files are embedded as bytes; the .cpp is regenerated whenever a ui/ file changes
# (CONFIGURE_DEPENDS re-globs, so an added file is picked up too).
file(GLOB triagent_ui_files CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/ui/*.html ${PROJECT_SOURCE_DIR}/ui/*.js
     ${PROJECT_SOURCE_DIR}/ui/*.css)
# COMMAND would split a ;-list into separate arguments: pass it joined by | instead.
string(JOIN "|" triagent_ui_file_arg ${triagent_ui_files})
set(triagent_ui_assets_cpp ${CMAKE_CURRENT_BINARY_DIR}/ui_assets.cpp)
add_custom_command(OUTPUT ${triagent_ui_assets_cpp}
  COMMAND ${CMAKE_COMMAND} -DOUTPUT=${triagent_ui_assets_cpp} "-DUI_FILES=${triagent_ui_file_arg}"
          -P ${CMAKE_CURRENT_SOURCE_DIR}/embed_ui_assets.cmake
  DEPENDS ${triagent_ui_files} ${CMAKE_CURRENT_SOURCE_DIR}/embed_ui_assets.cmake
  COMMENT "Embedding the review UI" VERBATIM)

triagent_add_library(NAME triagent_ingress_http
  SOURCES webhook_routes.cpp admin_routes.cpp health_routes.cpp job_json.cpp operator_routes.cpp ui_routes.cpp ${triagent_ui_assets_cpp}
  DEPS triagent_ingress triagent_net triagent_queue triagent_observability)
