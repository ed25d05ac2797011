#include "catalog/demo.hpp"

#include <boost/json.hpp>

#include <cstdio>
#include <stdexcept>

#include "catalog/record.hpp"
#include "catalog/store.hpp"
#include "core/time.hpp"

namespace motcua::catalog {

namespace json = boost::json;

namespace {

std::string Str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

void SeedDemoCatalog(db::Connection& conn) {
  std::string now = core::NowUtc();
  for (const auto& file : EmbeddedDemoCatalog()) {
    boost::system::error_code ec;
    json::value v = json::parse(file.content, ec);
    if (ec || !v.is_array()) throw std::runtime_error(std::string(file.path) + ": not a JSON array");
    const json::array& items = v.as_array();
    if (file.path.ends_with("fields.json")) {
      for (const auto& f : items) {
        const auto& o = f.as_object();
        store::UpsertField(conn, {Str(o, "MALINHVUC"), Str(o, "TENLINHVUC"), Str(o, "TENLINHVUC_EN")});
      }
    } else if (file.path.ends_with("faq.json")) {
      for (const auto& f : items) {
        const auto& o = f.as_object();
        store::FaqRow row{Str(o, "id"), Str(o, "question"), Str(o, "answer"), Str(o, "question_en"), Str(o, "answer_en"),
                          Str(o, "procedure_code"), Str(o, "field_code"), now};
        row.published = !o.contains("published") || !o.at("published").is_bool() || o.at("published").as_bool();
        store::UpsertFaq(conn, row);
      }
    } else if (file.path.ends_with("bundles.json")) {
      for (const auto& b : items) store::UpsertBundle(conn, Str(b.as_object(), "code"), b.as_object());
    } else {
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (!items[i].is_object()) throw std::runtime_error(std::string(file.path) + ": record " + std::to_string(i));
        auto parsed = ParseRecord(items[i].as_object());
        if (!parsed.procedure) {
          throw std::runtime_error(std::string(file.path) + ": record " + std::to_string(i) + " " +
                                   parsed.errors.front().pointer + ": " + parsed.errors.front().message);
        }
        const Procedure& p = *parsed.procedure;
        store::SaveVersion(conn, p.code, p.name, p.publisher_code, p.decision_date, p.status, items[i].as_object(), "demo",
                           "imported", now);
      }
    }
  }
  store::BumpGeneration(conn);
}

}  // namespace motcua::catalog

