// Small text helpers shared by the lower layers.
#pragma once

#include <string>
#include <string_view>

namespace motcua::core {

/// Value of a hexadecimal digit (either case), or -1 when `c` is not one.
int HexDigitValue(char c);

/// Whether `text` is well-formed UTF-8 (RFC 3629): no stray or missing continuation bytes, no
/// overlong forms, no surrogates, nothing above U+10FFFF. What PostgreSQL's UTF8 text accepts,
/// apart from NUL.
bool IsUtf8(std::string_view text);

/// A connection URL with its password replaced by `***`, in both the userinfo form
/// (`postgresql://u:***@h/db`) and the `password=` parameter form. Other text is unchanged.
std::string RedactUrlPassword(std::string_view url);

}  // namespace motcua::core
