// SPDX-License-Identifier: Apache-2.0
// doc/combine/validate.cc: the schema-backed DocValidator.
#include "doc/combine/validate.h"

#include <vector>

#include "doc/schema/validator.h"

namespace flow::doc::combine {
namespace {

class SchemaValidator : public DocValidator {
 public:
  explicit SchemaValidator(std::shared_ptr<const schema::Schema> s) : v_(std::move(s)) {
    v_.set_max_errors(8);
  }

  Status Validate(const Node& doc, Tape* tape) override {
    errors_.clear();
    if (v_.Validate(doc, tape, &errors_))
      return Status::OK();
    std::string msg;
    for (const schema::Error& e : errors_) {
      if (!msg.empty())
        msg.append("; ");
      msg.append(e.ToString());
    }
    if (msg.empty())
      msg = "the document is invalid";
    return Status::InvalidArgument(std::move(msg));
  }

 private:
  schema::Validator v_;
  std::vector<schema::Error> errors_;
};

}  // namespace

std::unique_ptr<DocValidator> NewSchemaValidator(std::shared_ptr<const schema::Schema> schema) {
  return std::make_unique<SchemaValidator>(std::move(schema));
}

}  // namespace flow::doc::combine
