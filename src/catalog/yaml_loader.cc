// SPDX-License-Identifier: Apache-2.0
// catalog/yaml_loader.cc: the yaml-cpp adapter (exceptions stop here).
//
// yaml-cpp's event parser drives a stack of partially built containers, so nodes go
// straight into the arena without an intermediate YAML::Node graph. An alias reuses
// the anchored node (nodes are immutable values, so sharing is safe); the expanded
// size and depth are still counted to stop alias bombs.
#include "catalog/yaml_loader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <sstream>
#include <unordered_map>
#include <vector>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include "doc/pointer.h"

namespace flow::catalog {
namespace {

bool IsDigits(std::string_view s, int base) {
  if (s.empty())
    return false;
  for (char c : s) {
    bool ok = base == 16  ? std::isxdigit(static_cast<unsigned char>(c)) != 0
              : base == 8 ? (c >= '0' && c <= '7')
              : base == 2 ? (c == '0' || c == '1')
                          : (c >= '0' && c <= '9');
    if (!ok)
      return false;
  }
  return true;
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool IsFloat(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+'))
    ++i;
  size_t int_digits = 0, frac_digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
    ++i, ++int_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
      ++i, ++frac_digits;
  }
  if (int_digits + frac_digits == 0)
    return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+'))
      ++i;
    size_t exp_digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
      ++i, ++exp_digits;
    if (exp_digits == 0)
      return false;
  }
  return i == s.size();
}

doc::Node ParseDouble(std::string_view s) {
  if (!s.empty() && s[0] == '+')
    s.remove_prefix(1);
  double d = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  (void)p;
  // serde_json turns non-finite floats into null.
  if (ec == std::errc::result_out_of_range || !std::isfinite(d))
    return doc::Node::Null();
  return doc::Node::Double(d);
}

// Skips `&anchor` and `!tag` properties to find the scalar's first character.
char ScalarIndicator(std::string_view text, size_t pos) {
  while (pos < text.size()) {
    char c = text[pos];
    if (c == '&' || c == '!') {
      while (pos < text.size() && text[pos] != ' ' && text[pos] != '\t' && text[pos] != '\n')
        ++pos;
      while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t'))
        ++pos;
      continue;
    }
    return c;
  }
  return '\0';
}

Mark ToMark(const YAML::Mark& m) {
  if (m.is_null())
    return Mark{};
  return Mark{static_cast<uint32_t>(m.line + 1), static_cast<uint32_t>(m.column + 1),
              static_cast<uint32_t>(m.pos)};
}

// Stops the parse from inside an event callback; caught in ParseYaml.
struct Abort {};

class Builder : public YAML::EventHandler {
 public:
  Builder(std::string_view text, doc::Arena& arena, const YamlOptions& options, SourceMap* marks)
      : text_(text), arena_(arena), options_(options), marks_(marks) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& ymark, YAML::anchor_t anchor) override {
    Mark mark = ToMark(ymark);
    if (IsKeyPosition()) {
      SetKey("null", mark, /*merge=*/false);
      return;
    }
    // An empty value has a mark past its key; point at the key instead.
    if (!stack_.empty() && stack_.back().is_map)
      mark = stack_.back().key_mark;
    Value(doc::Node::Null(), mark, ScalarStyle::kPlain, anchor, 1, 1);
  }

