#include "identity/rules.hpp"

#include <gtest/gtest.h>

namespace motcua::identity {
namespace {

TEST(PersonalId, AcceptsNumbersThatAgreeWithBirthAndGender) {
  // 001 Hà Nội, 0 = male born 1900s, 85 = 1985.
  EXPECT_TRUE(CheckPersonalId("001085012345", {1985, 3, 2}, "male", "p").empty());
  // 079 Hồ Chí Minh City, 3 = female born 2000s, 04 = 2004.
  EXPECT_TRUE(CheckPersonalId("079304000123", {2004, 12, 31}, "female", "p").empty());
  // 1 = female 1900s.
  EXPECT_TRUE(CheckPersonalId("040190999999", {1990, 1, 1}, "female", "p").empty());
}

TEST(PersonalId, NamesEachInconsistency) {
  EXPECT_EQ(CheckPersonalId("00108501234", {1985, 3, 2}, "male", "p").size(), 1u);   // 11 digits
  EXPECT_EQ(CheckPersonalId("00108501234a", {1985, 3, 2}, "male", "p").size(), 1u);
  EXPECT_EQ(CheckPersonalId("003085012345", {1985, 3, 2}, "male", "p").size(), 1u);  // no province 003
  EXPECT_EQ(CheckPersonalId("001185012345", {1985, 3, 2}, "male", "p").size(), 1u);  // female digit
  EXPECT_EQ(CheckPersonalId("001285012345", {1985, 3, 2}, "male", "p").size(), 1u);  // 2000s digit
  EXPECT_EQ(CheckPersonalId("001086012345", {1985, 3, 2}, "male", "p").size(), 1u);  // year 86
  auto all = CheckPersonalId("003386012345", {1985, 3, 2}, "male", "applicant/pin");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].field, "applicant/pin");
}

TEST(PersonalId, KnowsTheProvinceTable) {
  EXPECT_EQ(PinProvinceName("001"), "Hà Nội");
  EXPECT_EQ(PinProvinceName("096"), "Cà Mau");
  EXPECT_FALSE(PinProvinceName("003"));
}

TEST(Dates, OnlyRealCalendarDates) {
  EXPECT_TRUE(ParseDate("2024-02-29"));
  EXPECT_FALSE(ParseDate("2023-02-29"));
  EXPECT_FALSE(ParseDate("2023-13-01"));
  EXPECT_FALSE(ParseDate("23-01-01"));
  EXPECT_FALSE(ParseDate("2023/01/01"));
}

TEST(TaxCode, ChecksTheCheckDigitAndBranchSuffix) {
  EXPECT_TRUE(ValidTaxCode("0100112437"));
  EXPECT_TRUE(ValidTaxCode("0100109106"));
  EXPECT_TRUE(ValidTaxCode("0101248141-001"));
  EXPECT_FALSE(ValidTaxCode("0100112438"));
  EXPECT_FALSE(ValidTaxCode("010011243"));
  EXPECT_FALSE(ValidTaxCode("0101248141-01"));
  EXPECT_FALSE(ValidTaxCode("0101248141_001"));
}

TEST(Password, StrengthRules) {
  EXPECT_FALSE(CheckPasswordStrength("Demo@2026", "citizen.demo"));
  EXPECT_TRUE(CheckPasswordStrength("Ab1!", "x"));
  EXPECT_TRUE(CheckPasswordStrength("abcdefgh1", "x"));
  EXPECT_TRUE(CheckPasswordStrength("Xcitizen.demo1", "citizen.demo"));
  EXPECT_FALSE(CheckPasswordStrength("Mật khẩu 2026", "x"));  // Vietnamese letters count as symbols
  EXPECT_TRUE(CheckPasswordStrength(std::string(129, 'a') + "A1", "x"));
}

TEST(Throttle, GrowsThenLocks) {
  ThrottlePolicy p;
  EXPECT_EQ(ThrottleDelay(p, 3).count(), 0);
  EXPECT_EQ(ThrottleDelay(p, 4).count(), 2);
  EXPECT_EQ(ThrottleDelay(p, 5).count(), 4);
  EXPECT_EQ(ThrottleDelay(p, 9).count(), 64);
  EXPECT_EQ(ThrottleDelay(p, 10).count(), 900);
  for (int n = 1; n < 60; ++n) EXPECT_GE(ThrottleDelay(p, n + 1), ThrottleDelay(p, n)) << n;
}

}  // namespace
}  // namespace motcua::identity
