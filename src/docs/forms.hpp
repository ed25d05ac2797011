// The official forms of the one-stop mechanism as PDF documents (Decree 61/2018, Circular
// 01/2018/TT-VPCP Art. 9, DOMAIN.md §3.4): Mẫu 01 … Mẫu 05 on A5, the register Mẫu 06 on A4
// landscape. Input is plain data already in Vietnam's time; output is the PDF's bytes. Text is
// set with pango in Noto Serif (fonts-noto-core) so every Vietnamese diacritic is shaped and
// embedded; long text wraps and flows onto further pages, tables repeat their header row.
//
// Every function here is pure apart from reading fonts, and thread-safe: call it from the
// worker pool, never on an I/O thread (a form takes milliseconds of CPU).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace motcua::docs {

/// What every form carries at its top: who issues it and which dossier it is about.
struct FormHead {
  std::string parent_agency_name;  ///< cơ quan chủ quản, above the agency's name; may be empty
  std::string agency_name;         ///< the issuing agency (cơ quan, bộ phận tiếp nhận)
  std::string dossier_code;        ///< printed as text and, with tracking_url, as a QR code
  std::string tracking_url;        ///< public tracking address the QR code encodes; "" = no QR
  std::string issued_at;           ///< local RFC 3339 (`2026-11-23T16:30:00+07:00`); "" = blank date line
};

/// Người nộp hồ sơ (an individual or an organisation).
struct Applicant {
  std::string name, id_number, address, phone, email;
};

/// One paper handed in: its name and how many originals and copies.
struct ReceivedDocument {
  std::string name;
  int originals = 0;
  int copies = 0;
};

/// Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01).
struct Receipt {
  FormHead head;
  Applicant applicant;
  std::string procedure_name;
  std::vector<ReceivedDocument> documents;
  std::string received_at, due_at;  ///< local RFC 3339
  std::string return_place;
  std::string officer_name;  ///< người tiếp nhận hồ sơ
  /// The office's paper register book (Sổ theo dõi hồ sơ): its volume and line. Empty: dotted
  /// blanks, written in by hand where the office keeps one.
  std::string register_book, register_line;
};

/// Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02).
struct SupplementRequest {
  FormHead head;
  Applicant applicant;
  std::string procedure_name;
  std::string received_at;              ///< local RFC 3339; may be empty (not yet received)
  std::vector<std::string> documents;   ///< the papers to supply or complete
  std::string reason;
  std::string officer_name;             ///< người hướng dẫn
};

/// Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03).
struct Refusal {
  FormHead head;
  Applicant applicant;
  std::string procedure_name;
  std::string received_at;     ///< local RFC 3339; may be empty
  bool after_appraisal = false;  ///< refused after appraisal rather than at reception
  std::string reason;
  std::string officer_name;
};

/// Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04).
struct Apology {
  FormHead head;
  Applicant applicant;
  std::string procedure_name;
  std::string received_at, old_due_at, new_due_at;  ///< local RFC 3339
  std::string reason;
  std::string officer_name;  ///< the head of the agency who signs it
};

/// One hand-over of the dossier on the control sheet.
struct ControlStep {
  std::string handed_by;    ///< bên giao
  std::string received_by;  ///< bên nhận
  std::string at;           ///< local RFC 3339: when it was handed over
  std::string result;       ///< trước hạn / đúng hạn / quá hạn / đang thực hiện
  std::string note;
};

/// Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 05).
struct ControlSheet {
  FormHead head;
  Applicant applicant;
  std::string procedure_name;
  std::string received_at, due_at;  ///< local RFC 3339
  std::vector<ControlStep> steps;
};

/// One dossier's line in the register.
struct RegisterRow {
  std::string code, procedure_name, applicant_name;
  std::string received_at, due_at, transferred_at, finished_at, returned_at;  ///< local RFC 3339 or ""
  std::string note;
};

/// Sổ theo dõi hồ sơ (Mẫu 06): the dossiers an agency received in a period. With
/// `head.dossier_code` set it is one dossier's line and carries that dossier's QR code.
struct Register {
  FormHead head;
  std::string from, to;  ///< the period, `YYYY-MM-DD`
  std::vector<RegisterRow> rows;
};

/// One line of money on a receipt.
struct ReceiptLine {
  std::string name;
  std::int64_t amount = 0;  ///< VND
};

/// Biên lai thu phí / thu lệ phí điện tử: one kind of money (phí, lệ phí or other) of one
/// online payment, issued by the agency that collects it. The QR code (head.tracking_url)
/// links the dossier's public tracking page.
struct PaymentReceipt {
  FormHead head;
  std::string kind;          ///< phi | le_phi | other: the title (BIÊN LAI THU PHÍ / LỆ PHÍ / TIỀN)
  std::string series;        ///< ký hiệu
  std::int64_t number = 0;   ///< số, printed with seven digits
  Applicant payer;           ///< người nộp tiền
  std::string procedure_name;
  std::vector<ReceiptLine> lines;
  std::string method;        ///< hình thức thanh toán
  std::string reference, platform_txn, bank;  ///< MaThamChieu, MaGiaoDich, MaNganHang
  std::string paid_at;       ///< local RFC 3339
};

/// The PDF of a form. Throws std::runtime_error only when cairo itself fails (out of memory):
/// any text, however long or empty, renders.
std::string RenderPdf(const Receipt& form);
std::string RenderPdf(const SupplementRequest& form);
std::string RenderPdf(const Refusal& form);
std::string RenderPdf(const Apology& form);
std::string RenderPdf(const ControlSheet& form);
std::string RenderPdf(const Register& form);
std::string RenderPdf(const PaymentReceipt& form);

/// `1.250.000` (the Vietnamese thousands separator).
std::string FormatVnd(std::int64_t amount);

/// The amount in Vietnamese words as receipts write it: `Hai trăm năm mươi nghìn đồng`
/// (`Âm …` below zero, `Không đồng` for 0).
std::string VndInWords(std::int64_t amount);

/// `16 giờ 30 phút, ngày 23/11/2026` from a local RFC 3339 instant; the text unchanged when it
/// is not one, "" for "".
std::string VietnameseDateTime(const std::string& local_rfc3339);

/// `16:30 23/11/2026` (for tables) from a local RFC 3339 instant; like VietnameseDateTime otherwise.
std::string ShortDateTime(const std::string& local_rfc3339);

/// The font family the forms are set in.
inline constexpr const char* kFontFamily = "Noto Serif";

/// The family fontconfig really gives for kFontFamily, regular and bold; nullopt when both are
/// Noto Serif, else a description of what is missing (for a start-up warning: without it the
/// forms fall back to another font, which may lack Vietnamese glyphs).
std::optional<std::string> MissingFonts();

}  // namespace motcua::docs
