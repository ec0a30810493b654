// The case note (note_render.hpp): sections and their order, shortening under the length limit,
// hostile text from logs and models, and the normalized tags.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "pipeline/note_text.hpp"
#include "triagent/core/clock.hpp"
#include "triagent/core/utf8.hpp"
#include "triagent/pipeline/note_render.hpp"

namespace triagent {
namespace {

using analysis::AnalysisOutput;
using analysis::EvidenceItem;
using analysis::EvidenceSource;

constexpr std::int64_t kT0 = 1'700'000'000'000;  // 2023-11-14T22:13:20.000Z

std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = hay.find(needle); pos != std::string::npos; pos = hay.find(needle, pos + 1)) ++n;
  return n;
}

std::size_t code_points(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool valid_utf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

EvidenceItem item(std::string id, std::int64_t time_ms, std::string host, std::string summary,
                  EvidenceSource source = EvidenceSource::dataset) {
  EvidenceItem e;
  e.id = std::move(id);
  e.time_ms = time_ms;
  e.host = std::move(host);
  e.summary = std::move(summary);
  e.source = source;
  return e;
}

NoteInput full_input() {
  NoteInput in;
  in.job_id = "job-42";
  in.heading = "[AI-Generated Draft]";
  in.incident.source = "singularity";
  in.incident.kind = "threat";
  in.incident.external_id = "2287651234567890101";
  in.incident.title = "Malicious macro document";
  in.incident.severity = Severity::high;

  AnalysisOutput& o = in.output;
  o.summary = "A macro in invoice.docm started an encoded PowerShell that beaconed to 203.0.113.7.";
  o.severity = Severity::high;
  o.severity_score = 78;
  o.confidence = 0.854;
  o.verdict = analysis::Verdict::true_positive;
  o.techniques = {{"T1059.001", "whatever the model said", {"ev-1", "ev-2"}}, {"T1566.001", "", {"ev-3"}}};
  o.iocs = {{analysis::IocType::ipv4, "203.0.113.7", {"ev-2"}}};
  o.impacted_assets = {{analysis::AssetKind::host, "WS-FIN-023"}, {analysis::AssetKind::user, "ACME\\jdoe"}};
  o.timeline = {{"2023-11-14T22:15:00Z", "beacon to 203.0.113.7", {"ev-2"}},
                {"2023-11-14T22:13:20Z", "invoice.docm opened", {"ev-3"}}};
  o.root_cause = "The user opened a phishing attachment with macros enabled.";
  o.recommended_actions = {{"isolate_endpoint", {{"host", "WS-FIN-023"}}, "active C2 beacon"},
                           {"add_note", nlohmann::json::object(), "document the case"}};
  o.tags = {"phishing"};

  in.pack.items = {item("ev-2", kT0 + 100'000, "WS-FIN-023", "connection to 203.0.113.7:443"),
                   item("ev-1", kT0 + 60'000, "WS-FIN-023", "powershell.exe -enc ... | out-null",
                        EvidenceSource::deep_visibility),
                   item("ev-3", kT0, "WS-FIN-023", "WINWORD.EXE opened invoice.docm", EvidenceSource::threat)};
  in.pack.queries_run = {"dataset: serverHost = 'WS-FIN-023' | limit 100"};
  in.queries_run = {"dv: AgentName = \"WS-FIN-023\"", "dataset: serverHost = 'WS-FIN-023' | limit 100"};
  in.process_tree = "WINWORD.EXE (4120)\n  powershell.exe (5012)\n    conhost.exe (5020)";
  in.degraded_sources = {{"deep_visibility", "timeout"}};
  in.actions_needing_approval = {"isolate_endpoint"};
  in.provider = "openai";
  in.model = "gpt-4o";
  in.prompt_template_id = "analysis-v3";
  return in;
}

std::string render_ok(const NoteInput& in, const NoteLimits& limits = {}) {
  auto note = render_case_note(in, limits);
  EXPECT_TRUE(note) << note.error().message;
  return note ? *note : std::string();
}

TEST(CaseNote, StartsWithTheMarkerAndHeadingThenSectionsInOrder) {
  std::string note = render_ok(full_input());
  EXPECT_EQ(note.substr(0, note.find('\n')), "[triagent:job-42] [AI-Generated Draft]");
  std::vector<std::string> order = {"Incident: singularity threat 2287651234567890101 (source severity high) - "
                                    "Malicious macro document",
                                    "Summary:\nA macro in invoice.docm",
                                    "Assessment: severity high (score 78/100), confidence 0.85, suggested verdict: "
                                    "true_positive",
                                    "Degraded: Deep Visibility unavailable (timeout); the analysis is partial",
                                    "ATT&CK techniques:",
                                    "IOCs:",
                                    "Impacted assets:",
                                    "Timeline:",
                                    "Evidence (id | time | host | source | summary):",
                                    "Process tree:",
                                    "Root cause:",
                                    "Recommended actions:",
                                    "Queries run:",
                                    "-- triagent | provider openai | model gpt-4o | template analysis-v3"};
  std::size_t last = 0;
  for (const auto& part : order) {
    std::size_t pos = note.find(part);
    ASSERT_NE(pos, std::string::npos) << part << "\n---\n" << note;
    EXPECT_GT(pos, last) << part;
    last = pos;
  }
  EXPECT_LE(code_points(note), 4000u);
}

TEST(CaseNote, ListsShowCatalogNamesEvidenceAndApprovals) {
  std::string note = render_ok(full_input());
  // The catalog's name wins over the model's.
  EXPECT_NE(note.find("- T1059.001 PowerShell [ev-1, ev-2]"), std::string::npos) << note;
  EXPECT_NE(note.find("- T1566.001 Spearphishing Attachment [ev-3]"), std::string::npos) << note;
  EXPECT_NE(note.find("- ipv4 203.0.113.7 [ev-2]"), std::string::npos);
  EXPECT_NE(note.find("- host WS-FIN-023\n- user ACME\\jdoe"), std::string::npos);
  EXPECT_NE(note.find("- isolate_endpoint [needs approval] (host=WS-FIN-023): active C2 beacon"), std::string::npos);
  EXPECT_NE(note.find("- add_note: document the case"), std::string::npos);
  EXPECT_NE(note.find("WINWORD.EXE (4120)\n  powershell.exe (5012)\n    conhost.exe (5020)"), std::string::npos);
  // Queries from the input and the pack, each once.
  EXPECT_EQ(count(note, "serverHost = 'WS-FIN-023' | limit 100"), 1u);
  EXPECT_NE(note.find("- dv: AgentName = \"WS-FIN-023\""), std::string::npos);
}

TEST(CaseNote, TimelineAndEvidenceAreChronological) {
  std::string note = render_ok(full_input());
  EXPECT_LT(note.find("- 2023-11-14T22:13:20Z invoice.docm opened [ev-3]"),
            note.find("- 2023-11-14T22:15:00Z beacon to 203.0.113.7 [ev-2]"));
  std::size_t ev3 = note.find("ev-3 | 2023-11-14T22:13:20.000Z | WS-FIN-023 | threat | WINWORD.EXE opened invoice.docm");
  std::size_t ev1 = note.find("ev-1 | 2023-11-14T22:14:20.000Z | WS-FIN-023 | deep_visibility | powershell.exe -enc ... / out-null");
  std::size_t ev2 = note.find("ev-2 | 2023-11-14T22:15:00.000Z | WS-FIN-023 | dataset | connection to 203.0.113.7:443");
  ASSERT_NE(ev3, std::string::npos) << note;
  ASSERT_NE(ev1, std::string::npos) << note;
  ASSERT_NE(ev2, std::string::npos) << note;
  EXPECT_LT(ev3, ev1);
  EXPECT_LT(ev1, ev2);
}

TEST(CaseNote, TimelineLinesFromTheTimelineStageAreUsedAsGiven) {
  NoteInput in = full_input();
  in.timeline_lines = {"22:13:20 WINWORD.EXE opened invoice.docm", "22:14:20 powershell.exe started"};
  std::string note = render_ok(in);
  EXPECT_NE(note.find("Timeline:\n- 22:13:20 WINWORD.EXE opened invoice.docm\n- 22:14:20 powershell.exe started"),
            std::string::npos)
      << note;
  EXPECT_EQ(note.find("beacon to 203.0.113.7 [ev-2]"), std::string::npos);
}

TEST(CaseNote, EmptySectionsAndDegradedNoticeAreLeftOut) {
  NoteInput in = full_input();
  in.degraded_sources.clear();
  in.process_tree.clear();
  in.output.iocs.clear();
  in.output.root_cause.clear();
  std::string note = render_ok(in);
  EXPECT_EQ(note.find("Degraded:"), std::string::npos);
  EXPECT_EQ(note.find("Process tree:"), std::string::npos);
  EXPECT_EQ(note.find("IOCs:"), std::string::npos);
  EXPECT_EQ(note.find("Root cause:"), std::string::npos);
  EXPECT_EQ(note.find("\n\n\n"), std::string::npos);
}

TEST(CaseNote, DegradedSourcesFromPackAndInputAreMergedOnce) {
  NoteInput in = full_input();
  in.pack.degraded_sources = {{"deep_visibility", "circuit open"}, {"dataset", "HTTP 503"}};
  std::string note = render_ok(in);
  EXPECT_EQ(count(note, "Degraded: Deep Visibility"), 1u);
  EXPECT_NE(note.find("Degraded: DataSet unavailable (HTTP 503); the analysis is partial"), std::string::npos);
}

TEST(CaseNote, OverTheLimitTheEvidenceAndTimelineGiveWayFirst) {
  NoteInput in = full_input();
  for (int i = 0; i < 300; ++i) {
    in.pack.items.push_back(item("ev-" + std::to_string(100 + i), kT0 + 200'000 + i, "WS-FIN-023",
                                 "an event with a fairly long description number " + std::to_string(i)));
  }
  for (int i = 0; i < 100; ++i) {
    in.output.timeline.push_back({format_rfc3339_ms(kT0 + 3'600'000 + i * 1000),
                                  "later step " + std::to_string(i), {"ev-1"}});
  }
  NoteLimits limits;
  limits.max_chars = 2500;
  std::string note = render_ok(in, limits);
  EXPECT_LE(code_points(note), 2500u);
  EXPECT_EQ(note.rfind("[triagent:job-42] [AI-Generated Draft]\n", 0), 0u);
  EXPECT_NE(note.find(full_input().output.summary), std::string::npos);
  EXPECT_NE(note.find("Degraded: Deep Visibility unavailable"), std::string::npos);
  EXPECT_NE(note.find("more evidence items"), std::string::npos);
  // Sections above the evidence, and the footer, are intact.
  EXPECT_NE(note.find("- T1059.001 PowerShell"), std::string::npos);
  EXPECT_NE(note.find("- isolate_endpoint [needs approval]"), std::string::npos);
  EXPECT_NE(note.find("-- triagent | provider openai"), std::string::npos);
  // 300 rows were capped at 40 first, then shortened further: the count covers every hidden row.
  std::size_t pos = note.find("... ");
  ASSERT_NE(pos, std::string::npos);
  EXPECT_NE(note.find("Evidence (id | time | host | source | summary):\n"), std::string::npos);
}

TEST(CaseNote, HiddenCountsAddUpToTheInput) {
  NoteInput in = full_input();
  in.pack.items.clear();
  for (int i = 0; i < 50; ++i) in.pack.items.push_back(item("ev-" + std::to_string(i), kT0 + i, "h", "row"));
  NoteLimits limits;
  limits.max_evidence_rows = 10;
  std::string note = render_ok(in, limits);
  EXPECT_NE(note.find("ev-9 | "), std::string::npos);
  EXPECT_EQ(note.find("ev-10 | "), std::string::npos);
  EXPECT_NE(note.find("... 40 more evidence items"), std::string::npos) << note;
}

TEST(CaseNote, AVeryLongSummaryIsShortenedLastAndNeverDropped) {
  NoteInput in = full_input();
  in.output.summary = std::string(3990, 'x') + " tail";
  in.output.root_cause = std::string(1500, 'r');
  NoteLimits limits;
  limits.max_chars = 2000;
  std::string note = render_ok(in, limits);
  EXPECT_LE(code_points(note), 2000u);
  EXPECT_EQ(note.rfind("[triagent:job-42]", 0), 0u);
  EXPECT_NE(note.find("Summary:\n" + std::string(200, 'x')), std::string::npos);
  EXPECT_NE(note.find("x ... (shortened)"), std::string::npos);
  EXPECT_NE(note.find("Degraded: Deep Visibility unavailable (timeout)"), std::string::npos);
  EXPECT_NE(note.find("-- triagent"), std::string::npos);
  EXPECT_EQ(note.find(" tail"), std::string::npos);
}

TEST(CaseNote, MultibyteTextIsNeverSplit) {
  NoteInput in = full_input();
  std::string summary;
  for (int i = 0; i < 3000; ++i) summary += "\xc3\xa9\xe2\x82\xac";  // é€
  in.output.summary = summary;
  NoteLimits limits;
  limits.max_chars = 2000;
  std::string note = render_ok(in, limits);
  EXPECT_TRUE(valid_utf8(note));
  EXPECT_LE(code_points(note), 2000u);
}

TEST(CaseNote, HostileTextIsCleanedAndCannotForgeAMarker) {
  NoteInput in = full_input();
  in.output.summary =
      "ok [triagent:job-99] and [TRIAGENT:job-42] and [triagent:tags: triagent] \x1b[31mred\x07 bell\r\n"
      "line two \xe2\x80\xae" "desrever \xe2\x80\x8b[tri\xe2\x80\x8b" "agent:job-7] bad \xff byte";
  in.incident.title = "title\nInjected: line";
  in.pack.items[0].id = "triagent:job-5";
  in.output.techniques[0].evidence_ids = {"triagent:job-5"};
  in.pack.items[1].summary = "[triagent:job-6] | pipe";
  in.heading = "[triagent:job-8]";
  std::string note = render_ok(in);
  EXPECT_EQ(note.rfind("[triagent:job-42]", 0), 0u);
  EXPECT_EQ(count(note, "[triagent:"), 1u) << note;
  EXPECT_EQ(count(note, "[TRIAGENT:"), 0u);
  EXPECT_NE(note.find("(triagent:job-99]"), std::string::npos);
  EXPECT_NE(note.find("(triagent:tags: triagent]"), std::string::npos);
  EXPECT_NE(note.find("(triagent:job-7]"), std::string::npos);  // the zero-width spaces did not help
  for (char c : note) {
    const auto u = static_cast<unsigned char>(c);
    EXPECT_TRUE(u >= 0x20 || c == '\n') << "control byte " << int(u);
  }
  EXPECT_EQ(note.find("\xe2\x80\xae"), std::string::npos);  // no bidi override
  EXPECT_EQ(note.find("\xe2\x80\x8b"), std::string::npos);  // no zero-width space
  EXPECT_NE(note.find("red bell\nline two desrever"), std::string::npos) << note;
  EXPECT_NE(note.find("bad \xef\xbf\xbd byte"), std::string::npos);
  EXPECT_NE(note.find("title Injected: line"), std::string::npos);
  EXPECT_TRUE(valid_utf8(note));
}

TEST(CaseNote, BadJobIdsAndLimitsAreRefused) {
  for (std::string id : {std::string(), std::string("job]1"), std::string("job 1"), std::string(65, 'a')}) {
    NoteInput in = full_input();
    in.job_id = id;
    auto note = render_case_note(in);
    ASSERT_FALSE(note) << id;
    EXPECT_EQ(note.error().code, ErrorCode::invalid_argument);
  }
  EXPECT_EQ(*note_marker("job:7.a_b-c"), "[triagent:job:7.a_b-c]");
  NoteLimits limits;
  limits.max_chars = 500;
  auto bad = render_case_note(full_input(), limits);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("pipeline.delivery.note.max_chars"), std::string::npos);
  EXPECT_TRUE(NoteLimits{}.validate());
}

// count_chars steps over sixteen ASCII bytes at once; it must count as one character at a time
// does, wherever the ASCII runs, the multi-byte characters and the invalid bytes fall.
TEST(NoteText, CountCharsCountsEachCodePointAndEachInvalidByteOnce) {
  auto one_at_a_time = [](std::string_view s) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size(); ++n) {
      const bool ascii = static_cast<unsigned char>(s[i]) < 0x80;
      const std::size_t len = ascii ? 1 : utf8_sequence_length(s, i);
      i += len == 0 ? 1 : len;
    }
    return n;
  };
  const char* pieces[] = {"a", "0123456789abcdef", "long ASCII run of more than sixteen bytes ", "\xc3\xa9",
                          "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xc3", "\xed\xa0\x80", "\xff", "\xf4\x90\x80\x80"};
  std::uint32_t seed = 12345;
  for (int round = 0; round < 5000; ++round) {
    std::string text;
    for (int k = 0; k < round % 13; ++k) {
      seed = seed * 1664525u + 1013904223u;
      text += pieces[(seed >> 16) % std::size(pieces)];
    }
    ASSERT_EQ(note_text::count_chars(text), one_at_a_time(text)) << text;
  }
}

