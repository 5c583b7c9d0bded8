// SPDX-License-Identifier: Apache-2.0
// doc/schema/uri.cc: RFC 3986 reference resolution.
#include "doc/schema/uri.h"

#include <cctype>

namespace flow::doc::schema {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// RFC 3986 §5.2.4.
std::string RemoveDotSegments(std::string_view in) {
  std::string out;
  while (!in.empty()) {
    if (in.starts_with("../")) {
      in.remove_prefix(3);
    } else if (in.starts_with("./")) {
      in.remove_prefix(2);
    } else if (in.starts_with("/./")) {
      in.remove_prefix(2);
    } else if (in == "/.") {
      in = "/";
    } else if (in.starts_with("/../") || in == "/..") {
      in = in.size() == 3 ? std::string_view("/") : in.substr(3);
      size_t slash = out.rfind('/');
      out.erase(slash == std::string::npos ? 0 : slash);
    } else if (in == "." || in == "..") {
      in = {};
    } else {
      size_t start = in[0] == '/' ? 1 : 0;
      size_t next = in.find('/', start);
      if (next == std::string_view::npos)
        next = in.size();
      out.append(in.substr(0, next));
      in.remove_prefix(next);
    }
  }
  return out;
}

std::string NormalizeAuthority(std::string_view a) {
  // Lower-case the host, keeping any userinfo as written.
  size_t at = a.rfind('@');
  if (at == std::string_view::npos)
    return Lower(a);
  return std::string(a.substr(0, at + 1)) + Lower(a.substr(at + 1));
}

}  // namespace

Uri Uri::Parse(std::string_view s) {
  // ^(([^:/?#]+):)?(//([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?
  Uri u;
  size_t i = 0;
  size_t colon = s.find_first_of(":/?#");
  if (colon != std::string_view::npos && colon > 0 && s[colon] == ':') {
    u.scheme = Lower(s.substr(0, colon));
    i = colon + 1;
  }
  if (s.substr(i).starts_with("//")) {
    size_t end = s.find_first_of("/?#", i + 2);
    if (end == std::string_view::npos)
      end = s.size();
    u.has_authority = true;
    u.authority = NormalizeAuthority(s.substr(i + 2, end - i - 2));
    i = end;
  }
  size_t end = s.find_first_of("?#", i);
  if (end == std::string_view::npos)
    end = s.size();
  u.path = std::string(s.substr(i, end - i));
  i = end;
  if (i < s.size() && s[i] == '?') {
    end = s.find('#', i);
    if (end == std::string_view::npos)
      end = s.size();
    u.has_query = true;
    u.query = std::string(s.substr(i + 1, end - i - 1));
    i = end;
  }
  if (i < s.size() && s[i] == '#') {
    u.has_fragment = true;
    u.fragment = std::string(s.substr(i + 1));
  }
  return u;
}

std::string Uri::WithoutFragment() const {
  std::string out;
  if (!scheme.empty()) {
    out += scheme;
    out += ':';
  }
  if (has_authority) {
    out += "//";
    out += authority;
  }
  out += path;
  if (has_query) {
    out += '?';
    out += query;
  }
  return out;
}

std::string Uri::ToString() const {
  std::string out = WithoutFragment();
  if (has_fragment) {
    out += '#';
    out += fragment;
  }
  return out;
}

Uri Uri::Resolve(const Uri& r) const {
  // RFC 3986 §5.2.2, strict.
  Uri t;
  if (!r.scheme.empty()) {
    t = r;
    t.path = RemoveDotSegments(r.path);
  } else {
    if (r.has_authority) {
      t.has_authority = true;
      t.authority = r.authority;
      t.path = RemoveDotSegments(r.path);
      t.has_query = r.has_query;
      t.query = r.query;
    } else {
      if (r.path.empty()) {
        t.path = path;
        if (r.has_query) {
          t.has_query = true;
          t.query = r.query;
        } else {
          t.has_query = has_query;
          t.query = query;
        }
      } else {
        if (r.path[0] == '/') {
          t.path = RemoveDotSegments(r.path);
        } else {
          // §5.2.3 merge.
          std::string merged;
          if (has_authority && path.empty()) {
            merged = "/" + r.path;
          } else {
            size_t slash = path.rfind('/');
            merged = slash == std::string::npos ? r.path : path.substr(0, slash + 1) + r.path;
          }
          t.path = RemoveDotSegments(merged);
        }
        t.has_query = r.has_query;
        t.query = r.query;
      }
      t.has_authority = has_authority;
      t.authority = authority;
    }
    t.scheme = scheme;
  }
  t.has_fragment = r.has_fragment;
  t.fragment = r.fragment;
  return t;
}

std::string ResolveUri(std::string_view base, std::string_view ref) {
  Uri r = Uri::Parse(ref);
  Uri out = base.empty() || r.absolute() ? (r.absolute() ? r.Resolve(r) : r)
                                         : Uri::Parse(base).Resolve(r);
  if (out.has_fragment && out.fragment.empty())
    out.has_fragment = false;
  return out.ToString();
}

std::string_view StripFragment(std::string_view uri) {
  size_t h = uri.find('#');
  return h == std::string_view::npos ? uri : uri.substr(0, h);
}

std::string_view FragmentOf(std::string_view uri) {
  size_t h = uri.find('#');
  return h == std::string_view::npos ? std::string_view() : uri.substr(h + 1);
}

std::string PercentDecode(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9')
      return c - '0';
    if (c >= 'a' && c <= 'f')
      return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
      return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string PercentEncodeFragment(std::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    bool ok =
        std::isalnum(c) || std::string_view("-._~!$&'()*+,;=:@/?").find(static_cast<char>(c)) !=
                               std::string_view::npos;
    if (ok) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace flow::doc::schema
