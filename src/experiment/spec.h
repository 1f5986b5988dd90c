// An experiment's declaration (experiments/*.yaml, docs/experiments.md): the
// fog to start, the streams published into it, the viewers, a timeline of
// faults, how long it runs and what must hold at the end.
//
// Parsing is strict: a key the format does not know, a value of the wrong
// type or out of range, and a feature declared but not built are errors that
// name the key and its line.
//
// Thread-safety: plain values and a pure parser; safe from any thread.

#ifndef FOG_EXPERIMENT_SPEC_H_
#define FOG_EXPERIMENT_SPEC_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace fog::experiment {

struct FogSpec {
  // Its name among the experiment's fogs ("fog" for the single `fog:`): a
  // letter, then letters, digits or '_' (no '-': a link is named "A-B").
  std::string name = "fog";
  int workers = 3;
  int replicas = 2;
  std::string balancer = "exact";  // exact, heuristic or none (round-robin)
  int balancer_period_ms = 2000;
  uint64_t store_quota_bytes = 0;  // per worker; 0: none
  // Fogs this one dials (`fog up --peer`); each names a fog declared before
  // it, which is started first. A link works in both directions.
  std::vector<std::string> peers;
  int line = 0;
};

// Streams of pre-cut, pre-signed packets replayed at their real-time pace,
// one packet per GOP. synthetic: random media bytes, bitrate * gop bits per
// packet; file: the fragments of `path` cut as `fog stream` cuts it (its
// keyframes should be `gop_s` apart); pattern: ffmpeg's test pattern
// rendered at the bitrate and GOP, then cut as a file.
struct PublisherSpec {
  int count = 1;
  std::string source = "synthetic";  // synthetic, file or pattern
  std::string path;                  // file only; relative to the declaration
  double bitrate_kbps = 2000;
  double gop_s = 1;
  // > 0: the group's streams start one by one this many seconds apart (a
  // capacity ramp) instead of staggered over one GOP.
  double start_every_s = 0;
  std::string fog;  // the fog published into; default the first
};

struct ViewerSpec {
  // packet: GET /videos/ID/packets/N; hls: GET /videos/ID/index.m3u8;
  // get: the packet fetched over MQTT and verified, as `fog get` does.
  std::string kind = "packet";
  double rate_per_s = 1;  // requests per second, all viewers together
  int count = 1;
  std::string fog;  // the fog whose API is asked; default the first
  // The fog whose streams it asks for; default `fog` (another fog's videos
  // are served through the federation).
  std::string videos_from;
};

struct FaultSpec {
  double at_s = 0;
  // kill (SIGKILL; the supervisor restarts it), stop (SIGSTOP), continue
  // (SIGCONT), restart-broker (SIGTERM to Mosquitto, restarted), hog (a
  // busy process on the CPU of worker `target`, pinned alone there), unhog.
  std::string action;
  // cut-link and restore-link: the link between two fogs, or with
  // network.hosts between two of the fog's hosts, "A-B" (blackhole routes
  // between their namespaces, experiment/network.h).
  std::string target;  // a process: master, worker-N, balancer, api; A-B
  std::string fog;     // the fog of a process target; default the first
  int line = 0;        // in the file, for messages
};

// The fog as one host in a network namespace behind a limited link
// (experiment/network.h); absent: every process on the loopback interface.
struct NetworkSpec {
  bool enabled = false;
  double bandwidth_mbit = 0;  // tbf each way on the fog's link
  // Need the kernel's netem; the run refuses them before anything starts
  // when a probe finds no netem. 0: none.
  double delay_ms = 0;
  double loss_pct = 0;
  // The components of the one fog on hosts of their own, each a namespace
  // behind a link of bandwidth_mbit each way: host name -> roles ("broker",
  // "api", "master", "balancer", "federation", "worker-N"), every role on
  // exactly one host, in declared order. Empty: the fog is one host.
  std::vector<std::pair<std::string, std::vector<std::string>>> hosts;
  int line = 0;
};

// `metric` is a dotted path into summary.json; at least one bound is set.
struct AssertionSpec {
  std::string metric;
  bool has_min = false, has_max = false;
  double min = 0, max = 0;
  std::string Name() const;  // "packets_lost <= 0"
};

struct Spec {
  std::string name;
  double duration_s = 10;  // publishing time
  // After publishing: how long to wait for every packet's R copies.
  double drain_s = 20;
  uint64_t seed = 1;
  // The fogs, in start order; one for `fog:`. `fog` is the first, for the
  // figures that need one fog (the summary's R, which every fog shares).
  std::vector<FogSpec> fogs;
  FogSpec fog;
  NetworkSpec network;
  std::vector<PublisherSpec> publishers;
  std::vector<ViewerSpec> viewers;
  std::vector<FaultSpec> faults;
  std::vector<AssertionSpec> assertions;
};

// Parses YAML text; `origin` (the file name) prefixes every error.
// InvalidArgument "<origin>:<line>: <what>" for an unknown key, a bad or
// out-of-range value, a missing required key, or a declared feature that is
// not built (network hosts with several fogs).
Result<Spec> ParseSpec(const std::string& yaml, const std::string& origin);

// Reads and parses a file.
Result<Spec> LoadSpec(const std::string& path);

}  // namespace fog::experiment

#endif  // FOG_EXPERIMENT_SPEC_H_
