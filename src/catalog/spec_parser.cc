// SPDX-License-Identifier: Apache-2.0
// catalog/spec_parser.cc: the strict model parser for catalog files.
#include "catalog/spec_parser.h"

#include "catalog/names.h"

namespace flow::catalog {
namespace {

class Parser {
 public:
  Parser(Resource* r, Loader* loader, Catalog* cat, SpecReader* rd)
      : r_(r), loader_(loader), cat_(cat), rd_(*rd) {}

  void Run() {
    Scope root{r_, ""};
    const doc::Node& n = r_->root;
    if (n.is_null())
      return;  // an empty file is an empty catalog
    if (!rd_.Object(root, n,
                    {"$schema", "import", "collections", "captures", "materializations", "tests",
                     "storageMappings", "npmDependencies", "endpoints", "journalRules"},
                    "a catalog map")) {
      return;
    }
    if (const doc::Node* v = n.Find("$schema")) {
      std::string ignored;
      rd_.String(root.Push("$schema"), *v, &ignored);
    }
    for (std::string_view relic : {"endpoints", "journalRules"}) {
      if (n.Find(relic) != nullptr) {
        rd_.Warning(root.Push(relic), "`" + std::string(relic) + "` is obsolete and ignored", true);
      }
    }
    if (const doc::Node* v = n.Find("import"))
      ParseImports(root.Push("import"), *v);
    if (const doc::Node* v = n.Find("collections"))
      ParseCollections(root.Push("collections"), *v);
    if (const doc::Node* v = n.Find("captures")) {
      ForEachNamed(root.Push("captures"), *v, "capture",
                   [&](const Scope& at, std::string_view name, const doc::Node& def) {
                     ParseCapture(at, name, def);
                   });
    }
    if (const doc::Node* v = n.Find("materializations")) {
      ForEachNamed(root.Push("materializations"), *v, "materialization",
                   [&](const Scope& at, std::string_view name, const doc::Node& def) {
                     ParseMaterialization(at, name, def);
                   });
    }
    if (const doc::Node* v = n.Find("tests"))
      ParseTests(root.Push("tests"), *v);
    if (const doc::Node* v = n.Find("storageMappings")) {
      ParseStorageMappings(root.Push("storageMappings"), *v);
    }
    if (const doc::Node* v = n.Find("npmDependencies")) {
      if (!v->is_object())
        rd_.TypeError(root.Push("npmDependencies"), *v, "a map");
    }
  }

 private:
  template <typename Fn>
  void ForEachNamed(const Scope& at, const doc::Node& n, std::string_view entity, Fn&& fn) {
    if (!n.is_object()) {
      rd_.TypeError(at, n, "a map of " + std::string(entity) + " names to definitions");
      return;
    }
    for (const doc::Field& f : n.fields()) {
      Scope s = at.Push(f.name);
      if (auto err = CheckName(f.name, NameKind::kCatalogName, entity))
        rd_.Error(s, *err, true);
      fn(s, f.name, f.value);
    }
  }

  void ParseImports(const Scope& at, const doc::Node& n) {
    if (!n.is_array()) {
      rd_.TypeError(at, n, "a sequence of URLs");
      return;
    }
    size_t i = 0;
    for (const doc::Node& item : n.items()) {
      Scope s = at.Push(i++);
      if (item.is_string()) {
        loader_->Import(s, item.as_string(), ContentType::kCatalog);
      } else if (item.is_object()) {
        // The legacy long form {url, contentType}.
        if (!rd_.Object(s, item, {"url", "contentType"}))
          continue;
        const doc::Node* url = item.Find("url");
        if (url == nullptr) {
          rd_.Missing(s, "url");
          continue;
        }
        std::string u, type = "CATALOG";
        if (!rd_.String(s.Push("url"), *url, &u))
          continue;
        if (const doc::Node* ct = item.Find("contentType")) {
          if (!rd_.Enum(s.Push("contentType"), *ct,
                        {"CATALOG", "JSON_SCHEMA", "CONFIG", "DOCUMENTS_FIXTURE"}, &type)) {
            continue;
          }
        }
        ContentType t = type == "CATALOG"       ? ContentType::kCatalog
                        : type == "JSON_SCHEMA" ? ContentType::kJsonSchema
                                                : ContentType::kConfig;
        loader_->Import(s.Push("url"), u, t);
      } else {
        rd_.TypeError(s, item, "a URL string");
      }
    }
  }

  std::optional<SchemaRef> ParseSchemaRef(const Scope& at, const doc::Node& n) {
    SchemaRef ref;
    ref.scope = at;
    if (n.is_string()) {
      ref.url = loader_->LoadSchemaUrl(at, n.as_string());
      return ref;
    }
    if (n.is_object() || n.is_bool()) {
      ref.inline_doc = n;
      loader_->ScanInlineSchema(at, n);
      return ref;
    }
    rd_.TypeError(at, n, "a JSON schema object or a schema URL");
    return std::nullopt;
  }

  std::optional<PartitionSelector> ParseSelector(const Scope& at, const doc::Node& n) {
    PartitionSelector sel;
    sel.scope = at;
    if (!rd_.Object(at, n, {"include", "exclude"}))
      return std::nullopt;
    for (std::string_view which : {"include", "exclude"}) {
      const doc::Node* m = n.Find(which);
      if (m == nullptr)
        continue;
      Scope ms = at.Push(which);
      if (!m->is_object()) {
        rd_.TypeError(ms, *m, "a map of partition fields to arrays of values");
        continue;
      }
      for (const doc::Field& f : m->fields()) {
        Scope fs = ms.Push(f.name);
        if (!f.value.is_array()) {
          rd_.TypeError(fs, f.value, "a sequence of values");
          continue;
        }
        PartitionSelector::Field field{std::string(f.name), {}, fs};
        for (const doc::Node& v : f.value.items())
          field.values.push_back(v);
        (which == "include" ? sel.include : sel.exclude).push_back(std::move(field));
      }
    }
    return sel;
  }

