#include "payment/paysim.hpp"

#include <atomic>
#include <cctype>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "core/log.hpp"
#include "http/client.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "http/static_files.hpp"
#include "payment/protocol.hpp"

namespace motcua::payment {

using boost::asio::awaitable;
using http::Method;
using http::Request;
using http::Response;
using Clock = std::chrono::system_clock;

namespace {

struct Payment {
  Init init;
  std::string state = std::string(kStatePending);
  std::string code;  ///< MaLoi once decided
  std::string platform_txn, bank, time;
};

std::string Escape(std::string_view s) {
  std::string out;
  for (char ch : s) {
    switch (ch) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += ch;
    }
  }
  return out;
}

// A tiny one-page PDF: the sandbox's stand-in for the platform's e-receipt (biên lai).
std::string ReceiptPdf(const Payment& p) {
  std::string text = "BIEN LAI DIEN TU (SANDBOX) " + p.init.reference + " " + std::to_string(p.init.amount) + " VND";
  std::string content = "BT /F1 12 Tf 40 780 Td (" + text + ") Tj ET";
  return "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
         "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
         "4 0 obj<</Length " + std::to_string(content.size()) + ">>stream\n" + content + "\nendstream endobj\n"
         "5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
}

}  // namespace

struct PaySim::Impl {
  PaySimOptions options;
  http::Metrics metrics;
  http::StaticFiles files;
  http::Router router;
  std::unique_ptr<http::Server> server;
  mutable std::mutex mu;
  std::map<std::string, Payment> payments;
  std::vector<std::thread> senders;
  std::atomic<std::size_t> delivered{0};
  std::atomic<std::uint64_t> seq{0};

  Confirmation Signed(const Payment& p, std::string type, const std::string& secret) const {
    Confirmation c;
    c.type = std::move(type);
    c.code = p.code.empty() ? std::string("09") : p.code;
    c.partner = p.init.partner;
    c.reference = p.init.reference;
    c.amount = std::to_string(p.init.amount);
    c.currency = "VND";
    c.platform_txn = p.platform_txn;
    c.bank = p.bank;
    c.time = p.time;
    c.info = p.init.info;
    c.mac = SignConfirmation(c, secret);
    return c;
  }

  void Decide(const std::string& reference, bool approve, const std::string& bank) {
    Confirmation conf;
    int deliveries;
    bool drop;
    std::string callback_url;
    {
      std::lock_guard lock(mu);
      auto it = payments.find(reference);
      if (it == payments.end() || it->second.state != kStatePending) return;
      Payment& p = it->second;
      p.state = std::string(approve ? kStatePaid : kStateFailed);
      p.code = approve ? std::string(kSuccess) : std::string("24");  // 24: the payer cancelled
      p.platform_txn = "SIM" + std::to_string(++seq);
      p.bank = bank;
      p.time = PlatformTime(Clock::now());
      conf = Signed(p, "CONFIRM", options.bad_signature ? options.secret + "-wrong" : options.secret);
      deliveries = options.deliveries;
      drop = options.drop;
      callback_url = options.callback_url;
    }
    if (drop || callback_url.empty()) return;
    std::string body = EncodeConfirmation(conf);
    std::lock_guard lock(mu);
    senders.emplace_back([this, body, deliveries, callback_url, delay = options.delay] {
      for (int i = 0; i < deliveries; ++i) {
        if (delay.count() > 0) std::this_thread::sleep_for(delay);
        http::ClientRequest req;
        req.method = "POST";
        req.url = callback_url;
        req.headers = {{"Content-Type", "application/json"}};
        req.body = body;
        auto r = http::FetchBlocking(req);
        if (r) ++delivered;
        core::Log(core::LogLevel::kInfo, "paysim callback", {{"status", static_cast<std::int64_t>(r ? r->status : 0)}});
      }
    });
  }

