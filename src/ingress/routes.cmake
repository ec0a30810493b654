# The HTTP routes of the intake and admin surface (kept apart from the normalizers, which have no
# network dependencies and are fuzzed on their own).
triagent_add_library(NAME triagent_ingress_http
  SOURCES webhook_routes.cpp admin_routes.cpp health_routes.cpp job_json.cpp
  DEPS triagent_ingress triagent_net triagent_queue triagent_observability)
