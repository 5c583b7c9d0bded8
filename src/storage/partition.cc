// SPDX-License-Identifier: Apache-2.0
// storage/partition.cc: partition value encoding, partition journal names, selectors.
#include "storage/partition.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "storage/journal_name.h"

namespace flow::storage {
namespace {

// Go's url.QueryEscape leaves A-Z a-z 0-9 - _ . ~ alone; '~' is escaped here as well,
// because journal names may not contain it.
bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

// A canonical decimal integer as strconv.AppendInt/AppendUint writes it.
std::optional<PartitionValue> ParseCanonicalInteger(std::string_view s) {
  std::string_view digits = s;
  bool negative = !digits.empty() && digits[0] == '-';
  if (negative)
    digits.remove_prefix(1);
  if (digits.empty() || digits.size() > 20)
    return std::nullopt;
  for (char c : digits) {
    if (c < '0' || c > '9')
      return std::nullopt;
  }
  if (digits.size() > 1 && digits[0] == '0')
    return std::nullopt;
  if (negative) {
    if (digits == "0")
      return std::nullopt;  // Go never writes "-0"
    int64_t v;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size())
      return std::nullopt;
    return PartitionValue(v);
  }
  uint64_t v;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || p != digits.data() + digits.size())
    return std::nullopt;
  if (v <= static_cast<uint64_t>(INT64_MAX))
    return PartitionValue(static_cast<int64_t>(v));
  return PartitionValue(v);
}

Status ValidateFieldName(std::string_view name) {
  if (name.empty())
    return Status::InvalidArgument("partition field name is empty");
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    bool ok = u >= 0x80 || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '+' || c == '.';
    if (!ok) {
      return Status::InvalidArgument(
          "partition field name \"{}\": character '{}' is not allowed (expected letters, digits, "
          "or -_+.)",
          name, c);
    }
  }
  return Status::OK();
}

// `pivot=00` or `pivot=<8 lowercase hex>`.
bool ParsePivot(std::string_view seg, uint32_t* key_begin) {
  constexpr std::string_view kPrefix = "pivot=";
  if (seg.substr(0, kPrefix.size()) != kPrefix)
    return false;
  std::string_view hex = seg.substr(kPrefix.size());
  if (hex == "00") {
    *key_begin = 0;
    return true;
  }
  if (hex.size() != 8)
    return false;
  uint32_t v = 0;
  for (char c : hex) {
    int d = HexValue(c);
    if (d < 0 || (c >= 'A' && c <= 'F'))
      return false;
    v = (v << 4) | static_cast<uint32_t>(d);
  }
  if (v == 0)
    return false;  // Flow always writes key-begin 0 as "00"
  *key_begin = v;
  return true;
}

}  // namespace

std::string EncodePartitionValue(const PartitionValue& value) {
  struct Visitor {
    std::string operator()(std::monostate) const { return "null"; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(int64_t v) const { return std::to_string(v); }
    std::string operator()(uint64_t v) const { return std::to_string(v); }
    std::string operator()(const std::string& s) const {
      static constexpr char kHex[] = "0123456789ABCDEF";
      std::string out;
      out.reserve(s.size());
      for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if (IsUnreserved(u)) {
          out.push_back(c);
        } else {
          out.push_back('%');
          out.push_back(kHex[u >> 4]);
          out.push_back(kHex[u & 0xF]);
        }
      }
      return out;
    }
  };
  return std::visit(Visitor{}, value);
}

