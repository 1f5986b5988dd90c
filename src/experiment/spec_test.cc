#include "experiment/spec.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace fog::experiment {
namespace {

const char kGood[] = R"(name: t
duration_s: 5
seed: 7
fog:
  workers: 3
  replicas: 2
  balancer: heuristic
publishers:
  - count: 2
    bitrate_kbps: 1000
    gop_s: 0.5
viewers:
  - kind: packet
    rate_per_s: 2
faults:
  - at_s: 2
    action: kill
    target: worker-2
  - at_s: 3
    action: restart-broker
assertions:
  - metric: packets_lost
    max: 0
  - metric: latency_ms.p99
    min: 0
    max: 1000
)";

// The error for `yaml`, or "" when it parses.
std::string ErrorOf(const std::string& yaml) {
  Result<Spec> r = ParseSpec(yaml, "x.yaml");
  return r.ok() ? "" : r.status().message();
}

TEST(ParseSpec, ReadsEveryField) {
  Result<Spec> r = ParseSpec(kGood, "x.yaml");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->name, "t");
  EXPECT_EQ(r->duration_s, 5);
  EXPECT_EQ(r->seed, 7u);
  EXPECT_EQ(r->fog.balancer, "heuristic");
  ASSERT_EQ(r->publishers.size(), 1u);
  EXPECT_EQ(r->publishers[0].count, 2);
  EXPECT_EQ(r->publishers[0].gop_s, 0.5);
  ASSERT_EQ(r->faults.size(), 2u);
  EXPECT_EQ(r->faults[0].target, "worker-2");
  EXPECT_EQ(r->faults[1].target, "mosquitto");
  ASSERT_EQ(r->assertions.size(), 2u);
  EXPECT_EQ(r->assertions[0].Name(), "packets_lost <= 0");
  EXPECT_EQ(r->assertions[1].Name(), "0 <= latency_ms.p99 <= 1000");
}

TEST(ParseSpec, UnknownKeyNamesKeyAndLine) {
  EXPECT_EQ(ErrorOf("name: t\npublishers: [{count: 1}]\nfog:\n  workerz: 3\n"),
            "x.yaml:4: unknown key 'fog.workerz' (known: balancer, "
            "balancer_period_ms, replicas, store_quota_bytes, workers)");
  EXPECT_NE(ErrorOf("name: t\nbogus: 1\npublishers: [{count: 1}]\n")
                .find("x.yaml:2: unknown key 'bogus'"),
            std::string::npos);
}

TEST(ParseSpec, BadValuesNameKeyAndLine) {
  EXPECT_EQ(ErrorOf("name: t\nduration_s: soon\npublishers: [{count: 1}]\n"),
            "x.yaml:2: duration_s: 'soon' is not a number");
  EXPECT_EQ(ErrorOf("name: t\npublishers:\n  - count: 0\n"),
            "x.yaml:3: publishers[0].count: 0 is outside 1..1000");
  EXPECT_EQ(ErrorOf("name: t\npublishers: [{count: 1}]\nfog: {balancer: x}\n"),
            "x.yaml:3: fog.balancer: 'x' is not one of exact, heuristic, none");
  EXPECT_EQ(ErrorOf("name: t\npublishers: [{count: 1}]\nfog: {workers: 2, "
                    "replicas: 3}\n"),
            "x.yaml:3: fog.replicas (3) exceeds fog.workers");
  EXPECT_EQ(ErrorOf("duration_s: 1\npublishers: [{count: 1}]\n"),
            "x.yaml:1: name is required");
  EXPECT_NE(ErrorOf("name: [unclosed\n").find("x.yaml:"), std::string::npos);
}

