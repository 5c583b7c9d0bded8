// SPDX-License-Identifier: Apache-2.0
// doc/schema/program.h: internal: the indexed documents and the compiled flat program.
//
// Not part of the public API (validator.h, index.h, shape.h are); shared by index.cc,
// compiler.cc, validator.cc and shape.cc.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "doc/annotation.h"
#include "doc/arena.h"
#include "doc/node.h"
#include "doc/schema/formats.h"
#include "doc/schema/regex.h"
#include "doc/schema/shape.h"

namespace flow::doc::schema::internal {

enum class Draft : uint8_t { k2020, k2019, k07 };

/// A schema resource: a document root or a subschema with its own `$id`.
struct Resource {
  uint32_t doc = 0;
  std::string pointer;                                 ///< of the resource root within the document
  std::string uri;                                     ///< canonical, without fragment
  std::map<std::string, std::string> dynamic_anchors;  ///< name -> pointer
  bool recursive_anchor = false;
};

/// What the index knows about a subschema location.
struct LocInfo {
  std::string base;  ///< base URI (without fragment)
  uint32_t resource = 0;
  Draft draft = Draft::k2020;
  std::string schema_uri;  ///< the governing `$schema`, if any
};

struct Loc {
  uint32_t doc = 0;
  std::string pointer;
};

struct Document {
  std::string uri;  ///< retrieval URI, without fragment
  Node root;
};

struct IndexData {
  Arena arena;
  std::vector<Document> docs;
  std::vector<Resource> resources;
  std::unordered_map<std::string, uint32_t> resource_by_uri;
  std::unordered_map<std::string, Loc> anchors;  ///< "uri#name"
  /// Walked subschema locations, by doc index then pointer.
  std::vector<std::unordered_map<std::string, LocInfo>> locations;
  /// Absolute URIs (without fragment) named by $ref, $dynamicRef, $recursiveRef, $schema.
  std::vector<std::string> references;
};

/// The draft named by a well-known `$schema` URI (2020-12, 2019-09, draft-04/06/07).
std::optional<Draft> DraftOfSchemaUri(std::string_view uri);

/// The built-in meta-schema documents (draft 2020-12), indexed once.
const IndexData& BuiltinIndex();
/// Adds a document to `data` (the shared implementation of SchemaIndex::Add).
Status AddDocument(IndexData& data, std::string_view uri, const Node& doc,
                   const std::vector<std::string>& schema_pointers);

// ---------------------------------------------------------------------------------
// The program.

inline constexpr uint32_t kNone = UINT32_MAX;

/// A number from the schema, kept exact.
struct Num {
  enum Kind : uint8_t { kU, kI, kD } kind = kU;
  union {
    uint64_t u;
    int64_t i;
    double d;
  };
  Num() : u(0) {}
  static Num Of(const Node& n);
  Node ToNode() const;
};

enum class Op : uint8_t {
  kFalse,
  kType,
  kConst,
  kEnum,
  kMinimum,
  kMaximum,
  kExclusiveMinimum,
  kExclusiveMaximum,
  kMultipleOf,
  kMinLength,
  kMaxLength,
  kPattern,
  kFormat,
  kXStrMinimum,
  kXStrMaximum,
  kMinItems,
  kMaxItems,
  kUniqueItems,
  kItems,     ///< a: first prefix (children), b: prefix count, c: rest node
  kContains,  ///< a: node, b: min, c: max (kNone: unbounded)
  kMinProperties,
  kMaxProperties,
  kRequired,           ///< a: first name (names), b: count; names sorted
  kProperties,         ///< a: first prop (props), b: count, c: first pattern (patterns)
                       ///< d: pattern count, e: additional node. A `required` beside it is
                       ///< folded in: its names join the props (node kNone if unnamed there)
  kDependentRequired,  ///< a: first (deps), b: count
  kDependentSchemas,   ///< a: first (deps), b: count
  kPropertyNames,      ///< a: node
  kRef,                ///< a: node
  kDynamicRef,         ///< a: static target node, b: anchor name (names) or kNone
  kRecursiveRef,       ///< a: static target node
  kAllOf,              ///< a: first (children), b: count
  kAnyOf,
  kOneOf,
  kNot,                    ///< a: node
  kIf,                     ///< a: if, b: then, c: else
  kUnevaluatedItems,       ///< a: node
  kUnevaluatedProperties,  ///< a: node
};

struct Instr {
  Op op;
  TypeSet applies = kTypeAny;  ///< instance types the keyword constrains
  uint32_t a = 0, b = 0, c = 0, d = 0, e = 0;
  uint32_t loc = 0;           ///< keyword location (Program::strings)
  uint32_t required = 0;      ///< kProperties: how many props are required
  uint32_t required_loc = 0;  ///< kProperties: location of the `required` keyword
  Num num;
};

struct Prop {
  std::string_view name;
  uint32_t node;  ///< kNone: only named by `required`
  bool required = false;
  uint32_t leaf = UINT32_MAX;  ///< the node's Leaf, if it is one (saves an indirection)
};

struct Pattern {
  std::shared_ptr<const Regex> re;
  uint32_t node;
};

struct Dep {
  std::string_view name;
  uint32_t a = 0, b = 0;  ///< dependentRequired: names [a, a+b); dependentSchemas: node a
};

/// A node whose keywords are all scalar assertions, checked without recursion.
struct Leaf {
  enum : uint8_t {
    kMin = 1,
    kMax = 2,
    kExclusiveMin = 4,
    kExclusiveMax = 8,
    kLength = 16,
    kFormat = 32,
    kEnum = 64,
  };
  TypeSet types = kTypeAny;
  uint8_t flags = 0;
  Format format = Format::kUnknown;
  uint32_t min_length = 0, max_length = UINT32_MAX;
  uint32_t enum_begin = 0, enum_count = 0;  ///< values (const is an enum of one)
  Num min, max;
};

struct SNode {
  uint32_t code_begin = 0, code_end = 0;
  uint32_t leaf = UINT32_MAX;  ///< index into Program::leaves if the node is a Leaf
  uint32_t loc = 0;            ///< canonical location (Program::strings)
  uint32_t resource = 0;
  const ReduceSpec* reduce = nullptr;
  const Node* source = nullptr;  ///< the schema value (object or boolean)
  Draft draft = Draft::k2020;
  bool may_annotate = false;  ///< a reduce annotation is reachable from here
  bool unevaluated = false;   ///< has unevaluatedItems/unevaluatedProperties
  bool is_false = false;      ///< the `false` schema
  bool dynamic_anchor_root = false;
};

struct ProgramResource {
  std::string uri;
  std::vector<std::pair<uint32_t, uint32_t>> dynamic_anchors;  ///< (name id, node)
  uint32_t recursive_anchor_node = kNone;  ///< root node if $recursiveAnchor: true
};

struct Program {
  std::vector<SNode> nodes;
  std::vector<Instr> code;
  std::vector<uint32_t> children;
  std::vector<Prop> props;
  std::vector<Pattern> patterns;
  std::vector<Dep> deps;
  std::vector<std::string_view> names;
  std::vector<Node> values;  ///< const and enum values
  std::vector<Leaf> leaves;
  std::vector<std::string> strings;
  std::vector<ProgramResource> resources;
  std::vector<std::string> anchor_names;  ///< dynamic anchor name ids
  std::vector<std::unique_ptr<ReduceSpec>> reduce_specs;
  std::vector<std::shared_ptr<IndexData>> keep_alive;  ///< owners of source nodes
  uint32_t root = 0;
  std::string root_uri;  ///< canonical URI of the root (no trailing '#')
  bool uses_dynamic_scope = false;
  bool has_reduce = false;
  CompileOptions options;
};

/// Compiles the schema at location `uri` (used by Schema::Compile).
Result<std::unique_ptr<Program>> BuildProgram(std::shared_ptr<IndexData> data, std::string_view uri,
                                              const CompileOptions& options);

/// Validates `doc` against node `node` of `program` (shape inference checks defaults
/// against their own schema); errors as Validator::Validate.
bool ValidateNode(const Program& program, uint32_t node, const Node& doc,
                  std::vector<Error>* errors);

/// JSON equality (numbers compare by value: 1 == 1.0).
bool JsonEqual(const Node& a, const Node& b);
/// JSON total order comparison (spec §3.7) for uniqueItems sorting.
int JsonCompare(const Node& a, const Node& b);
/// Compares a numeric node to a number: <0, 0, >0; `unordered` set for NaN.
int CompareNum(const Node& n, const Num& b, bool* unordered);

}  // namespace flow::doc::schema::internal
