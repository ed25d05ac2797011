#include "docs/forms.hpp"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string_view>

#include "docs/qr.hpp"

namespace motcua::docs {

namespace {

constexpr double kMm = 72.0 / 25.4;

struct PageSize {
  double width, height;
};
constexpr PageSize kA5{148 * kMm, 210 * kMm};
constexpr PageSize kA4Landscape{297 * kMm, 210 * kMm};

// Noto's line height leaves room for stacked Vietnamese marks above capitals; a little less
// still clears them and keeps a typical Mẫu 01 on one A5 page.
constexpr double kLineSpacing = 0.94;

struct Style {
  double size = 10.5;
  bool bold = false;
  bool italic = false;
  PangoAlignment align = PANGO_ALIGN_LEFT;
  double indent = 0;       ///< from the left edge of the content box
  double space_after = 1.5;  ///< points below the paragraph
};

// ---- text ----

// Valid UTF-8 without control characters (a newline stays), so pango never refuses a string
// that came from a user.
std::string Clean(std::string_view s) {
  gchar* valid = g_utf8_make_valid(s.data(), static_cast<gssize>(s.size()));
  std::string out;
  for (const char* p = valid; *p != '\0'; ++p) {
    auto ch = static_cast<unsigned char>(*p);
    if (ch == '\n') out += '\n';
    else if (ch == '\t' || ch == '\r') out += ' ';
    else if (ch >= 0x20 && ch != 0x7f) out += *p;
  }
  g_free(valid);
  return out;
}

// Text for pango markup: cleaned and escaped.
std::string T(std::string_view s) {
  std::string clean = Clean(s);
  gchar* escaped = g_markup_escape_text(clean.c_str(), static_cast<gssize>(clean.size()));
  std::string out(escaped);
  g_free(escaped);
  return out;
}

std::string Upper(std::string_view s) {
  std::string clean = Clean(s);
  gchar* up = g_utf8_strup(clean.c_str(), static_cast<gssize>(clean.size()));
  std::string out(up);
  g_free(up);
  return out;
}

std::string B(std::string_view markup) { return "<b>" + std::string(markup) + "</b>"; }
std::string I(std::string_view markup) { return "<i>" + std::string(markup) + "</i>"; }

// A value, or dots to fill in by hand when it is empty (as on the paper form).
std::string Field(std::string_view value) { return value.empty() ? std::string("……………………") : T(value); }

struct LocalParts {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0;
};

std::optional<LocalParts> Parse(const std::string& s) {
  LocalParts p;
  if (s.size() < 10 || std::sscanf(s.c_str(), "%4d-%2d-%2d", &p.year, &p.month, &p.day) != 3) return std::nullopt;
  if (s.size() >= 16 && (s[10] == 'T' || s[10] == ' ') && std::sscanf(s.c_str() + 11, "%2d:%2d", &p.hour, &p.minute) != 2) {
    return std::nullopt;
  }
  return p;
}

std::string Two(int n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d", n);
  return buf;
}

std::string VietnameseDate(const std::string& s) {
  auto p = Parse(s);
  if (!p) return s;
  return Two(p->day) + "/" + Two(p->month) + "/" + std::to_string(p->year);
}

// "ngày 23 tháng 11 năm 2026", or blanks for the officer to write in.
std::string DateLine(const std::string& s) {
  auto p = Parse(s);
  if (!p) return "……, ngày …… tháng …… năm ……";
  return "ngày " + Two(p->day) + " tháng " + Two(p->month) + " năm " + std::to_string(p->year);
}

// ---- the page writer ----

cairo_status_t Append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

struct LayoutDeleter {
  void operator()(PangoLayout* l) const { g_object_unref(l); }
};
using Layout = std::unique_ptr<PangoLayout, LayoutDeleter>;

// Lays text and tables out top to bottom, starting a page when the next line does not fit.
class Writer {
 public:
  Writer(PageSize page, double margin, const std::string& title, std::string footer)
      : page_(page), margin_(margin), footer_(std::move(footer)) {
    surface_ = cairo_pdf_surface_create_for_stream(&Append, &out_, page.width, page.height);
    cairo_pdf_surface_restrict_to_version(surface_, CAIRO_PDF_VERSION_1_5);
    // A fixed creation date: the same form renders to the same bytes.
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_TITLE, Clean(title).c_str());
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_CREATOR, "motcua");
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_CREATE_DATE, "2018-01-01T00:00:00Z");
    cr_ = cairo_create(surface_);
    y_ = margin_;
    Footer();
  }
  ~Writer() {
    if (cr_ != nullptr) cairo_destroy(cr_);
    if (surface_ != nullptr) cairo_surface_destroy(surface_);
  }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  double Left() const { return margin_; }
  double Width() const { return page_.width - 2 * margin_; }
  double Bottom() const { return page_.height - margin_; }
  double Y() const { return y_; }
  void Skip(double points) { y_ += points; }
  int Pages() const { return pages_; }

  void NewPage() {
    cairo_show_page(cr_);
    ++pages_;
    y_ = margin_;
    Footer();
  }
  /// Starts a page unless `height` points still fit on this one.
  void Keep(double height) {
    if (y_ + height > Bottom() && y_ > margin_) NewPage();
  }

  Layout Make(const std::string& markup, double width, const Style& s) {
    Layout l(pango_cairo_create_layout(cr_));
    PangoFontDescription* font = pango_font_description_new();
    pango_font_description_set_family(font, kFontFamily);
    pango_font_description_set_size(font, static_cast<gint>(s.size * PANGO_SCALE));
    pango_font_description_set_weight(font, s.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_style(font, s.italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
    pango_layout_set_font_description(l.get(), font);
    pango_font_description_free(font);
    pango_layout_set_width(l.get(), static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(l.get(), PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(l.get(), s.align);
    pango_layout_set_line_spacing(l.get(), static_cast<float>(kLineSpacing));
    pango_layout_set_markup(l.get(), markup.c_str(), -1);
    return l;
  }

  /// The height of a block of text `width` points wide.
  double Measure(const std::string& markup, double width, const Style& s) { return Height(Make(markup, width, s).get()); }

  static double Height(PangoLayout* l) {
    int w = 0, h = 0;
    pango_layout_get_size(l, &w, &h);
    return static_cast<double>(h) / PANGO_SCALE;
  }

  /// A paragraph across the content width (less the indent), line by line, so a long one
  /// continues on the next page.
  void Paragraph(const std::string& markup, const Style& s = {}) {
    Layout l = Make(markup, Width() - s.indent, s);
    struct Line {
      PangoLayoutLine* line;
      double x, top, height, baseline;
    };
    std::vector<Line> lines;
    PangoLayoutIter* it = pango_layout_get_iter(l.get());
    do {
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(it, nullptr, &logical);
      lines.push_back({pango_layout_iter_get_line_readonly(it), static_cast<double>(logical.x) / PANGO_SCALE,
                       static_cast<double>(logical.y) / PANGO_SCALE, static_cast<double>(logical.height) / PANGO_SCALE,
                       static_cast<double>(pango_layout_iter_get_baseline(it)) / PANGO_SCALE});
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const Line& line = lines[i];
      // The step to the next line follows the layout's line spacing, also after the last one.
      double step = i + 1 < lines.size() ? lines[i + 1].top - line.top : line.height * kLineSpacing;
      if (y_ + line.height > Bottom() && y_ > margin_) NewPage();
      cairo_move_to(cr_, Left() + s.indent + line.x, y_ + line.baseline - line.top);
      pango_cairo_show_layout_line(cr_, line.line);
      y_ += step;
    }
    y_ += s.space_after;
  }

  /// A block at (x, y) that does not move the cursor; answers its height.
  double Block(double x, double y, double width, const std::string& markup, const Style& s) {
    Layout l = Make(markup, width, s);
    cairo_move_to(cr_, x, y);
    pango_cairo_show_layout(cr_, l.get());
    return Height(l.get());
  }

  /// A horizontal rule from x0 to x1 at y.
  void Line(double x0, double x1, double y) {
    cairo_set_line_width(cr_, 0.6);
    cairo_move_to(cr_, x0, y);
    cairo_line_to(cr_, x1, y);
    cairo_stroke(cr_);
  }

  /// The QR code as filled rectangles (one per run of dark modules in a row), `size` points
  /// square including a quiet zone of four modules.
  void Qr(const QrCode& code, double x, double y, double size) {
    double module = size / (code.size + 8);
    double x0 = x + 4 * module, y0 = y + 4 * module;
    cairo_save(cr_);
    cairo_set_source_rgb(cr_, 1, 1, 1);
    cairo_rectangle(cr_, x, y, size, size);
    cairo_fill(cr_);
    cairo_set_source_rgb(cr_, 0, 0, 0);
    for (int row = 0; row < code.size; ++row) {
      int col = 0;
      while (col < code.size) {
        if (!code.At(col, row)) {
          ++col;
          continue;
        }
        int start = col;
        while (col < code.size && code.At(col, row)) ++col;
        cairo_rectangle(cr_, x0 + start * module, y0 + row * module, (col - start) * module, module);
      }
    }
    cairo_fill(cr_);
    cairo_restore(cr_);
  }

  struct Column {
    std::string header;
    double share;  ///< of the content width
    PangoAlignment align = PANGO_ALIGN_LEFT;
  };

  /// A bordered table; the header row is repeated at the top of every page it runs onto. A cell
  /// longer than kMaxCellLines lines is cut with an ellipsis so a row always fits a page.
  void Table(const std::vector<Column>& columns, const std::vector<std::vector<std::string>>& rows, double size) {
    constexpr double kPad = 2.5;
    constexpr int kMaxCellLines = 14;
    double total = 0;
    for (const auto& c : columns) total += c.share;
    std::vector<double> widths;
    for (const auto& c : columns) widths.push_back(Width() * c.share / total);
    auto layouts = [&](const std::vector<std::string>& cells, bool header) {
      std::vector<Layout> out;
      for (std::size_t i = 0; i < columns.size(); ++i) {
        Style s{.size = size, .bold = header, .align = header ? PANGO_ALIGN_CENTER : columns[i].align};
        Layout l = Make(i < cells.size() ? cells[i] : std::string(), widths[i] - 2 * kPad, s);
        if (!header) {
          pango_layout_set_ellipsize(l.get(), PANGO_ELLIPSIZE_END);
          pango_layout_set_height(l.get(), -kMaxCellLines);
        }
        out.push_back(std::move(l));
      }
      return out;
    };
    auto height_of = [&](const std::vector<Layout>& ls) {
      double h = 0;
      for (const auto& l : ls) h = std::max(h, Height(l.get()));
      return h + 2 * kPad;
    };
    auto draw = [&](const std::vector<Layout>& ls, double h, bool shade) {
      double x = Left();
      cairo_set_line_width(cr_, 0.5);
      for (std::size_t i = 0; i < ls.size(); ++i) {
        if (shade) {
          cairo_set_source_rgb(cr_, 0.92, 0.92, 0.92);
          cairo_rectangle(cr_, x, y_, widths[i], h);
          cairo_fill(cr_);
          cairo_set_source_rgb(cr_, 0, 0, 0);
        }
        cairo_rectangle(cr_, x, y_, widths[i], h);
        cairo_stroke(cr_);
        cairo_move_to(cr_, x + kPad, y_ + kPad);
        pango_cairo_show_layout(cr_, ls[i].get());
        x += widths[i];
      }
      y_ += h;
    };
    std::vector<std::string> header_cells;
    for (const auto& c : columns) header_cells.push_back(B(T(c.header)));
    auto header = layouts(header_cells, true);
    double header_height = height_of(header);
    bool first = true;
    for (const auto& row : rows) {
      auto cells = layouts(row, false);
      double h = height_of(cells);
      if (first || y_ + h > Bottom()) {
        // A header never stands alone at the foot of a page.
        if (!first || y_ + header_height + h > Bottom()) {
          if (y_ > margin_) NewPage();
        }
        draw(header, header_height, true);
        first = false;
      }
      draw(cells, h, false);
    }
    if (first) draw(header, header_height, true);  // an empty table still shows its columns
    y_ += 4;
  }

  std::string Finish() {
    cairo_destroy(cr_);
    cr_ = nullptr;
    cairo_surface_finish(surface_);
    cairo_status_t status = cairo_surface_status(surface_);
    cairo_surface_destroy(surface_);
    surface_ = nullptr;
    if (status != CAIRO_STATUS_SUCCESS) throw std::runtime_error(std::string("cairo: ") + cairo_status_to_string(status));
    return std::move(out_);
  }

 private:
  void Footer() {
    std::string text = footer_.empty() ? "Trang " + std::to_string(pages_) : T(footer_) + " — Trang " + std::to_string(pages_);
    Style s{.size = 7, .italic = true, .align = PANGO_ALIGN_RIGHT};
    Block(Left(), page_.height - margin_ + 6, Width(), text, s);
  }

  PageSize page_;
  double margin_;
  std::string footer_;
  std::string out_;
  cairo_surface_t* surface_ = nullptr;
  cairo_t* cr_ = nullptr;
  double y_ = 0;
  int pages_ = 1;
};

// ---- the parts every form shares ----

// The two-column heading of an administrative document (Decree 30/2020 on document format):
// the agency on the left, the national title on the right; the form's number above them.
void Heading(Writer& w, const FormHead& head, const std::string& form_number, double size) {
  // The form's number sits in the top margin, above the heading.
  w.Block(w.Left(), w.Y() - size - 3, w.Width(), I(T(form_number)), {.size = size - 1, .align = PANGO_ALIGN_RIGHT});
  double left_width = w.Width() * 0.37, right_width = w.Width() * 0.63, y = w.Y();
  std::string agency;
  if (!head.parent_agency_name.empty()) agency = T(Upper(head.parent_agency_name)) + "\n";
  agency += B(head.agency_name.empty() ? std::string("……………………") : T(Upper(head.agency_name)));
  double lh = w.Block(w.Left(), y, left_width, agency, {.size = size - 2, .align = PANGO_ALIGN_CENTER});
  double cx = w.Left() + left_width / 2;
  w.Line(cx - 20, cx + 20, y + lh + 2);
  double rh = w.Block(w.Left() + left_width, y, right_width,
                      B("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") + "\n" + B("Độc lập - Tự do - Hạnh phúc"),
                      {.size = size - 2, .align = PANGO_ALIGN_CENTER});
  double rx = w.Left() + left_width + right_width / 2;
  w.Line(rx - 52, rx + 52, y + rh + 2);
  w.Skip(std::max(lh, rh) + 7);
}

// The title, then the dossier code beside its QR code (which links to public tracking).
void Title(Writer& w, const std::string& title, const FormHead& head, double size) {
  if (!title.empty()) w.Paragraph(B(T(title)), {.size = size + 2, .align = PANGO_ALIGN_CENTER, .space_after = 4});
  if (head.dossier_code.empty()) return;
  std::optional<QrCode> qr = head.tracking_url.empty() ? std::nullopt : EncodeQr(head.tracking_url);
  constexpr double kQrSize = 66;
  double text_width = qr ? w.Width() - kQrSize - 6 : w.Width();
  std::string text = "Mã hồ sơ: " + B(T(head.dossier_code));
  if (qr) text += "\n" + I("Tra cứu tình trạng hồ sơ: quét mã QR hoặc truy cập");
  w.Keep(kQrSize + 12);
  double y = w.Y();
  double h = w.Block(w.Left(), y + (qr ? 12 : 0), text_width, text, {.size = size});
  if (qr) w.Qr(*qr, w.Left() + w.Width() - kQrSize, y, kQrSize);
  if (!qr) {
    w.Skip(h + 6);
    return;
  }
  // The address on a line of its own, so it is not hyphenated where a reader would copy it.
  w.Skip(std::max(h + 12, kQrSize - 2));
  w.Paragraph(T(head.tracking_url), {.size = size - 1.5, .space_after = 4});
}

std::string Label(std::string_view label, std::string_view value) { return B(T(label)) + " " + Field(value); }

void ApplicantLines(Writer& w, const Applicant& a, double size) {
  Style s{.size = size, .indent = 8};
  w.Paragraph(Label("Ông/bà:", a.name), s);
  if (!a.id_number.empty()) w.Paragraph(Label("Số định danh/mã số thuế:", a.id_number), s);
  w.Paragraph(Label("Địa chỉ:", a.address), s);
  w.Paragraph(Label("Số điện thoại:", a.phone) + "    " + Label("Email:", a.email), s);
}

struct Signer {
  std::string role;    ///< NGƯỜI TIẾP NHẬN HỒ SƠ
  std::string hint;    ///< (Ký và ghi rõ họ tên)
  std::string name;    ///< printed under the space for the signature
};

// The date line and the signature blocks side by side, kept together on one page.
void Signatures(Writer& w, const std::string& issued_at, const std::vector<Signer>& signers, double size) {
  constexpr double kSpace = 26;
  double column = w.Width() / static_cast<double>(signers.size());
  const Style center{.size = size, .align = PANGO_ALIGN_CENTER};
  const Style date{.size = size, .italic = true, .align = PANGO_ALIGN_RIGHT, .space_after = 3};
  auto role = [](const Signer& s) { return B(T(s.role)) + "\n" + I(T(s.hint)); };
  double needed = 0;
  for (const auto& s : signers) {
    needed = std::max(needed, w.Measure(role(s), column, center) + kSpace + w.Measure(B(T(s.name)), column, center));
  }
  needed += 2 + w.Measure(T(DateLine(issued_at)), w.Width(), date) + date.space_after;
  w.Keep(needed);
  w.Skip(2);
  w.Paragraph(T(DateLine(issued_at)), date);
  double y = w.Y(), tallest = 0;
  for (std::size_t i = 0; i < signers.size(); ++i) {
    const Signer& s = signers[i];
    double x = w.Left() + column * static_cast<double>(i);
    double h = w.Block(x, y, column, role(s), center);
    double name_h = w.Block(x, y + h + kSpace, column, B(T(s.name)), center);
    tallest = std::max(tallest, h + kSpace + name_h);
  }
  w.Skip(tallest + 4);
}

std::string Footer(const FormHead& head) { return head.dossier_code.empty() ? std::string() : "Mã hồ sơ " + head.dossier_code; }

constexpr double kA5Margin = 9 * kMm;
constexpr double kSize = 8.5;

std::string AgencyOr(const FormHead& head) { return head.agency_name.empty() ? std::string("Cơ quan") : head.agency_name; }

}  // namespace

std::string VietnameseDateTime(const std::string& s) {
  if (s.empty()) return s;
  auto p = Parse(s);
  if (!p) return s;
  if (s.size() < 16) return "ngày " + VietnameseDate(s);
  return Two(p->hour) + " giờ " + Two(p->minute) + " phút, ngày " + VietnameseDate(s);
}

std::string ShortDateTime(const std::string& s) {
  auto p = Parse(s);
  if (!p) return s;
  return (s.size() >= 16 ? Two(p->hour) + ":" + Two(p->minute) + " " : std::string()) + VietnameseDate(s);
}

std::string RenderPdf(const Receipt& f) {
  const std::string title = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ";
  Writer w(kA5, kA5Margin, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả " + f.head.dossier_code, Footer(f.head));
  Heading(w, f.head, "Mẫu số 01", kSize);
  Title(w, title, f.head, kSize);
  w.Paragraph("Vào Sổ theo dõi hồ sơ, Quyển số: " + Field(f.register_book) + ", Số thứ tự: " + Field(f.register_line),
              {.size = kSize});
  w.Paragraph(T(AgencyOr(f.head)) + " tiếp nhận hồ sơ của:", {.size = kSize});
  ApplicantLines(w, f.applicant, kSize);
  w.Paragraph(Label("Nội dung yêu cầu giải quyết:", f.procedure_name), {.size = kSize});
  w.Paragraph(B("1. Thành phần hồ sơ nộp gồm:"), {.size = kSize});
  if (f.documents.empty()) w.Paragraph(I("(Không có giấy tờ kèm theo.)"), {.size = kSize, .indent = 8});
  int n = 0;
  for (const auto& d : f.documents) {
    std::string counts;
    if (d.originals > 0) counts += std::to_string(d.originals) + " bản chính";
    if (d.copies > 0) counts += (counts.empty() ? "" : ", ") + std::to_string(d.copies) + " bản sao";
    w.Paragraph(std::to_string(++n) + ". " + T(d.name) + (counts.empty() ? "" : " (" + T(counts) + ")"),
                {.size = kSize, .indent = 8, .space_after = 1});
  }
  w.Paragraph(B("2. Số lượng hồ sơ:") + " 01 (bộ)", {.size = kSize});
  w.Paragraph(B("3. Thời gian nhận hồ sơ:") + " " + Field(VietnameseDateTime(f.received_at)), {.size = kSize});
  w.Paragraph(B("4. Thời gian trả kết quả:") + " " + Field(VietnameseDateTime(f.due_at)), {.size = kSize});
  w.Paragraph(B("5. Đăng ký nhận kết quả tại:") + " " + Field(f.return_place), {.size = kSize});
  Signatures(w, f.head.issued_at.empty() ? f.received_at : f.head.issued_at,
             {{"NGƯỜI NỘP HỒ SƠ", "(Ký và ghi rõ họ tên)", f.applicant.name},
              {"NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)", f.officer_name}},
             kSize);
  return w.Finish();
}

std::string RenderPdf(const SupplementRequest& f) {
  Writer w(kA5, kA5Margin, "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ " + f.head.dossier_code, Footer(f.head));
  Heading(w, f.head, "Mẫu số 02", kSize);
  Title(w, "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", f.head, kSize);
  std::string when = f.received_at.empty() ? std::string() : "Ngày " + VietnameseDate(f.received_at) + ", ";
  w.Paragraph(T(when + AgencyOr(f.head) + " tiếp nhận hồ sơ của:"), {.size = kSize});
  ApplicantLines(w, f.applicant, kSize);
  w.Paragraph(Label("Nội dung yêu cầu giải quyết:", f.procedure_name), {.size = kSize});
  w.Paragraph("Sau khi xem xét thành phần hồ sơ, đề nghị ông/bà bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:",
              {.size = kSize});
  int n = 0;
  for (const auto& d : f.documents) w.Paragraph(std::to_string(++n) + ". " + T(d), {.size = kSize, .indent = 8, .space_after = 1});
  if (f.documents.empty()) w.Paragraph(I("(Xem lý do dưới đây.)"), {.size = kSize, .indent = 8});
  w.Paragraph(Label("Lý do:", f.reason), {.size = kSize});
  w.Paragraph("Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, ông/bà liên hệ với " + T(AgencyOr(f.head)) +
                  " để được hướng dẫn.",
              {.size = kSize});
  Signatures(w, f.head.issued_at, {{"NGƯỜI HƯỚNG DẪN", "(Ký và ghi rõ họ tên)", f.officer_name}}, kSize);
  return w.Finish();
}

std::string RenderPdf(const Refusal& f) {
  std::string title = f.after_appraisal ? "PHIẾU TỪ CHỐI GIẢI QUYẾT HỒ SƠ" : "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ";
  Writer w(kA5, kA5Margin, (f.after_appraisal ? "Phiếu từ chối giải quyết hồ sơ " : "Phiếu từ chối tiếp nhận giải quyết hồ sơ ") +
                               f.head.dossier_code,
           Footer(f.head));
  Heading(w, f.head, "Mẫu số 03", kSize);
  Title(w, title, f.head, kSize);
  std::string when = f.received_at.empty() ? std::string() : "Ngày " + VietnameseDate(f.received_at) + ", ";
  w.Paragraph(T(when + AgencyOr(f.head) + " tiếp nhận hồ sơ của:"), {.size = kSize});
  ApplicantLines(w, f.applicant, kSize);
  w.Paragraph(Label("Nội dung yêu cầu giải quyết:", f.procedure_name), {.size = kSize});
  w.Paragraph("Qua nghiên cứu, xem xét hồ sơ và đối chiếu với các quy định hiện hành, " + T(AgencyOr(f.head)) +
                  " thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:",
              {.size = kSize});
  w.Paragraph(Field(f.reason), {.size = kSize, .indent = 8});
  w.Paragraph("Xin thông báo để ông/bà được biết và thực hiện.", {.size = kSize});
  Signatures(w, f.head.issued_at,
             {{f.after_appraisal ? "THỦ TRƯỞNG CƠ QUAN" : "NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)", f.officer_name}},
             kSize);
  return w.Finish();
}

std::string RenderPdf(const Apology& f) {
  Writer w(kA5, kA5Margin, "Phiếu xin lỗi và hẹn lại ngày trả kết quả " + f.head.dossier_code, Footer(f.head));
  Heading(w, f.head, "Mẫu số 04", kSize);
  Title(w, "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", f.head, kSize);
  std::string agency = T(AgencyOr(f.head));
  std::string when = f.received_at.empty() ? std::string() : "Ngày " + VietnameseDate(f.received_at) + ", ";
  w.Paragraph(T(when) + agency + " tiếp nhận giải quyết hồ sơ của:", {.size = kSize});
  ApplicantLines(w, f.applicant, kSize);
  w.Paragraph(Label("Nội dung yêu cầu giải quyết:", f.procedure_name), {.size = kSize});
  w.Paragraph(Label("Thời gian hẹn trả kết quả giải quyết hồ sơ:", VietnameseDateTime(f.old_due_at)), {.size = kSize});
  w.Paragraph("Tuy nhiên đến nay, " + agency + " chưa trả kết quả giải quyết hồ sơ của ông/bà.", {.size = kSize});
  w.Paragraph(Label("Lý do:", f.reason), {.size = kSize});
  w.Paragraph("Sự chậm trễ này đã gây phiền hà, tốn kém chi phí đi lại của ông/bà. " + agency +
                  " xin lỗi ông/bà và sẽ trả kết quả giải quyết hồ sơ cho ông/bà vào " +
                  B(Field(VietnameseDateTime(f.new_due_at))) + ".",
              {.size = kSize});
  w.Paragraph("Mong nhận được sự thông cảm của ông/bà.", {.size = kSize});
  Signatures(w, f.head.issued_at,
             {{"THỦ TRƯỞNG CƠ QUAN", "(Ký, ghi rõ họ tên và đóng dấu)", f.officer_name}}, kSize);
  return w.Finish();
}

std::string RenderPdf(const ControlSheet& f) {
  Writer w(kA5, kA5Margin, "Phiếu kiểm soát quá trình giải quyết hồ sơ " + f.head.dossier_code, Footer(f.head));
  Heading(w, f.head, "Mẫu số 05", kSize);
  Title(w, "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", f.head, kSize);
  w.Paragraph(I("(Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả)"), {.size = kSize - 1, .align = PANGO_ALIGN_CENTER});
  w.Paragraph(Label("Cơ quan (bộ phận) giải quyết hồ sơ:", f.head.agency_name), {.size = kSize});
  w.Paragraph(Label("Người nộp hồ sơ:", f.applicant.name), {.size = kSize});
  w.Paragraph(Label("Nội dung yêu cầu giải quyết:", f.procedure_name), {.size = kSize});
  w.Paragraph(Label("Thời gian tiếp nhận:", VietnameseDateTime(f.received_at)), {.size = kSize});
  w.Paragraph(Label("Thời gian hẹn trả kết quả:", VietnameseDateTime(f.due_at)), {.size = kSize});
  std::vector<std::vector<std::string>> rows;
  int n = 0;
  for (const auto& s : f.steps) {
    rows.push_back({std::to_string(++n) + ". " + B("Giao:") + " " + Field(s.handed_by) + "\n" + B("Nhận:") + " " + Field(s.received_by),
                    T(ShortDateTime(s.at)), T(s.result), T(s.note)});
  }
  w.Table({{"TÊN CƠ QUAN", 3.0},
           {"THỜI GIAN GIAO, NHẬN HỒ SƠ", 1.8, PANGO_ALIGN_CENTER},
           {"KẾT QUẢ GIẢI QUYẾT HỒ SƠ (Trước hạn/đúng hạn/quá hạn)", 1.9, PANGO_ALIGN_CENTER},
           {"GHI CHÚ", 2.5}},
          rows, 8);
  w.Paragraph(I("Ghi chú: Trường hợp hồ sơ được gửi qua dịch vụ bưu chính, thời gian giao nhận là thời gian "
                "bưu điện nhận và phát hồ sơ."),
              {.size = kSize - 2});
  return w.Finish();
}

std::string RenderPdf(const Register& f) {
  constexpr double kMargin = 12 * kMm;
  Writer w(kA4Landscape, kMargin, "Sổ theo dõi hồ sơ " + (f.head.dossier_code.empty() ? f.from + " – " + f.to : f.head.dossier_code),
           f.head.dossier_code.empty() ? "Sổ theo dõi hồ sơ " + VietnameseDate(f.from) + " – " + VietnameseDate(f.to)
                                       : Footer(f.head));
  Heading(w, f.head, "Mẫu số 06", kSize);
  Title(w, "SỔ THEO DÕI HỒ SƠ", f.head, kSize);
  if (!f.from.empty() || !f.to.empty()) {
    w.Paragraph(I("Từ ngày " + T(VietnameseDate(f.from)) + " đến ngày " + T(VietnameseDate(f.to))),
                {.size = kSize, .align = PANGO_ALIGN_CENTER, .space_after = 6});
  }
  std::vector<std::vector<std::string>> rows;
  int n = 0;
  auto at = [](const std::string& s) { return T(ShortDateTime(s)); };
  for (const auto& r : f.rows) {
    rows.push_back({std::to_string(++n), T(r.code), T(r.procedure_name), T(r.applicant_name), at(r.received_at), at(r.due_at),
                    at(r.transferred_at), at(r.finished_at), at(r.returned_at), T(r.note)});
  }
  w.Table({{"STT", 0.5, PANGO_ALIGN_CENTER},
           {"Mã hồ sơ", 2.7},
           {"Tên thủ tục hành chính", 2.5},
           {"Tên cá nhân, tổ chức", 1.8},
           {"Ngày, giờ nhận hồ sơ", 1.1, PANGO_ALIGN_CENTER},
           {"Ngày, giờ hẹn trả kết quả", 1.1, PANGO_ALIGN_CENTER},
           {"Ngày, giờ chuyển hồ sơ", 1.1, PANGO_ALIGN_CENTER},
           {"Ngày, giờ có kết quả", 1.1, PANGO_ALIGN_CENTER},
           {"Ngày, giờ trả kết quả", 1.1, PANGO_ALIGN_CENTER},
           {"Ghi chú", 1.3}},
          rows, 7.5);
  w.Paragraph(I("Tổng số: " + std::to_string(f.rows.size()) + " hồ sơ."), {.size = kSize - 1});
  return w.Finish();
}

std::string FormatVnd(std::int64_t amount) {
  bool negative = amount < 0;
  std::uint64_t v = negative ? 0 - static_cast<std::uint64_t>(amount) : static_cast<std::uint64_t>(amount);
  std::string digits = std::to_string(v), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += '.';
    out += digits[i];
  }
  return negative ? "-" + out : out;
}

namespace {

constexpr const char* kDigits[] = {"không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"};

// Three digits; `full` (not the leading group) reads "không trăm" and "linh" as Vietnamese does.
std::string Group(int n, bool full) {
  int h = n / 100, t = n / 10 % 10, u = n % 10;
  std::string out;
  auto add = [&](const std::string& w) { out += (out.empty() ? "" : " ") + w; };
  if (h > 0 || full) add(std::string(kDigits[h]) + " trăm");
  if (t == 0) {
    if (u > 0 && !out.empty()) add("linh");
  } else if (t == 1) {
    add("mười");
  } else {
    add(std::string(kDigits[t]) + " mươi");
  }
  if (u == 1 && t >= 2) add("mốt");
  else if (u == 5 && t >= 1) add("lăm");
  else if (u > 0) add(kDigits[u]);
  return out;
}

// Below a thousand million, in groups of three digits.
std::string Below(std::uint64_t n, bool leading) {
  constexpr const char* kUnits[] = {"", "nghìn", "triệu"};
  int groups[3] = {static_cast<int>(n % 1000), static_cast<int>(n / 1000 % 1000), static_cast<int>(n / 1000000 % 1000)};
  int top = groups[2] > 0 ? 2 : groups[1] > 0 ? 1 : 0;
  std::string out;
  for (int g = top; g >= 0; --g) {
    if (groups[g] == 0) continue;
    std::string words = Group(groups[g], !(leading && g == top));
    out += (out.empty() ? "" : " ") + words + (kUnits[g][0] != '\0' ? std::string(" ") + kUnits[g] : std::string());
  }
  return out;
}

std::string Words(std::uint64_t n, bool leading) {
  constexpr std::uint64_t kBillion = 1000000000;
  if (n < kBillion) return Below(n, leading);
  std::string out = Words(n / kBillion, leading) + " tỷ";
  if (n % kBillion != 0) out += " " + Below(n % kBillion, false);
  return out;
}

}  // namespace

std::string VndInWords(std::int64_t amount) {
  if (amount == 0) return "Không đồng";
  bool negative = amount < 0;
  std::uint64_t v = negative ? 0 - static_cast<std::uint64_t>(amount) : static_cast<std::uint64_t>(amount);
  std::string words = Words(v, true);
  if (negative) return "Âm " + words + " đồng";
  words[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(words[0])));
  return words + " đồng";
}

std::string RenderPdf(const PaymentReceipt& f) {
  std::string title = f.kind == "phi" ? "BIÊN LAI THU PHÍ" : f.kind == "le_phi" ? "BIÊN LAI THU LỆ PHÍ" : "BIÊN LAI THU TIỀN";
  char number[32];
  std::snprintf(number, sizeof number, "%07lld", static_cast<long long>(f.number));
  Writer w(kA5, kA5Margin, title + " " + f.series + " " + number, Footer(f.head));
  Heading(w, f.head, "Biên lai điện tử", kSize);
  w.Paragraph(B(T(title)), {.size = kSize + 2, .align = PANGO_ALIGN_CENTER, .space_after = 1});
  w.Paragraph(I("(Biên lai điện tử)"), {.size = kSize - 1, .align = PANGO_ALIGN_CENTER, .space_after = 2});
  w.Paragraph(B("Ký hiệu:") + " " + Field(f.series) + "    " + B("Số:") + " " + T(number), {.size = kSize, .align = PANGO_ALIGN_CENTER, .space_after = 4});
  Title(w, "", f.head, kSize);
  w.Paragraph(Label("Đơn vị thu:", f.head.agency_name), {.size = kSize});
  w.Paragraph(Label("Người nộp tiền:", f.payer.name), {.size = kSize});
  if (!f.payer.id_number.empty()) w.Paragraph(Label("Số định danh/mã số thuế:", f.payer.id_number), {.size = kSize});
  if (!f.payer.address.empty()) w.Paragraph(Label("Địa chỉ:", f.payer.address), {.size = kSize});
  w.Paragraph(Label("Nội dung:", "Nộp " + std::string(f.kind == "phi" ? "phí" : f.kind == "le_phi" ? "lệ phí" : "tiền") +
                                     " giải quyết thủ tục hành chính: " + f.procedure_name),
              {.size = kSize});
  std::vector<std::vector<std::string>> rows;
  std::int64_t total = 0;
  int n = 0;
  for (const auto& l : f.lines) {
    rows.push_back({std::to_string(++n), T(l.name), T(FormatVnd(l.amount))});
    total += l.amount;
  }
  rows.push_back({"", B("Tổng cộng"), B(T(FormatVnd(total)))});
  w.Table({{"STT", 0.5, PANGO_ALIGN_CENTER}, {"Nội dung khoản thu", 4.0}, {"Số tiền (đồng)", 1.6, PANGO_ALIGN_RIGHT}}, rows, kSize);
  w.Paragraph(B("Số tiền bằng chữ:") + " " + I(T(VndInWords(total)) + "."), {.size = kSize});
  w.Paragraph(Label("Hình thức thanh toán:", f.method), {.size = kSize});
  w.Paragraph(Label("Mã tham chiếu:", f.reference), {.size = kSize});
  if (!f.platform_txn.empty() || !f.bank.empty()) {
    w.Paragraph(Label("Mã giao dịch:", f.platform_txn) + "    " + Label("Ngân hàng:", f.bank), {.size = kSize});
  }
  w.Paragraph(Label("Thời điểm thanh toán:", VietnameseDateTime(f.paid_at)), {.size = kSize});
  Signatures(w, f.head.issued_at.empty() ? f.paid_at : f.head.issued_at,
             {{"ĐƠN VỊ THU", "(Biên lai điện tử, không cần ký)", f.head.agency_name}}, kSize);
  return w.Finish();
}

std::optional<std::string> MissingFonts() {
  PangoFontMap* map = pango_cairo_font_map_get_default();
  PangoContext* context = pango_font_map_create_context(map);
  std::string missing;
  for (PangoWeight weight : {PANGO_WEIGHT_NORMAL, PANGO_WEIGHT_BOLD}) {
    PangoFontDescription* want = pango_font_description_new();
    pango_font_description_set_family(want, kFontFamily);
    pango_font_description_set_weight(want, weight);
    pango_font_description_set_size(want, 10 * PANGO_SCALE);
    PangoFont* font = pango_font_map_load_font(map, context, want);
    std::string got;
    if (font != nullptr) {
      PangoFontDescription* d = pango_font_describe(font);
      got = pango_font_description_get_family(d) != nullptr ? pango_font_description_get_family(d) : "";
      pango_font_description_free(d);
      g_object_unref(font);
    }
    if (got != kFontFamily) {
      missing += std::string(missing.empty() ? "" : "; ") + kFontFamily + (weight == PANGO_WEIGHT_BOLD ? " Bold" : "") +
                 " not found (fontconfig gives \"" + got + "\"); install fonts-noto-core";
    }
    pango_font_description_free(want);
  }
  g_object_unref(context);
  if (missing.empty()) return std::nullopt;
  return missing;
}

}  // namespace motcua::docs
