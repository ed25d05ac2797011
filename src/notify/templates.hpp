// Message templates: the events citizens and officers are told about, the fields each event's
// templates may use, the shipped Vietnamese and English texts, and rendering `{{field}}`
// placeholders. Pure code: no SQL, no I/O.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace motcua::notify {

/// The channels a message is delivered on. `log` writes the message to the process log only.
enum class Channel { kEmail, kSms, kInApp, kLog };
std::string_view ChannelName(Channel channel);
std::optional<Channel> ParseChannel(std::string_view name);

/// One template: e-mail and in-app messages have a subject (the title); SMS only a body.
struct Template {
  std::string subject;
  std::string body;
};

/// An event with its fields and shipped texts.
struct EventInfo {
  std::string_view event;        ///< `dossier.submitted`
  std::string_view description;  ///< for the administrators' page (English)
  std::span<const std::string_view> fields;
  Template vi, en;               ///< title / text; channel templates are built from them
};

/// Every event motcua sends, in display order.
std::span<const EventInfo> Events();
const EventInfo* FindEvent(std::string_view event);

/// The shipped template of an event for a channel and language (`vi` or `en`); nullopt for an
/// unknown event.
std::optional<Template> DefaultTemplate(std::string_view event, Channel channel, std::string_view language);

/// Checks a template's text: `{{` must close, names are `[a-z0-9_]+`, and every name is one of
/// `fields`. Fails with kInvalidArgument whose message names the first problem (bilingual).
core::Result<void> Validate(std::string_view text, std::span<const std::string_view> fields);

/// Replaces every `{{name}}` (spaces inside the braces allowed) with `values[name]`. Fails with
/// kInvalidArgument naming the field when a placeholder has no value or the text is malformed;
/// a template never half-renders.
core::Result<std::string> Render(std::string_view text, const std::map<std::string, std::string>& values);

}  // namespace motcua::notify