  void ParseCollections(const Scope& at, const doc::Node& n) {
    if (n.is_array()) {
      // The V0 list form [{name, schema, key, ...}].
      rd_.Warning(
          at, "a list of collections is the obsolete V0 form; use a map of names to definitions");
      size_t i = 0;
      for (const doc::Node& item : n.items()) {
        Scope s = at.Push(i++);
        if (!item.is_object()) {
          rd_.TypeError(s, item, "a collection definition");
          continue;
        }
        const doc::Node* name = item.Find("name");
        std::string nm;
        if (name == nullptr) {
          rd_.Missing(s, "name");
          continue;
        }
        if (!rd_.String(s.Push("name"), *name, &nm))
          continue;
        if (auto err = CheckName(nm, NameKind::kCatalogName, "collection"))
          rd_.Error(s.Push("name"), *err);
        ParseCollection(s, nm, item, /*v0_list=*/true);
      }
      return;
    }
    ForEachNamed(at, n, "collection",
                 [&](const Scope& s, std::string_view name, const doc::Node& def) {
                   ParseCollection(s, name, def, false);
                 });
  }

  void ParseCollection(const Scope& at, std::string_view name, const doc::Node& n, bool v0_list) {
    Collection c;
    c.name = std::string(name);
    c.scope = at;
    bool ok =
        v0_list ? rd_.Object(at, n,
                             {"name", "schema", "writeSchema", "readSchema", "key", "projections",
                              "journals", "derive", "derivation", "expectPubId", "delete", "reset"},
                             "a collection definition")
                : rd_.Object(at, n,
                             {"schema", "writeSchema", "readSchema", "key", "projections",
                              "journals", "derive", "derivation", "expectPubId", "delete", "reset"},
                             "a collection definition");
    if (!ok)
      return;
    if (const doc::Node* v = n.Find("schema"))
      c.schema = ParseSchemaRef(at.Push("schema"), *v);
    if (const doc::Node* v = n.Find("writeSchema")) {
      c.write_schema = ParseSchemaRef(at.Push("writeSchema"), *v);
    }
    if (const doc::Node* v = n.Find("readSchema")) {
      c.read_schema = ParseSchemaRef(at.Push("readSchema"), *v);
    }
    c.key_scope = at.Push("key");
    if (const doc::Node* v = n.Find("key")) {
      rd_.StringArray(c.key_scope, *v, &c.key);
    } else {
      rd_.Missing(at, "key");
    }
    if (const doc::Node* v = n.Find("projections")) {
      Scope ps = at.Push("projections");
      if (!v->is_object()) {
        rd_.TypeError(ps, *v, "a map of fields to projections");
      } else {
        for (const doc::Field& f : v->fields()) {
          Scope fs = ps.Push(f.name);
          ProjectionSpec spec{std::string(f.name), "", false, fs};
          if (f.value.is_string()) {
            spec.location = std::string(f.value.as_string());
          } else if (f.value.is_object()) {
            if (!rd_.Object(fs, f.value, {"location", "partition"}, "a projection"))
              continue;
            const doc::Node* loc = f.value.Find("location");
            if (loc == nullptr) {
              rd_.Missing(fs, "location");
              continue;
            }
            if (!rd_.String(fs.Push("location"), *loc, &spec.location))
              continue;
            if (const doc::Node* p = f.value.Find("partition")) {
              rd_.Bool(fs.Push("partition"), *p, &spec.partition);
            }
          } else {
            rd_.TypeError(fs, f.value, "a JSON pointer or {location, partition}");
            continue;
          }
          c.projection_specs.push_back(std::move(spec));
        }
      }
    }
    if (const doc::Node* v = n.Find("journals"))
      ParseJournals(at.Push("journals"), *v);
    if (const doc::Node* v = n.Find("derive")) {
      c.derive = ParseDerivation(at.Push("derive"), *v);
    } else if (const doc::Node* v = n.Find("derivation")) {
      c.derive = ParseLegacyDerivation(at.Push("derivation"), *v);
    }
    if (n.Find("derive") != nullptr && n.Find("derivation") != nullptr) {
      rd_.Error(at.Push("derivation"),
                "a collection may set `derive` or the legacy `derivation`, not both", true);
    }
    if (const doc::Node* v = n.Find("expectPubId")) {
      std::string ignored;
      rd_.String(at.Push("expectPubId"), *v, &ignored);
    }
    for (std::string_view b : {"delete", "reset"}) {
      if (const doc::Node* v = n.Find(b)) {
        bool ignored;
        rd_.Bool(at.Push(b), *v, &ignored);
      }
    }
    cat_->collections.push_back(std::move(c));
  }

