#pragma once
// The shipped holiday table (data/calendar/holidays.json), compiled into the binary.
#include <span>

#include "core/embedded.hpp"

namespace motcua::calendar {

std::span<const core::EmbeddedFile> EmbeddedHolidays();

}  // namespace motcua::calendar
