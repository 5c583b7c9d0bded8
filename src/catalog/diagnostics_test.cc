// SPDX-License-Identifier: Apache-2.0
// catalog/diagnostics_test.cc: rendering with a caret, ordering and de-duplication.
#include "catalog/diagnostics.h"

#include <doctest/doctest.h>

namespace flow::catalog {
namespace {

TEST_CASE("diagnostics: ninja-style rendering with the source line and a caret") {
  Resource r;
  r.display = "dir/flow.yaml";
  r.text = "collections:\n  a/b:\n\tkey: [/x]\n";
  Diagnostic d{Severity::kError, &r, Mark{3, 8, 0}, "location /x is unknown"};
  CHECK(FormatDiagnostic(d) ==
        "dir/flow.yaml:3:8: location /x is unknown\n\tkey: [/x]\n\t      ^\n");
  d.severity = Severity::kWarning;
  d.mark = Mark{2, 3, 0};
  CHECK(FormatDiagnostic(d) == "dir/flow.yaml:2:3: warning: location /x is unknown\n  a/b:\n  ^\n");
  Diagnostic bare{Severity::kError, nullptr, Mark{}, "cannot read x"};
  CHECK(FormatDiagnostic(bare) == "cannot read x\n");
}

TEST_CASE("diagnostics: sorted by file order, line, column; duplicates dropped") {
  Resource a, b;
  a.order = 0;
  b.order = 1;
  Diagnostics ds;
  ds.AddAtMark(Severity::kError, &b, Mark{1, 1, 0}, "b1");
  ds.AddAtMark(Severity::kWarning, &a, Mark{5, 2, 0}, "a5");
  ds.AddAtMark(Severity::kError, &a, Mark{2, 9, 0}, "a2");
  ds.AddAtMark(Severity::kError, &a, Mark{2, 9, 0}, "a2");
  ds.AddAtMark(Severity::kError, nullptr, Mark{}, "global");
  auto s = ds.Sorted();
  REQUIRE(s.size() == 4);
  CHECK(s[0].message == "global");
  CHECK(s[1].message == "a2");
  CHECK(s[2].message == "a5");
  CHECK(s[3].message == "b1");
  CHECK(ds.error_count() == 4);
  CHECK(ds.warning_count() == 1);
}

}  // namespace
}  // namespace flow::catalog
