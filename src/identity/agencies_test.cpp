#include "identity/agencies.hpp"

#include <gtest/gtest.h>

namespace motcua::identity {
namespace {

TEST(AgencyCodes, BothNationalFormats) {
  EXPECT_TRUE(ValidQcvnCode("000.00.01.H22"));
  EXPECT_TRUE(ValidQcvnCode("000.00.00.G09"));
  EXPECT_FALSE(ValidQcvnCode("000.00.01.h22"));
  EXPECT_FALSE(ValidQcvnCode("00.00.01.H22"));
  EXPECT_FALSE(ValidQcvnCode("000.00.01.Z22"));  // Z is for other organisations' schemes
  EXPECT_TRUE(ValidD20Code("G09"));
  EXPECT_TRUE(ValidD20Code("G09.20"));
  EXPECT_TRUE(ValidD20Code("H99.21.03"));
  EXPECT_FALSE(ValidD20Code("G09."));
  EXPECT_FALSE(ValidD20Code("G09..1"));
  EXPECT_FALSE(ValidD20Code("G0920"));
  EXPECT_FALSE(ValidD20Code("g09"));
  EXPECT_FALSE(ValidD20Code(std::string("G09.") + std::string(40, '1')));
}

TEST(AgencyImport, JsonRowsWithPerRowProblems) {
  auto parsed = ParseAgenciesJson(R"([
    {"code":"000.00.00.H99","code_d20":"H99","name":"UBND tỉnh","level":"province","kind":"people_committee","parent_code":null},
    {"code":"000.00.02.H99","name":"Sở Tư pháp","level":"province","kind":"department","parent_code":"000.00.00.H99","extra":"x"},
    17
  ])");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->rows.size(), 1u);
  ASSERT_EQ(parsed->errors.size(), 2u);
  EXPECT_EQ(parsed->errors[0].row, 2u);
  EXPECT_EQ(parsed->errors[0].field, "extra");
  EXPECT_EQ(parsed->errors[1].row, 3u);
  EXPECT_FALSE(ParseAgenciesJson("{}"));
  EXPECT_FALSE(ParseAgenciesJson("[1,"));
}

TEST(AgencyImport, FieldChecksNameEachProblem) {
  std::vector<RowError> errors;
  AgencyRecord r{"000.00.02.h99", "H99.", "", "", "village", "shop", "000.00.02.h99", "", "", ""};
  CheckAgencyRecord(r, 4, errors);
  ASSERT_EQ(errors.size(), 6u);
  for (const auto& e : errors) EXPECT_EQ(e.row, 4u);
}

TEST(AgencyImport, CsvRoundTripKeepsQuotesCommasAndVietnamese) {
  std::vector<AgencyRecord> rows = {
      {"000.00.00.H99", "H99", "Ủy ban nhân dân tỉnh An Hòa", "People's Committee, An Hoa", "province",
       "people_committee", "", "Số 1, đường \"Trần Hưng Đạo\"", "0200 3800 000", "ubnd@anhoa.gov.vn"},
  };
  std::string csv = AgenciesToCsv(rows);
  EXPECT_TRUE(csv.starts_with("\xEF\xBB\xBF" "code,code_d20,name"));
  auto back = ParseAgenciesCsv(csv);
  ASSERT_TRUE(back);
  ASSERT_TRUE(back->errors.empty());
  ASSERT_EQ(back->rows.size(), 1u);
  EXPECT_EQ(back->rows[0].name_en, "People's Committee, An Hoa");
  EXPECT_EQ(back->rows[0].address, "Số 1, đường \"Trần Hưng Đạo\"");
}

TEST(AgencyImport, CsvProblems) {
  EXPECT_FALSE(ParseAgenciesCsv(""));
  EXPECT_FALSE(ParseAgenciesCsv("code,colour\r\n"));
  EXPECT_FALSE(ParseAgenciesCsv("code,name\r\n\"000.00.00.H99,x\r\n"));
  auto short_row = ParseAgenciesCsv("code,name\r\n000.00.00.H99\r\n");
  ASSERT_TRUE(short_row);
  EXPECT_EQ(short_row->errors.size(), 1u);
}

}  // namespace
}  // namespace motcua::identity
