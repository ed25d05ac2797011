// The forms as PDF: each renders, its text reads back with every Vietnamese diacritic through
// poppler's pdftotext, its QR code decodes (zbarimg) to the tracking address, long content flows
// onto more pages and tables repeat their header there.
#include "docs/forms.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace motcua::docs {
namespace {

namespace fs = std::filesystem;

// A scratch directory for one test's files, removed afterwards.
class Scratch {
 public:
  Scratch() {
    static std::atomic<int> n{0};
    dir_ = fs::temp_directory_path() / ("motcua-docs-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::create_directories(dir_);
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path Write(const std::string& name, const std::string& bytes) const {
    fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }
  const fs::path& Dir() const { return dir_; }

 private:
  fs::path dir_;
};

// Standard output of a shell command (arguments are our own paths, never user text).
std::string Run(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return out;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  ::pclose(p);
  return out;
}

// The text of a PDF with every run of white space made one space.
std::string Text(const std::string& pdf) {
  Scratch s;
  auto path = s.Write("f.pdf", pdf);
  std::string raw = Run("pdftotext -raw -enc UTF-8 '" + path.string() + "' - 2>&1");
  std::string out;
  for (char ch : raw) {
    bool space = ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t' || ch == '\f';
    if (space) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += ch;
    }
  }
  return out;
}

int Pages(const std::string& pdf) {
  Scratch s;
  auto path = s.Write("f.pdf", pdf);
  std::smatch m;
  std::string info = Run("pdfinfo '" + path.string() + "' 2>&1");
  if (!std::regex_search(info, m, std::regex(R"(Pages:\s+(\d+))"))) return 0;
  return std::stoi(m[1]);
}

std::string PageSize(const std::string& pdf) {
  Scratch s;
  auto path = s.Write("f.pdf", pdf);
  std::smatch m;
  std::string info = Run("pdfinfo '" + path.string() + "' 2>&1");
  if (!std::regex_search(info, m, std::regex(R"(Page size:\s+([0-9.]+ x [0-9.]+))"))) return "";
  return m[1];
}

// What the QR code on the first page says.
std::string QrText(const std::string& pdf) {
  Scratch s;
  auto path = s.Write("f.pdf", pdf);
  Run("pdftoppm -r 150 -png -f 1 -l 1 '" + path.string() + "' '" + (s.Dir() / "page").string() + "'");
  for (const auto& e : fs::directory_iterator(s.Dir())) {
    if (e.path().extension() == ".png") {
      std::string out = Run("zbarimg --raw -q '" + e.path().string() + "'");
      while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
      return out;
    }
  }
  return "";
}

std::size_t Count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

constexpr const char* kCode = "000.00.02.H99-261204-0001";
constexpr const char* kUrl = "http://127.0.0.1:8080/tra-cuu-ho-so?ma=000.00.02.H99-261204-0001";

FormHead Head() {
  return {.parent_agency_name = "Ủy ban nhân dân tỉnh Mẫu",
          .agency_name = "Sở Tư pháp",
          .dossier_code = kCode,
          .tracking_url = kUrl,
          .issued_at = "2026-12-04T09:15:00+07:00"};
}

Applicant Person() {
  return {.name = "Nguyễn Thị Hằng", .id_number = "001085012345", .address = "Số 1 phố Tràng Tiền, phường Hoàn Kiếm, Hà Nội",
          .phone = "0912345678", .email = "hang@example.vn"};
}

Receipt AReceipt() {
  return {.head = Head(),
          .applicant = Person(),
          .procedure_name = "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
          .documents = {{"Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", 1, 0}, {"Bản chụp căn cước công dân", 0, 1}},
          .received_at = "2026-12-04T09:15:00+07:00",
          .due_at = "2026-12-14T16:30:00+07:00",
          .return_place = "Bộ phận Một cửa Sở Tư pháp, 1 Tràng Tiền",
          .officer_name = "Trần Văn Nhận"};
}

// Every Vietnamese letter with every tone, upper and lower case.
std::string AllVietnameseLetters() {
  return "aàáảãạ ăằắẳẵặ âầấẩẫậ eèéẻẽẹ êềếểễệ iìíỉĩị oòóỏõọ ôồốổỗộ ơờớởỡợ uùúủũụ ưừứửữự yỳýỷỹỵ đ "
         "AÀÁẢÃẠ ĂẰẮẲẴẶ ÂẦẤẨẪẬ EÈÉẺẼẸ ÊỀẾỂỄỆ IÌÍỈĨỊ OÒÓỎÕỌ ÔỒỐỔỖỘ ƠỜỚỞỠỢ UÙÚỦŨỤ ƯỪỨỬỮỰ YỲÝỶỸỴ Đ";
}

TEST(Forms, TheReceiptReadsBackWithItsFieldsCodeAndQr) {
  std::string pdf = RenderPdf(AReceipt());
  ASSERT_TRUE(pdf.starts_with("%PDF-"));
  EXPECT_EQ(Pages(pdf), 1);
  EXPECT_EQ(PageSize(pdf), "419.528 x 595.276") << "A5";
  std::string t = Text(pdf);
  for (const char* want : {"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Mẫu số 01",
                           "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "SỞ TƯ PHÁP", "ỦY BAN NHÂN DÂN TỈNH MẪU",
                           "Mã hồ sơ: 000.00.02.H99-261204-0001", "Nguyễn Thị Hằng", "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
                           "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp (1 bản chính)", "Bản chụp căn cước công dân (1 bản sao)",
                           "09 giờ 15 phút, ngày 04/12/2026", "16 giờ 30 phút, ngày 14/12/2026", "NGƯỜI TIẾP NHẬN HỒ SƠ",
                           "Trần Văn Nhận", "ngày 04 tháng 12 năm 2026", "Vào Sổ theo dõi hồ sơ, Quyển số: …"}) {
    EXPECT_NE(t.find(want), std::string::npos) << want << "\nin: " << t;
  }
  EXPECT_EQ(QrText(pdf), kUrl);
  // An office that keeps a paper register has its volume and line printed instead of blanks.
  Receipt booked = AReceipt();
  booked.register_book = "03/2026";
  booked.register_line = "1.245";
  EXPECT_NE(Text(RenderPdf(booked)).find("Vào Sổ theo dõi hồ sơ, Quyển số: 03/2026, Số thứ tự: 1.245"), std::string::npos)
      << Text(RenderPdf(booked));
}

TEST(Forms, AmountsInVietnameseWords) {
  EXPECT_EQ(VndInWords(0), "Không đồng");
  EXPECT_EQ(VndInWords(5), "Năm đồng");
  EXPECT_EQ(VndInWords(15), "Mười lăm đồng");
  EXPECT_EQ(VndInWords(21), "Hai mươi mốt đồng");
  EXPECT_EQ(VndInWords(105), "Một trăm linh năm đồng");
  EXPECT_EQ(VndInWords(50000), "Năm mươi nghìn đồng");
  EXPECT_EQ(VndInWords(150000), "Một trăm năm mươi nghìn đồng");
  EXPECT_EQ(VndInWords(200000), "Hai trăm nghìn đồng");
  EXPECT_EQ(VndInWords(1050000), "Một triệu không trăm năm mươi nghìn đồng");
  EXPECT_EQ(VndInWords(1000001), "Một triệu không trăm linh một đồng");
  EXPECT_EQ(VndInWords(2500000000), "Hai tỷ năm trăm triệu đồng");
  EXPECT_EQ(VndInWords(100000000000), "Một trăm tỷ đồng");
  EXPECT_EQ(VndInWords(-25000), "Âm hai mươi lăm nghìn đồng");
  EXPECT_EQ(FormatVnd(0), "0");
  EXPECT_EQ(FormatVnd(150000), "150.000");
  EXPECT_EQ(FormatVnd(1234567890), "1.234.567.890");
}

PaymentReceipt APaymentReceipt(std::string kind) {
  return {.head = Head(),
          .kind = std::move(kind),
          .series = "BLP-26",
          .number = 42,
          .payer = Person(),
          .procedure_name = "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
          .lines = {{"Phí cung cấp thông tin lý lịch tư pháp", 150000}, {"Phí cấp thêm bản", 5000}},
          .method = "Trực tuyến qua Nền tảng thanh toán",
          .reference = "00000002H9926120400012026120416350001",
          .platform_txn = "GD-1",
          .bank = "VCB",
          .paid_at = "2026-12-04T16:35:00+07:00"};
}

TEST(Forms, ThePaymentReceiptsOfPhiAndLePhiReadBackWithTheirAmountsInWordsAndQr) {
  std::string pdf = RenderPdf(APaymentReceipt("phi"));
  ASSERT_TRUE(pdf.starts_with("%PDF-"));
  EXPECT_EQ(Pages(pdf), 1);
  std::string t = Text(pdf);
  for (const char* want : {"BIÊN LAI THU PHÍ", "(Biên lai điện tử)", "Ký hiệu: BLP-26", "Số: 0000042", "SỞ TƯ PHÁP",
                           "Mã hồ sơ: 000.00.02.H99-261204-0001", "Người nộp tiền: Nguyễn Thị Hằng", "Phí cung cấp thông tin lý lịch tư pháp",
                           "150.000", "5.000", "155.000", "Một trăm năm mươi lăm nghìn đồng.", "Mã tham chiếu: 00000002H9926120400012026120416350001",
                           "Mã giao dịch: GD-1", "16 giờ 35 phút, ngày 04/12/2026"}) {
    EXPECT_NE(t.find(want), std::string::npos) << want << "\nin: " << t;
  }
  EXPECT_EQ(t.find("LỆ PHÍ"), std::string::npos);
  EXPECT_EQ(QrText(pdf), kUrl);
  std::string le = Text(RenderPdf(APaymentReceipt("le_phi")));
  EXPECT_NE(le.find("BIÊN LAI THU LỆ PHÍ"), std::string::npos) << le;
  EXPECT_NE(le.find("Nộp lệ phí giải quyết"), std::string::npos) << le;
}

TEST(Forms, EveryVietnameseDiacriticSurvivesTheRoundTrip) {
  // The titles in sentence case and every toned letter, as requested papers of Mẫu 02.
  std::vector<std::string> lines = {"Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
                                    "Phiếu từ chối tiếp nhận giải quyết hồ sơ", "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
                                    "Phiếu kiểm soát quá trình giải quyết hồ sơ", "Sổ theo dõi hồ sơ", AllVietnameseLetters()};
  SupplementRequest f{.head = Head(), .applicant = Person(), .procedure_name = "Đăng ký khai sinh", .documents = lines,
                      .reason = "Thiếu giấy tờ", .officer_name = "Lê Thị Hướng"};
  std::string t = Text(RenderPdf(f));
  for (const auto& want : lines) EXPECT_NE(t.find(want), std::string::npos) << want << "\nin: " << t;
}

TEST(Forms, AllSixFormsRenderWithTitleCodeAndQr) {
  SupplementRequest mau02{.head = Head(), .applicant = Person(), .procedure_name = "Đăng ký khai sinh",
                          .received_at = "2026-12-04T09:15:00+07:00", .documents = {"Bản sao giấy chứng sinh"},
                          .reason = "Bản chụp không đọc được", .officer_name = "Lê Thị Hướng"};
  Refusal mau03{.head = Head(), .applicant = Person(), .procedure_name = "Đăng ký khai sinh", .reason = "Không thuộc thẩm quyền",
                .officer_name = "Trần Văn Nhận"};
  Refusal mau03b = mau03;
  mau03b.after_appraisal = true;
  Apology mau04{.head = Head(), .applicant = Person(), .procedure_name = "Đăng ký khai sinh",
                .received_at = "2026-12-04T09:15:00+07:00", .old_due_at = "2026-12-14T16:30:00+07:00",
                .new_due_at = "2026-12-21T16:30:00+07:00", .reason = "Cần xác minh thêm", .officer_name = "Phạm Lãnh Đạo"};
  ControlSheet mau05{.head = Head(), .applicant = Person(), .procedure_name = "Đăng ký khai sinh",
                     .received_at = "2026-12-04T09:15:00+07:00", .due_at = "2026-12-14T16:30:00+07:00",
                     .steps = {{"Bộ phận Một cửa", "Phòng Hành chính tư pháp", "2026-12-04T10:00:00+07:00", "đúng hạn", ""},
                               {"Phòng Hành chính tư pháp", "Lãnh đạo Sở", "2026-12-08T10:00:00+07:00", "trễ hạn", "Chờ xác minh"}}};

  Register mau06{.head = Head(), .from = "2026-12-01", .to = "2026-12-31",
                 .rows = {{kCode, "Đăng ký khai sinh", "Nguyễn Thị Hằng", "2026-12-04T09:15:00+07:00", "2026-12-14T16:30:00+07:00",
                           "", "", "", "Đã gia hạn (Mẫu 04)"}}};
  struct Case {
    std::string pdf, title, number, key;
  };
  std::vector<Case> cases = {
      {RenderPdf(AReceipt()), "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Mẫu số 01", "Trần Văn Nhận"},
      {RenderPdf(mau02), "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "Mẫu số 02", "Bản sao giấy chứng sinh"},
      {RenderPdf(mau03), "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "Mẫu số 03", "Không thuộc thẩm quyền"},
      {RenderPdf(mau03b), "PHIẾU TỪ CHỐI GIẢI QUYẾT HỒ SƠ", "Mẫu số 03", "THỦ TRƯỞNG CƠ QUAN"},
      {RenderPdf(mau04), "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", "Mẫu số 04", "16 giờ 30 phút, ngày 21/12/2026"},
      {RenderPdf(mau05), "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", "Mẫu số 05", "Chờ xác minh"},
      {RenderPdf(mau06), "SỔ THEO DÕI HỒ SƠ", "Mẫu số 06", "Đã gia hạn (Mẫu 04)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.title);
    ASSERT_TRUE(c.pdf.starts_with("%PDF-"));
    std::string t = Text(c.pdf);
    EXPECT_NE(t.find(c.title), std::string::npos) << t;
    EXPECT_NE(t.find(c.number), std::string::npos) << t;
    EXPECT_NE(t.find(kCode), std::string::npos) << t;
    EXPECT_NE(t.find(c.key), std::string::npos) << t;
    EXPECT_EQ(QrText(c.pdf), kUrl);
  }
  EXPECT_EQ(PageSize(cases.back().pdf), "841.89 x 595.276") << "the register is A4 landscape";
}

TEST(Forms, ManyDocumentsOverflowOntoANextPageWithTheSignaturesKeptWhole) {
  Receipt r = AReceipt();
  r.documents.clear();
  for (int i = 1; i <= 60; ++i) r.documents.push_back({"Giấy tờ số " + std::to_string(i) + " của hồ sơ đề nghị", 1, 1});
  std::string pdf = RenderPdf(r);
  EXPECT_GE(Pages(pdf), 3);
  std::string t = Text(pdf);
  EXPECT_NE(t.find("60. Giấy tờ số 60 của hồ sơ đề nghị"), std::string::npos);
  EXPECT_NE(t.find("NGƯỜI TIẾP NHẬN HỒ SƠ"), std::string::npos);
  EXPECT_NE(t.find("Trang 3"), std::string::npos) << "each page is numbered";
}

TEST(Forms, VeryLongNamesAndReasonsWrapInsteadOfBeingCut) {
  Refusal f{.head = Head(), .applicant = Person(), .procedure_name = "Đăng ký khai sinh", .officer_name = "Trần Văn Nhận"};
  f.applicant.address.clear();
  for (int i = 0; i < 40; ++i) f.applicant.address += "thôn Đông ";
  f.applicant.address += "CUỐIĐỊACHỈ";
  for (int i = 0; i < 600; ++i) f.reason += "Hồ sơ chưa đúng quy định. ";
  f.reason += "HẾTLÝDO";
  f.head.agency_name = "Trung tâm Phục vụ hành chính công của Ủy ban nhân dân huyện có một tên rất dài để thử xuống dòng";
  f.applicant.name = std::string(300, 'W');  // one word wider than the page breaks inside itself
  std::string pdf = RenderPdf(f);
  EXPECT_GE(Pages(pdf), 3);
  std::string t = Text(pdf);
  EXPECT_NE(t.find("CUỐIĐỊACHỈ"), std::string::npos);
  EXPECT_NE(t.find("HẾTLÝDO"), std::string::npos);
  EXPECT_NE(t.find("THỬ XUỐNG DÒNG"), std::string::npos);
}

TEST(Forms, EmptyOptionalFieldsLeaveBlanksToFillIn) {
  std::string pdf = RenderPdf(Receipt{});
  ASSERT_TRUE(pdf.starts_with("%PDF-"));
  std::string t = Text(pdf);
  EXPECT_NE(t.find("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"), std::string::npos);
  EXPECT_NE(t.find("……"), std::string::npos);
  EXPECT_EQ(t.find("Mã hồ sơ:"), std::string::npos) << "no code, no code line";
  for (const std::string& pdf2 : {RenderPdf(SupplementRequest{}), RenderPdf(Refusal{}), RenderPdf(Apology{}),
                                  RenderPdf(ControlSheet{}), RenderPdf(Register{})}) {
    EXPECT_TRUE(pdf2.starts_with("%PDF-"));
    EXPECT_EQ(Pages(pdf2), 1);
  }
}

TEST(Forms, MarkupAndBrokenUtf8InUserTextPrintLiterally) {
  Receipt r = AReceipt();
  r.applicant.name = "<b>Tôi</b> & \"bạn\" \x01\xff";
  std::string t = Text(RenderPdf(r));
  EXPECT_NE(t.find("<b>Tôi</b> & \"bạn\""), std::string::npos) << t;
}

TEST(Forms, TheRegisterRepeatsItsHeaderOnEveryPage) {
  Register reg{.head = {.agency_name = "Sở Tư pháp", .issued_at = "2026-12-31T17:00:00+07:00"}, .from = "2026-01-01", .to = "2026-12-31"};
  for (int i = 1; i <= 120; ++i) {
    reg.rows.push_back({"000.00.02.H99-2612" + std::to_string(10 + i % 20) + "-" + std::to_string(1000 + i),
                        "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam",
                        "Nguyễn Văn " + std::to_string(i), "2026-12-04T09:15:00+07:00", "2026-12-14T16:30:00+07:00", "", "", "", ""});
  }
  std::string pdf = RenderPdf(reg);
  int pages = Pages(pdf);
  EXPECT_GE(pages, 3);
  std::string t = Text(pdf);
  EXPECT_EQ(Count(t, "Tên cá nhân, tổ chức"), static_cast<std::size_t>(pages)) << t.substr(0, 2000);
  EXPECT_NE(t.find("000.00.02.H99-261210-1120"), std::string::npos);
  EXPECT_NE(t.find("Tổng số: 120 hồ sơ."), std::string::npos);
  EXPECT_EQ(QrText(pdf), "") << "a register of many dossiers has no single QR code";
}

TEST(Forms, ThreadsRenderAtOnceAsTheWorkerPoolDoes) {
  const std::string expected = RenderPdf(AReceipt());
  std::atomic<int> same{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) same += RenderPdf(AReceipt()) == expected ? 1 : 0;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(same.load(), 20);
}

TEST(Forms, TheSameFormRendersToTheSameBytes) { EXPECT_EQ(RenderPdf(AReceipt()), RenderPdf(AReceipt())); }

TEST(Forms, TheFontIsInstalled) { EXPECT_EQ(MissingFonts(), std::nullopt); }

TEST(Forms, DatesAreWrittenTheVietnameseWay) {
  EXPECT_EQ(VietnameseDateTime("2026-11-23T16:30:00+07:00"), "16 giờ 30 phút, ngày 23/11/2026");
  EXPECT_EQ(VietnameseDateTime("2026-11-23"), "ngày 23/11/2026");
  EXPECT_EQ(VietnameseDateTime(""), "");
  EXPECT_EQ(VietnameseDateTime("sắp tới"), "sắp tới");
  EXPECT_EQ(ShortDateTime("2026-11-23T16:30:00+07:00"), "16:30 23/11/2026");
  EXPECT_EQ(ShortDateTime("2026-11-23"), "23/11/2026");
}

}  // namespace
}  // namespace motcua::docs