  void OnAlias(const YAML::Mark& ymark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end())
      Fail(ToMark(ymark), "unknown alias");
    if (IsKeyPosition()) {
      if (!it->second.node.is_string())
        Fail(ToMark(ymark), "mapping keys must be strings");
      SetKey(it->second.node.as_string(), ToMark(ymark), false);
      return;
    }
    Value(it->second.node, ToMark(ymark), ScalarStyle::kNone, 0, it->second.size, it->second.depth);
  }

  void OnScalar(const YAML::Mark& ymark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    Mark mark = ToMark(ymark);
    if (IsKeyPosition()) {
      bool merge = options_.merge_keys && tag == "?" && value == "<<";
      SetKey(arena_.CopyString(value), mark, merge);
      if (anchor != 0)
        anchors_[anchor] = Anchored{doc::Node::String(arena_, value), 1, 1};
      return;
    }
    ScalarStyle style = ScalarStyle::kNone;
    if (marks_ != nullptr)
      style = StyleOf(tag, ymark);
    Value(Resolve(tag, value, mark), mark, style, anchor, 1, 1);
  }

  void OnSequenceStart(const YAML::Mark& ymark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Start(ToMark(ymark), anchor, false);
  }
  void OnSequenceEnd() override {
    Frame f = Pop();
    doc::Node n = doc::MakeArray(arena_, f.items);
    Finish(n, f);
  }

  void OnMapStart(const YAML::Mark& ymark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Start(ToMark(ymark), anchor, true);
  }
  void OnMapEnd() override {
    Frame f = Pop();
    Finish(BuildMap(f), f);
  }

  doc::Node root() const { return root_; }
  const YamlError& error() const { return error_; }
  [[noreturn]] void Fail(Mark m, std::string message) {
    error_ = YamlError{m, std::move(message)};
    throw Abort{};
  }

 private:
  struct Frame {
    bool is_map = false;
    Mark mark;
    YAML::anchor_t anchor = 0;
    size_t ptr_len = 0;  // length of ptr_ before this container's own token
    uint64_t size = 1;   // expanded nodes, this one included
    uint32_t depth = 1;  // expanded depth
    std::vector<doc::Node> items;
    std::vector<doc::Field> fields;
    std::vector<Mark> key_marks;
    std::vector<std::pair<doc::Node, Mark>> merges;
    // Map state: whether the next event is a key, and the pending key.
    bool expect_key = true;
    std::string_view key;
    Mark key_mark;
    bool merge = false;
  };
  struct Anchored {
    doc::Node node;
    uint64_t size;
    uint32_t depth;
  };

  bool IsKeyPosition() const {
    return !stack_.empty() && stack_.back().is_map && stack_.back().expect_key;
  }

  void SetKey(std::string_view name, Mark mark, bool merge) {
    Frame& f = stack_.back();
    f.key = name;
    f.key_mark = mark;
    f.merge = merge;
    f.expect_key = false;
  }

  // The pointer token of the next child of the top frame (marks only).
  void PushToken() {
    const Frame& f = stack_.back();
    ptr_ += '/';
    if (f.is_map) {
      ptr_ += doc::EscapeToken(f.key);
    } else {
      ptr_ += std::to_string(f.items.size());
    }
  }

  void Start(Mark mark, YAML::anchor_t anchor, bool is_map) {
    if (IsKeyPosition())
      Fail(mark, "mapping keys must be strings");
    if (stack_.size() >= static_cast<size_t>(options_.max_depth)) {
      Fail(mark, "document is nested too deeply");
    }
    Frame f;
    f.is_map = is_map;
    f.mark = mark;
    f.anchor = anchor;
    f.ptr_len = ptr_.size();
    if (marks_ != nullptr) {
      Mark key_mark;
      if (!stack_.empty()) {
        if (stack_.back().is_map)
          key_mark = stack_.back().key_mark;
        PushToken();
      }
      marks_->Set(ptr_, SourceMap::Entry{mark, key_mark, ScalarStyle::kNone});
    }
    stack_.push_back(std::move(f));
  }

  Frame Pop() {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    ptr_.resize(f.ptr_len);
    return f;
  }

  void Finish(doc::Node n, const Frame& f) {
    if (f.anchor != 0)
      anchors_[f.anchor] = Anchored{n, f.size, f.depth};
    if (stack_.empty()) {
      root_ = n;
      return;
    }
    Attach(n, f.mark, f.size, f.depth);
  }

  // A scalar or alias value.
  void Value(doc::Node n, Mark mark, ScalarStyle style, YAML::anchor_t anchor, uint64_t size,
             uint32_t depth) {
    if (anchor != 0)
      anchors_[anchor] = Anchored{n, size, depth};
    if (stack_.empty()) {
      root_ = n;
      if (marks_ != nullptr)
        marks_->Set("", SourceMap::Entry{mark, Mark{}, style});
      return;
    }
    if (marks_ != nullptr) {
      size_t len = ptr_.size();
      Mark key_mark = stack_.back().is_map ? stack_.back().key_mark : Mark{};
      PushToken();
      marks_->Set(ptr_, SourceMap::Entry{mark, key_mark, style});
      ptr_.resize(len);
    }
    Attach(n, mark, size, depth);
  }

  void Attach(doc::Node n, Mark mark, uint64_t size, uint32_t depth) {
    expanded_ += size;
    if (expanded_ > options_.max_nodes) {
      Fail(mark, "document has too many nodes after expanding aliases");
    }
    Frame& p = stack_.back();
    p.size += size;
    p.depth = std::max(p.depth, depth + 1);
    if (p.depth > static_cast<uint32_t>(options_.max_depth)) {
      Fail(mark, "document is nested too deeply");
    }
    if (!p.is_map) {
      p.items.push_back(n);
    } else if (p.merge) {
      p.merges.emplace_back(n, p.key_mark);
      p.expect_key = true;
    } else {
      p.fields.push_back(doc::Field{p.key, n});
      p.key_marks.push_back(p.key_mark);
      p.expect_key = true;
    }
  }

  doc::Node BuildMap(Frame& f) {
    // Duplicate keys are errors (serde_yaml rejects them).
    if (f.fields.size() > 1) {
      std::vector<uint32_t> order(f.fields.size());
      for (uint32_t i = 0; i < order.size(); ++i)
        order[i] = i;
      std::stable_sort(order.begin(), order.end(),
                       [&](uint32_t a, uint32_t b) { return f.fields[a].name < f.fields[b].name; });
      for (size_t i = 1; i < order.size(); ++i) {
        if (f.fields[order[i]].name == f.fields[order[i - 1]].name) {
          Fail(f.key_marks[order[i]],
               "duplicate key `" + std::string(f.fields[order[i]].name) + "`");
        }
      }
    }
    if (f.merges.empty())
      return doc::MakeObject(arena_, f.fields);
    // Merged mappings fill in keys the mapping does not set itself; among several,
    // earlier ones take precedence.
    std::vector<doc::Field> merged;
    auto present = [&](std::string_view name) {
      for (const doc::Field& g : f.fields) {
        if (g.name == name)
          return true;
      }
      for (const doc::Field& g : merged) {
        if (g.name == name)
          return true;
      }
      return false;
    };
    for (const auto& [value, mark] : f.merges) {
      std::vector<doc::Node> sources;
      if (value.is_object()) {
        sources.push_back(value);
      } else if (value.is_array()) {
        for (const doc::Node& s : value.items()) {
          if (!s.is_object())
            Fail(mark, "merge key `<<` expects a mapping or a list of mappings");
          sources.push_back(s);
        }
      } else {
        Fail(mark, "merge key `<<` expects a mapping or a list of mappings");
      }
      for (const doc::Node& s : sources) {
        for (const doc::Field& g : s.fields()) {
          if (!present(g.name))
            merged.push_back(g);
        }
      }
    }
    f.fields.insert(f.fields.end(), merged.begin(), merged.end());
    return doc::MakeObject(arena_, f.fields);
  }

  ScalarStyle StyleOf(const std::string& tag, const YAML::Mark& m) const {
    if (tag == "?")
      return ScalarStyle::kPlain;
    if (m.is_null() || m.pos < 0)
      return ScalarStyle::kNone;
    switch (ScalarIndicator(text_, static_cast<size_t>(m.pos))) {
      case '\'':
        return ScalarStyle::kSingleQuoted;
      case '"':
        return ScalarStyle::kDoubleQuoted;
      case '|':
        return ScalarStyle::kLiteral;
      case '>':
        return ScalarStyle::kFolded;
      default:
        return ScalarStyle::kPlain;
    }
  }

  doc::Node Resolve(const std::string& tag, const std::string& s, Mark mark) {
    if (tag == "?")
      return ResolvePlainScalar(s, arena_);
    if (tag == "!" || tag == "tag:yaml.org,2002:str")
      return doc::Node::String(arena_, s);
    static constexpr std::string_view kCore = "tag:yaml.org,2002:";
    if (tag.rfind(kCore, 0) == 0) {
      std::string_view kind = std::string_view(tag).substr(kCore.size());
      doc::Node n = ResolvePlainScalar(s, arena_);
      bool ok = (kind == "null" && n.is_null()) || (kind == "bool" && n.is_bool()) ||
                (kind == "int" && n.is_integer()) || (kind == "float" && n.is_number());
      if (!ok)
        Fail(mark, "invalid !!" + std::string(kind) + " scalar `" + s + "`");
      if (kind == "float" && n.is_integer())
        n = doc::Node::Double(n.as_double());
      return n;
    }
    // Other tags carry no meaning in Flow: a tagged plain scalar resolves as usual.
    char c = mark.offset < text_.size() ? ScalarIndicator(text_, mark.offset) : '\0';
    if (c != '\'' && c != '"' && c != '|' && c != '>')
      return ResolvePlainScalar(s, arena_);
    return doc::Node::String(arena_, s);
  }

  std::string_view text_;
  doc::Arena& arena_;
  const YamlOptions& options_;
  SourceMap* marks_;
  std::vector<Frame> stack_;
  std::unordered_map<YAML::anchor_t, Anchored> anchors_;
  std::string ptr_;
  uint64_t expanded_ = 0;
  doc::Node root_;
  YamlError error_;
};

