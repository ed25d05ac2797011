// The payment platform's message protocol v1.0.6 (DOMAIN.md §2.9): INIT, the confirmation
// callback (IPN) and its reply, QUERY and GET_BILL, with their MaXacThuc — the lowercase hex
// SHA-256 of the pipe-joined fields followed by the shared secret. Pure code: no I/O.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace motcua::payment {

inline constexpr std::string_view kVersion = "1.0.6";
inline constexpr std::string_view kSuccess = "00";  ///< MaLoi of a successful payment

/// Lowercase hex SHA-256 of `f1|f2|…|fn|secret`.
std::string Mac(const std::vector<std::string_view>& fields, std::string_view secret);
/// Compares a received MaXacThuc with the expected one in time independent of where they
/// differ (case-insensitive hex; a length mismatch is a plain mismatch).
bool MacEquals(std::string_view expected, std::string_view received);

/// `yyyyMMddHHmmss`, 24-hour, in Asia/Ho_Chi_Minh (UTC+7, no DST).
std::string PlatformTime(std::chrono::system_clock::time_point t);
/// MaThamChieu: the dossier code without non-word characters, then yyyyMMddHHmmss and the
/// milliseconds (unique per attempt; the database's unique constraint is the final guard).
std::string Reference(std::string_view dossier_code, std::chrono::system_clock::time_point t);
/// Integer VND as the platform writes it (no separators); nullopt unless all digits, > 0.
std::optional<std::int64_t> ParseAmount(std::string_view s);

/// One line of ThongTinBienLai.PhiLePhi.
struct FeeLine {
  std::string kind;  ///< phi | le_phi | other
  std::string code, name;
  std::int64_t amount = 0;
};

/// INIT (provider → platform).
struct Init {
  std::string partner;        ///< MaDoiTac
  std::string reference;      ///< MaThamChieu
  std::int64_t amount = 0;    ///< SoTien
  std::string bank = "PAYMENT";  ///< MaNganHang; PAYMENT lets the payer choose
  std::string info;           ///< ThongTinGiaoDich
  std::string time;           ///< ThoiGianGD
  std::string ip;             ///< the payer's IP
  // ThongTinBienLai (subset we fill)
  std::string procedure_code, procedure_name, agency_code, agency_name, dossier_code, payer_name, payer_id;
  std::vector<FeeLine> fees;
  /// The payment transaction-type code of Decision 31/2021 Art. 36 (`G22.99…`), sent as
  /// ThongTinBienLai.MaLoaiGiaoDich (outside the MAC, whose fields are fixed by the table).
  std::string type_code = "G22.99";
};
/// Whether `code` is a transaction-type code: `G22.99`, then up to four `.`-separated
/// segments of 1–10 digits or capital letters (the rest of the structure is VPCP's).
bool ValidTypeCode(std::string_view code);
/// The MAC input fields of INIT, in the table's order (without the secret).
std::vector<std::string> InitMacFields(const Init& m);
/// The INIT request body (JSON), MaXacThuc included.
std::string EncodeInit(const Init& m, std::string_view secret);
/// Parses and verifies an INIT body (the sandbox side). nullopt when malformed or badly signed.
std::optional<Init> DecodeInit(std::string_view body, std::string_view secret);
/// The platform's INIT answer: {error_code:"0", message:"{\"UrlThanhToan\":…}"}.
std::string EncodeInitReply(std::string_view pay_url);
/// UrlThanhToan from an INIT answer; nullopt when the platform refused.
std::optional<std::string> DecodeInitReply(std::string_view body);

/// The confirmation callback (platform → provider), also the body of a QUERY answer.
struct Confirmation {
  std::string type = "CONFIRM";  ///< LoaiBanTin
  std::string code;              ///< MaLoi; "00" = paid
  std::string partner, reference, amount, currency = "VND", platform_txn, bank, time, info;
  std::string mac;               ///< MaXacThuc as received or computed
  std::string state;             ///< TrangThaiGD (QUERY answers only)
};
std::vector<std::string_view> ConfirmationMacFields(const Confirmation& c);
std::string SignConfirmation(const Confirmation& c, std::string_view secret);
bool VerifyConfirmation(const Confirmation& c, std::string_view secret);
std::string EncodeConfirmation(const Confirmation& c);
std::optional<Confirmation> DecodeConfirmation(std::string_view body);

/// The provider's reply to a callback: MaLoi, MoTaLoi, MaDoiTac, ThoiGianGD, MaXacThuc over
/// `MaLoi|MaDoiTac|ThoiGianGD|SECRET` (the table leaves the reply's MAC input open; this is ours).
std::string EncodeCallbackReply(std::string_view code, std::string_view description, std::string_view partner,
                                std::string_view time, std::string_view secret);

/// QUERY and GET_BILL (provider → platform): same fields and MAC. DOI_SOAT (ours; the
/// platform's reconciliation-file format is not published) asks for the day's statement as CSV
/// with the day `yyyyMMdd` in MaThamChieu.
struct Query {
  std::string type = "QUERY";  ///< QUERY | GET_BILL | DOI_SOAT
  std::string partner, reference, time, mac;
};
std::string SignQuery(const Query& q, std::string_view secret);
std::string EncodeQuery(const Query& q, std::string_view secret);
/// Parses and verifies (the sandbox side).
std::optional<Query> DecodeQuery(std::string_view body, std::string_view secret);
/// LoaiBanTin of any message body, "" when not JSON.
std::string MessageType(std::string_view body);

/// TrangThaiGD values in QUERY answers (our reading of the platform's states).
inline constexpr std::string_view kStatePaid = "THANH_CONG", kStateFailed = "THAT_BAI", kStatePending = "CHO_THANH_TOAN";

}  // namespace motcua::payment
