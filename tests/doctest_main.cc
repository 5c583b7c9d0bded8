// SPDX-License-Identifier: Apache-2.0
// tests/doctest_main.cc: the one doctest main linked into every module's test binary.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
