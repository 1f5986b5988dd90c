// CSV output (RFC 4180): a header row, then rows; a field holding a comma, a
// quote or a line break is quoted, with quotes doubled.
//
// Thread-safety: one writer per file.

#ifndef FOG_EXPERIMENT_CSV_H_
#define FOG_EXPERIMENT_CSV_H_

#include <fstream>
#include <string>
#include <vector>

#include "common/status.h"

namespace fog::experiment {

// The field as it goes into a row.
std::string CsvField(const std::string& value);
// A number without trailing noise: integers as integers, else up to 3
// decimals; -1 ("never") as an empty field.
std::string CsvNumber(double value);

class CsvWriter {
 public:
  // Opens `path` (truncated) and writes `header`.
  static Result<CsvWriter> Open(const std::string& path,
                                std::vector<std::string> header);
  CsvWriter(CsvWriter&&) = default;

  // REQUIRES: fields.size() == the header's size.
  void Row(const std::vector<std::string>& fields);
  // Flushes and reports a write error.
  Status Close();

 private:
  CsvWriter(std::ofstream out, std::string path, size_t columns)
      : out_(std::move(out)), path_(std::move(path)), columns_(columns) {}

  std::ofstream out_;
  std::string path_;
  size_t columns_;
};

}  // namespace fog::experiment

#endif  // FOG_EXPERIMENT_CSV_H_
