// SPDX-License-Identifier: Apache-2.0
// catalog/resource.cc: line lookup for diagnostics.
#include "catalog/resource.h"

#include "catalog/yaml_loader.h"

namespace flow::catalog {

std::string_view ContentTypeName(ContentType t) {
  switch (t) {
    case ContentType::kCatalog:
      return "CATALOG";
    case ContentType::kJsonSchema:
      return "JSON_SCHEMA";
    case ContentType::kConfig:
      return "CONFIG";
    case ContentType::kText:
      return "TEXT";
  }
  return "UNKNOWN";
}

const SourceMap& Resource::marks() const {
  std::call_once(marks_once_, [this] {
    if (!is_document)
      return;
    doc::Arena scratch;
    YamlOptions options;
    options.merge_keys = merge_keys;
    options.record_marks = true;
    YamlDocument d = ParseYaml(text, scratch, options);
    if (!d.error)
      marks_ = std::move(d.marks);
  });
  return marks_;
}

void Resource::set_marks(SourceMap marks) {
  std::call_once(marks_once_, [&] { marks_ = std::move(marks); });
}

std::string_view Resource::Line(uint32_t line) const {
  std::call_once(lines_once_, [this] {
    line_starts_.push_back(0);
    for (uint32_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n')
        line_starts_.push_back(i + 1);
    }
  });
  if (line == 0 || line > line_starts_.size())
    return {};
  uint32_t begin = line_starts_[line - 1];
  uint32_t end =
      line < line_starts_.size() ? line_starts_[line] - 1 : static_cast<uint32_t>(text.size());
  std::string_view s(text.data() + begin, end - begin);
  if (!s.empty() && s.back() == '\r')
    s.remove_suffix(1);
  return s;
}

}  // namespace flow::catalog