  void ParseJournals(const Scope& at, const doc::Node& n) {
    if (!rd_.Object(at, n, {"fragments"}))
      return;
    const doc::Node* f = n.Find("fragments");
    if (f == nullptr)
      return;
    Scope fs = at.Push("fragments");
    if (!rd_.Object(fs, *f, {"length", "compressionCodec", "retention", "flushInterval"}))
      return;
    if (const doc::Node* v = f->Find("length")) {
      uint32_t len;
      if (rd_.U32(fs.Push("length"), *v, &len) && (len < 32 || len > 4096)) {
        rd_.Error(fs.Push("length"),
                  "fragment length must be between 32 and 4096 (MB), not " + std::to_string(len));
      }
    }
    if (const doc::Node* v = f->Find("compressionCodec")) {
      std::string codec;
      rd_.Enum(fs.Push("compressionCodec"), *v,
               {"NONE", "GZIP", "ZSTANDARD", "SNAPPY", "GZIP_OFFLOAD_DECOMPRESSION"}, &codec);
    }
    for (std::string_view d : {"retention", "flushInterval"}) {
      if (const doc::Node* v = f->Find(d)) {
        std::chrono::milliseconds ignored;
        rd_.Duration(fs.Push(d), *v, &ignored);
      }
    }
  }

  void ParseShards(const Scope& at, const doc::Node& n, bool* disabled) {
    if (!rd_.Object(at, n,
                    {"disable", "minTxnDuration", "maxTxnDuration", "hotStandbys", "ringBufferSize",
                     "readChannelSize", "logLevel"})) {
      return;
    }
    if (const doc::Node* v = n.Find("disable"))
      rd_.Bool(at.Push("disable"), *v, disabled);
    for (std::string_view d : {"minTxnDuration", "maxTxnDuration"}) {
      if (const doc::Node* v = n.Find(d)) {
        std::chrono::milliseconds ignored;
        rd_.Duration(at.Push(d), *v, &ignored);
      }
    }
    for (std::string_view u : {"hotStandbys", "ringBufferSize", "readChannelSize"}) {
      if (const doc::Node* v = n.Find(u)) {
        uint32_t ignored;
        rd_.U32(at.Push(u), *v, &ignored);
      }
    }
    if (const doc::Node* v = n.Find("logLevel")) {
      std::string lvl;
      rd_.Enum(at.Push("logLevel"), *v, {"error", "warn", "info", "debug", "trace"}, &lvl);
    }
  }

  std::optional<Content> ParseContent(const Scope& at, const doc::Node& n) {
    return loader_->ResolveContent(at, n);
  }

  std::optional<Derivation> ParseDerivation(const Scope& at, const doc::Node& n) {
    if (!rd_.Object(at, n, {"using", "transforms", "shuffleKeyTypes", "shards"}, "a derivation")) {
      return std::nullopt;
    }
    Derivation d;
    d.scope = at;
    const doc::Node* u = n.Find("using");
    if (u == nullptr) {
      rd_.Missing(at, "using");
    } else {
      ParseUsing(at.Push("using"), *u, &d);
    }
    const doc::Node* t = n.Find("transforms");
    if (t == nullptr) {
      rd_.Missing(at, "transforms");
    } else if (!t->is_array()) {
      rd_.TypeError(at.Push("transforms"), *t, "a sequence of transforms");
    } else {
      Scope ts = at.Push("transforms");
      size_t i = 0;
      for (const doc::Node& item : t->items()) {
        if (auto tr = ParseTransform(ts.Push(i), item))
          d.transforms.push_back(std::move(*tr));
        ++i;
      }
    }
    if (const doc::Node* v = n.Find("shuffleKeyTypes")) {
      Scope s = at.Push("shuffleKeyTypes");
      if (!v->is_array()) {
        rd_.TypeError(s, *v, "a sequence");
      } else {
        size_t i = 0;
        for (const doc::Node& item : v->items()) {
          std::string ty;
          if (rd_.Enum(s.Push(i++), item, {"boolean", "integer", "string"}, &ty)) {
            d.shuffle_key_types.push_back(ty);
          }
        }
      }
    }
    if (const doc::Node* v = n.Find("shards"))
      ParseShards(at.Push("shards"), *v, &d.shards_disabled);
    return d;
  }

  void ParseUsing(const Scope& at, const doc::Node& n, Derivation* d) {
    if (!rd_.Object(at, n, {"sqlite", "typescript", "python", "connector", "local"},
                    "a map with one of `sqlite`, `typescript`, `python`, `connector` or `local`")) {
      return;
    }
    if (n.size() != 1) {
      rd_.Error(at,
                "`using` must set exactly one of `sqlite`, `typescript`, `python`, `connector` or "
                "`local`");
      if (n.size() == 0)
        return;
    }
    const doc::Field& f = n.fields()[0];
    Scope s = at.Push(f.name);
    const doc::Node& v = f.value;
    if (f.name == "sqlite") {
      d->using_ = DeriveUsing::kSqlite;
      if (v.is_null())
        return;
      if (!rd_.Object(s, v, {"migrations"}, "a SQLite configuration"))
        return;
      if (const doc::Node* m = v.Find("migrations")) {
        Scope ms = s.Push("migrations");
        if (!m->is_array()) {
          rd_.TypeError(ms, *m, "a sequence of SQL blocks or file URLs");
          return;
        }
        size_t i = 0;
        for (const doc::Node& item : m->items()) {
          Scope is = ms.Push(i++);
          if (!item.is_string()) {
            rd_.TypeError(is, item, "a SQL block or a file URL");
            continue;
          }
          d->migrations.push_back(loader_->ResolveContent(is, item));
        }
      }
    } else if (f.name == "typescript" || f.name == "python") {
      d->using_ = f.name == "typescript" ? DeriveUsing::kTypescript : DeriveUsing::kPython;
      if (!rd_.Object(s, v, {"module", "dependencies", "files", "config"}))
        return;
      if (const doc::Node* m = v.Find("module")) {
        d->module = loader_->ResolveContent(s.Push("module"), *m);
      } else if (f.name == "typescript") {
        rd_.Missing(s, "module");
      }
    } else if (f.name == "connector") {
      d->using_ = DeriveUsing::kConnector;
      if (!rd_.Object(s, v, {"image", "config"}, "a connector configuration"))
        return;
      if (const doc::Node* im = v.Find("image")) {
        rd_.String(s.Push("image"), *im, &d->image);
      } else {
        rd_.Missing(s, "image");
      }
      if (const doc::Node* c = v.Find("config")) {
        d->config = loader_->ResolveContent(s.Push("config"), *c);
      } else {
        rd_.Missing(s, "config");
      }
    } else if (f.name == "local") {
      d->using_ = DeriveUsing::kLocal;
      ParseLocal(s, v, &d->command, &d->config);
    }
  }

