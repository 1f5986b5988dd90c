// Secret<T> and SecretBytes wipe what they hold: the storage of a destroyed
// Secret<T> (placed in a buffer the test owns, wipe_probe.h) is read back,
// and the heap
// buffer of a SecretBytes is inspected through the release hook, after the
// wipe and before it is freed.

#include "crypto/secret.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <type_traits>
#include <vector>

#include "crypto/secret_bytes.h"
#include "crypto/wipe_probe.h"

namespace fog::crypto {
namespace {

TEST(SecretTest, IsWipedWhenItGoesOutOfScope) {
  using Seed = std::array<uint8_t, 64>;
  WipeProbe seed =
      ProbeWipe<Secret<Seed>>([](Secret<Seed>& s) { s->fill(0x5A); });
  EXPECT_FALSE(AllZero(seed.before));  // the check below can fail
  EXPECT_TRUE(AllZero(seed.after));

  struct Mixed {  // padding between the members must be wiped too
    uint8_t tag;
    uint64_t lanes[3];
  };
  WipeProbe mixed = ProbeWipe<Secret<Mixed>>([](Secret<Mixed>& s) {
    s->tag = 1;
    s->lanes[0] = s->lanes[1] = s->lanes[2] = ~uint64_t{0};
  });
  EXPECT_FALSE(AllZero(mixed.before));
  EXPECT_TRUE(AllZero(mixed.after));
}

TEST(SecretTest, CannotBeCopiedOrMoved) {
  using S = Secret<std::array<uint8_t, 32>>;
  static_assert(!std::is_copy_constructible_v<S>);
  static_assert(!std::is_copy_assignable_v<S>);
  static_assert(!std::is_move_constructible_v<S>);
}

// What the release hook saw, one entry per released buffer.
std::vector<std::vector<uint8_t>>* released = nullptr;

class SecretBytesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    released = &seen_;
    TEST_SetSecretBytesReleaseHook([](const uint8_t* data, size_t size) {
      released->emplace_back(data, data + size);
    });
  }
  void TearDown() override {
    TEST_SetSecretBytesReleaseHook(nullptr);
    released = nullptr;
  }

  static SecretBytes Pattern(size_t size, uint8_t first) {
    SecretBytes b(size);
    for (size_t i = 0; i < size; ++i) b.data()[i] = uint8_t(first + i);
    return b;
  }

  std::vector<std::vector<uint8_t>> seen_;
};

TEST_F(SecretBytesTest, BufferIsZeroWhenFreed) {
  { SecretBytes b = Pattern(100, 1); }
  ASSERT_EQ(seen_.size(), 1u);
  EXPECT_EQ(seen_[0].size(), 100u);
  EXPECT_TRUE(AllZero(seen_[0]));
}

TEST_F(SecretBytesTest, MoveHandsOverTheBufferWithoutACopy) {
  SecretBytes a = Pattern(32, 7);
  const uint8_t* where = a.data();
  SecretBytes b(std::move(a));
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the contract
  EXPECT_EQ(a.data(), nullptr);
  EXPECT_EQ(b.data(), where);
  EXPECT_EQ(b.data()[0], 7);
  EXPECT_TRUE(seen_.empty());  // nothing was released, so nothing copied
}

TEST_F(SecretBytesTest, MoveAssignmentWipesTheBufferItReplaces) {
  SecretBytes a = Pattern(48, 1);
  SecretBytes b = Pattern(16, 9);
  b = std::move(a);
  ASSERT_EQ(seen_.size(), 1u);  // b's old 16 bytes
  EXPECT_EQ(seen_[0].size(), 16u);
  EXPECT_TRUE(AllZero(seen_[0]));
  EXPECT_EQ(b.size(), 48u);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move)
}

TEST_F(SecretBytesTest, CopiesOnlyThroughClone) {
  static_assert(!std::is_copy_constructible_v<SecretBytes>);
  static_assert(!std::is_copy_assignable_v<SecretBytes>);
  static_assert(std::is_nothrow_move_constructible_v<SecretBytes>);
  SecretBytes a = Pattern(20, 3);
  {
    SecretBytes c = a.Clone();
    EXPECT_NE(c.data(), a.data());
    EXPECT_TRUE(std::equal(a.begin(), a.end(), c.begin(), c.end()));
  }
  ASSERT_EQ(seen_.size(), 1u);  // the clone wiped itself
  EXPECT_TRUE(AllZero(seen_[0]));
  EXPECT_EQ(a.data()[0], 3);  // and left the original alone
}

TEST_F(SecretBytesTest, CopyOfAndViews) {
  const std::array<uint8_t, 3> in = {1, 2, 3};
  SecretBytes b = SecretBytes::CopyOf(in);
  std::span<const uint8_t> view = b;  // what mldsa::Sign takes
  EXPECT_TRUE(std::equal(view.begin(), view.end(), in.begin(), in.end()));
  EXPECT_TRUE(SecretBytes(0).empty());
  EXPECT_TRUE(SecretBytes::CopyOf({}).empty());
}

}  // namespace
}  // namespace fog::crypto
