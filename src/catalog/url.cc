// SPDX-License-Identifier: Apache-2.0
// catalog/url.cc: URL parsing and reference resolution.
#include "catalog/url.h"

#include <cctype>
#include <vector>

namespace flow::catalog {
namespace {

std::string RemoveDotSegments(std::string_view path) {
  std::vector<std::string_view> out;
  bool absolute = !path.empty() && path[0] == '/';
  size_t i = absolute ? 1 : 0;
  bool trailing_slash = false;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos)
      j = path.size();
    std::string_view seg = path.substr(i, j - i);
    bool last = j == path.size();
    if (seg == ".") {
      trailing_slash = last;
    } else if (seg == "..") {
      if (!out.empty())
        out.pop_back();
      trailing_slash = last;
    } else {
      out.push_back(seg);
      trailing_slash = false;
    }
    i = j + 1;
  }
  std::string r = absolute ? "/" : "";
  for (size_t k = 0; k < out.size(); ++k) {
    if (k > 0)
      r += '/';
    r += out[k];
  }
  if (trailing_slash && !out.empty())
    r += '/';
  return r;
}

std::string MergePaths(const UrlParts& base, std::string_view ref_path) {
  if (base.has_authority && base.path.empty())
    return "/" + std::string(ref_path);
  size_t slash = base.path.rfind('/');
  if (slash == std::string::npos)
    return std::string(ref_path);
  return base.path.substr(0, slash + 1) + std::string(ref_path);
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

}  // namespace

std::string UrlParts::ToString() const {
  std::string s;
  if (!scheme.empty())
    s += scheme + ":";
  if (has_authority)
    s += "//" + authority;
  s += path;
  if (has_query)
    s += "?" + query;
  if (has_fragment)
    s += "#" + fragment;
  return s;
}

UrlParts ParseUrl(std::string_view url) {
  UrlParts p;
  // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"
  size_t colon = url.find(':');
  if (colon != std::string_view::npos && colon > 0 &&
      std::isalpha(static_cast<unsigned char>(url[0]))) {
    bool ok = true;
    for (size_t i = 0; i < colon && ok; ++i) {
      char c = url[i];
      ok = std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
    }
    size_t stop = url.find_first_of("/?#");
    if (ok && (stop == std::string_view::npos || colon < stop)) {
      for (size_t i = 0; i < colon; ++i) {
        p.scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(url[i])));
      }
      url.remove_prefix(colon + 1);
    }
  }
  if (size_t hash = url.find('#'); hash != std::string_view::npos) {
    p.has_fragment = true;
    p.fragment = std::string(url.substr(hash + 1));
    url = url.substr(0, hash);
  }
  if (size_t q = url.find('?'); q != std::string_view::npos) {
    p.has_query = true;
    p.query = std::string(url.substr(q + 1));
    url = url.substr(0, q);
  }
  if (url.substr(0, 2) == "//") {
    url.remove_prefix(2);
    size_t slash = url.find('/');
    p.has_authority = true;
    p.authority = std::string(url.substr(0, slash));
    url = slash == std::string_view::npos ? std::string_view() : url.substr(slash);
  }
  p.path = std::string(url);
  return p;
}

std::string JoinUrl(std::string_view base_text, std::string_view ref_text) {
  UrlParts r = ParseUrl(ref_text);
  UrlParts b = ParseUrl(base_text);
  UrlParts t;
  if (!r.scheme.empty()) {
    t = r;
    t.path = RemoveDotSegments(r.path);
    return t.ToString();
  }
  t.scheme = b.scheme;
  if (r.has_authority) {
    t.has_authority = true;
    t.authority = r.authority;
    t.path = RemoveDotSegments(r.path);
    t.has_query = r.has_query;
    t.query = r.query;
  } else {
    t.has_authority = b.has_authority;
    t.authority = b.authority;
    if (r.path.empty()) {
      t.path = b.path;
      t.has_query = r.has_query || b.has_query;
      t.query = r.has_query ? r.query : b.query;
    } else {
      t.path =
          r.path[0] == '/' ? RemoveDotSegments(r.path) : RemoveDotSegments(MergePaths(b, r.path));
      t.has_query = r.has_query;
      t.query = r.query;
    }
  }
  t.has_fragment = r.has_fragment;
  t.fragment = r.fragment;
  return t.ToString();
}

std::string_view StripFragment(std::string_view url) {
  size_t hash = url.find('#');
  return hash == std::string_view::npos ? url : url.substr(0, hash);
}

std::string_view FragmentOf(std::string_view url) {
  size_t hash = url.find('#');
  return hash == std::string_view::npos ? std::string_view() : url.substr(hash + 1);
}

bool HasFragment(std::string_view url) {
  return url.find('#') != std::string_view::npos;
}

std::string FileUrl(std::string_view abs_path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string s = "file://";
  for (unsigned char c : abs_path) {
    // Controls, space and the delimiters that would change the URL's structure.
    if (c <= 0x20 || c == 0x7f || c == '#' || c == '?' || c == '%' || c == '"' || c == '<' ||
        c == '>' || c == '`' || c == '{' || c == '}' || c == '\\' || c == '^' || c == '|') {
      s += '%';
      s += kHex[c >> 4];
      s += kHex[c & 15];
    } else {
      s += static_cast<char>(c);
    }
  }
  return s;
}

Result<std::string> FilePath(std::string_view file_url) {
  UrlParts p = ParseUrl(file_url);
  if (p.scheme != "file") {
    return Status::InvalidArgument("{} is not a file:// URL", file_url);
  }
  if (p.has_authority && !p.authority.empty() && p.authority != "localhost") {
    return Status::InvalidArgument("file URL {} names a remote host", file_url);
  }
  return PercentDecode(p.path);
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = HexValue(s[i + 1]), lo = HexValue(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

}  // namespace flow::catalog
