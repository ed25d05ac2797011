#include "catalog/search.hpp"

#include <gtest/gtest.h>

namespace motcua::catalog {
namespace {

Procedure Make(std::string code, std::string name, std::string field, std::string level, std::string description = "",
               std::string keywords = "") {
  Procedure p;
  p.code = std::move(code);
  p.name = std::move(name);
  p.description = std::move(description);
  p.keywords = std::move(keywords);
  p.fields = {{field, field}};
  p.levels = {std::move(level)};
  p.service_class = "full_online";
  p.channels = {ChannelOption{2, {}}};
  return p;
}

ProcedureIndex Sample() {
  return ProcedureIndex({Make("1.001193", "Đăng ký khai sinh", "HT", "commune", "Đăng ký khai sinh cho trẻ em."),
                         Make("1.000656", "Đăng ký khai tử", "HT", "commune", "Khi có người chết."),
                         Make("1.004222", "Cấp bản sao trích lục hộ tịch", "HT", "district", "Bản sao giấy khai sinh.", "khai sinh"),
                         Make("2.000488", "Đăng ký thường trú", "CT", "commune", "Nơi ở mới.")},
                        {{"HT", "Hộ tịch"}, {"CT", "Cư trú"}});
}

std::vector<std::string> Codes(const SearchResult& r) {
  std::vector<std::string> out;
  for (const auto& h : r.hits) out.push_back(h.procedure->code);
  return out;
}

TEST(Search, DiacriticsAndCaseDoNotMatter) {
  auto index = Sample();
  for (const char* q : {"dang ky khai sinh", "ĐĂNG KÝ KHAI SINH", "Đăng ký khai sinh", "đang ky khai sính"}) {
    auto r = index.Search({.q = q});
    ASSERT_FALSE(r.hits.empty()) << q;
    EXPECT_EQ(r.hits.front().procedure->code, "1.001193") << q;
  }
}

TEST(Search, NameMatchesRankBeforeKeywordAndDescriptionMatches) {
  auto index = Sample();  // the hits point into the index
  auto r = index.Search({.q = "khai sinh"});
  EXPECT_EQ(Codes(r), (std::vector<std::string>{"1.001193", "1.004222"}));
  EXPECT_EQ(r.hits.front().name_html, "Đăng ký <mark>khai</mark> <mark>sinh</mark>");
}

TEST(Search, ATypoInALongerWordAndAPrefixStillFind) {
  auto index = Sample();
  EXPECT_EQ(Codes(index.Search({.q = "thuongg tru"})).front(), "2.000488");
  EXPECT_EQ(Codes(index.Search({.q = "dang ky thuo"})).front(), "2.000488");
  EXPECT_TRUE(index.Search({.q = "xyzzyq"}).hits.empty());
}

TEST(Search, FiltersAndFacets) {
  auto index = Sample();
  auto r = index.Search({.q = "", .field = "HT"});
  EXPECT_EQ(r.total, 3u);
  // The field facet counts ignore the field filter itself; the level facet honours it.
  std::map<std::string, std::size_t> fields, levels;
  for (const auto& f : r.facets["field"]) fields[f.value] = f.count;
  for (const auto& f : r.facets["level"]) levels[f.value] = f.count;
  EXPECT_EQ(fields["HT"], 3u);
  EXPECT_EQ(fields["CT"], 1u);
  EXPECT_EQ(levels["commune"], 2u);
  EXPECT_EQ(levels["district"], 1u);
  EXPECT_EQ(index.Search({.q = "", .field = "HT", .level = "district"}).total, 1u);
  EXPECT_EQ(index.Search({.q = "", .channel = 1}).total, 0u);
}

TEST(Search, PagesAreStable) {
  auto index = Sample();
  auto first = index.Search({.q = "", .offset = 0, .limit = 2});
  auto second = index.Search({.q = "", .offset = 2, .limit = 2});
  EXPECT_EQ(first.total, 4u);
  auto a = Codes(first), b = Codes(second);
  a.insert(a.end(), b.begin(), b.end());
  std::sort(a.begin(), a.end());
  EXPECT_EQ(std::unique(a.begin(), a.end()), a.end());
  EXPECT_EQ(a.size(), 4u);
}

TEST(Search, ByCode) {
  EXPECT_EQ(Codes(Sample().Search({.q = "1.001193"})), std::vector<std::string>{"1.001193"});
}

}  // namespace
}  // namespace motcua::catalog
