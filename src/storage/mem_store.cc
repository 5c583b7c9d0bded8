// SPDX-License-Identifier: Apache-2.0
// storage/mem_store.cc: the in-memory FragmentStore.
#include "storage/mem_store.h"

#include <chrono>

namespace flow::storage {

MemStore::MemStore(std::string name) : url_("memory://" + std::move(name) + "/") {
  now_ = [] {
    return static_cast<int64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count());
  };
}

Status MemStore::Put(std::string_view path, std::string_view data, const PutOptions& options) {
  FLOW_TRY(ValidateObjectPath(path));
  std::lock_guard lock(mu_);
  if (put_error_count_ > 0) {
    --put_error_count_;
    return put_error_;
  }
  Object& obj = objects_[std::string(path)];
  obj.data = std::string(data);
  obj.mod_time = now_();
  obj.content_encoding = options.content_encoding;
  ++put_count_;
  return Status::OK();
}

Result<std::string> MemStore::Get(std::string_view path) {
  FLOW_TRY(ValidateObjectPath(path));
  std::lock_guard lock(mu_);
  auto it = objects_.find(path);
  if (it == objects_.end())
    return Status::NotFound("object {} does not exist in {}", path, url_);
  return it->second.data;
}

Result<std::string> MemStore::GetRange(std::string_view path, int64_t offset, int64_t length) {
  FLOW_TRY(ValidateObjectPath(path));
  if (offset < 0 || length < 0) {
    return Status::InvalidArgument("range [{}, +{}) of {}: negative offset or length", offset,
                                   length, path);
  }
  std::lock_guard lock(mu_);
  auto it = objects_.find(path);
  if (it == objects_.end())
    return Status::NotFound("object {} does not exist in {}", path, url_);
  const std::string& data = it->second.data;
  if (offset > static_cast<int64_t>(data.size())) {
    return Status::InvalidArgument("range [{}, +{}) of {}: starts past the end ({} bytes)", offset,
                                   length, path, data.size());
  }
  return data.substr(static_cast<size_t>(offset), static_cast<size_t>(length));
}

Result<ObjectInfo> MemStore::Stat(std::string_view path) {
  FLOW_TRY(ValidateObjectPath(path));
  std::lock_guard lock(mu_);
  auto it = objects_.find(path);
  if (it == objects_.end())
    return Status::NotFound("object {} does not exist in {}", path, url_);
  return ObjectInfo{it->first, static_cast<int64_t>(it->second.data.size()), it->second.mod_time};
}

Result<ListPage> MemStore::List(std::string_view prefix, std::string_view page_token,
                                int max_keys) {
  if (max_keys < 1 || max_keys > kMaxListKeys) {
    return Status::InvalidArgument("list {}: max_keys {} is outside 1..{}", prefix, max_keys,
                                   kMaxListKeys);
  }
  std::lock_guard lock(mu_);
  auto it = page_token.empty() ? objects_.lower_bound(prefix) : objects_.upper_bound(page_token);
  ListPage page;
  for (; it != objects_.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) {
      if (it->first > prefix)
        break;  // past every key with this prefix
      continue;
    }
    if (page.objects.size() == static_cast<size_t>(max_keys)) {
      page.next_page_token = page.objects.back().path;
      break;
    }
    page.objects.push_back(
        ObjectInfo{it->first, static_cast<int64_t>(it->second.data.size()), it->second.mod_time});
  }
  return page;
}

Status MemStore::Delete(std::string_view path) {
  FLOW_TRY(ValidateObjectPath(path));
  std::lock_guard lock(mu_);
  auto it = objects_.find(path);
  if (it != objects_.end())
    objects_.erase(it);
  return Status::OK();
}

void MemStore::SetClock(std::function<int64_t()> now) {
  std::lock_guard lock(mu_);
  now_ = std::move(now);
}

void MemStore::FailPuts(Status status, int count) {
  std::lock_guard lock(mu_);
  put_error_ = std::move(status);
  put_error_count_ = count;
}

Result<std::string> MemStore::ContentEncoding(std::string_view path) {
  std::lock_guard lock(mu_);
  auto it = objects_.find(path);
  if (it == objects_.end())
    return Status::NotFound("object {} does not exist in {}", path, url_);
  return it->second.content_encoding;
}

size_t MemStore::size() {
  std::lock_guard lock(mu_);
  return objects_.size();
}

int64_t MemStore::put_count() {
  std::lock_guard lock(mu_);
  return put_count_;
}

}  // namespace flow::storage
