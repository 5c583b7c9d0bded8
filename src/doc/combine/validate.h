// SPDX-License-Identifier: Apache-2.0
// doc/combine/validate.h: how the combiner validates documents and gets their tapes.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "doc/annotation.h"
#include "doc/node.h"

namespace flow::doc::schema {
class Schema;
}  // namespace flow::doc::schema

namespace flow::doc::combine {

/// Validates a document, filling its annotation tape on success. The combiner calls it
/// for every right-hand document before a reduction and for every drained document.
class DocValidator {
 public:
  virtual ~DocValidator() = default;
  /// OK and a filled `tape`, or InvalidArgument whose message lists the failures
  /// (e.g. `"/rides": -1 is less than the minimum of 0`), without the document.
  virtual Status Validate(const Node& doc, Tape* tape) = 0;
};

/// A DocValidator over a compiled schema (doc/schema/validator.h).
std::unique_ptr<DocValidator> NewSchemaValidator(std::shared_ptr<const schema::Schema> schema);

}  // namespace flow::doc::combine
