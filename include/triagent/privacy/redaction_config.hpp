#pragma once
// RedactionConfig: what the redactor replaces and how, with sane defaults (every detector on,
// IP addresses pseudonymized, the common Windows/syslog/cloud user and host fields redacted by
// name). Parsed from the `privacy:` section of the YAML config by the config module.
//
//   RedactionConfig cfg;
//   cfg.ip_mode = IpMode::keep;                          // keep addresses for network triage
//   cfg.extra_patterns.push_back({"EMPLOYEE_ID", R"(\bEMP-\d{6}\b)"});
//   cfg.allow_fields.push_back("ProcessGuid");

#include <string>
#include <vector>

namespace triagent::privacy {

enum class IpMode {
  keep,          // leave addresses as they are
  pseudonymize,  // <IP_1>, restorable from the vault
  drop,          // <IP>, nothing recorded: the value cannot be restored
};

struct ExtraPattern {
  std::string tag;      // placeholder tag, upper case: "EMPLOYEE_ID" -> <EMPLOYEE_ID_1>
  std::string pattern;  // RE2 syntax; matched in linear time whatever the input
};

struct RedactionConfig {
  bool emails = true;
  bool phones = true;
  bool credit_cards = true;
  bool national_ids = true;   // US SSN
  bool ibans = true;
  bool mac_addresses = true;
  bool crypto_wallets = true;  // bitcoin addresses
  bool documents = true;       // passport, driver's license, NHS, bank account numbers after their keyword
  bool person_names = true;    // names after a cue (Mr./Ms./Dr., "my name is", "Name:", e-mail display names)
  bool secrets = true;        // keys, tokens, private keys, passwords on command lines, hashes
  IpMode ip_mode = IpMode::pseudonymize;
  bool keep_private_ips = false;  // with pseudonymize: leave RFC 1918/loopback addresses as they are

  // Fields whose whole value is a user or host name (leaf key, case-insensitive).
  std::vector<std::string> user_fields = {
      "User", "UserName", "user_name", "SubjectUserName", "TargetUserName", "AccountName", "SamAccountName",
      "ParentUser", "SourceUser", "TargetUser", "suser", "duser", "user", "username", "usrName", "UserId",
      "UserPrincipalName", "MailboxOwnerUPN", "ruser", "logname", "principalId", "client"};
  std::vector<std::string> host_fields = {
      "Computer", "ComputerName", "Hostname", "host", "hostname", "WorkstationName", "Workstation",
      "DestinationHostname", "SourceHostname", "shost", "dhost", "dvchost", "MachineName", "device_name",
      "computer_name", "SourceComputerId", "@system"};
  // Fields redacted entirely as secrets whatever they hold.
  std::vector<std::string> deny_fields = {"password", "passwd", "pwd", "secret", "client_secret", "api_key",
                                          "apikey", "access_token", "refresh_token", "private_key", "Authorization"};
  // Fields never redacted (identifiers the analysis needs and that hold no personal data).
  std::vector<std::string> allow_fields = {"EventID", "Channel", "Provider_Name", "ProviderGuid", "Level", "Task",
                                           "Opcode", "Keywords", "RecordNumber", "EventRecordID", "ProcessGuid",
                                           "LogonGuid", "ParentProcessGuid", "Hashes"};
  // Account names that are not personal data and help triage.
  std::vector<std::string> keep_values = {"SYSTEM", "NT AUTHORITY\\SYSTEM", "LOCAL SERVICE", "NETWORK SERVICE",
                                          "NT AUTHORITY\\LOCAL SERVICE", "NT AUTHORITY\\NETWORK SERVICE",
                                          "ANONYMOUS LOGON", "-", "N/A", "root", "Administrator"};
  std::vector<ExtraPattern> extra_patterns;
};

}  // namespace triagent::privacy
