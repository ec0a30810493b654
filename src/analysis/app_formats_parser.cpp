// Application and cluster logs whose lines start with a number: Java/log4j families (Hadoop,
// Zookeeper, Spark), Android logcat, HealthApp, Windows CBS, nginx error, OpenStack, and the HPC
// cluster formats (Thunderbird, BlueGene/L, HPC).
#include "line_scanner.hpp"
#include "text_parsers.hpp"

namespace triagent::analysis::parsers {
namespace {

bool is_level(std::string_view t) {
  static constexpr std::string_view kLevels[] = {"TRACE", "DEBUG", "INFO", "WARN", "WARNING", "ERROR", "FATAL",
                                                 "SEVERE", "CRITICAL", "NOTICE"};
  for (auto l : kLevels) {
    if (t == l) return true;
  }
  return false;
}

void add_class_message(LineScanner& sc, ParsedEvent& ev) {
  sc.spaces();
  const std::string_view rest = sc.rest();
  const auto colon = rest.find(": ");
  if (colon != std::string_view::npos && colon < 160 && rest.substr(0, colon).find(' ') == std::string_view::npos) {
    ev.fields.add("component", rest.substr(0, colon));
    ev.fields.add("message", rest.substr(colon + 2));
  } else {
    ev.fields.add("message", rest);
  }
}

// "yyyy-mm-dd hh:mm:ss" then one of ",mmm" ".mmm" "," .
bool date_time(LineScanner& sc) {
  return sc.digits(4) && sc.lit('-') && sc.digits(2) && sc.lit('-') && sc.digits(2) && sc.lit(' ') && sc.digits(2) &&
         sc.lit(':') && sc.digits(2) && sc.lit(':') && sc.digits(2);
}

}  // namespace

bool numeric_prefixed(std::string_view line, ParsedEvent& ev) {
  LineScanner sc(line);
  // yyyy-mm-dd hh:mm:ss...
  if (date_time(sc)) {
    const std::size_t after_time = sc.pos();
    if (sc.lit(',') && sc.digits(3)) {
      ev.fields.add("timestamp", line.substr(0, sc.pos()));
      sc.spaces();
      if (sc.lit("- ")) {  // Zookeeper: "- INFO  [thread] - msg"
        sc.spaces();
        const std::string_view level = sc.token();
        if (!is_level(level)) return false;
        ev.fields.add("level", level);
        sc.spaces();
        if (sc.lit('[')) {
          ev.fields.add("thread", sc.until(']'));
          sc.lit(']');
        }
        sc.spaces();
        sc.lit("- ");
        ev.fields.add("message", sc.rest());
        ev.log_type = "zookeeper";
        return true;
      }
      const std::string_view level = sc.token();
      if (!is_level(level)) return false;
      ev.fields.add("level", level);
      sc.spaces();
      if (sc.lit('[')) {  // Hadoop MapReduce/YARN: "INFO [thread] class: msg"
        ev.fields.add("thread", sc.until(']'));
        sc.lit(']');
        add_class_message(sc, ev);
        ev.log_type = "hadoop-mapreduce";
        return true;
      }
      add_class_message(sc, ev);
      ev.log_type = "java-log4j";
      return true;
    }
    sc.seek(after_time);
    if (sc.lit(", ")) {  // Windows CBS: "2016-09-28 04:30:32, Info    CBS    msg"
      sc.spaces();
      const std::string_view level = sc.token();
      sc.spaces();
      const std::string_view component = sc.token();
      sc.spaces();
      ev.fields.add("timestamp", line.substr(0, after_time));
      ev.fields.add("level", level);
      ev.fields.add("component", component);
      ev.fields.add("message", sc.rest());
      ev.log_type = "windows-cbs-text";
      ev.product = "windows";
      return true;
    }
    sc.seek(after_time);
    if (sc.lit('.') && sc.digits_range(1, 6)) {  // OpenStack/oslo: ".mmm pid LEVEL module [req-...]"
      const std::size_t ts_end = sc.pos();
      sc.spaces();
      const std::string_view pid = sc.token();
      sc.spaces();
      const std::string_view level = sc.token();
      if (all_digits(pid) && is_level(level)) {
        ev.fields.add("timestamp", line.substr(0, ts_end));
        ev.fields.add("pid", pid);
        ev.fields.add("level", level);
        sc.spaces();
        ev.fields.add("component", sc.token());
        sc.spaces();
        ev.fields.add("message", sc.rest());
        ev.log_type = "openstack";
        return true;
      }
    }
    return false;
  }
  sc.seek(0);
  // nginx error: "2016/10/25 14:49:34 [error] 54053#0: *1 msg"
  if (sc.digits(4) && sc.lit('/') && sc.digits(2) && sc.lit('/') && sc.digits(2) && sc.lit(' ') && sc.digits(2) &&
      sc.lit(':') && sc.digits(2) && sc.lit(':') && sc.digits(2) && sc.lit(" [")) {
    ev.fields.add("timestamp", line.substr(0, 19));
    ev.fields.add("level", sc.until(']'));
    sc.lit(']');
    sc.spaces();
    const std::string_view pid = sc.token();
    ev.fields.add("pid", pid.substr(0, pid.find('#')));
    sc.spaces();
    ev.fields.add("message", sc.rest());
    ev.log_type = "nginx-error";
    ev.product = "webserver";
    ev.service = "nginx";
    return true;
  }
  sc.seek(0);
  // Spark: "17/06/09 20:10:45 INFO class: msg"
  if (sc.digits(2) && sc.lit('/') && sc.digits(2) && sc.lit('/') && sc.digits(2) && sc.lit(' ') && sc.digits(2) &&
      sc.lit(':') && sc.digits(2) && sc.lit(':') && sc.digits(2) && sc.lit(' ')) {
    const std::string_view level = sc.token();
    if (!is_level(level)) return false;
    ev.fields.add("timestamp", line.substr(0, 17));
    ev.fields.add("level", level);
    add_class_message(sc, ev);
    ev.log_type = "spark";
    return true;
  }
  sc.seek(0);
  // Hadoop HDFS: "081109 233108 3872 INFO dfs.DataNode$PacketResponder: msg"
  if (sc.digits(6) && sc.lit(' ') && sc.digits(6) && sc.lit(' ') && sc.digits_range(1, 8) && sc.lit(' ')) {
    const std::string_view level = sc.token();
    if (!is_level(level)) return false;
    ev.fields.add("timestamp", line.substr(0, 13));
    ev.fields.add("level", level);
    add_class_message(sc, ev);
    ev.log_type = "hadoop-hdfs";
    return true;
  }
  sc.seek(0);
  // Android logcat (threadtime): "03-17 16:13:40.148  1702  2395 D Tag: msg"
  if (sc.digits(2) && sc.lit('-') && sc.digits(2) && sc.lit(' ') && sc.digits(2) && sc.lit(':') && sc.digits(2) &&
      sc.lit(':') && sc.digits(2) && sc.lit('.') && sc.digits(3)) {
    const std::size_t ts_end = sc.pos();
    sc.spaces();
    const std::string_view pid = sc.token();
    sc.spaces();
    const std::string_view tid = sc.token();
    sc.spaces();
    const std::string_view prio = sc.token();
    if (!all_digits(pid) || !all_digits(tid) || prio.size() != 1) return false;
    ev.fields.add("timestamp", line.substr(0, ts_end));
    ev.fields.add("pid", pid);
    ev.fields.add("tid", tid);
    ev.fields.add("level", prio);
    sc.spaces();
    const std::string_view rest = sc.rest();
    const auto colon = rest.find(':');
    if (colon != std::string_view::npos) {
      ev.fields.add("tag", trim(rest.substr(0, colon)));
      ev.fields.add("message", trim(rest.substr(colon + 1)));
    } else {
      ev.fields.add("message", rest);
    }
    ev.log_type = "android-logcat";
    ev.product = "android";
    return true;
  }
  sc.seek(0);
  // HealthApp: "20171223-22:15:31:862|Step_LSC|30002312|msg"
  if (sc.digits(8) && sc.lit('-') && sc.digits_range(1, 2) && sc.lit(':') && sc.digits_range(1, 2) && sc.lit(':') &&
      sc.digits_range(1, 2) && sc.lit(':') && sc.digits_range(1, 3) && sc.lit('|')) {
    ev.fields.add("timestamp", line.substr(0, sc.pos() - 1));
    ev.fields.add("component", sc.until('|'));
    if (!sc.lit('|')) return false;
    ev.fields.add("pid", sc.until('|'));
    sc.lit('|');
    ev.fields.add("message", sc.rest());
    ev.log_type = "healthapp-android-app";
    return true;
  }
  return false;
}

bool openstack(std::string_view line, ParsedEvent& ev) {
  // "<service>.log[.N][.date] yyyy-mm-dd hh:mm:ss.mmm pid LEVEL module [req-...] msg"
  const auto sp = line.find(' ');
  if (sp == std::string_view::npos || sp > 128) return false;
  const std::string_view file = line.substr(0, sp);
  if (file.find(".log") == std::string_view::npos) return false;
  if (!numeric_prefixed(line.substr(sp + 1), ev) || ev.log_type != "openstack") return false;
  ev.fields.add("log_file", file);
  return true;
}

bool cluster_logs(std::string_view line, ParsedEvent& ev) {
  LineScanner sc(line);
  // Thunderbird / BlueGene/L: "<alert|-> <epoch> <yyyy.mm.dd> <node> ..."
  const std::string_view alert = sc.token();
  if (!alert.empty() && (alert == "-" || (alert[0] >= 'A' && alert[0] <= 'Z'))) {
    sc.spaces();
    const std::size_t epoch_pos = sc.pos();
    if (sc.digits_range(9, 10) && sc.lit(' ') && sc.digits(4) && sc.lit('.') && sc.digits(2) && sc.lit('.') &&
        sc.digits(2) && sc.lit(' ')) {
      const std::string_view epoch = line.substr(epoch_pos, line.find(' ', epoch_pos) - epoch_pos);
      const std::string_view node = sc.token();
      sc.spaces();
      const std::size_t after_node = sc.pos();
      if (alert != "-") ev.fields.add("alert", alert);
      ev.fields.add("epoch", epoch);
      ev.fields.add("host", node);
      // BlueGene/L: "2005-06-05-09.03.40.673488 <node> RAS KERNEL INFO msg"
      if (sc.digits(4) && sc.lit('-') && sc.digits(2) && sc.lit('-') && sc.digits(2) && sc.lit('-') && sc.digits(2) &&
          sc.lit('.') && sc.digits(2) && sc.lit('.') && sc.digits(2)) {
        sc.until(' ');
        sc.spaces();
        sc.token();  // node again
        sc.spaces();
        ev.fields.add("type", sc.token());
        sc.spaces();
        ev.fields.add("component", sc.token());
        sc.spaces();
        ev.fields.add("level", sc.token());
        sc.spaces();
        ev.fields.add("message", sc.rest());
        ev.log_type = "bluegene-l-ras";
        return true;
      }
      sc.seek(after_node);
      // Thunderbird: "Nov 9 12:01:01 dn754/dn754 prog[pid]: msg" (a syslog line after the prefix)
      thread_local ParsedEvent inner;  // reused: its field buffers stay allocated
      inner.clear();
      if (syslog(sc.rest(), inner)) {
        for (const Field& f : inner.fields) {
          if (f.key != "host") ev.fields.add(f.key, f.value);
        }
      } else {
        ev.fields.add("message", sc.rest());
      }
      ev.log_type = "thunderbird-syslog";
      ev.product = "linux";
      return true;
    }
  }
  sc.seek(0);
  // HPC: "<id> <node> <component> <state> <epoch> <flag> <message>"
  const std::string_view id = sc.token();
  if (!all_digits(id)) return false;
  sc.spaces();
  const std::string_view node = sc.token();
  sc.spaces();
  const std::string_view component = sc.token();
  sc.spaces();
  const std::string_view state = sc.token();
  sc.spaces();
  const std::string_view epoch = sc.token();
  sc.spaces();
  const std::string_view flag = sc.token();
  if (node.empty() || state.empty() || !all_digits(epoch) || epoch.size() < 9 || epoch.size() > 10 ||
      !(flag == "0" || flag == "1")) {
    return false;
  }
  sc.spaces();
  ev.fields.add("log_id", id);
  ev.fields.add("host", node);
  ev.fields.add("component", component);
  ev.fields.add("state", state);
  ev.fields.add("epoch", epoch);
  ev.fields.add("flag", flag);
  ev.fields.add("message", sc.rest());
  ev.log_type = "hpc-cluster";
  return true;
}

}  // namespace triagent::analysis::parsers