TEST(ParseSpec, Network) {
  Result<Spec> ok = ParseSpec(
      "name: t\npublishers: [{count: 1}]\nnetwork:\n  bandwidth_mbit: 20\n",
      "x.yaml");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(ok->network.enabled);
  EXPECT_EQ(ok->network.bandwidth_mbit, 20);
  EXPECT_EQ(ok->network.delay_ms, 0);
  EXPECT_FALSE(ParseSpec("name: t\npublishers: [{count: 1}]\n", "x.yaml")
                   ->network.enabled);
  // Delay and loss are read; the run refuses them without netem.
  Result<Spec> delay = ParseSpec(
      "name: t\npublishers: [{count: 1}]\nnetwork:\n  bandwidth_mbit: 20\n"
      "  delay_ms: 30\n  loss_pct: 1\n",
      "x.yaml");
  ASSERT_TRUE(delay.ok()) << delay.status().ToString();
  EXPECT_EQ(delay->network.delay_ms, 30);
  EXPECT_EQ(delay->network.loss_pct, 1);
  EXPECT_EQ(ErrorOf("name: t\npublishers: [{count: 1}]\nnetwork:\n  "
                    "delay_ms: 20\n"),
            "x.yaml:4: network.bandwidth_mbit is required");
  EXPECT_EQ(ErrorOf("name: t\npublishers: [{count: 1}]\nnetwork:\n  "
                    "bandwidth_mbit: 0\n"),
            "x.yaml:4: network.bandwidth_mbit: 0 is outside 0.1..100000");
  EXPECT_EQ(ErrorOf("name: t\npublishers: [{count: 1}]\nnetwork:\n  "
                    "bandwidth_mbit: 5\n  loss_pct: 120\n"),
            "x.yaml:5: network.loss_pct: 120 is outside 0..100");
}

TEST(ParseSpec, PlacesTheFogsComponentsOnHosts) {
  Result<Spec> spec = ParseSpec(R"(name: t
fog: {workers: 3, replicas: 2}
publishers: [{count: 1}]
network:
  bandwidth_mbit: 50
  hosts:
    core: [broker, api, master, balancer, federation]
    edge1: [worker-1]
    edge2: [worker-2, worker-3]
)",
                                "x.yaml");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  const auto& hosts = spec->network.hosts;
  ASSERT_EQ(hosts.size(), 3u);
  EXPECT_EQ(hosts[0].first, "core");
  EXPECT_EQ(hosts[0].second.size(), 5u);
  EXPECT_EQ(hosts[1], (std::pair<std::string, std::vector<std::string>>{
                          "edge1", {"worker-1"}}));
  EXPECT_EQ(hosts[2].second,
            (std::vector<std::string>{"worker-2", "worker-3"}));
}

TEST(ParseSpec, CutsALinkBetweenTwoHosts) {
  const std::string head =
      "name: t\nduration_s: 20\nfog: {workers: 1, replicas: 1}\n"
      "publishers: [{count: 1}]\nnetwork:\n  bandwidth_mbit: 20\n  hosts:\n"
      "    core: [broker, api, master, balancer, federation]\n"
      "    edge: [worker-1]\nfaults:\n";
  Result<Spec> spec = ParseSpec(
      head + "  - {at_s: 5, action: cut-link, target: core-edge}\n", "x.yaml");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->faults[0].target, "core-edge");
  EXPECT_EQ(ErrorOf(head + "  - {at_s: 5, action: cut-link, target: core-x}\n"),
            "x.yaml:11: faults[0].target: 'core-x' does not name two of "
            "network.hosts");
}

TEST(ParseSpec, RefusesABadPlacement) {
  const std::string head =
      "name: t\nfog: {workers: 2, replicas: 1, balancer: none}\n"
      "publishers: [{count: 1}]\nnetwork:\n  bandwidth_mbit: 20\n  hosts:\n";
  EXPECT_EQ(ErrorOf(head + "    a: [broker, api, master, federation]\n"),
            "x.yaml:7: network.hosts: worker-1 is on no host");
  EXPECT_EQ(
      ErrorOf(head + "    a: [broker, api, master, federation, worker-1]\n"
                     "    b: [worker-2, worker-1]\n"),
      "x.yaml:8: network.hosts.b: worker-1 is already on host a");
  EXPECT_EQ(ErrorOf(head + "    a: [broker, balancer]\n"),
            "x.yaml:7: network.hosts.a: 'balancer' is not a role of the fog "
            "(broker, api, master, federation, worker-1, worker-2)");
  EXPECT_NE(ErrorOf(head + "    a: [worker-3]\n")
                .find("x.yaml:7: network.hosts.a: 'worker-3' is not a role"),
            std::string::npos);
  EXPECT_EQ(ErrorOf(head + "    a: broker\n"),
            "x.yaml:7: network.hosts.a must be a list of roles");
  EXPECT_NE(ErrorOf("name: t\nfogs: [{name: a}, {name: b}]\n"
                    "publishers: [{count: 1}]\nnetwork:\n  bandwidth_mbit: "
                    "20\n  hosts: {h: [broker]}\n")
                .find("network.hosts: with several fogs each fog is a host "
                      "of its own"),
            std::string::npos);
}

