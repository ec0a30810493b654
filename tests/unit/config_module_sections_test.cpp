// Sections parsed by the config module for other modules: pipeline.context templates (typed here,
// checked again by the pipeline at start-up) and the hunt:/audit: sections kept as YAML text.
#include <gtest/gtest.h>

#include "config_test_support.hpp"
#include "triagent/config/loader.hpp"

namespace triagent {
namespace {

using config_testing::FakeEnvironment;
using config_testing::kMinimal;
using config_testing::load_error;
using config_testing::load_ok;

TEST(ContextTemplatesConfig, LoadsEveryFieldOfEachTemplate) {
  const Config cfg = load_ok(kMinimal +
                             "pipeline:\n"
                             "  context:\n"
                             "    max_queries_per_job: 3\n"
                             "    templates:\n"
                             "      - name: dataset_ip\n"
                             "        source: dataset_query\n"
                             "        applies_to: [dataset, generic]\n"
                             "        text: 'srcIp = {{ip}} or dstIp = {{ip}}'\n"
                             "        window_before_minutes: 10\n"
                             "        window_after_minutes: 5\n"
                             "        max_results: 50\n"
                             "      - {name: notes, source: threat_notes, text: '{{threat_id}}'}\n");
  EXPECT_EQ(cfg.pipeline.context_max_queries_per_job, 3);
  ASSERT_EQ(cfg.pipeline.context_templates.size(), 2u);
  const auto& t = cfg.pipeline.context_templates[0];
  EXPECT_EQ(t.name, "dataset_ip");
  EXPECT_EQ(t.source, "dataset_query");
  EXPECT_EQ(t.applies_to, (std::vector<std::string>{"dataset", "generic"}));
  EXPECT_EQ(t.text, "srcIp = {{ip}} or dstIp = {{ip}}");
  EXPECT_EQ(t.window_before_minutes, 10);
  EXPECT_EQ(t.window_after_minutes, 5);
  EXPECT_EQ(t.max_results, 50);
  EXPECT_EQ(t.line, 7);  // after the two lines of kMinimal
  EXPECT_EQ(cfg.pipeline.context_templates[1].max_results, 200);  // the default
}

TEST(ContextTemplatesConfig, ErrorsNameTheTemplateAndKey) {
  EXPECT_NE(load_error(kMinimal + "pipeline:\n  context:\n    templates:\n      - {name: x, source: splunk, text: a}\n")
                .find("pipeline.context.templates[0].source"),
            std::string::npos);
  EXPECT_NE(load_error(kMinimal + "pipeline:\n  context:\n    templates:\n      - {name: x, source: storyline}\n")
                .find("needs name, source and text"),
            std::string::npos);
  EXPECT_NE(load_error(kMinimal + "pipeline:\n  context:\n    templates: {name: x}\n").find("expected a list"),
            std::string::npos);
}

TEST(ModuleSectionsConfig, HuntAndAuditAreKeptAsInterpolatedText) {
  FakeEnvironment env{{"HUNT_ON", "true"}};
  const Config cfg = load_ok(kMinimal + "hunt:\n  enabled: ${HUNT_ON}\n  max_limit: 500\naudit:\n  ship: {enabled: false}\n",
                             env);
  ASSERT_EQ(cfg.module_sections.count("hunt"), 1u);
  EXPECT_EQ(cfg.module_sections.at("hunt").line, 4);
  EXPECT_NE(cfg.module_sections.at("hunt").yaml.find("enabled: true"), std::string::npos);
  EXPECT_EQ(cfg.module_sections.at("hunt").yaml.find("${"), std::string::npos);
  EXPECT_EQ(cfg.module_sections.count("audit"), 1u);
  EXPECT_EQ(load_ok(kMinimal).module_sections.size(), 0u);
}

}  // namespace
}  // namespace triagent
