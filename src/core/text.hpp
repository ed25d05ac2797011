// Small text helpers shared by the lower layers.
#pragma once

#include <string>
#include <string_view>

namespace motcua::core {

/// Value of a hexadecimal digit (either case), or -1 when `c` is not one.
int HexDigitValue(char c);

/// A connection URL with its password replaced by `***`, in both the userinfo form
/// (`postgresql://u:***@h/db`) and the `password=` parameter form. Other text is unchanged.
std::string RedactUrlPassword(std::string_view url);

}  // namespace motcua::core
