// SPDX-License-Identifier: Apache-2.0
// storage/partition.h: journal names of collection partitions (spec §5.7, DESIGN §4).
//
// A collection's logical partition is named by its partition fields, sorted by name:
//   <collection>/<field>=<value>/.../pivot=<key-begin>
// where key-begin is 8 lowercase hex digits, shortened to "00" for 00000000. Values
// use Flow's label encoding: null, true, false and integers literally; strings
// percent-escaped (every byte but A-Z a-z 0-9 - _ . becomes %XX, so a value never
// holds '/' and a segment is never "." or ".."). Flow's escaping (Go's url.QueryEscape)
// leaves '~' alone, but journal names reject it, so flowctl writes it as %7E. The literal
// form is ambiguous: the string "true" and the boolean true encode alike, as they do in
// Flow, and decoding reads `null`/`true`/`false`/canonical integers as those types.
//
// Selectors compare encoded values, so they can be applied to a journal name before
// any of its bytes is read. Pure value code, safe from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/status.h"

namespace flow::storage {

/// A partition field's value: null, a boolean, an integer, or a string.
using PartitionValue = std::variant<std::monostate, bool, int64_t, uint64_t, std::string>;

/// Flow's encoding of one value (see the file comment).
std::string EncodePartitionValue(const PartitionValue& value);
/// The inverse of EncodePartitionValue. `+` also decodes as a space (older Flow names).
/// InvalidArgument on a malformed %-escape.
Result<PartitionValue> DecodePartitionValue(std::string_view encoded);
/// The value as JSON text: null, true, 12, "text" (for messages and tests).
std::string PartitionValueToJson(const PartitionValue& value);

struct PartitionField {
  std::string name;
  PartitionValue value;
};

/// Flow's "00" shorthand for key-begin 0, else 8 lowercase hex digits.
std::string PivotName(uint32_t key_begin);

/// `<collection>/<f1>=<v1>/.../pivot=<..>`. `fields` must be sorted by name with no
/// duplicates; field names are 1..64 characters of letters, digits and `-_+.` (Flow's
/// label-name alphabet without '/'). InvalidArgument if a field name is bad or the result
/// is not a valid journal name (for example, over 512 bytes).
Result<std::string> PartitionJournalName(std::string_view collection,
                                         const std::vector<PartitionField>& fields,
                                         uint32_t key_begin);

/// A journal name split back into its parts.
struct ParsedPartitionJournal {
  std::string collection;
  struct Field {
    std::string name;
    std::string encoded;  ///< as it appears in the name
    PartitionValue value;
  };
  std::vector<Field> fields;  ///< in name order
  uint32_t key_begin = 0;
};

/// Parses `journal` as a partition of `collection`. InvalidArgument if it is not
/// `<collection>/(<field>=<value>/)*pivot=<hex>` with sorted, distinct field names.
Result<ParsedPartitionJournal> ParsePartitionJournalName(std::string_view journal,
                                                         std::string_view collection);

/// Flow's PartitionSelector: a journal matches if, for every field in `include`, its
/// value is one of the listed values, and for no field in `exclude` its value is one of
/// those listed. A field the journal does not have never matches an include entry.
struct PartitionSelector {
  std::map<std::string, std::vector<PartitionValue>> include;
  std::map<std::string, std::vector<PartitionValue>> exclude;

  bool empty() const { return include.empty() && exclude.empty(); }
  bool Matches(const ParsedPartitionJournal& journal) const;
};

}  // namespace flow::storage