  void ParseLocal(const Scope& s, const doc::Node& v, std::vector<std::string>* command,
                  std::optional<Content>* config) {
    if (!rd_.Object(s, v, {"command", "config", "env", "protobuf"},
                    "a local command configuration")) {
      return;
    }
    if (const doc::Node* c = v.Find("command")) {
      rd_.StringArray(s.Push("command"), *c, command);
    } else {
      rd_.Missing(s, "command");
    }
    if (const doc::Node* c = v.Find("config")) {
      *config = loader_->ResolveContent(s.Push("config"), *c);
    } else {
      rd_.Missing(s, "config");
    }
    if (const doc::Node* e = v.Find("env")) {
      Scope es = s.Push("env");
      if (!e->is_object()) {
        rd_.TypeError(es, *e, "a map of environment variables");
      } else {
        for (const doc::Field& kv : e->fields()) {
          std::string ignored;
          rd_.String(es.Push(kv.name), kv.value, &ignored);
        }
      }
    }
    if (const doc::Node* p = v.Find("protobuf")) {
      bool ignored;
      rd_.Bool(s.Push("protobuf"), *p, &ignored);
    }
  }

  // `source: name` or `source: {name, partitions, notBefore, notAfter}`.
  bool ParseSource(const Scope& at, const doc::Node& n, std::string* name, Scope* name_scope,
                   PartitionSelector* partitions, std::optional<std::string>* not_before,
                   std::optional<std::string>* not_after) {
    if (n.is_string()) {
      *name = std::string(n.as_string());
      *name_scope = at;
      return true;
    }
    if (!rd_.Object(at, n, {"name", "partitions", "notBefore", "notAfter"},
                    "a collection name or {name, partitions, notBefore, notAfter}")) {
      return false;
    }
    const doc::Node* nm = n.Find("name");
    if (nm == nullptr) {
      rd_.Missing(at, "name");
      return false;
    }
    if (!rd_.String(at.Push("name"), *nm, name))
      return false;
    *name_scope = at.Push("name");
    if (const doc::Node* p = n.Find("partitions")) {
      if (auto sel = ParseSelector(at.Push("partitions"), *p))
        *partitions = std::move(*sel);
    }
    if (const doc::Node* v = n.Find("notBefore")) {
      std::string ts;
      if (rd_.Timestamp(at.Push("notBefore"), *v, &ts))
        *not_before = ts;
    }
    if (const doc::Node* v = n.Find("notAfter")) {
      std::string ts;
      if (rd_.Timestamp(at.Push("notAfter"), *v, &ts))
        *not_after = ts;
    }
    return true;
  }

  std::optional<Transform> ParseTransform(const Scope& at, const doc::Node& n) {
    if (!rd_.Object(
            at, n,
            {"name", "source", "shuffle", "lambda", "priority", "readDelay", "disable", "backfill"},
            "a transform")) {
      return std::nullopt;
    }
    Transform t;
    t.scope = at;
    if (const doc::Node* v = n.Find("name")) {
      if (rd_.String(at.Push("name"), *v, &t.name)) {
        if (auto err = CheckName(t.name, NameKind::kToken, "transform"))
          rd_.Error(at.Push("name"), *err);
      }
    } else {
      rd_.Missing(at, "name");
    }
    if (const doc::Node* v = n.Find("source")) {
      ParseSource(at.Push("source"), *v, &t.source, &t.source_scope, &t.partitions, &t.not_before,
                  &t.not_after);
    } else {
      rd_.Missing(at, "source");
    }
    t.shuffle_scope = at.Push("shuffle");
    if (const doc::Node* v = n.Find("shuffle")) {
      ParseShuffle(t.shuffle_scope, *v, &t);
    } else {
      t.shuffle = ShuffleKind::kSourceKey;
      t.shuffle_scope = at;
    }
    if (const doc::Node* v = n.Find("lambda")) {
      if (!v->is_string()) {
        rd_.TypeError(at.Push("lambda"), *v, "a lambda block or a file URL");
      } else {
        t.lambda = loader_->ResolveContent(at.Push("lambda"), *v);
      }
    }
    if (const doc::Node* v = n.Find("priority"))
      rd_.U32(at.Push("priority"), *v, &t.priority);
    if (const doc::Node* v = n.Find("readDelay"))
      rd_.Duration(at.Push("readDelay"), *v, &t.read_delay);
    if (const doc::Node* v = n.Find("disable"))
      rd_.Bool(at.Push("disable"), *v, &t.disable);
    if (const doc::Node* v = n.Find("backfill")) {
      uint32_t ignored;
      rd_.U32(at.Push("backfill"), *v, &ignored);
    }
    return t;
  }