const char kTwoFogs[] = R"(name: t
fogs:
  - {name: a, workers: 2, replicas: 2}
  - name: b
    workers: 3
    replicas: 2
    balancer: none
    peers: [a]
network: {bandwidth_mbit: 50}
publishers:
  - {count: 2}
  - {count: 1, fog: b}
viewers:
  - {kind: packet, fog: b, videos_from: a}
  - {kind: hls}
faults:
  - {at_s: 2, action: cut-link, target: a-b}
  - {at_s: 3, action: restore-link, target: b-a}
  - {at_s: 4, action: kill, target: worker-3, fog: b}
  - {at_s: 5, action: kill, target: worker-1}
)";

TEST(ParseSpec, SeveralFogs) {
  Result<Spec> r = ParseSpec(kTwoFogs, "x.yaml");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->fogs.size(), 2u);
  EXPECT_EQ(r->fogs[0].name, "a");
  EXPECT_EQ(r->fogs[1].name, "b");
  EXPECT_EQ(r->fogs[1].workers, 3);
  EXPECT_EQ(r->fogs[1].balancer, "none");
  EXPECT_EQ(r->fogs[1].peers, std::vector<std::string>{"a"});
  EXPECT_EQ(r->fog.name, "a");  // the first fog
  EXPECT_EQ(r->publishers[0].fog, "a");
  EXPECT_EQ(r->publishers[1].fog, "b");
  EXPECT_EQ(r->viewers[0].fog, "b");
  EXPECT_EQ(r->viewers[1].fog, "a");
  EXPECT_EQ(r->viewers[0].videos_from, "a");
  EXPECT_EQ(r->viewers[1].videos_from, "a");  // its own fog's
  EXPECT_EQ(r->faults[0].target, "a-b");
  EXPECT_EQ(r->faults[0].fog, "");
  EXPECT_EQ(r->faults[2].fog, "b");
  EXPECT_EQ(r->faults[3].fog, "a");
  // One `fog:` is one fog named "fog".
  Result<Spec> one = ParseSpec(kGood, "x.yaml");
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->fogs.size(), 1u);
  EXPECT_EQ(one->fogs[0].name, "fog");
  EXPECT_EQ(one->fogs[0].balancer, "heuristic");
  EXPECT_EQ(one->publishers[0].fog, "fog");
}