  Response Platform(const Request& req) {
    std::string type = MessageType(req.body);
    if (type == "INIT") {
      auto init = DecodeInit(req.body, options.secret);
      if (!init || init->partner != options.partner) return Response::Text(200, R"({"error_code":"1","message":"invalid MaXacThuc"})", "application/json");
      std::lock_guard lock(mu);
      if (payments.contains(init->reference)) return Response::Text(200, R"({"error_code":"2","message":"duplicate MaThamChieu"})", "application/json");
      payments[init->reference] = Payment{*init, std::string(kStatePending), "", "", "", ""};
      std::string base = "http://" + options.host + ":" + std::to_string(server->Port());
      return Response::Text(200, EncodeInitReply(base + "/pay/" + init->reference), "application/json");
    }
    auto q = DecodeQuery(req.body, options.secret);
    if (!q || q->partner != options.partner) return Response::Text(400, R"({"MaLoi":"01","MoTaLoi":"invalid MaXacThuc"})", "application/json");
    std::lock_guard lock(mu);
    if (q->type == "DOI_SOAT") {
      // The day's statement: every payment that succeeded on that local day, as CSV.
      std::string csv = "MaThamChieu,SoTien,MaGiaoDich,MaNganHang,ThoiGianGD,MaLoaiGiaoDich\r\n";
      for (const auto& [ref, p] : payments) {
        if (p.state == kStatePaid && p.time.starts_with(q->reference) && q->reference.size() == 8) {
          csv += ref + "," + std::to_string(p.init.amount) + "," + p.platform_txn + "," + p.bank + "," + p.time + "," + p.init.type_code + "\r\n";
        }
      }
      return Response::Text(200, std::move(csv), "text/csv; charset=utf-8");
    }
    auto it = payments.find(q->reference);
    if (it == payments.end()) return Response::Text(404, R"({"MaLoi":"04","MoTaLoi":"unknown MaThamChieu"})", "application/json");
    if (q->type == "GET_BILL") {
      if (it->second.state != kStatePaid) return Response::Text(409, R"({"MaLoi":"07","MoTaLoi":"not paid"})", "application/json");
      return Response::Text(200, ReceiptPdf(it->second), "application/pdf");
    }
    Confirmation c = Signed(it->second, "QUERY", options.secret);
    c.state = it->second.state;
    return Response::Text(200, EncodeConfirmation(c), "application/json");
  }

  Response Page(const std::string& reference) {
    std::lock_guard lock(mu);
    auto it = payments.find(reference);
    if (it == payments.end()) return Response::Text(404, "<!doctype html><p>Không có giao dịch này.</p>", "text/html; charset=utf-8");
    const Payment& p = it->second;
    std::string ref = Escape(reference);
    std::string html =
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><link rel=\"icon\" href=\"data:,\"><title>Cổng thanh toán thử nghiệm</title></head><body>"
        "<h1>Cổng thanh toán thử nghiệm (sandbox)</h1><dl><dt>Mã tham chiếu</dt><dd id=\"reference\">" + ref +
        "</dd><dt>Số tiền</dt><dd id=\"amount\">" + std::to_string(p.init.amount) + " VND</dd><dt>Nội dung</dt><dd>" +
        Escape(p.init.info) + "</dd><dt>Loại giao dịch</dt><dd id=\"type-code\">" + Escape(p.init.type_code) + "</dd><dt>Trạng thái</dt><dd id=\"state\">" + Escape(p.state) + "</dd></dl>";
    if (p.state == kStatePending) {
      html += "<form method=\"post\" action=\"/pay/" + ref + "/approve\"><label for=\"bank\">Ngân hàng / Bank</label> "
              "<select id=\"bank\" name=\"bank\"><option>NCB</option><option>VCB</option><option>BIDV</option></select> "
              "<button id=\"approve\">Thanh toán (approve)</button></form>"
              "<form method=\"post\" action=\"/pay/" + ref + "/decline\"><button id=\"decline\">Hủy (decline)</button></form>";
    }
    return Response::Text(200, html + "</body></html>", "text/html; charset=utf-8");
  }

