#include "up/identity_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "broker_plugin/prefix_rules.h"
#include "common/bytes.h"
#include "up/issue_identity.h"

namespace fog::up {
namespace {

class IdentityStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("identity_store_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path() const { return (dir_ / "roles.json").string(); }
  std::filesystem::path dir_;
};

TEST_F(IdentityStoreTest, LegacyRoleFileLoadsAndRetiresTheSharedWorker) {
  const std::string legacy =
      R"({"master":{"username":"master","password":"m"},)"
      R"("worker":{"username":"worker","password":"w"},)"
      R"("viewer":{"username":"viewer","password":"v"}})";
  ASSERT_TRUE(WriteFileAtomic(Path(), AsBytes(legacy), 0600).ok());
  Result<Identities> ids = LoadIdentities(Path());
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  EXPECT_EQ(ids->size(), 2u);
  EXPECT_FALSE(ids->count("worker"));
  EXPECT_EQ(ids->at("master").role, Role::kMaster);
  EXPECT_EQ(ids->at("viewer").credentials.password, "v");
}

TEST_F(IdentityStoreTest, SavesRolesAndTheFirstWorkerAlias) {
  Identities ids;
  for (const char* name : {"worker-1", "worker-2"}) {
    Result<Identity> w = MakeIdentity(Role::kWorker, name);
    ASSERT_TRUE(w.ok());
    ids[name] = *w;
  }
  ASSERT_TRUE(SaveIdentities(Path(), ids).ok());
  Result<Identities> back = LoadIdentities(Path());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->size(), 2u);  // the alias is no identity
  EXPECT_EQ(back->at("worker-2").credentials.password,
            ids["worker-2"].credentials.password);
  Result<Bytes> text = ReadFile(Path());
  ASSERT_TRUE(text.ok());
  EXPECT_NE(std::string(text->begin(), text->end()).find("\"alias_of\""),
            std::string::npos);
}

TEST_F(IdentityStoreTest, NamesAreTopicLevelsAndUsernames) {
  for (const char* good : {"worker-1", "edge_7", "a.b"}) {
    EXPECT_TRUE(ValidateIdentityName(good).ok()) << good;
  }
  for (const char* bad : {"", "a/b", "a+b", "a#", "-x", ".x", "a b", "a:b"}) {
    EXPECT_FALSE(ValidateIdentityName(bad).ok()) << bad;
  }
  EXPECT_FALSE(MakeIdentity(Role::kWorker, "a/b").ok());
}

TEST_F(IdentityStoreTest, AclScopesWorkersByUsernameAndDeniesOutsiders) {
  Identities ids = {
      {"worker-1", {"worker-1", Role::kWorker, {"worker-1", "p"}}},
      {"viewer", {"viewer", Role::kViewer, {"front-end", "p"}}}};
  const std::string acl = AclText(ids);
  EXPECT_NE(acl.find("pattern write fog/status/worker/%u\n"),
            std::string::npos);
  EXPECT_NE(acl.find("pattern write fog/ack/%u\n"), std::string::npos);
  EXPECT_NE(acl.find("pattern read fog/dispatch/%u\n"), std::string::npos);
  // The viewer's block is named by its username and denies worker topics.
  const size_t viewer = acl.find("user front-end\n");
  ASSERT_NE(viewer, std::string::npos);
  EXPECT_NE(acl.find("topic deny fog/status/#", viewer), std::string::npos);
  // No shared grant of another worker's topics remains.
  EXPECT_EQ(acl.find("fog/status/worker/#"), std::string::npos);
  EXPECT_EQ(acl.find("topic write fog/ack\n"), std::string::npos);
}

TEST_F(IdentityStoreTest, PublisherPrefixAndRevocationRoundTrip) {
  Identities ids = {
      {"cam", {"cam", Role::kPublisher, {"cam", "p"}, "cam-"}},
      {"gone", {"gone", Role::kPublisher, {"gone", "p"}, "", true}},
      {"worker-1", {"worker-1", Role::kWorker, {"worker-1", "p"}}}};
  ASSERT_TRUE(SaveIdentities(Path(), ids).ok());
  Result<Identities> back = LoadIdentities(Path());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->at("cam").prefix, "cam-");
  EXPECT_FALSE(back->at("cam").revoked);
  EXPECT_TRUE(back->at("gone").revoked);
  EXPECT_EQ(back->at("worker-1").prefix, "");
  // A revoked login has no ACL block.
  const std::string acl = AclText(*back);
  EXPECT_NE(acl.find("user cam\n"), std::string::npos);
  EXPECT_EQ(acl.find("user gone\n"), std::string::npos);
}