// `kTwoFogs` with `from` replaced by `to`.
std::string TwoFogsWith(const std::string& from, const std::string& to) {
  std::string s = kTwoFogs;
  const size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

TEST(ParseSpec, SeveralFogsRefusals) {
  EXPECT_EQ(ErrorOf("name: t\npublishers: [{count: 1}]\nfog: {workers: 2}\n"
                    "fogs: [{name: a}]\n"),
            "x.yaml:4: fogs: declare either fog (one fog) or fogs "
            "(several), not both");
  EXPECT_EQ(ErrorOf(TwoFogsWith("name: b", "name: a")),
            "x.yaml:4: fogs: name 'a' twice");
  EXPECT_EQ(ErrorOf(TwoFogsWith("name: b", "name: b-c")),
            "x.yaml:4: fogs[1].name: 'b-c' is not a fog name (a letter, then "
            "letters, digits or '_', at most 32)");
  EXPECT_EQ(ErrorOf(TwoFogsWith("{name: a,", "{name: a, peers: [b],")),
            "x.yaml:3: fogs: peer 'b' of a is not a fog declared before it (a "
            "fog dials peers that are already running)");
  EXPECT_EQ(ErrorOf(TwoFogsWith("peers: [a]", "peers: [b]")),
            "x.yaml:4: fogs: b names itself as a peer");
  EXPECT_EQ(ErrorOf(TwoFogsWith("    replicas: 2\n", "    replicas: 1\n")),
            "x.yaml:4: fogs: b's replicas differ from a's; every fog of an "
            "experiment has the same R");
  EXPECT_EQ(ErrorOf(TwoFogsWith("fog: b}", "fog: c}")),
            "x.yaml:12: publishers[1].fog: 'c' is not one of the fogs");
  EXPECT_EQ(ErrorOf(TwoFogsWith("fog: b, videos_from: a}", "fog: z}")),
            "x.yaml:14: viewers[0].fog: 'z' is not one of the fogs");
  EXPECT_EQ(ErrorOf(TwoFogsWith("videos_from: a}", "videos_from: q}")),
            "x.yaml:14: viewers[0].videos_from: 'q' is not one of the fogs");
  EXPECT_EQ(ErrorOf(TwoFogsWith("target: a-b", "target: a-c")),
            "x.yaml:17: faults[0].target: 'a-c' does not name two of the fogs");
  EXPECT_EQ(ErrorOf(TwoFogsWith("target: a-b", "target: a-a")),
            "x.yaml:17: faults[0].target: 'a-a' does not name two of the fogs");
  EXPECT_EQ(ErrorOf(TwoFogsWith("target: a-b", "target: master")),
            "x.yaml:17: faults[0].target: 'master' is not a link between two "
            "fogs (A-B)");
  EXPECT_EQ(
      ErrorOf(TwoFogsWith("target: a-b}", "target: a-b, fog: a}")),
      "x.yaml:17: faults[0].fog: cut-link names its fogs in target (A-B)");
  EXPECT_EQ(ErrorOf(TwoFogsWith("peers: [a]", "peers: []")),
            "x.yaml:17: faults[0].target: a and b are not linked (neither "
            "names the other in peers)");
  EXPECT_EQ(ErrorOf(TwoFogsWith("network: {bandwidth_mbit: 50}\n", "")),
            "x.yaml:16: faults[0]: cut-link needs network (each fog in a "
            "namespace of its own, so the link between two can be cut)");
  EXPECT_EQ(ErrorOf(TwoFogsWith("target: worker-3, fog: b",
                                "target: worker-3, fog: a")),
            "x.yaml:19: faults: target 'worker-3' names no worker of fog a "
            "(worker-1..worker-2)");
  EXPECT_EQ(ErrorOf(TwoFogsWith("action: kill, target: worker-3, fog: b",
                                "action: hog, target: worker-3, fog: b")),
            "x.yaml:19: faults[2].fog: hog applies to the first fog (a) only");
  EXPECT_EQ(ErrorOf(TwoFogsWith("workers: 2,", "workerz: 2,")),
            "x.yaml:3: unknown key 'fogs[0].workerz' (known: balancer, "
            "balancer_period_ms, name, peers, replicas, store_quota_bytes, "
            "workers)");
  EXPECT_EQ(ErrorOf("name: t\npublishers: [{count: 1}]\nfog: {name: x}\n"),
            "x.yaml:3: unknown key 'fog.name' (known: balancer, "
            "balancer_period_ms, replicas, store_quota_bytes, workers)");
}

TEST(ParseSpec, VideoSources) {
  Result<Spec> ok = ParseSpec(
      "name: t\npublishers:\n  - {source: file, path: media/a.mp4, gop_s: "
      "2}\n  - {source: file, path: /abs/b.mp4}\n  - {source: pattern, "
      "bitrate_kbps: 5000}\n",
      "experiments/x.yaml");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  ASSERT_EQ(ok->publishers.size(), 3u);
  EXPECT_EQ(ok->publishers[0].source, "file");
  // Relative to the declaration's directory; an absolute path unchanged.
  EXPECT_EQ(ok->publishers[0].path, "experiments/media/a.mp4");
  EXPECT_EQ(ok->publishers[1].path, "/abs/b.mp4");
  EXPECT_EQ(ok->publishers[2].source, "pattern");
  EXPECT_EQ(ok->publishers[2].bitrate_kbps, 5000);
  EXPECT_EQ(ErrorOf("name: t\npublishers: [{source: file}]\n"),
            "x.yaml:2: publishers[0].path is required for source 'file'");
  EXPECT_EQ(ErrorOf("name: t\npublishers:\n  - {source: pattern, path: "
                    "a.mp4}\n"),
            "x.yaml:3: publishers[0].path: only source 'file' reads a path "
            "(source is 'pattern')");
  EXPECT_EQ(ErrorOf("name: t\npublishers:\n  - {source: pattern, "
                    "bitrate_kbps: 50}\n"),
            "x.yaml:3: publishers[0].bitrate_kbps: the test pattern needs at "
            "least 100 kbit/s");
  EXPECT_NE(ErrorOf("name: t\npublishers: [{source: camera}]\n")
                .find("'camera' is not one of file, pattern, synthetic"),
            std::string::npos);
}

TEST(ParseSpec, StoreFaults) {
  const std::string head =
      "name: t\nfog: {workers: 3, store_quota_bytes: 4000000}\n"
      "publishers: [{count: 1}]\nfaults:\n";
  Result<Spec> ok =
      ParseSpec(head +
                    "  - {at_s: 1, action: fill-quota, target: worker-2}\n"
                    "  - {at_s: 2, action: corrupt-packet, target: worker-1}\n",
                "x.yaml");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  ASSERT_EQ(ok->faults.size(), 2u);
  EXPECT_EQ(ok->faults[0].action, "fill-quota");
  EXPECT_EQ(ok->faults[0].target, "worker-2");
  EXPECT_EQ(ok->faults[1].action, "corrupt-packet");
  EXPECT_EQ(ok->faults[1].target, "worker-1");
  // Both act on one worker's store.
  EXPECT_EQ(ErrorOf(head + "  - {at_s: 1, action: fill-quota, target: api}\n"),
            "x.yaml:5: faults[0].target: fill-quota needs a worker-N target");
  EXPECT_EQ(ErrorOf(head + "  - {at_s: 1, action: corrupt-packet}\n"),
            "x.yaml:5: faults[0].target: corrupt-packet needs a worker-N "
            "target");
  EXPECT_EQ(ErrorOf(head + "  - {at_s: 1, action: corrupt-packet, target: "
                           "worker-4}\n"),
            "x.yaml:5: faults: target 'worker-4' names no worker of the fog "
            "(worker-1..worker-3)");
  // A fill needs a quota to fill.
  EXPECT_EQ(ErrorOf("name: t\npublishers: [{count: 1}]\nfaults:\n  - {at_s: "
                    "1, action: fill-quota, target: worker-1}\n"),
            "x.yaml:4: faults: fill-quota needs fog.store_quota_bytes (the "
            "workers run without a quota)");
  EXPECT_NE(ErrorOf("name: t\npublishers: [{count: 1}]\nfaults:\n  - {at_s: "
                    "1, action: fill, target: worker-1}\n")
                .find("'fill' is not one of continue, corrupt-packet, "
                      "cut-link, fill-quota"),
            std::string::npos);
}

TEST(ParseSpec, HogNeedsAWorker) {
  EXPECT_EQ(ErrorOf("name: t\npublishers: [{count: 1}]\nfaults:\n  - {at_s: "
                    "1, action: hog, target: master}\n"),
            "x.yaml:4: faults[0].target: hog needs a worker-N target");
  EXPECT_EQ(ErrorOf("name: t\npublishers: [{count: 1}]\nfaults:\n  - {at_s: "
                    "1, action: unhog, target: worker-1}\n"),
            "x.yaml:4: faults[0].target: unhog takes no target");
  EXPECT_EQ(ErrorOf("name: t\npublishers: [{count: 1}]\nfaults:\n  - {at_s: "
                    "1, action: hog, target: worker-1}\n  - {at_s: 2, action: "
                    "unhog}\n"),
            "");
}

TEST(ParseSpec, FaultTargetsMustExist) {
  EXPECT_EQ(ErrorOf("name: t\nfog: {workers: 2}\npublishers: [{count: 1}]\n"
                    "faults:\n  - {at_s: 1, action: kill, target: worker-3}\n"),
            "x.yaml:5: faults: target 'worker-3' names no worker of the fog "
            "(worker-1..worker-2)");
  EXPECT_EQ(ErrorOf("name: t\nduration_s: 5\npublishers: [{count: 1}]\n"
                    "faults:\n  - {at_s: 9, action: kill, target: master}\n"),
            "x.yaml:5: faults[0].at_s: 9 is outside 0..5");
}

TEST(LoadSpec, EveryShippedExperimentParses) {
  int found = 0;
  for (const auto& entry : std::filesystem::directory_iterator(
           std::string(FOG_SOURCE_DIR) + "/experiments")) {
    if (entry.path().extension() != ".yaml") continue;
    ++found;
    Result<Spec> spec = LoadSpec(entry.path().string());
    EXPECT_TRUE(spec.ok()) << entry.path() << ": " << spec.status().ToString();
  }
  EXPECT_GE(found, 10);
}

}  // namespace
}  // namespace fog::experiment