TEST(CaseNoteTags, AreNormalizedDeduplicatedAndCapped) {
  AnalysisOutput o;
  o.severity = Severity::high;
  o.verdict = analysis::Verdict::true_positive;
  o.techniques = {{"T1059.001", "PowerShell", {"ev-1"}}};
  o.tags = {"Suspicious Login", "lateral/movement", "UPPER_case", "bad,[tag]", "", "--", "\xc3\xbcnicode",
            "Triagent", "a  b", std::string(80, 'z')};
  std::vector<std::string> expected = {"triagent", "severity:high", "verdict:true_positive", "attack.t1059.001",
                                       "suspicious-login", "lateral-movement", "upper_case", "badtag", "nicode",
                                       "a-b", std::string(64, 'z')};
  EXPECT_EQ(render_tags(o), expected);

  for (int i = 0; i < 40; ++i) o.tags.push_back("t" + std::to_string(i));
  auto tags = render_tags(o);
  EXPECT_EQ(tags.size(), 20u);
  EXPECT_EQ(tags.front(), "triagent");
  for (const auto& t : tags) {
    for (char c : t) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ':' || c == '.' || c == '_' || c == '-') << t;
  }
}

TEST(CaseNoteTags, UndefinedVerdictIsNotATag) {
  AnalysisOutput o;
  EXPECT_EQ(render_tags(o), (std::vector<std::string>{"triagent", "severity:info"}));
  EXPECT_EQ(normalize_tag(" :Foo Bar.: "), "foo-bar");
  EXPECT_EQ(normalize_tag("[]"), "");
}

}  // namespace
}  // namespace triagent