  Response Decided(const std::string& reference, bool approve, std::string_view form) {
    // The payer's bank from the page's form (bank=VCB); NCB when none.
    std::string bank = "NCB";
    if (auto at = form.find("bank="); at != std::string_view::npos) {
      std::string chosen;
      for (char ch : form.substr(at + 5)) {
        if (!std::isalnum(static_cast<unsigned char>(ch)) || chosen.size() >= 20) break;
        chosen += ch;
      }
      if (!chosen.empty()) bank = chosen;
    }
    Decide(reference, approve, bank);
    if (options.return_url.empty()) return Page(reference);
    Response r = Response::Text(303, "", "text/plain");
    // `{MaHoSo}` in the return URL becomes the dossier code (from ThongTinBienLai), so the
    // browser can land on the dossier's own page.
    std::string target = options.return_url, dossier;
    {
      std::lock_guard lock(mu);
      if (auto it = payments.find(reference); it != payments.end()) dossier = it->second.init.dossier_code;
    }
    if (auto at = target.find("{MaHoSo}"); at != std::string::npos) target.replace(at, 8, dossier);
    std::string sep = target.find('?') == std::string::npos ? "?" : "&";
    r.SetHeader("Location", target + sep + "MaThamChieu=" + reference + "&MaLoi=" + (approve ? "00" : "24"));
    return r;
  }
};

namespace {

// Free functions bound to the state, not capturing lambdas, as coroutines (STYLE.md).
awaitable<Response> PlatformRoute(PaySim::Impl* s, Request req) { co_return s->Platform(req); }
awaitable<Response> PageRoute(PaySim::Impl* s, Request req) { co_return s->Page(std::string(req.PathParam("reference"))); }
// Decisions send callbacks on their own threads, so the I/O thread never blocks.
awaitable<Response> ApproveRoute(PaySim::Impl* s, Request req) { co_return s->Decided(std::string(req.PathParam("reference")), true, req.body); }
awaitable<Response> DeclineRoute(PaySim::Impl* s, Request req) { co_return s->Decided(std::string(req.PathParam("reference")), false, req.body); }

}  // namespace

PaySim::PaySim(PaySimOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  Impl* s = impl_.get();
  s->router.Add(Method::kPost, "/api/paygov", std::bind_front(&PlatformRoute, s), {.body_limit = 64u << 10});
  s->router.Add(Method::kGet, "/pay/{reference}", std::bind_front(&PageRoute, s));
  s->router.Add(Method::kPost, "/pay/{reference}/approve", std::bind_front(&ApproveRoute, s));
  s->router.Add(Method::kPost, "/pay/{reference}/decline", std::bind_front(&DeclineRoute, s));
  http::ServerOptions so;
  so.host = impl_->options.host;
  so.port = impl_->options.port;
  so.threads = 1;
  so.access_log = false;
  so.api_prefixes = {"api", "pay"};
  impl_->server = std::make_unique<http::Server>(so, impl_->router, impl_->metrics, impl_->files);
}

PaySim::~PaySim() {
  impl_->server->Stop();
  impl_->server->Wait();
  Flush();
}

void PaySim::Start() { impl_->server->Start(); }
std::uint16_t PaySim::Port() const { return impl_->server->Port(); }
std::string PaySim::PlatformUrl() const { return "http://" + impl_->options.host + ":" + std::to_string(Port()) + "/api/paygov"; }
void PaySim::RunUntilSignal() { impl_->server->RunUntilSignal(); }

void PaySim::Configure(int deliveries, bool drop, bool bad_signature) {
  std::lock_guard lock(impl_->mu);
  impl_->options.deliveries = deliveries;
  impl_->options.drop = drop;
  impl_->options.bad_signature = bad_signature;
}

void PaySim::SetCallbackUrl(std::string url) {
  std::lock_guard lock(impl_->mu);
  impl_->options.callback_url = std::move(url);
}

std::size_t PaySim::CallbacksDelivered() const { return impl_->delivered.load(); }

void PaySim::Flush() {
  std::vector<std::thread> senders;
  {
    std::lock_guard lock(impl_->mu);
    senders.swap(impl_->senders);
  }
  for (auto& t : senders) t.join();
}

int RunPaySim(const PaySimOptions& options) {
  PaySim sim(options);
  core::Log(core::LogLevel::kInfo, "paysim starting", {{"host", std::string_view(options.host)}, {"port", static_cast<std::int64_t>(options.port)},
                                                       {"callback_url", std::string_view(options.callback_url)}});
  sim.RunUntilSignal();
  sim.Flush();
  return 0;
}

}  // namespace motcua::payment