  void ParseShuffle(const Scope& at, const doc::Node& n, Transform* t) {
    if (n.is_string()) {
      if (n.as_string() == "any") {
        t->shuffle = ShuffleKind::kAny;
      } else {
        rd_.Error(at, "invalid shuffle " + DebugQuote(n.as_string()) +
                          ": expected `any`, {key: [/ptr, ...]} or {lambda: ...}");
      }
      return;
    }
    if (!rd_.Object(at, n, {"key", "lambda"}, "`any`, {key: [/ptr, ...]} or {lambda: ...}"))
      return;
    if (n.size() != 1) {
      rd_.Error(at, "shuffle must set exactly one of `key` or `lambda`");
      return;
    }
    if (const doc::Node* k = n.Find("key")) {
      t->shuffle = ShuffleKind::kKey;
      rd_.StringArray(at.Push("key"), *k, &t->shuffle_key);
    } else if (const doc::Node* l = n.Find("lambda")) {
      t->shuffle = ShuffleKind::kLambda;
      if (!l->is_string()) {
        rd_.TypeError(at.Push("lambda"), *l, "a lambda block or a file URL");
      } else {
        t->shuffle_lambda = loader_->ResolveContent(at.Push("lambda"), *l);
      }
    }
  }

  // The V0 `derivation: {register, transform: {name: {...}}, typescript}` form.
  std::optional<Derivation> ParseLegacyDerivation(const Scope& at, const doc::Node& n) {
    if (!rd_.Object(at, n, {"register", "transform", "typescript"}, "a derivation")) {
      return std::nullopt;
    }
    Derivation d;
    d.scope = at;
    d.using_ = DeriveUsing::kLegacy;
    if (const doc::Node* reg = n.Find("register")) {
      Scope rs = at.Push("register");
      if (rd_.Object(rs, *reg, {"schema", "initial"})) {
        if (const doc::Node* s = reg->Find("schema"))
          ParseSchemaRef(rs.Push("schema"), *s);
      }
    }
    if (const doc::Node* ts = n.Find("typescript")) {
      Scope s = at.Push("typescript");
      if (rd_.Object(s, *ts, {"module", "npmDependencies"})) {
        if (const doc::Node* m = ts->Find("module"))
          d.module = loader_->ResolveContent(s.Push("module"), *m);
      }
    }
    const doc::Node* tr = n.Find("transform");
    if (tr == nullptr) {
      rd_.Missing(at, "transform");
      return d;
    }
    Scope ts = at.Push("transform");
    if (!tr->is_object()) {
      rd_.TypeError(ts, *tr, "a map of transform names to transforms");
      return d;
    }
    for (const doc::Field& f : tr->fields()) {
      Scope s = ts.Push(f.name);
      if (auto err = CheckName(f.name, NameKind::kToken, "transform"))
        rd_.Error(s, *err, true);
      if (!rd_.Object(s, f.value,
                      {"source", "shuffle", "readDelay", "priority", "update", "publish"},
                      "a transform")) {
        continue;
      }
      Transform t;
      t.name = std::string(f.name);
      t.scope = s;
      if (const doc::Node* src = f.value.Find("source")) {
        Scope ss = s.Push("source");
        if (rd_.Object(ss, *src, {"name", "schema", "partitions"}, "a transform source")) {
          if (const doc::Node* nm = src->Find("name")) {
            rd_.String(ss.Push("name"), *nm, &t.source);
            t.source_scope = ss.Push("name");
          } else {
            rd_.Missing(ss, "name");
          }
          if (const doc::Node* p = src->Find("partitions")) {
            if (auto sel = ParseSelector(ss.Push("partitions"), *p))
              t.partitions = std::move(*sel);
          }
          if (const doc::Node* sc = src->Find("schema"))
            ParseSchemaRef(ss.Push("schema"), *sc);
        }
      } else {
        rd_.Missing(s, "source");
      }
      t.shuffle = ShuffleKind::kSourceKey;
      t.shuffle_scope = s;
      if (const doc::Node* sh = f.value.Find("shuffle")) {
        t.shuffle_scope = s.Push("shuffle");
        ParseShuffle(t.shuffle_scope, *sh, &t);
      }
      if (const doc::Node* v = f.value.Find("readDelay"))
        rd_.Duration(s.Push("readDelay"), *v, &t.read_delay);
      if (const doc::Node* v = f.value.Find("priority"))
        rd_.U32(s.Push("priority"), *v, &t.priority);
      if (f.value.Find("update") == nullptr && f.value.Find("publish") == nullptr) {
        rd_.Error(
            s, "transform " + t.name + " must set at least one of 'update' or 'publish' lambdas");
      }
      d.transforms.push_back(std::move(t));
    }
    return d;
  }

  std::optional<Binding> ParseCaptureBinding(const Scope& at, const doc::Node& n) {
    if (!rd_.Object(at, n, {"resource", "target", "disable", "backfill"}, "a capture binding")) {
      return std::nullopt;
    }
    Binding b;
    b.scope = at;
    if (const doc::Node* v = n.Find("resource")) {
      b.resource = loader_->ResolveContent(at.Push("resource"), *v);
    } else {
      rd_.Missing(at, "resource");
    }
    if (const doc::Node* v = n.Find("target")) {
      rd_.String(at.Push("target"), *v, &b.collection);
      b.collection_scope = at.Push("target");
    } else {
      rd_.Missing(at, "target");
    }
    if (const doc::Node* v = n.Find("disable"))
      rd_.Bool(at.Push("disable"), *v, &b.disable);
    if (const doc::Node* v = n.Find("backfill")) {
      uint32_t ignored;
      rd_.U32(at.Push("backfill"), *v, &ignored);
    }
    return b;
  }

