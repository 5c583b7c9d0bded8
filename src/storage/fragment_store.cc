// SPDX-License-Identifier: Apache-2.0
// storage/fragment_store.cc: key validation and helpers shared by every FragmentStore.
#include "storage/fragment_store.h"

#include "base/file.h"

namespace flow::storage {

Status ValidateObjectPath(std::string_view path) {
  if (path.empty())
    return Status::InvalidArgument("object key is empty");
  if (path.size() > kMaxObjectPathLength) {
    return Status::InvalidArgument("object key \"{}\": {} bytes is over {}", path, path.size(),
                                   kMaxObjectPathLength);
  }
  if (path.find('\0') != std::string_view::npos)
    return Status::InvalidArgument("object key \"{}\": contains a NUL byte", path);
  if (path.front() == '/')
    return Status::InvalidArgument("object key \"{}\": must be relative", path);
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    std::string_view seg = path.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (seg.empty() || seg == "." || seg == "..") {
      return Status::InvalidArgument("object key \"{}\": empty, \".\" or \"..\" segment", path);
    }
    if (slash == std::string_view::npos)
      break;
    start = slash + 1;
  }
  return Status::OK();
}

Status FragmentStore::PutFile(std::string_view path, const std::string& local_path,
                              const PutOptions& options) {
  FLOW_ASSIGN_OR_RETURN(std::string data, ReadFile(local_path));
  return Put(path, data, options);
}

Result<std::vector<ObjectInfo>> ListAll(FragmentStore& store, std::string_view prefix) {
  std::vector<ObjectInfo> out;
  std::string token;
  do {
    FLOW_ASSIGN_OR_RETURN(ListPage page, store.List(prefix, token));
    for (auto& obj : page.objects)
      out.push_back(std::move(obj));
    token = std::move(page.next_page_token);
  } while (!token.empty());
  return out;
}

Result<bool> Exists(FragmentStore& store, std::string_view path) {
  Result<ObjectInfo> info = store.Stat(path);
  if (info.ok())
    return true;
  if (info.status().Is(Code::kNotFound))
    return false;
  return info.status();
}

}  // namespace flow::storage
