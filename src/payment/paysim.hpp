// The payment platform's sandbox (`motcua paysim`): serves the platform side of protocol
// v1.0.6 on loopback — INIT answers a UrlThanhToan to its own approve/decline page, a decision
// sends the signed confirmation callback to motcua, QUERY and GET_BILL answer from its memory —
// with knobs for testers: callback delay, duplicated, lost or badly signed callbacks.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace motcua::payment {

struct PaySimOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  ///< 0 picks a free port
  std::string partner = "MOTCUA", secret = "paysim-secret";
  std::string callback_url;  ///< motcua's POST /api/v1/payments/callback
  std::string return_url;    ///< where the payer's browser goes after deciding (?MaThamChieu=…&MaLoi=…)
  std::chrono::milliseconds delay{0};  ///< before each callback is sent
  int deliveries = 1;                  ///< how many times each callback is sent (duplicates)
  bool drop = false;                   ///< never send callbacks (lost; QUERY still answers)
  bool bad_signature = false;          ///< sign callbacks with a wrong secret
};

class PaySim {
 public:
  explicit PaySim(PaySimOptions options);
  ~PaySim();
  PaySim(const PaySim&) = delete;
  PaySim& operator=(const PaySim&) = delete;

  /// Binds and serves on background threads.
  void Start();
  std::uint16_t Port() const;
  /// The URL to give motcua as payment_platform_url.
  std::string PlatformUrl() const;
  /// Starts, serves until SIGTERM/SIGINT, stops.
  void RunUntilSignal();
  /// Changes the callback knobs at run time (tests). Thread-safe.
  void Configure(int deliveries, bool drop, bool bad_signature);
  /// Where callbacks go (when motcua's port is known only after the sandbox started).
  void SetCallbackUrl(std::string url);
  /// Callbacks answered by motcua so far (any status). Thread-safe.
  std::size_t CallbacksDelivered() const;
  /// Waits until every callback scheduled so far has been sent.
  void Flush();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

/// `motcua paysim` entry point.
int RunPaySim(const PaySimOptions& options);

}  // namespace motcua::payment
