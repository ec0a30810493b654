// incident_payload_json must write what intake wrote before it, nlohmann::json(incident).dump()
// with the parsed body as "raw", whenever the body is compact; any other body is kept as received
// and must read back as the same value.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "ingress_samples.hpp"
#include "triagent/core/incident.hpp"
#include "triagent/ingress/normalizer.hpp"

namespace triagent {
namespace {

using nlohmann::json;

// The payload as intake built it before: a json object of the incident, then dumped.
std::string dumped_payload(const Incident& i) {
  return json(i).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string random_text(std::mt19937& rng) {
  static const std::string pieces[] = {"a", "Z", "9", " ", "\"", "\\", "/", "\n", "\t", std::string("\0", 1),
                                       "\x01", "\x7f", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
                                       "\xC3", "\xFF", "\xED\xA0\x80", "\xE2\x82", "host-7", "DOMAIN\\user"};
  std::string s;
  const int n = static_cast<int>(rng() % 12);
  for (int k = 0; k < n; ++k) s += pieces[rng() % std::size(pieces)];
  return s;
}

json random_raw(std::mt19937& rng, int depth = 0) {
  switch (rng() % (depth > 2 ? 4 : 6)) {
    case 0: return nullptr;
    case 1: return static_cast<std::int64_t>(rng()) - (1LL << 31);
    case 2: {  // a parsed body holds valid UTF-8 only
      static const char* strings[] = {"", "plain", "q\"b\\s/\n\t\x01", "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"};
      return strings[rng() % std::size(strings)];
    }
    case 3: return 2.5;
    case 4: {
      json a = json::array();
      for (int k = static_cast<int>(rng() % 4); k > 0; --k) a.push_back(random_raw(rng, depth + 1));
      return a;
    }
    default: {
      json o = json::object();
      for (int k = static_cast<int>(rng() % 4); k > 0; --k) o["k" + std::to_string(rng() % 50)] = random_raw(rng, depth + 1);
      return o;
    }
  }
}

Incident random_incident(std::mt19937& rng) {
  Incident i;
  i.source = random_text(rng);
  i.kind = random_text(rng);
  i.external_id = random_text(rng);
  i.tenant = random_text(rng);
  i.title = random_text(rng);
  i.severity = static_cast<Severity>(rng() % 6);
  const std::int64_t times[] = {0, -5, 1, 1'700'000'000'123, static_cast<std::int64_t>(rng())};
  i.time_ms = times[rng() % std::size(times)];
  for (auto* list : {&i.entities.hosts, &i.entities.agent_ids, &i.entities.users, &i.entities.ips,
                     &i.entities.hashes, &i.entities.processes, &i.entities.files, &i.entities.domains,
                     &i.entities.threat_ids, &i.entities.alert_ids, &i.entities.storylines}) {
    if (rng() % 3 != 0) continue;
    for (int k = static_cast<int>(rng() % 3) + 1; k > 0; --k) list->push_back(random_text(rng));
  }
  i.raw = random_raw(rng);
  return i;
}

TEST(IncidentPayload, IsTheDumpOfTheIncidentWhenTheBodyIsCompact) {
  std::mt19937 rng(11);
  for (int n = 0; n < 5000; ++n) {
    Incident i = random_incident(rng);
    const std::string body = i.raw.dump();
    ASSERT_EQ(incident_payload_json(i, body), dumped_payload(i)) << "case " << n;
  }
}

TEST(IncidentPayload, KeepsTheBodyAsReceivedAndReadsBackTheSame) {
  // Whitespace, key order and a byte order mark as a sender may write them.
  const std::string body = "\xEF\xBB\xBF{\n  \"title\" : \"x\",\n  \"id\": \"A-1\",\t\"n\": [1, 2.50, -0]\n}\n";
  Incident i;
  i.source = "generic";
  i.external_id = "A-1";
  i.title = "x";
  i.raw = json::parse(body);
  const std::string payload = incident_payload_json(i, body);
  EXPECT_NE(payload.find(body.substr(3)), std::string::npos) << payload;
  const json back = json::parse(payload);
  EXPECT_EQ(back["raw"], i.raw);
  EXPECT_EQ(back, json::parse(dumped_payload(i)));
}

TEST(IncidentPayload, ReadsBackAsTheIncidentForEverySampleWebhook) {
  struct Case {
    const char* source;
    const char* file;
  };
  for (const auto& c : {Case{"singularity", "s1_threats_v21_response.json"},
                        Case{"singularity", "s1_cloud_detection_alerts_response.json"},
                        Case{"singularity", "s1_uam_graphql_alert_by_id_response.json"}}) {
    const std::string body = testing::read_webhook_sample_text(c.file);
    auto normalizer = make_normalizer(c.source, WebhookSourceConfig{});
    ASSERT_TRUE(normalizer);
    auto incident = normalizer->normalize(json::parse(body));
    ASSERT_TRUE(incident) << c.file << ": " << incident.error().message;
    EXPECT_EQ(json::parse(incident_payload_json(*incident, body)), json::parse(dumped_payload(*incident))) << c.file;
  }
}

}  // namespace
}  // namespace triagent
