// SPDX-License-Identifier: Apache-2.0
// doc/combine/codec.h: the compact binary form of a Node used in spill files.
//
// One tag byte per node, then its payload (see README.md "Spill files"): varints for
// integers and lengths, 8 little-endian bytes for doubles, raw bytes for strings and
// property names. Objects are written in their (sorted) field order, so decoding needs
// no sort. Decoding allocates into an Arena and validates every length against the
// input, returning Corruption instead of reading past it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "doc/arena.h"
#include "doc/node.h"

namespace flow::doc::combine {

void PutVarint(uint64_t v, std::string* out);
/// Reads a varint at `*p` (advancing it); false if the input ends or it is too long.
bool GetVarint(const char** p, const char* end, uint64_t* v);

/// Appends the encoding of `n`.
void EncodeNode(const Node& n, std::string* out);
/// Decodes one node at `*p` (advancing it) into `arena`.
Result<Node> DecodeNode(const char** p, const char* end, Arena& arena);

}  // namespace flow::doc::combine