  void ParseConnectorEndpoint(const Scope& s, const doc::Node& v, std::string* image,
                              std::optional<Content>* config) {
    if (!rd_.Object(s, v, {"image", "config"}, "a connector configuration"))
      return;
    if (const doc::Node* im = v.Find("image")) {
      rd_.String(s.Push("image"), *im, image);
    } else {
      rd_.Missing(s, "image");
    }
    if (const doc::Node* c = v.Find("config")) {
      *config = loader_->ResolveContent(s.Push("config"), *c);
    } else {
      rd_.Missing(s, "config");
    }
  }

  void ParseCapture(const Scope& at, std::string_view name, const doc::Node& n) {
    if (!rd_.Object(at, n,
                    {"endpoint", "bindings", "interval", "autoDiscover", "shards", "redactSalt",
                     "expectPubId", "delete"},
                    "a capture definition")) {
      return;
    }
    Capture c;
    c.name = std::string(name);
    c.scope = at;
    if (const doc::Node* e = n.Find("endpoint")) {
      Scope es = at.Push("endpoint");
      if (rd_.Object(es, *e, {"connector", "local", "airbyteSource", "ingest"}, "an endpoint")) {
        if (e->size() != 1) {
          rd_.Error(es, "endpoint must set exactly one of `connector` or `local`");
        } else {
          const doc::Field& f = e->fields()[0];
          c.endpoint = std::string(f.name);
          if (f.name == "connector" || f.name == "airbyteSource") {
            ParseConnectorEndpoint(es.Push(f.name), f.value, &c.image, &c.config);
          } else if (f.name == "local") {
            ParseLocal(es.Push(f.name), f.value, &c.command, &c.config);
          }
        }
      }
    } else {
      rd_.Missing(at, "endpoint");
    }
    if (const doc::Node* b = n.Find("bindings")) {
      Scope bs = at.Push("bindings");
      if (!b->is_array()) {
        rd_.TypeError(bs, *b, "a sequence of bindings");
      } else {
        size_t i = 0;
        for (const doc::Node& item : b->items()) {
          if (auto binding = ParseCaptureBinding(bs.Push(i), item))
            c.bindings.push_back(std::move(*binding));
          ++i;
        }
      }
    } else {
      rd_.Missing(at, "bindings");
    }
    if (const doc::Node* v = n.Find("interval"))
      rd_.Duration(at.Push("interval"), *v, &c.interval);
    if (const doc::Node* v = n.Find("autoDiscover")) {
      Scope as = at.Push("autoDiscover");
      if (!v->is_null() &&
          rd_.Object(as, *v, {"addNewBindings", "evolveIncompatibleCollections"})) {
        for (const doc::Field& f : v->fields()) {
          bool ignored;
          rd_.Bool(as.Push(f.name), f.value, &ignored);
        }
      }
    }
    if (const doc::Node* v = n.Find("shards"))
      ParseShards(at.Push("shards"), *v, &c.shards_disabled);
    for (std::string_view s : {"redactSalt", "expectPubId"}) {
      if (const doc::Node* v = n.Find(s)) {
        std::string ignored;
        rd_.String(at.Push(s), *v, &ignored);
      }
    }
    if (const doc::Node* v = n.Find("delete")) {
      bool ignored;
      rd_.Bool(at.Push("delete"), *v, &ignored);
    }
    cat_->captures.push_back(std::move(c));
  }

  std::optional<Binding> ParseMaterializationBinding(const Scope& at, const doc::Node& n) {
    if (!rd_.Object(at, n,
                    {"source", "resource", "fields", "partitions", "priority", "disable",
                     "backfill", "onIncompatibleSchemaChange"},
                    "a materialization binding")) {
      return std::nullopt;
    }
    Binding b;
    b.scope = at;
    if (const doc::Node* v = n.Find("source")) {
      std::optional<std::string> nb, na;
      ParseSource(at.Push("source"), *v, &b.collection, &b.collection_scope, &b.partitions, &nb,
                  &na);
    } else {
      rd_.Missing(at, "source");
    }
    if (const doc::Node* v = n.Find("resource")) {
      b.resource = loader_->ResolveContent(at.Push("resource"), *v);
    } else {
      rd_.Missing(at, "resource");
    }
    if (const doc::Node* v = n.Find("partitions")) {
      // V0 placement of the selector, beside `source`.
      if (auto sel = ParseSelector(at.Push("partitions"), *v)) {
        if (!b.partitions.empty()) {
          rd_.Error(at.Push("partitions"), "partitions are given both here and in `source`", true);
        } else {
          b.partitions = std::move(*sel);
        }
      }
    }
    if (const doc::Node* v = n.Find("fields")) {
      Scope fs = at.Push("fields");
      if (rd_.Object(fs, *v, {"recommended", "include", "require", "exclude", "groupBy"},
                     "a field selection")) {
        if (const doc::Node* r = v->Find("recommended")) {
          if (!r->is_bool() && r->type() != doc::Type::kPosInt) {
            rd_.TypeError(fs.Push("recommended"), *r, "a boolean or a depth");
          }
        }
        for (std::string_view m : {"include", "require"}) {
          if (const doc::Node* inc = v->Find(m); inc != nullptr && !inc->is_object()) {
            rd_.TypeError(fs.Push(m), *inc, "a map of fields to field configurations");
          }
        }
        for (std::string_view m : {"exclude", "groupBy"}) {
          if (const doc::Node* ex = v->Find(m)) {
            std::vector<std::string> ignored;
            rd_.StringArray(fs.Push(m), *ex, &ignored);
          }
        }
      }
    }
    if (const doc::Node* v = n.Find("priority")) {
      uint32_t ignored;
      rd_.U32(at.Push("priority"), *v, &ignored);
    }
    if (const doc::Node* v = n.Find("disable"))
      rd_.Bool(at.Push("disable"), *v, &b.disable);
    if (const doc::Node* v = n.Find("backfill")) {
      uint32_t ignored;
      rd_.U32(at.Push("backfill"), *v, &ignored);
    }
    if (const doc::Node* v = n.Find("onIncompatibleSchemaChange")) {
      std::string ignored;
      rd_.Enum(at.Push("onIncompatibleSchemaChange"), *v,
               {"abort", "backfill", "disableBinding", "disableTask"}, &ignored);
    }
    return b;
  }

