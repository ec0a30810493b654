// The one translation unit that compiles Asio, Asio's SSL support and Beast
// (BOOST_ASIO_SEPARATE_COMPILATION / BOOST_BEAST_SEPARATE_COMPILATION are set for every target by
// triagent_asio_config), so the rest of the build only parses their declarations.
#include <boost/version.hpp>
static_assert(BOOST_VERSION >= 108100, "Triagent needs Boost 1.81 (libboost1.81-dev), not the 1.74 default");

#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