Result<PartitionValue> DecodePartitionValue(std::string_view encoded) {
  if (encoded == "null")
    return PartitionValue(std::monostate{});
  if (encoded == "true")
    return PartitionValue(true);
  if (encoded == "false")
    return PartitionValue(false);
  if (auto integer = ParseCanonicalInteger(encoded))
    return *integer;
  std::string out;
  out.reserve(encoded.size());
  for (size_t i = 0; i < encoded.size(); ++i) {
    char c = encoded[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      int hi = i + 2 < encoded.size() ? HexValue(encoded[i + 1]) : -1;
      int lo = i + 2 < encoded.size() ? HexValue(encoded[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return Status::InvalidArgument("partition value \"{}\": malformed %-escape at byte {}",
                                       encoded, i);
      }
      out.push_back(static_cast<char>(hi << 4 | lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return PartitionValue(std::move(out));
}

std::string PartitionValueToJson(const PartitionValue& value) {
  if (const auto* s = std::get_if<std::string>(&value)) {
    std::string out = "\"";
    for (char c : *s) {
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\t':
          out.append("\\t");
          break;
        case '\r':
          out.append("\\r");
          break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            out.append(fmt::format("\\u{:04x}", static_cast<unsigned char>(c)));
          } else {
            out.push_back(c);
          }
      }
    }
    out.push_back('"');
    return out;
  }
  return EncodePartitionValue(value);
}

std::string PivotName(uint32_t key_begin) {
  return key_begin == 0 ? std::string("00") : fmt::format("{:08x}", key_begin);
}

Result<std::string> PartitionJournalName(std::string_view collection,
                                         const std::vector<PartitionField>& fields,
                                         uint32_t key_begin) {
  std::string name(collection);
  for (size_t i = 0; i < fields.size(); ++i) {
    FLOW_TRY(ValidateFieldName(fields[i].name));
    if (i > 0 && fields[i].name <= fields[i - 1].name) {
      return Status::InvalidArgument(
          "partition fields of {} must be sorted and distinct (\"{}\" follows \"{}\")", collection,
          fields[i].name, fields[i - 1].name);
    }
    name.push_back('/');
    name.append(fields[i].name);
    name.push_back('=');
    name.append(EncodePartitionValue(fields[i].value));
  }
  name.append("/pivot=");
  name.append(PivotName(key_begin));
  if (Status s = ValidateJournalName(name); !s.ok()) {
    return std::move(s).Annotatef("partition of collection {}", collection);
  }
  return name;
}

Result<ParsedPartitionJournal> ParsePartitionJournalName(std::string_view journal,
                                                         std::string_view collection) {
  auto invalid = [&](std::string_view why) {
    return Status::InvalidArgument("journal {} is not a partition of collection {}: {}", journal,
                                   collection, why);
  };
  if (journal.size() <= collection.size() + 1 ||
      journal.substr(0, collection.size()) != collection || journal[collection.size()] != '/') {
    return invalid("it does not start with the collection name");
  }
  ParsedPartitionJournal out;
  out.collection = std::string(collection);
  std::string_view rest = journal.substr(collection.size() + 1);
  while (true) {
    size_t slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    if (slash == std::string_view::npos) {
      if (!ParsePivot(seg, &out.key_begin))
        return invalid(fmt::format("last segment \"{}\" is not pivot=<key-begin>", seg));
      break;
    }
    size_t eq = seg.find('=');
    if (eq == std::string_view::npos || eq == 0)
      return invalid(fmt::format("segment \"{}\" is not <field>=<value>", seg));
    ParsedPartitionJournal::Field field;
    field.name = std::string(seg.substr(0, eq));
    field.encoded = std::string(seg.substr(eq + 1));
    if (Status s = ValidateFieldName(field.name); !s.ok())
      return invalid(s.message());
    if (!out.fields.empty() && field.name <= out.fields.back().name)
      return invalid("partition fields are not sorted and distinct");
    Result<PartitionValue> value = DecodePartitionValue(field.encoded);
    if (!value.ok())
      return invalid(value.status().message());
    field.value = std::move(value).value();
    out.fields.push_back(std::move(field));
    rest.remove_prefix(slash + 1);
  }
  return out;
}

bool PartitionSelector::Matches(const ParsedPartitionJournal& journal) const {
  auto value_of = [&](const std::string& name) -> const std::string* {
    for (const auto& f : journal.fields) {
      if (f.name == name)
        return &f.encoded;
    }
    return nullptr;
  };
  auto listed = [](const std::string& encoded, const std::vector<PartitionValue>& values) {
    return std::any_of(values.begin(), values.end(),
                       [&](const PartitionValue& v) { return EncodePartitionValue(v) == encoded; });
  };
  for (const auto& [name, values] : include) {
    const std::string* encoded = value_of(name);
    if (encoded == nullptr || !listed(*encoded, values))
      return false;
  }
  for (const auto& [name, values] : exclude) {
    const std::string* encoded = value_of(name);
    if (encoded != nullptr && listed(*encoded, values))
      return false;
  }
  return true;
}

}  // namespace flow::storage
