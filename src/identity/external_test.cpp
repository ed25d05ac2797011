#include "identity/external.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace motcua::identity {
namespace {

TEST(ExternalClaims, MapsTheNationalPortalClaims) {
  ExternalProvider p;
  auto c = MapClaims(p, R"({"sub":"t-1","SoDinhDanh":"001085012345","HoVaTen":"Nguyễn Văn An",
                           "NgayThangNamSinh":"02/03/1985","GioiTinh":1,"loAs":2})");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->birth_date, "1985-03-02");
  EXPECT_EQ(c->gender, "male");
  EXPECT_EQ(c->assurance_level, 2);
}

TEST(ExternalClaims, ConfiguredNamesAndOtherFormats) {
  ExternalProvider p;
  p.claim_personal_id = "pin";
  p.claim_full_name = "name";
  p.claim_birth_date = "birthdate";
  p.claim_gender = "gender";
  auto c = MapClaims(p, R"({"sub":"x","pin":"079190123456","name":"Trần Thị Bình","birthdate":"19900715","gender":"Nữ","IAL":1})");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->gender, "female");
  EXPECT_EQ(c->assurance_level, 1);
}

TEST(ExternalClaims, RefusesInconsistentIdentities) {
  ExternalProvider p;
  auto wrong_gender = MapClaims(p, R"({"sub":"x","SoDinhDanh":"001085012345","HoVaTen":"A","NgayThangNamSinh":"1985-03-02","GioiTinh":0})");
  ASSERT_FALSE(wrong_gender);
  EXPECT_FALSE(MapClaims(p, R"({"SoDinhDanh":"001085012345"})"));
  EXPECT_FALSE(MapClaims(p, "not json"));
}

TEST(ExternalProviders, FileIsValidatedEntryByEntry) {
  std::string path = ::testing::TempDir() + "/idp.json";
  std::ofstream(path) << R"([{"id":"vneid","name":"VNeID","issuer":"https://id.example/","client_id":"c"}])";
  auto ok = LoadProviders(path);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->front().issuer, "https://id.example");
  std::ofstream(path) << R"([{"id":"VNeID","name":"x","issuer":"https://a","client_id":"c"}])";
  EXPECT_FALSE(LoadProviders(path));
  std::ofstream(path) << R"([{"id":"a","name":"x","issuer":"ftp://a","client_id":"c"}])";
  EXPECT_FALSE(LoadProviders(path));
  EXPECT_FALSE(LoadProviders(path + ".missing"));
}

}  // namespace
}  // namespace motcua::identity
