#include "experiment/summary.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace fog::experiment {

namespace {

using nlohmann::json;

double Round3(double x) { return std::round(x * 1000) / 1000; }

json Percentiles(const std::vector<double>& v) {
  return {{"count", v.size()},
          {"p50", Round3(Percentile(v, 50))},
          {"p95", Round3(Percentile(v, 95))},
          {"p99", Round3(Percentile(v, 99))},
          {"max", Round3(Percentile(v, 100))}};
}

bool Holds(const std::string& verdict) {
  return verdict == "stored" || verdict == "duplicate";
}

}  // namespace

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  // Nearest rank: the smallest value with at least p% of values at or
  // below it.
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * values.size()));
  rank = std::clamp<size_t>(rank, 1, values.size());
  return values[rank - 1];
}

std::vector<PacketOutcome> Outcomes(const Events& events, int replicas) {
  using Key = std::pair<std::string, int64_t>;
  // Ack times of each holder, in arrival order.
  std::map<Key, std::vector<double>> holder_times;
  std::map<Key, std::set<std::string>> holders;
  std::map<Key, double> first_dispatch;
  for (const CopyEvent& c : events.copies) {
    if (c.dispatched_ms >= 0) {
      auto [at, added] =
          first_dispatch.try_emplace({c.video, c.packet}, c.dispatched_ms);
      if (!added) at->second = std::min(at->second, c.dispatched_ms);
    }
    if (!Holds(c.verdict)) continue;
    const Key key{c.video, c.packet};
    if (holders[key].insert(c.worker).second) {
      holder_times[key].push_back(c.stored_ms);
    }
  }
  std::vector<PacketOutcome> out;
  out.reserve(events.packets.size());
  for (const PacketEvent& p : events.packets) {
    PacketOutcome o{.event = &p};
    if (auto d = first_dispatch.find({p.video, p.packet});
        d != first_dispatch.end()) {
      o.dispatched_ms = d->second;
    }
    auto it = holder_times.find({p.video, p.packet});
    if (it != holder_times.end()) {
      std::vector<double> times = it->second;
      std::sort(times.begin(), times.end());
      o.copies = static_cast<int>(times.size());
      if (o.copies >= replicas) o.complete_ms = times[replicas - 1];
    }
    if (p.broker_acked_ms < 0 && o.copies == 0) {
      o.verdict = "unacknowledged";
    } else if (o.copies == 0) {
      o.verdict = "lost";
    } else if (o.copies < replicas) {
      o.verdict = "under-replicated";
    } else {
      o.verdict = "complete";
    }
    out.push_back(std::move(o));
  }
  return out;
}

int64_t DuplicateStores(const Events& events) {
  std::map<std::tuple<std::string, int64_t, std::string>, int> stored;
  int64_t extra = 0;
  for (const CopyEvent& c : events.copies) {
    if (c.verdict == "stored" && ++stored[{c.video, c.packet, c.worker}] > 1)
      ++extra;
  }
  return extra;
}

