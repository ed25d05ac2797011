#include "core/error.hpp"

#include <gtest/gtest.h>

namespace motcua::core {
namespace {

Result<int> Half(int n) {
  if (n % 2 != 0) return Fail(ErrorCode::kInvalidArgument, "odd", {{"n", "must be even"}});
  return n / 2;
}

TEST(Error, ResultCarriesValueOrError) {
  EXPECT_EQ(Half(4).value(), 2);
  auto odd = Half(3);
  ASSERT_FALSE(odd.has_value());
  EXPECT_EQ(odd.error().code, ErrorCode::kInvalidArgument);
  ASSERT_EQ(odd.error().fields.size(), 1u);
  EXPECT_EQ(odd.error().fields[0].field, "n");
}

TEST(Error, EveryCodeHasADistinctName) {
  std::vector<std::string_view> names;
  for (int c = 0; c <= static_cast<int>(ErrorCode::kInternal); ++c) {
    names.push_back(ErrorCodeName(static_cast<ErrorCode>(c)));
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
}

}  // namespace
}  // namespace motcua::core