namespace motcua::catalog {

namespace {

// A small linear congruential generator: deterministic across platforms, unlike std::rand.
struct Lcg {
  std::uint32_t state;
  std::uint32_t Next() {
    state = state * 1664525u + 1013904223u;
    return state >> 8;
  }
  template <typename T, std::size_t N>
  const T& Pick(const T (&list)[N]) {
    return list[Next() % N];
  }
};

constexpr const char* kActions[] = {"Cấp", "Cấp lại", "Cấp đổi", "Đăng ký", "Đăng ký thay đổi", "Gia hạn", "Điều chỉnh",
                                    "Thu hồi", "Xác nhận", "Công nhận", "Thẩm định", "Phê duyệt", "Chấp thuận", "Hỗ trợ",
                                    "Giải quyết", "Cho phép", "Thông báo", "Chứng nhận"};
constexpr const char* kObjects[] = {"giấy phép", "giấy chứng nhận", "chứng chỉ hành nghề", "thẻ", "quyết định", "hồ sơ",
                                    "văn bằng", "giấy xác nhận", "đăng ký", "trợ cấp", "phụ cấp", "hợp đồng",
                                    "bản sao", "danh hiệu", "phương án", "dự án"};
constexpr const char* kTopics[] = {"kinh doanh dịch vụ lữ hành", "hoạt động khoáng sản", "khai thác tài nguyên nước",
                                   "xả thải vào nguồn nước", "sử dụng đất", "xây dựng công trình", "vận tải hành khách",
                                   "kinh doanh xăng dầu", "bán lẻ thuốc", "cơ sở giáo dục mầm non", "trung tâm ngoại ngữ",
                                   "hành nghề luật sư", "hành nghề công chứng", "đấu giá tài sản", "giám định tư pháp",
                                   "thú y", "bảo vệ thực vật", "giống cây trồng", "an toàn thực phẩm", "phòng cháy chữa cháy",
                                   "biểu diễn nghệ thuật", "quảng cáo ngoài trời", "di sản văn hóa", "thể thao chuyên nghiệp",
                                   "lao động nước ngoài", "bảo hiểm thất nghiệp", "người có công với cách mạng",
                                   "bảo trợ xã hội", "trẻ em có hoàn cảnh đặc biệt", "hợp tác xã", "đầu tư nước ngoài",
                                   "xuất khẩu lao động", "tàu cá", "đăng kiểm phương tiện", "thiết bị y tế", "mỹ phẩm"};
constexpr const char* kWhere[] = {"cấp tỉnh", "cấp huyện", "cấp xã", "trong khu công nghiệp", "tại cửa khẩu",
                                  "cho tổ chức", "cho cá nhân", "cho doanh nghiệp nhỏ và vừa", "lần đầu", "khi có thay đổi"};
constexpr const char* kFields[][2] = {{"G15-HT", "Hộ tịch"}, {"G01-CT", "Cư trú"}, {"G13-DD", "Đất đai"},
                                      {"G17-HDXD", "Xây dựng"}, {"G05-DKKD", "Đăng ký kinh doanh"}, {"G05-DT", "Đầu tư"},
                                      {"G07-LDVL", "Lao động - việc làm"}, {"G07-BTXH", "Bảo trợ xã hội"},
                                      {"G18-KCB", "Khám bệnh, chữa bệnh"}, {"G03-GDDT", "Giáo dục và Đào tạo"},
                                      {"G04-GTDB", "Giao thông đường bộ"}, {"G12-THUE", "Thuế"}, {"G16-VH", "Văn hóa"},
                                      {"G10-NN", "Nông nghiệp"}, {"G15-CTH", "Chứng thực"}};
constexpr const char* kLevels[] = {"Cấp Tỉnh", "Cấp Huyện", "Cấp Xã", "Cấp Bộ"};
constexpr const char* kPapers[] = {"Đơn đề nghị theo mẫu", "Bản sao giấy tờ tùy thân", "Giấy chứng nhận đăng ký doanh nghiệp",
                                   "Bản thuyết minh", "Bản vẽ mặt bằng", "Giấy khám sức khỏe", "Văn bản ủy quyền",
                                   "Chứng từ nộp phí", "Báo cáo kết quả hoạt động", "Hợp đồng thuê địa điểm"};

}  // namespace

std::vector<json::object> SyntheticRecords(std::size_t count, std::uint32_t seed) {
  Lcg rng{seed};
  std::vector<json::object> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    std::string action = rng.Pick(kActions), object = rng.Pick(kObjects), topic = rng.Pick(kTopics), where = rng.Pick(kWhere);
    std::string name = action + " " + object + " " + topic + " " + where;
    const auto& field = kFields[rng.Next() % std::size(kFields)];
    char code[32];
    std::snprintf(code, sizeof code, "8.%06zu", i % 1000000);
    json::array papers;
    for (int p = 0, n = 2 + static_cast<int>(rng.Next() % 4); p < n; ++p) {
      papers.push_back(json::object{{"MAGIAYTO", std::string(code) + "-" + std::to_string(p)}, {"TENGIAYTO", rng.Pick(kPapers)},
                                    {"SOBANCHINH", 1}, {"SOBANSAO", static_cast<int>(rng.Next() % 2)}});
    }
    json::array channels;
    for (int k = 1; k <= 3; ++k) {
      if (k != 1 && rng.Next() % 2 == 0) continue;
      channels.push_back(json::object{
          {"KENH", k},
          {"THOIGIAN", json::array{json::object{{"THOIGIANGIAIQUYET", 1 + rng.Next() % 30}, {"DONVITINH", "Ngày làm việc"},
                                                {"PHILEPHI", json::array{json::object{{"MAPHILEPHI", std::string(code) + "-LP"},
                                                                                      {"SOTIEN", (rng.Next() % 50) * 10000},
                                                                                      {"LOAIPHILEPHI", "LEPHI"}}}}}}}});
    }
    std::string description = "Thủ tục " + name + ". Tổ chức, cá nhân " + std::string(rng.Pick(kActions)) + " " +
                              rng.Pick(kObjects) + " liên quan đến " + rng.Pick(kTopics) + " nộp hồ sơ " +
                              rng.Pick(kWhere) + "; cơ quan có thẩm quyền xem xét và trả kết quả đúng hạn.";
    out.push_back(json::object{{"MATTHC", code},
                               {"TENTTHC", name},
                               {"MACOQUANCONGBO", "000.00.00.H99"},
                               {"MOTA", description},
                               {"TUKHOA", topic},
                               {"MUCDO", 2 + static_cast<int>(rng.Next() % 3)},
                               {"CAPTHUCHIEN", json::array{rng.Pick(kLevels)}},
                               {"LINHVUCTHUCHIEN", json::array{json::object{{"MALINHVUC", field[0]}, {"TENLINHVUC", field[1]}}}},
                               {"CACHTHUCTHUCHIEN", std::move(channels)},
                               {"THANHPHANHOSO", json::array{json::object{{"TRUONGHOP", ""}, {"GIAYTO", std::move(papers)}}}},
                               {"COQUANTHUCHIEN", json::array{json::object{{"MADONVI", "000.00.17.H99"},
                                                                           {"TENDONVI", "Trung tâm Phục vụ hành chính công tỉnh"}}}},
                               {"TRANGTHAI", "published"}});
  }
  return out;
}

void SeedSynthetic(db::Connection& conn, std::size_t count) {
  std::string now = core::NowUtc();
  db::Transaction tx(conn);
  for (const auto& record : SyntheticRecords(count)) {
    auto parsed = ParseRecord(record);
    if (!parsed.procedure) throw std::runtime_error("synthetic record does not check: " + parsed.errors.front().pointer);
    const Procedure& p = *parsed.procedure;
    store::SaveVersion(conn, p.code, p.name, p.publisher_code, p.decision_date, p.status, record, "synthetic", "imported", now);
  }
  store::BumpGeneration(conn);
  tx.Commit();
}

}  // namespace motcua::catalog
