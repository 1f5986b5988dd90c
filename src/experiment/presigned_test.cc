#include "experiment/presigned.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace fog::experiment {
namespace {

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          (name + "-" + std::to_string(::getpid())))
      .string();
}

TEST(PresignedFileTest, ReadsBackWhatWasAppended) {
  const std::string path = TempPath("presigned");
  {
    auto file = PresignedFile::Create(path, 1 << 20, 0);
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    const Bytes a(1000, 0xab), b = {1, 2, 3};
    auto ra = (*file)->Append(a);
    auto rb = (*file)->Append(b);
    ASSERT_TRUE(ra.ok() && rb.ok());
    EXPECT_EQ(rb->offset, 1000u);
    EXPECT_EQ((*file)->size(), 1003u);
    EXPECT_TRUE((*file)->Flush().ok());
    auto back_b = (*file)->Read(*rb);
    auto back_a = (*file)->Read(*ra);
    ASSERT_TRUE(back_a.ok() && back_b.ok());
    EXPECT_EQ(*back_a, a);
    EXPECT_EQ(*back_b, b);
    // A reference past what was written is refused, not read as zeros.
    auto past = (*file)->Read({.offset = 1000, .size = 4});
    EXPECT_EQ(past.status().code(), Status::Code::kInvalidArgument);
    EXPECT_TRUE(std::filesystem::exists(path));
  }
  EXPECT_FALSE(std::filesystem::exists(path));  // removed with the object
}

TEST(PresignedFileTest, RefusesWhatDoesNotFitBesideTheReserve) {
  const std::string path = TempPath("presigned-big");
  // More than any disk here: 1 EiB.
  auto file = PresignedFile::Create(path, uint64_t{1} << 60, 0);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(file.status().message().find("do not fit"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(path));
  // A small file with a reserve larger than the disk is refused as well.
  auto reserved = PresignedFile::Create(path, 1, uint64_t{1} << 60);
  EXPECT_FALSE(reserved.ok());
}

}  // namespace
}  // namespace fog::experiment