class StringBuf : public std::streambuf {
 public:
  explicit StringBuf(std::string_view s) {
    char* p = const_cast<char*>(s.data());
    setg(p, p, p + s.size());
  }
};

}  // namespace

doc::Node ResolvePlainScalar(std::string_view s, doc::Arena& arena) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL")
    return doc::Node::Null();
  if (s == "true" || s == "True" || s == "TRUE")
    return doc::Node::Bool(true);
  if (s == "false" || s == "False" || s == "FALSE")
    return doc::Node::Bool(false);

  char c0 = s[0];
  if ((c0 >= '0' && c0 <= '9') || c0 == '-' || c0 == '+' || c0 == '.') {
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o' || s[1] == 'b')) {
      int base = s[1] == 'x' ? 16 : s[1] == 'o' ? 8 : 2;
      std::string_view digits = s.substr(2);
      if (IsDigits(digits, base)) {
        uint64_t v = 0;
        auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
        (void)p;
        if (ec == std::errc())
          return doc::Node::PosInt(v);
        return doc::Node::Double(std::ldexp(1.0, 64));  // beyond u64: approximate as f64
      }
    }
    std::string_view body = s;
    bool neg = false;
    if (body[0] == '-' || body[0] == '+') {
      neg = body[0] == '-';
      body.remove_prefix(1);
    }
    if (IsDigits(body, 10)) {
      uint64_t v = 0;
      auto [p, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
      (void)p;
      if (ec == std::errc()) {
        if (!neg)
          return doc::Node::PosInt(v);
        if (v == 0)
          return doc::Node::PosInt(0);
        if (v <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1) {
          return doc::Node::Int(static_cast<int64_t>(0 - v));
        }
      }
      return ParseDouble(s);
    }
    if (IsFloat(s))
      return ParseDouble(s);
    if (body == ".inf" || body == ".Inf" || body == ".INF" || body == ".nan" || body == ".NaN" ||
        body == ".NAN") {
      return doc::Node::Null();  // serde_json has no non-finite numbers
    }
  }
  return doc::Node::String(arena, s);
}