  void ParseMaterialization(const Scope& at, std::string_view name, const doc::Node& n) {
    if (!rd_.Object(at, n,
                    {"endpoint", "bindings", "sourceCapture", "source",
                     "onIncompatibleSchemaChange", "shards", "expectPubId", "delete"},
                    "a materialization definition")) {
      return;
    }
    Materialization m;
    m.name = std::string(name);
    m.scope = at;
    if (const doc::Node* e = n.Find("endpoint")) {
      Scope es = at.Push("endpoint");
      if (rd_.Object(es, *e, {"connector", "local", "sqlite", "dekaf", "flowSink"},
                     "an endpoint")) {
        if (e->size() != 1) {
          rd_.Error(es,
                    "endpoint must set exactly one of `connector`, `local`, `sqlite` or `dekaf`");
        } else {
          const doc::Field& f = e->fields()[0];
          Scope fs = es.Push(f.name);
          m.endpoint = f.name == "flowSink" ? "connector" : std::string(f.name);
          if (f.name == "connector" || f.name == "flowSink") {
            ParseConnectorEndpoint(fs, f.value, &m.image, &m.config);
          } else if (f.name == "local") {
            ParseLocal(fs, f.value, &m.command, &m.config);
          } else if (f.name == "sqlite") {
            if (rd_.Object(fs, f.value, {"path"}, "a SQLite endpoint")) {
              if (const doc::Node* p = f.value.Find("path")) {
                rd_.String(fs.Push("path"), *p, &m.sqlite_path);
              } else {
                rd_.Missing(fs, "path");
              }
            }
          } else if (f.name == "dekaf") {
            if (rd_.Object(fs, f.value, {"variant", "config"}, "a Dekaf endpoint")) {
              if (const doc::Node* c = f.value.Find("config")) {
                m.config = loader_->ResolveContent(fs.Push("config"), *c);
              }
            }
          }
        }
      }
    } else {
      rd_.Missing(at, "endpoint");
    }
    if (const doc::Node* b = n.Find("bindings")) {
      Scope bs = at.Push("bindings");
      if (!b->is_array()) {
        rd_.TypeError(bs, *b, "a sequence of bindings");
      } else {
        size_t i = 0;
        for (const doc::Node& item : b->items()) {
          if (auto binding = ParseMaterializationBinding(bs.Push(i), item)) {
            m.bindings.push_back(std::move(*binding));
          }
          ++i;
        }
      }
    } else {
      rd_.Missing(at, "bindings");
    }
    if (const doc::Node* v = n.Find("shards"))
      ParseShards(at.Push("shards"), *v, &m.shards_disabled);
    for (std::string_view s : {"sourceCapture", "expectPubId"}) {
      if (const doc::Node* v = n.Find(s); v != nullptr && !v->is_string() && !v->is_object()) {
        rd_.TypeError(at.Push(s), *v, "a string");
      }
    }
    cat_->materializations.push_back(std::move(m));
  }

  void ParseTests(const Scope& at, const doc::Node& n) {
    if (!n.is_object()) {
      rd_.TypeError(at, n, "a map of test names to tests");
      return;
    }
    for (const doc::Field& f : n.fields()) {
      Scope s = at.Push(f.name);
      // Test names are lenient (V0 examples use sentences); only emptiness is an error.
      if (f.name.empty())
        rd_.Error(s, "test name cannot be empty", true);
      Test t;
      t.name = std::string(f.name);
      t.scope = s;
      const doc::Node* steps = &f.value;
      Scope steps_scope = s;
      if (f.value.is_object()) {
        if (!rd_.Object(s, f.value, {"description", "steps", "expectPubId", "delete"}, "a test"))
          continue;
        if (const doc::Node* d = f.value.Find("description"))
          rd_.String(s.Push("description"), *d, &t.description);
        steps = f.value.Find("steps");
        steps_scope = s.Push("steps");
        if (steps == nullptr) {
          rd_.Missing(s, "steps");
          continue;
        }
      }
      if (!steps->is_array()) {
        rd_.TypeError(steps_scope, *steps, "a sequence of test steps");
        continue;
      }
      size_t i = 0;
      for (const doc::Node& item : steps->items()) {
        if (auto step = ParseTestStep(steps_scope.Push(i), item))
          t.steps.push_back(std::move(*step));
        ++i;
      }
      cat_->tests.push_back(std::move(t));
    }
  }

