#include "dossier/routes.hpp"

#include <memory>

#include <boost/json.hpp>

#include <cctype>
#include <charconv>
#include <chrono>

#include "calendar/work_calendar.hpp"
#include "dossier/documents.hpp"
#include "http/json.hpp"
#include "http/problem.hpp"
#include "identity/signed.hpp"

namespace motcua::dossier {

namespace {

namespace json = boost::json;
using boost::asio::awaitable;
using core::ErrorCode;
using http::Method;
using http::Request;
using http::Response;
using Work = identity::SignedWork;

bool English(const Request& req) { return req.language == http::Language::kEn; }

std::optional<std::size_t> SizeParam(const Request& req, std::string_view name, std::size_t def, std::size_t max) {
  auto v = req.Query(name);
  if (!v || v->empty()) return def;
  std::size_t n = 0;
  auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc{} || ptr != v->data() + v->size() || n > max) return std::nullopt;
  return n;
}

core::Result<json::object> Body(const Request& req) { return http::ParseJsonObject(req, {.max_depth = 24}); }

template <typename T>
core::Result<json::value> Value(core::Result<T> r) {
  if (!r) return std::unexpected(r.error());
  return json::value(std::move(*r));
}

awaitable<Response> SubmissionTemplate(Deps& d, Request req) {
  std::string code(req.PathParam("code"));
  bool en = English(req);
  Work work = [&d, code, en](const identity::Principal& p) { return Value(d.service.SubmissionTemplate(p, code, en)); };
  Response r = co_await identity::Signed(d.auth, d.workers, req, 200, work);
  co_return r;
}

// The file goes to the blob store as it arrives: the name, type and declared size are checked
// before any byte is read, the content type from the first bytes, and at most
// kUploadBatch bytes (plus one read) are held in memory at a time.
constexpr std::size_t kUploadRead = 256 * 1024;
constexpr std::size_t kUploadBatch = 1024 * 1024;

awaitable<Response> Upload(Deps& d, Request req) {
  auto who = co_await identity::RequireSignedIn(d.auth, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  std::string name(req.Query("name").value_or(""));
  std::string type(req.Header("Content-Type").value_or(""));
  http::BodyReader* body = req.body_reader;  // null when the request has no body at all
  auto upload = d.service.StartUpload(name, type, body ? body->DeclaredLength() : std::optional<std::uint64_t>(0));
  if (!upload) co_return http::ProblemResponse(req, upload.error());
  std::string pending;
  core::Result<json::object> out = std::unexpected(core::Error{});
  for (bool end = body == nullptr; ;) {
    if (!end) {
      auto got = co_await body->Read(pending, kUploadRead);
      if (!got) {
        out = std::unexpected(got.error());
        break;
      }
      end = *got == 0;
    }
    if (auto ok = d.service.CheckUpload(*upload, pending, end); !ok) {
      out = std::unexpected(ok.error());
      break;
    }
    if (end) {  // the last bytes and the record in one trip to the worker pool
      out = co_await http::Offload(d.workers, [&]() -> core::Result<json::object> {
        if (auto written = d.service.AppendUpload(*upload, pending); !written) return std::unexpected(written.error());
        return d.service.FinishUpload(*who, *upload);
      });
      break;
    }
    if (pending.size() >= kUploadBatch) {
      auto written = co_await http::Offload(d.workers, [&]() { return d.service.AppendUpload(*upload, pending); });
      pending.clear();
      if (!written) {
        out = std::unexpected(written.error());
        break;
      }
    }
  }
  // An upload that failed half-way discards its bytes (a database call for a large one on
  // PostgreSQL), off the I/O thread.
  if (upload->writer) co_await http::Offload(d.workers, [&]() { return upload->writer.reset(), 0; });
  if (!out) co_return http::ProblemResponse(req, out.error());
  co_return http::JsonResponse(201, *out);
}

awaitable<Response> Download(Deps& d, Request req) {
  auto who = co_await identity::RequireSignedIn(d.auth, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  std::string id(req.PathParam("id"));
  struct Out {
    core::Result<json::object> meta;
    std::string bytes;
  };
  Out out = co_await http::Offload(d.workers, [&]() {
    Out o{d.service.Attachment(*who, id), {}};
    if (o.meta) {
      auto bytes = d.blobs.ReadAll(std::string(o.meta->at("sha256").as_string()));
      if (bytes) o.bytes = std::move(*bytes);
      else o.meta = std::unexpected(bytes.error());
    }
    return o;
  });
  if (!out.meta) co_return http::ProblemResponse(req, out.meta.error());
  Response r = Response::Text(200, std::move(out.bytes), std::string(out.meta->at("content_type").as_string()));
  std::string name(out.meta->at("name").as_string());
  std::string safe;
  for (char ch : name) safe += (ch == '"' || ch == '\\' || static_cast<unsigned char>(ch) < 0x20) ? '_' : ch;
  r.SetHeader("Content-Disposition", "inline; filename=\"" + safe + "\"");
  r.SetHeader("X-Content-Type-Options", "nosniff");
  r.SetHeader("Cache-Control", "private, no-store");
  co_return r;
}

awaitable<Response> ListDrafts(Deps& d, Request req) {
  Work work = [&d](const identity::Principal& p) { return Value(d.service.ListDrafts(p)); };
  Response r = co_await identity::Signed(d.auth, d.workers, req, 200, work);
  co_return r;
}

awaitable<Response> SaveDraft(Deps& d, Request req) {
  auto body = Body(req);
  if (!body) co_return http::ProblemResponse(req, body.error());
  std::string id(req.PathParam("id"));
  int status = id.empty() ? 201 : 200;
  json::object b = std::move(*body);
  Work work = [&d, id, b](const identity::Principal& p) { return Value(d.service.SaveDraft(p, id, b)); };
  Response r = co_await identity::Signed(d.auth, d.workers, req, status, work);
  co_return r;
}

awaitable<Response> GetDraft(Deps& d, Request req) {
  std::string id(req.PathParam("id"));
  Work work = [&d, id](const identity::Principal& p) { return Value(d.service.GetDraft(p, id)); };
  Response r = co_await identity::Signed(d.auth, d.workers, req, 200, work);
  co_return r;
}

awaitable<Response> DeleteDraft(Deps& d, Request req) {
  std::string id(req.PathParam("id"));
  identity::SignedAction work = [&d, id](const identity::Principal& p) { return d.service.DeleteDraft(p, id); };
  Response r = co_await identity::SignedNoContent(d.auth, d.workers, req, work);
  co_return r;
}

awaitable<Response> Submit(Deps& d, Request req) {
  auto body = Body(req);
  std::string key(req.Header("Idempotency-Key").value_or(""));
  bool en = English(req);
  // Who is asking and the submission in one trip to the worker pool; the caller is checked
  // before the body's errors are told.
  auto out = co_await http::Offload(d.workers, [&]() -> core::Result<Submitted> {
    auto who = identity::RequireSignedInHere(d.auth, req);
    if (!who) return std::unexpected(who.error());
    if (!body) return std::unexpected(body.error());
    return d.service.Submit(*who, *body, key, en);
  });
  if (!out) co_return http::ProblemResponse(req, out.error());
  Response r = http::JsonResponse(out->replayed ? 200 : 201, out->dossier);
  r.SetHeader("Location", "/api/v1/dossiers/" + std::string(out->dossier.at("code").as_string()));
  if (out->replayed) r.SetHeader("Idempotent-Replayed", "true");
  co_return r;
}

awaitable<Response> SubmitBundle(Deps& d, Request req) {
  auto who = co_await identity::RequireSignedIn(d.auth, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  auto body = Body(req);
  if (!body) co_return http::ProblemResponse(req, body.error());
  std::string key(req.Header("Idempotency-Key").value_or(""));
  std::string code(req.PathParam("code"));
  bool en = English(req);
  auto out = co_await http::Offload(d.workers, [&]() { return d.service.SubmitBundle(*who, code, *body, key, en); });
  if (!out) co_return http::ProblemResponse(req, out.error());
  bool replayed = out->contains("replayed");
  out->erase("replayed");
  Response r = http::JsonResponse(replayed ? 200 : 201, *out);
  r.SetHeader("Location", "/api/v1/dossier-bundles/" + std::string(out->at("id").as_string()));
  if (replayed) r.SetHeader("Idempotent-Replayed", "true");
  co_return r;
}

awaitable<Response> GetBundle(Deps& d, Request req) {
  std::string id(req.PathParam("id"));
  bool en = English(req);
  Work work = [&d, id, en](const identity::Principal& p) { return Value(d.service.GetBundle(p, id, en)); };
  Response r = co_await identity::Signed(d.auth, d.workers, req, 200, work);
  co_return r;
}

awaitable<Response> GetDossier(Deps& d, Request req) {
  std::string code(req.PathParam("code"));
  bool en = English(req);
  Work work = [&d, code, en](const identity::Principal& p) { return Value(d.service.Get(p, code, en)); };
  Response r = co_await identity::Signed(d.auth, d.workers, req, 200, work);
  co_return r;
}

awaitable<Response> Act(Deps& d, Request req) {
  std::string code(req.PathParam("code")), action(req.PathParam("action"));
  json::object b;
  if (!req.body.empty()) {
    auto body = Body(req);
    if (!body) co_return http::ProblemResponse(req, body.error());
    b = std::move(*body);
  }
  bool en = English(req);
  Work work = [&d, code, action, b, en](const identity::Principal& p) { return Value(d.service.Act(p, code, action, b, en)); };
  Response r = co_await identity::Signed(d.auth, d.workers, req, 200, work);
  co_return r;
}

awaitable<Response> Mine(Deps& d, Request req) {
  auto limit = SizeParam(req, "limit", 20, 100);
  auto offset = SizeParam(req, "cursor", 0, 1000000);
  auto status = SizeParam(req, "status", 0, 10);
  if (!limit || *limit == 0 || !offset || !status) {
    co_return http::ProblemResponse(req, {ErrorCode::kInvalidArgument, "limit 1–100, status 1–10, cursor do máy chủ trả về. / limit is 1–100, status 1–10, cursor as returned.", {}});
  }
  std::optional<int> st = *status == 0 ? std::nullopt : std::optional<int>(static_cast<int>(*status));
  std::size_t l = *limit, o = *offset;
  bool en = English(req);
  Work work = [&d, st, l, o, en](const identity::Principal& p) { return Value(d.service.Mine(p, st, o, l, en)); };
  Response r = co_await identity::Signed(d.auth, d.workers, req, 200, work);
  co_return r;
}

awaitable<Response> Inbox(Deps& d, Request req) {
  auto limit = SizeParam(req, "limit", 20, 100);
  auto offset = SizeParam(req, "cursor", 0, 1000000);
  if (!limit || *limit == 0 || !offset) {
    co_return http::ProblemResponse(req, {ErrorCode::kInvalidArgument, "limit 1–100, cursor do máy chủ trả về. / limit is 1–100, cursor as returned.", {}});
  }
  std::string box(req.Query("box").value_or("all")), q(req.Query("q").value_or("")), sort(req.Query("sort").value_or("due_at"));
  std::size_t l = *limit, o = *offset;
  bool en = English(req);
  Work work = [&d, box, q, sort, l, o, en](const identity::Principal& p) { return Value(d.service.Inbox(p, box, q, sort, o, l, en)); };
  Response r = co_await identity::Signed(d.auth, d.workers, req, 200, work);
  co_return r;
}

awaitable<Response> Officers(Deps& d, Request req) {
  std::string agency(req.PathParam("code")), role(req.Query("role").value_or("specialist"));
  Work work = [&d, agency, role](const identity::Principal& p) { return Value(d.service.Officers(p, agency, role)); };
  Response r = co_await identity::Signed(d.auth, d.workers, req, 200, work);
  co_return r;
}

awaitable<Response> Track(Deps& d, Request req) {
  std::optional<identity::Principal> who;
  auto id = co_await d.auth.Identify(req);
  if (id && *id) who = **id;
  std::string code(req.PathParam("code")), id_number(req.Query("id_number").value_or(""));
  if (code.size() > 40 || id_number.size() > 20) co_return http::ProblemResponse(req, {ErrorCode::kInvalidArgument, "Mã hồ sơ hoặc số giấy tờ quá dài. / The code or ID number is too long.", {}});
  bool en = English(req);
  // Lookups arriving together share one query (see RegisterRoutes); the owner's details are a
  // second trip, for the owner only.
  auto row = co_await d.tracking->Get(code);
  if (!row) co_return http::ProblemResponse(req, {ErrorCode::kNotFound, "Không tìm thấy hồ sơ với mã này. / No dossier has this code.", {}});
  json::object out = d.service.TrackPublic(*row, en);
  bool owner = Service::TrackOwner(*row, who, id_number);
  if (owner) co_await http::Offload(d.workers, [&]() { d.service.AddTrackDetails(out, *row, en); });
  out["detailed"] = owner;
  Response r = http::JsonResponse(200, out);
  r.SetHeader("Cache-Control", "no-store");
  co_return r;
}

awaitable<Response> Rate(Deps& d, Request req) {
  auto body = Body(req);
  if (!body) co_return http::ProblemResponse(req, body.error());
  std::string code(req.PathParam("code"));
  bool edit = req.method == Method::kPut;
  json::object b = std::move(*body);
  Work work = [&d, code, b, edit](const identity::Principal& p) { return Value(d.service.Rate(p, code, b, edit)); };
  Response r = co_await identity::Signed(d.auth, d.workers, req, edit ? 200 : 201, work);
  co_return r;
}

// The form as PDF unless the client asks for JSON: `?format=pdf|json`, else an Accept header
// that names application/json and not application/pdf (the web app's fetch) → JSON.
core::Result<bool> WantsPdf(const Request& req) {
  auto format = req.Query("format");
  if (format && !format->empty()) {
    if (*format == "pdf") return true;
    if (*format == "json") return false;
    return core::Fail(ErrorCode::kInvalidArgument, "format là pdf hoặc json. / format is pdf or json.", {{"format", std::string(*format)}});
  }
  std::string_view accept = req.Header("Accept").value_or("");
  return !(accept.find("application/json") != std::string_view::npos && accept.find("application/pdf") == std::string_view::npos);
}

std::string NowLocal() { return calendar::FormatLocal(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now())); }

Response Pdf(std::string bytes, const std::string& filename) {
  Response r = Response::Text(200, std::move(bytes), "application/pdf");
  r.SetHeader("Content-Disposition", "inline; filename=\"" + filename + "\"");
  r.SetHeader("Cache-Control", "private, no-store");
  r.SetHeader("X-Content-Type-Options", "nosniff");
  return r;
}

// A file name from a dossier code (letters, digits, `.`, `-` only).
std::string SafeName(std::string_view s) {
  std::string out;
  for (char ch : s) out += (std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-') ? ch : '_';
  return out;
}

awaitable<Response> FormData(Deps& d, Request req) {
  std::string code(req.PathParam("code")), form(req.PathParam("form"));
  bool en = English(req);
  auto who = co_await identity::RequireSignedIn(d.auth, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  auto pdf = WantsPdf(req);
  if (!pdf) co_return http::ProblemResponse(req, pdf.error());
  if (!*pdf) {
    auto data = co_await http::Offload(d.workers, [&]() { return d.service.Form(*who, code, form, en); });
    if (!data) co_return http::ProblemResponse(req, data.error());
    co_return http::JsonResponse(200, *data);
  }
  std::string base = d.public_url ? d.public_url() : std::string();
  // The lookup and the rendering both run on the worker pool (DESIGN.md §5).
  auto out = co_await http::Offload(d.workers, [&]() -> core::Result<std::string> {
    auto data = d.service.Form(*who, code, form, false);  // the printed form is Vietnamese
    if (!data) return std::unexpected(data.error());
    return FormPdf(*data, base, NowLocal());
  });
  if (!out) co_return http::ProblemResponse(req, out.error());
  co_return Pdf(std::move(*out), SafeName((form.size() == 5 ? "mau-" + form.substr(3) : form) + "-" + code) + ".pdf");
}

awaitable<Response> Csv(Deps& d, const Request& req, const std::string& filename,
                        const std::function<core::Result<std::string>(const identity::Principal&)>& make) {
  auto who = co_await identity::RequireSignedIn(d.auth, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  auto out = co_await http::Offload(d.workers, [&]() { return make(*who); });
  if (!out) co_return http::ProblemResponse(req, out.error());
  Response r = Response::Text(200, std::move(*out), "text/csv; charset=utf-8");
  r.SetHeader("Content-Disposition", "attachment; filename=\"" + filename + "\"");
  co_return r;
}

awaitable<Response> ControlSheet(Deps& d, Request req) {
  std::string code(req.PathParam("code"));
  std::string filename = "mau05-" + code + ".csv";
  std::function<core::Result<std::string>(const identity::Principal&)> make = [&d, code](const identity::Principal& p) { return d.service.ControlSheetCsv(p, code); };
  Response r = co_await Csv(d, req, filename, make);
  co_return r;
}

awaitable<Response> Register(Deps& d, Request req) {
  std::string from(req.Query("from").value_or("")), to(req.Query("to").value_or(""));
  std::string filename = "mau06-" + from + "-" + to + ".csv";
  std::function<core::Result<std::string>(const identity::Principal&)> make = [&d, from, to](const identity::Principal& p) { return d.service.RegisterCsv(p, from, to); };
  Response r = co_await Csv(d, req, filename, make);
  co_return r;
}

awaitable<Response> RegisterDocument(Deps& d, Request req) {
  auto who = co_await identity::RequireSignedIn(d.auth, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  std::string from(req.Query("from").value_or("")), to(req.Query("to").value_or(""));
  auto out = co_await http::Offload(d.workers, [&]() -> core::Result<std::string> {
    auto data = d.service.RegisterData(*who, from, to);
    if (!data) return std::unexpected(data.error());
    return RegisterPdf(*data, NowLocal());
  });
  if (!out) co_return http::ProblemResponse(req, out.error());
  co_return Pdf(std::move(*out), SafeName("mau-06-" + from + "-" + to) + ".pdf");
}

// ETag: the configuration's revision (kept by the work that read it), for If-Match on PUT.
void SetRevisionTag(Response& r, const std::string& revision) {
  if (r.status == 200 && !revision.empty()) r.SetHeader("ETag", "\"" + revision + "\"");
}

// The work of a config route, remembering the answer's revision in `revision`.
template <typename Call>
Work ConfigWork(std::shared_ptr<std::string> revision, Call call) {
  return [revision, call](const identity::Principal& p) {
    auto r = call(p);
    if (r && r->contains("revision") && r->at("revision").is_string()) *revision = r->at("revision").as_string();
    return Value(std::move(r));
  };
}

awaitable<Response> GetConfig(Deps& d, Request req) {
  std::string code(req.PathParam("code"));
  auto revision = std::make_shared<std::string>();
  Work work = ConfigWork(revision, [&d, code](const identity::Principal& p) { return d.service.GetConfig(p, code); });
  Response r = co_await identity::Signed(d.auth, d.workers, req, 200, work);
  SetRevisionTag(r, *revision);
  co_return r;
}

awaitable<Response> PutConfig(Deps& d, Request req) {
  auto body = Body(req);
  if (!body) co_return http::ProblemResponse(req, body.error());
  std::string code(req.PathParam("code"));
  json::object b = std::move(*body);
  // If-Match: "<revision>" (from the GET's ETag): saved only over that revision, else 409.
  std::optional<std::string> if_match;
  if (auto h = req.Header("If-Match"); h && !h->empty()) {
    std::string_view v = *h;
    if (v.starts_with("W/")) v.remove_prefix(2);
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    if_match = std::string(v);
  }
  auto revision = std::make_shared<std::string>();
  Work work = ConfigWork(revision, [&d, code, b, if_match](const identity::Principal& p) { return d.service.PutConfig(p, code, b, if_match); });
  Response r = co_await identity::Signed(d.auth, d.workers, req, 200, work);
  SetRevisionTag(r, *revision);
  co_return r;
}

}  // namespace

void RegisterRoutes(http::Router& router, Deps& deps) {
  auto bind = [&deps](auto handler) { return std::bind_front(handler, std::ref(deps)); };
  // Public tracking is the most frequent anonymous lookup: under load, the lookups waiting for a
  // worker go to the database together. One lane: its batches are larger, and it answered more
  // lookups per second than two lanes on both engines (PostgreSQL 32–36k against 27–29k/s at 64
  // connections on 2 cores), and it leaves the other workers for everything else.
  deps.tracking = std::make_shared<http::Coalescer<TrackRow>>(
      deps.workers, [&svc = deps.service](const std::vector<std::string>& codes) { return svc.TrackRows(codes); }, 1, 128);
  router.Add(Method::kGet, "/api/v1/procedures/{code}/submission", bind(&SubmissionTemplate));
  router.Add(Method::kPost, "/api/v1/attachments", bind(&Upload), {.body_limit = (10u << 20) + 1, .stream_body = true});
  router.Add(Method::kGet, "/api/v1/attachments/{id}", bind(&Download));
  router.Add(Method::kGet, "/api/v1/dossier-drafts", bind(&ListDrafts));
  router.Add(Method::kPost, "/api/v1/dossier-drafts", bind(&SaveDraft), {.body_limit = 300u << 10});
  router.Add(Method::kGet, "/api/v1/dossier-drafts/{id}", bind(&GetDraft));
  router.Add(Method::kPut, "/api/v1/dossier-drafts/{id}", bind(&SaveDraft), {.body_limit = 300u << 10});
  router.Add(Method::kDelete, "/api/v1/dossier-drafts/{id}", bind(&DeleteDraft));
  router.Add(Method::kPost, "/api/v1/dossiers", bind(&Submit), {.body_limit = 300u << 10});
  router.Add(Method::kPost, "/api/v1/bundles/{code}/dossiers", bind(&SubmitBundle), {.body_limit = 600u << 10});
  router.Add(Method::kGet, "/api/v1/dossier-bundles/{id}", bind(&GetBundle));
  router.Add(Method::kGet, "/api/v1/dossiers/{code}", bind(&GetDossier));
  router.Add(Method::kPost, "/api/v1/dossiers/{code}/actions/{action}", bind(&Act), {.body_limit = 300u << 10});
  router.Add(Method::kPost, "/api/v1/dossiers/{code}/rating", bind(&Rate), {.body_limit = 16u << 10});
  router.Add(Method::kPut, "/api/v1/dossiers/{code}/rating", bind(&Rate), {.body_limit = 16u << 10});
  router.Add(Method::kGet, "/api/v1/dossiers/{code}/forms/{form}", bind(&FormData));
  router.Add(Method::kGet, "/api/v1/dossiers/{code}/control-sheet.csv", bind(&ControlSheet));
  router.Add(Method::kGet, "/api/v1/me/dossiers", bind(&Mine));
  router.Add(Method::kGet, "/api/v1/inbox", bind(&Inbox));
  router.Add(Method::kGet, "/api/v1/agencies/{code}/officers", bind(&Officers));
  router.Add(Method::kGet, "/api/v1/reports/register.csv", bind(&Register));
  router.Add(Method::kGet, "/api/v1/reports/register.pdf", bind(&RegisterDocument));
  router.Add(Method::kGet, "/api/v1/track/{code}", bind(&Track));
  router.Add(Method::kGet, "/api/v1/admin/procedures/{code}/config", bind(&GetConfig));
  router.Add(Method::kPut, "/api/v1/admin/procedures/{code}/config", bind(&PutConfig), {.body_limit = 512u << 10});
}

}  // namespace motcua::dossier
