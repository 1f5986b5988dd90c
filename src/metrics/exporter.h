// The scrape endpoint of one component: a Prometheus registry for the
// metrics it owns (histograms), any other collectables (Counters bridges,
// callback gauges), and an HTTP server that answers GET /metrics with all of
// them in the text exposition format 0.0.4. Any other path answers 404 and
// any other method 405, as JSON errors {"error": "...", "status": N},
// counted as fog_<component>_metrics_http_rejected_total{reason} and logged.
//
// A component that already serves HTTP (the API) calls Scrape() from its own
// route instead of Start().
//
// With a certificate (ListenTls) the endpoint speaks only HTTPS; it asks no
// client certificate (docs/security.md#tls).
//
// Thread-safety: Add() before Start(); Scrape(), port() and the counters are
// safe from any thread; Start() and Stop() from one thread.

#ifndef FOG_METRICS_EXPORTER_H_
#define FOG_METRICS_EXPORTER_H_

#include <prometheus/collectable.h>
#include <prometheus/registry.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "common/counters.h"
#include "common/status.h"

namespace fog::metrics {

// The Content-Type of the text exposition format.
inline constexpr char kContentType[] =
    "text/plain; version=0.0.4; charset=utf-8";

// The HTTPS certificate and key (PEM) of the scrape endpoint; both empty:
// plain HTTP.
struct ListenTls {
  std::string cert_file;
  std::string key_file;
};

class Exporter {
 public:
  // `component` is the middle of the exporter's own metric names
  // ("master", "worker", ...). Does not bind; see Start().
  explicit Exporter(std::string component);
  ~Exporter();  // Stop()s
  Exporter(const Exporter&) = delete;
  Exporter& operator=(const Exporter&) = delete;

  // For the metrics the component owns (histograms, gauges it sets).
  prometheus::Registry& registry() { return *registry_; }
  // Adds a collectable read at every scrape. Call before Start().
  void Add(std::shared_ptr<prometheus::Collectable> collectable);

  // Everything, serialized in the text format.
  std::string Scrape() const;

  // Serves GET /metrics on host:port (port 0: a free one, see port()) from a
  // background thread. Errors: InvalidArgument for a port outside
  // [0, 65535] or only one of the TLS files, Unavailable when the address
  // cannot be bound or the certificate or key does not load, Internal when
  // already started.
  Status Start(const std::string& host, int port, const ListenTls& tls = {});
  // Stops serving and joins the thread. Idempotent.
  void Stop();
  // The bound port; 0 before Start().
  int port() const;

  // Requests served and turned away ("scrapes", "rejected.<reason>").
  const Counters& counters() const { return counters_; }

 private:
  class Server;

  const std::string component_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::vector<std::shared_ptr<prometheus::Collectable>> collectables_;
  Counters counters_;
  RejectLog reject_log_;
  std::unique_ptr<Server> server_;
  std::atomic<int> port_{0};
};

}  // namespace fog::metrics

#endif  // FOG_METRICS_EXPORTER_H_
