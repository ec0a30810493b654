// The cue scanners: bitcoin addresses, document numbers after their keyword, and names after a cue.
#include <gtest/gtest.h>

#include <string>

#include "triagent/privacy/redactor.hpp"

namespace triagent::privacy {
namespace {

std::string redact(std::string_view text) {
  auto r = Redactor::create(RedactionConfig{});
  if (!r) throw std::runtime_error(r.error().message);
  Vault v;
  return r->redact_text(text, v);
}

TEST(PrivacyCues, BitcoinAddressesAreCheckedNotJustShaped) {
  EXPECT_TRUE(bitcoin_address_valid("16Yeky6GMjeNkAiNcBY7ZhrLoMSgg1BoyZ"));
  EXPECT_TRUE(bitcoin_address_valid("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"));
  EXPECT_TRUE(bitcoin_address_valid("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"));
  EXPECT_FALSE(bitcoin_address_valid("16Yeky6GMjeNkAiNcBY7ZhrLoMSgg1BoyZ2"));   // one character too many
  EXPECT_FALSE(bitcoin_address_valid("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdp"));  // checksum
  EXPECT_EQ(redact("pay 16Yeky6GMjeNkAiNcBY7ZhrLoMSgg1BoyZ now"), "pay <CRYPTO_1> now");
  // A SHA-256 stays an indicator.
  const std::string hash = "8f953371d3e85eddb89b05ed6b9e680791055315c73e1025ab5dba7bb2aee189";
  EXPECT_EQ(redact(hash), hash);
}

TEST(PrivacyCues, DocumentNumbersNeedTheirKeyword) {
  EXPECT_EQ(redact("my travel passport is A12803456"), "my travel passport is <PASSPORT_1>");
  EXPECT_EQ(redact("My driver's license number is F162823540116"), "My driver's license number is <DRIVER_LICENSE_1>");
  EXPECT_EQ(redact("my driver's license number is 2270-66-1551"), "my driver's license number is <DRIVER_LICENSE_1>");
  EXPECT_EQ(redact("NHS number: 401 023 2137 ok").find("401"), std::string::npos);
  // Without the keyword a bare number is an id or a time, and stays.
  EXPECT_EQ(redact("event A12803456 at 1700000000"), "event A12803456 at 1700000000");
  EXPECT_EQ(redact("license key expired"), "license key expired");
}

TEST(PrivacyCues, NamesAfterACue) {
  EXPECT_EQ(redact("Hello, this is Dr. Kyle Kuefer. Who are you?"), "Hello, this is Dr. <PERSON_1>. Who are you?");
  EXPECT_EQ(redact("join accounts with ms. Marcela"), "join accounts with ms. <PERSON_1>");
  EXPECT_EQ(redact("My name is Ruth R Montez."), "My name is <PERSON_1>.");
  EXPECT_EQ(redact("my name is lena andersson."), "my name is <PERSON_1>.");
  EXPECT_EQ(redact("Name: Jan Jílek"), "Name: <PERSON_1>");
  EXPECT_EQ(redact("Follow up with Satsita Umkhayev in a month"), "Follow up with <PERSON_1> in a month");
  EXPECT_EQ(redact("signed by Alice Martin"), "signed by <PERSON_1>");
  EXPECT_EQ(redact("From: John Smith <john.smith@corp.com>"), "From: <PERSON_1> <<EMAIL_1>>");
  // No cue, no name: process and host names in prose stay.
  EXPECT_EQ(redact("PowerShell started by Explorer"), "PowerShell started by Explorer");
  EXPECT_EQ(redact("the customer is unknown"), "the customer is unknown");
}

}  // namespace
}  // namespace triagent::privacy
