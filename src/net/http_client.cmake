# Outbound HTTP client on libcurl (one multi handle, one thread). Included by src/net/CMakeLists.txt.
if(NOT TARGET triagent_asio)
  triagent_add_library(NAME triagent_asio SOURCES asio_impl.cpp DEPS triagent_asio_config)
endif()

# triagent_asio is for the callers of http_client_awaitable.hpp; the library itself has no Asio.
triagent_add_library(NAME triagent_http_client
  SOURCES http_client.cpp http_client_transfer.cpp http_client_curl.cpp
  DEPS triagent_core triagent_resilience CURL::libcurl triagent_asio_config triagent_asio)
