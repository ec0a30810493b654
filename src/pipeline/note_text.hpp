#pragma once
// Text hygiene for the case note (private to the pipeline module): everything the note shows came
// from logs, webhooks or a model, so each piece is made printable, bounded and unable to forge a
// delivery marker before it is placed in the note. Lengths count Unicode code points.
//
//   std::string cell = note_text::clean_line(item.summary, 120);   // one line, no controls
//   std::string body = note_text::clean_block(output.summary, 4000);  // keeps line breaks
//   note_text::neutralize_markers(note, marker.size());               // only our marker stays

#include <cstddef>
#include <string>
#include <string_view>

namespace triagent::note_text {

// The prefix every delivery marker starts with ("[triagent:job-42]", "[triagent:tags: ...]").
inline constexpr std::string_view kMarkerPrefix = "[triagent:";

// Unicode code points in `utf8` (each invalid byte counts as one).
std::size_t count_chars(std::string_view utf8);

// The longest prefix of at most `max_chars` code points, never splitting one.
std::string_view cut_chars(std::string_view utf8, std::size_t max_chars);

// One line: invalid UTF-8 becomes U+FFFD, line breaks, tabs and other control characters (C0,
// DEL, C1) become spaces, invisible format characters (bidi overrides, zero-width) are dropped,
// whitespace runs collapse, the ends are trimmed, "[triagent:" in any case loses its bracket, and
// text over `max_chars` is cut with "...".
std::string clean_line(std::string_view text, std::size_t max_chars);

// As clean_line but line breaks stay (CR LF and CR become LF), each line is trimmed, and runs of
// blank lines collapse to one.
std::string clean_block(std::string_view text, std::size_t max_chars);

// An identifier from outside (evidence id, technique id): only [A-Za-z0-9._-] is kept, at most 64.
std::string clean_id(std::string_view id);

// Replaces '[' of every "[triagent:" occurrence (any case) at or after byte `from` with '('.
// Called on the finished note with `from` = the marker's length, so the only marker a listing
// can find in the note is the job's own, whatever the untrusted parts spelled.
void neutralize_markers(std::string& text, std::size_t from = 0);

}  // namespace triagent::note_text
