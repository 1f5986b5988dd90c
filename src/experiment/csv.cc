#include "experiment/csv.h"

#include <cassert>
#include <cmath>
#include <cstdio>

namespace fog::experiment {

std::string CsvField(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string CsvNumber(double value) {
  if (value == -1 || !std::isfinite(value)) return "";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<int64_t>(value));
  }
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.3f", value);
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

Result<CsvWriter> CsvWriter::Open(const std::string& path,
                                  std::vector<std::string> header) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) return Status::IoError("cannot write " + path);
  CsvWriter w(std::move(out), path, header.size());
  w.Row(header);
  return w;
}

void CsvWriter::Row(const std::vector<std::string>& fields) {
  assert(fields.size() == columns_);
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out_ << ',';
    out_ << CsvField(fields[i]);
  }
  out_ << '\n';
}

Status CsvWriter::Close() {
  out_.flush();
  if (!out_) return Status::IoError("write failed: " + path_);
  out_.close();
  return Status::OK();
}

}  // namespace fog::experiment