YamlDocument ParseYaml(std::string_view text, doc::Arena& arena, const YamlOptions& options) {
  YamlDocument out;
  Builder builder(text, arena, options, options.record_marks ? &out.marks : nullptr);
  StringBuf buf(text);
  std::istream in(&buf);
  try {
    YAML::Parser parser(in);
    if (!parser.HandleNextDocument(builder))
      return out;  // empty text: null
    out.root = builder.root();
    // A second document is an error, as in serde_yaml.
    struct Ignore : YAML::EventHandler {
      YAML::Mark start;
      bool seen = false;
      void OnDocumentStart(const YAML::Mark& m) override {
        if (!seen)
          start = m;
        seen = true;
      }
      void OnDocumentEnd() override {}
      void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
      void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
      void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                    const std::string&) override {}
      void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                           YAML::EmitterStyle::value) override {}
      void OnSequenceEnd() override {}
      void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                      YAML::EmitterStyle::value) override {}
      void OnMapEnd() override {}
    } ignore;
    if (parser.HandleNextDocument(ignore)) {
      out.error =
          YamlError{ToMark(ignore.start),
                    "deserializing from YAML containing more than one document is not supported"};
      out.root = doc::Node::Null();
    }
  } catch (const Abort&) {
    out.error = builder.error();
    out.root = doc::Node::Null();
  } catch (const YAML::Exception& e) {
    out.error = YamlError{ToMark(e.mark), e.msg.empty() ? std::string(e.what()) : e.msg};
    out.root = doc::Node::Null();
  } catch (const std::exception& e) {
    out.error = YamlError{Mark{}, e.what()};
    out.root = doc::Node::Null();
  }
  return out;
}

}  // namespace flow::catalog