  std::optional<TestStep> ParseTestStep(const Scope& at, const doc::Node& n) {
    if (!rd_.Object(at, n, {"ingest", "verify"}, "a test step ({ingest: ...} or {verify: ...})")) {
      return std::nullopt;
    }
    if (n.size() != 1) {
      rd_.Error(at, "a test step must be exactly one of `ingest` or `verify`");
      return std::nullopt;
    }
    const doc::Field& f = n.fields()[0];
    TestStep step;
    step.scope = at.Push(f.name);
    const doc::Node& v = f.value;
    if (f.name == "ingest") {
      step.kind = TestStep::Kind::kIngest;
      if (!rd_.Object(step.scope, v, {"description", "collection", "documents"},
                      "an ingest step")) {
        return std::nullopt;
      }
      if (const doc::Node* c = v.Find("collection")) {
        rd_.String(step.scope.Push("collection"), *c, &step.collection);
        step.collection_scope = step.scope.Push("collection");
      } else {
        rd_.Missing(step.scope, "collection");
      }
    } else {
      step.kind = TestStep::Kind::kVerify;
      if (!rd_.Object(step.scope, v, {"description", "collection", "documents", "partitions"},
                      "a verify step")) {
        return std::nullopt;
      }
      if (const doc::Node* c = v.Find("collection")) {
        std::optional<std::string> nb, na;
        Scope cs = step.scope.Push("collection");
        ParseSource(cs, *c, &step.collection, &step.collection_scope, &step.partitions, &nb, &na);
        if (nb || na)
          rd_.Error(cs, "tests do not support `notBefore` and `notAfter`");
      } else {
        rd_.Missing(step.scope, "collection");
      }
      if (const doc::Node* p = v.Find("partitions")) {
        if (auto sel = ParseSelector(step.scope.Push("partitions"), *p)) {
          if (!step.partitions.empty()) {
            rd_.Error(step.scope.Push("partitions"),
                      "partitions are given both here and in `collection`", true);
          } else {
            step.partitions = std::move(*sel);
          }
        }
      }
    }
    if (const doc::Node* d = v.Find("description")) {
      rd_.String(step.scope.Push("description"), *d, &step.description);
    }
    if (const doc::Node* docs = v.Find("documents")) {
      Scope ds = step.scope.Push("documents");
      step.documents = loader_->ResolveContent(ds, *docs);
      if (step.documents.ok) {
        bool valid = step.documents.value.is_array();
        if (valid) {
          for (const doc::Node& d : step.documents.value.items())
            valid = valid && d.is_object();
        }
        if (!valid) {
          rd_.Error(step.documents.scope,
                    "failed to parse document fixtures as an array of objects");
          step.documents.ok = false;
        }
      }
    } else {
      rd_.Missing(step.scope, "documents");
      step.documents.ok = false;
    }
    return step;
  }

  void ParseStorageMappings(const Scope& at, const doc::Node& n) {
    if (!n.is_object()) {
      rd_.TypeError(at, n, "a map of prefixes to storage mappings");
      return;
    }
    for (const doc::Field& f : n.fields()) {
      Scope s = at.Push(f.name);
      if (auto err = CheckName(f.name, NameKind::kPrefix, "storageMappings prefix"))
        rd_.Error(s, *err, true);
      if (!rd_.Object(s, f.value, {"stores"}, "a storage mapping"))
        continue;
      const doc::Node* stores = f.value.Find("stores");
      if (stores == nullptr) {
        rd_.Missing(s, "stores");
        continue;
      }
      Scope ss = s.Push("stores");
      if (!stores->is_array()) {
        rd_.TypeError(ss, *stores, "a sequence of stores");
        continue;
      }
      size_t i = 0;
      for (const doc::Node& st : stores->items())
        ParseStore(ss.Push(i++), st);
      cat_->storage_mappings.push_back(StorageMapping{std::string(f.name), s});
    }
  }

  void ParseStore(const Scope& at, const doc::Node& n) {
    if (!n.is_object()) {
      rd_.TypeError(at, n, "a store");
      return;
    }
    const doc::Node* p = n.Find("provider");
    if (p == nullptr) {
      rd_.Missing(at, "provider");
      return;
    }
    std::string provider;
    if (!rd_.Enum(at.Push("provider"), *p, {"S3", "GCS", "AZURE", "CUSTOM"}, &provider))
      return;
    if (provider == "S3") {
      rd_.Object(at, n, {"provider", "bucket", "prefix", "region"}, "an S3 store");
    } else if (provider == "GCS") {
      rd_.Object(at, n, {"provider", "bucket", "prefix"}, "a GCS store");
    } else if (provider == "AZURE") {
      rd_.Object(
          at, n,
          {"provider", "account_tenant_id", "storage_account_name", "container_name", "prefix"},
          "an Azure store");
    } else {
      rd_.Object(at, n, {"provider", "bucket", "endpoint", "prefix"}, "a custom store");
    }
    for (const doc::Field& f : n.fields()) {
      if (!f.value.is_string())
        rd_.TypeError(at.Push(f.name), f.value, "a string");
    }
    std::initializer_list<std::string_view> required =
        provider == "AZURE"
            ? std::initializer_list<std::string_view>{"account_tenant_id", "storage_account_name",
                                                      "container_name"}
        : provider == "CUSTOM" ? std::initializer_list<std::string_view>{"bucket", "endpoint"}
                               : std::initializer_list<std::string_view>{"bucket"};
    for (std::string_view r : required) {
      if (n.Find(r) == nullptr)
        rd_.Missing(at, r);
    }
  }

  Resource* r_;
  Loader* loader_;
  Catalog* cat_;
  SpecReader& rd_;
};

}  // namespace

void ParseCatalogResource(Resource* resource, Loader* loader, Catalog* catalog,
                          SpecReader* reader) {
  Parser(resource, loader, catalog, reader).Run();
}

}  // namespace flow::catalog
