#pragma once
// fang: turns defanged indicators back into their real form, so "hxxp://evil[.]com" and
// "bob[at]evil(.)com" are extracted as "http://evil.com" and "bob@evil.com". It only rewrites the
// notations people use to defang (brackets around a dot/at/colon, dot and at words, hxxp schemes,
// escaped dots); ordinary text passes through unchanged.
//
//   std::string out;
//   fang("hxxps[:]//evil[.]com/a", out);   // out == "https://evil.com/a"
//   bool changed = might_be_defanged(text); // cheap prefilter before calling fang

#include <string>
#include <string_view>

namespace triagent::analysis {

// True when `text` contains any character sequence a defanged indicator uses; false means fang()
// would return the text unchanged.
bool might_be_defanged(std::string_view text);

// Writes the fanged form of `text` into `out` (cleared first).
void fang(std::string_view text, std::string& out);
std::string fang(std::string_view text);

namespace detail {
// might_be_defanged() one position at a time, without its block screening: the reference the
// unit tests hold it to.
bool might_be_defanged_by_bytes(std::string_view text);
}  // namespace detail

}  // namespace triagent::analysis