json Summarize(const Events& events, int replicas, double duration_s) {
  const std::vector<PacketOutcome> outcomes = Outcomes(events, replicas);
  std::map<std::string, int64_t> by_verdict;
  std::vector<double> latency, lag;
  for (const PacketOutcome& o : outcomes) {
    ++by_verdict[o.verdict];
    if (o.complete_ms >= 0) {
      latency.push_back(o.complete_ms - o.event->published_ms);
    }
    if (o.event->published_ms >= 0 && o.event->scheduled_ms >= 0)
      lag.push_back(o.event->published_ms - o.event->scheduled_ms);
  }
  std::map<std::string, int64_t> verdicts;
  std::map<std::string, int64_t> refusals;  // by the ack's reason
  for (const CopyEvent& c : events.copies) {
    ++verdicts[c.verdict];
    if (c.verdict == "rejected" || c.verdict == "error")
      ++refusals[c.reason.empty() ? "unknown" : c.reason];
  }
  std::vector<double> view_latency;
  int64_t views_ok = 0;
  // The same figures for each kind of viewer (packet, hls, get).
  std::map<std::string, std::pair<int64_t, int64_t>> by_kind;  // asked, ok
  for (const ViewEvent& v : events.views) {
    ++by_kind[v.kind].first;
    if (v.status == 200) {
      ++views_ok;
      ++by_kind[v.kind].second;
      view_latency.push_back(v.latency_ms);
    }
  }
  json viewers_by_kind = json::object();
  for (const auto& [kind, n] : by_kind) {
    viewers_by_kind[kind] = {
        {"requests", n.first},
        {"ok", n.second},
        {"availability", Round3(static_cast<double>(n.second) / n.first)}};
  }
  auto count = [&](const char* v) {
    auto it = by_verdict.find(v);
    return it == by_verdict.end() ? int64_t{0} : it->second;
  };
  json s = {{"replicas", replicas},
            {"duration_s", duration_s},
            {"packets_published", static_cast<int64_t>(outcomes.size())},
            {"packets_complete", count("complete")},
            {"packets_under_replicated", count("under-replicated")},
            {"packets_lost", count("lost")},
            {"packets_unacknowledged", count("unacknowledged")},
            {"packets_duplicated", DuplicateStores(events)},
            {"packets_per_s",
             duration_s > 0 ? Round3(count("complete") / duration_s) : 0},
            {"latency_ms", Percentiles(latency)},
            {"publish_lag_ms", Percentiles(lag)},
            {"verdicts", verdicts},
            {"refusals", refusals},
            {"viewers",
             {{"requests", static_cast<int64_t>(events.views.size())},
              {"ok", views_ok},
              {"availability", events.views.empty()
                                   ? 1.0
                                   : Round3(static_cast<double>(views_ok) /
                                            events.views.size())},
              {"latency_ms", Percentiles(view_latency)},
              {"by_kind", viewers_by_kind}}},
            {"faults", static_cast<int64_t>(events.faults.size())},
            {"events_dropped",
             {{"copies", events.copies_dropped},
              {"views", events.views_dropped},
              {"acks_unreadable", events.acks_unreadable}}},
            {"max_streams_held", MaxStreamsHeld(events, replicas, 1000)}};
  if (!events.faults.empty()) {
    double last_fault = 0;
    for (const FaultEvent& f : events.faults)
      last_fault = std::max(last_fault, f.at_ms);
    // How long after the last fault every packet published until then had
    // its R copies (0 when all had them before it); null when one never did.
    double recovered = 0;
    bool all = true;
    for (const PacketOutcome& o : outcomes) {
      if (o.event->published_ms > last_fault || o.verdict == "unacknowledged")
        continue;
      if (o.complete_ms < 0) all = false;
      recovered = std::max(recovered, o.complete_ms - last_fault);
    }
    s["r_copies_after_last_fault_ms"] =
        all ? json(Round3(recovered)) : json(nullptr);
  }
  return s;
}

int64_t MaxStreamsHeld(const Events& events, int replicas, double bound_ms) {
  std::map<std::string, double> first_slot;
  std::map<int64_t, bool> second_held;  // by second of the slot
  for (const PacketOutcome& o : Outcomes(events, replicas)) {
    const PacketEvent& p = *o.event;
    auto [it, added] = first_slot.emplace(p.video, p.scheduled_ms);
    if (!added) it->second = std::min(it->second, p.scheduled_ms);
    const int64_t second = static_cast<int64_t>(p.scheduled_ms / 1000);
    const bool held =
        o.complete_ms >= 0 && o.complete_ms - p.scheduled_ms <= bound_ms;
    auto [s, fresh] = second_held.emplace(second, held);
    if (!fresh) s->second = s->second && held;
  }
  int64_t best = 0;
  for (const auto& [second, held] : second_held) {
    if (!held) break;
    int64_t live = 0;
    for (const auto& [video, slot] : first_slot) {
      if (slot < (second + 1) * 1000.0) ++live;
    }
    best = std::max(best, live);
  }
  return best;
}

bool LookupNumber(const json& doc, const std::string& path, double* value) {
  const json* node = &doc;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t dot = path.find('.', start);
    const std::string part = path.substr(
        start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!node->is_object() || !node->contains(part)) return false;
    node = &(*node)[part];
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (node->is_boolean()) {
    *value = node->get<bool>() ? 1 : 0;
    return true;
  }
  if (!node->is_number()) return false;
  *value = node->get<double>();
  return true;
}

}  // namespace fog::experiment
