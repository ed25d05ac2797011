// The official forms of a dossier as PDF documents: maps the data the service answers for a
// form (Service::Form, Service::RegisterData) onto the docs module's renderer. Pure and
// thread-safe; rendering takes CPU, so call it from the worker pool.
#pragma once

#include <boost/json/object.hpp>

#include <string>

namespace motcua::dossier {

/// `<public_url>/tra-cuu-ho-so?ma=<code>`: the public tracking page the QR codes link to.
std::string TrackingUrl(const std::string& public_url, const std::string& code);

/// The PDF of a form from its data (`form` is `mau-01` … `mau-06`); `public_url` makes the QR
/// code's address; `now_local` (RFC 3339, Vietnam's time) dates forms that carry no date of
/// their own.
std::string FormPdf(const boost::json::object& data, const std::string& public_url, const std::string& now_local);

/// The PDF of the register over a period (Service::RegisterData), without a QR code.
std::string RegisterPdf(const boost::json::object& data, const std::string& now_local);

}  // namespace motcua::dossier