TEST_F(IdentityStoreTest, ABadPrefixFieldIsCorruption) {
  ASSERT_TRUE(WriteFileAtomic(Path(),
                              AsBytes(R"({"cam":{"username":"cam",)"
                                      R"("password":"p","role":"publisher",)"
                                      R"("prefix":5}})"),
                              0600)
                  .ok());
  Result<Identities> ids = LoadIdentities(Path());
  ASSERT_FALSE(ids.ok());
  EXPECT_EQ(ids.status().code(), Status::Code::kCorruption);
}

// The file the store writes is the file the broker plugin reads, with the
// verdicts meant: the writer and the reader agree.
TEST_F(IdentityStoreTest, PrefixFileIsWhatThePluginReads) {
  Identities ids = {
      {"cam", {"cam", Role::kPublisher, {"cam", "p"}, "cam-"}},
      {"publisher", {"publisher", Role::kPublisher, {"publisher", "p"}}},
      {"gone", {"gone", Role::kPublisher, {"gone", "p"}, "", true}},
      {"worker-1", {"worker-1", Role::kWorker, {"worker-1", "p"}}}};
  std::string error;
  std::optional<broker_plugin::PrefixTable> table =
      broker_plugin::ParsePrefixFile(PrefixFileText(ids), &error);
  ASSERT_TRUE(table.has_value()) << error;
  EXPECT_EQ(table->by_user.size(), 3u);  // publishers only
  using broker_plugin::CheckWrite;
  using broker_plugin::Verdict;
  EXPECT_EQ(CheckWrite(&*table, "cam", "video/stream/cam-1"), Verdict::kDefer);
  EXPECT_EQ(CheckWrite(&*table, "cam", "video/stream/dog-1"), Verdict::kDeny);
  EXPECT_EQ(CheckWrite(&*table, "publisher", "video/stream/dog-1"),
            Verdict::kDefer);
  EXPECT_EQ(CheckWrite(&*table, "gone", "video/stream/cam-1"), Verdict::kDeny);
}

// Against a fog directory and the real mosquitto_passwd: a publisher issued
// with a prefix, then revoked, leaves the password file and the ACL and is
// null in the plugin's file.
TEST_F(IdentityStoreTest, IssueThenRevokeAPublisherLogin) {
  const std::string fog = dir_.string();
  std::filesystem::create_directories(fog + "/mosquitto");
  ASSERT_TRUE(SaveIdentities(fog + "/mosquitto/roles.json", {}).ok());
  auto text = [&](const char* file) {
    Result<Bytes> b = ReadFile(fog + "/mosquitto/" + file);
    return b.ok() ? std::string(b->begin(), b->end()) : std::string();
  };
  EXPECT_FALSE(IssueIdentity(fog, Role::kWorker, "w", "cam-").ok());
  Result<IssuedIdentity> cam =
      IssueIdentity(fog, Role::kPublisher, "cam", "cam-");
  ASSERT_TRUE(cam.ok()) << cam.status().ToString();
  EXPECT_EQ(cam->identity.prefix, "cam-");
  EXPECT_NE(text("prefixes.json").find(R"("cam": "cam-")"), std::string::npos);
  EXPECT_NE(text("passwd").find("cam:"), std::string::npos);

  Result<RevokedIdentity> revoked = RevokeIdentity(fog, "cam");
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();
  EXPECT_FALSE(revoked->reloaded);  // no broker runs here
  EXPECT_NE(text("prefixes.json").find(R"("cam": null)"), std::string::npos);
  EXPECT_EQ(text("passwd").find("cam:"), std::string::npos);
  EXPECT_EQ(text("acl").find("user cam\n"), std::string::npos);
  Result<Identities> ids = LoadIdentities(fog + "/mosquitto/roles.json");
  ASSERT_TRUE(ids.ok());
  EXPECT_TRUE(ids->at("cam").revoked);
  EXPECT_TRUE(RevokeIdentity(fog, "cam").ok());  // idempotent
  EXPECT_EQ(RevokeIdentity(fog, "nobody").status().code(),
            Status::Code::kNotFound);

  // Issued again (a new certificate): the login is back, with its prefix.
  cam = IssueIdentity(fog, Role::kPublisher, "cam", "dog-");
  ASSERT_TRUE(cam.ok());
  EXPECT_FALSE(cam->created);
  EXPECT_NE(text("prefixes.json").find(R"("cam": "dog-")"), std::string::npos);
  EXPECT_NE(text("passwd").find("cam:"), std::string::npos);
}

}  // namespace
}  // namespace fog::up
