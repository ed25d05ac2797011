#include "payment/reconcile.hpp"

#include <gtest/gtest.h>

namespace motcua::payment {
namespace {

TEST(Reconcile, SortsEachReferenceIntoOneOutcome) {
  std::vector<StatementLine> ours{{"A", 100, ""}, {"B", 200, ""}, {"C", 300, ""}};
  std::vector<StatementLine> theirs{{"A", 100, "t1"}, {"B", 250, "t2"}, {"D", 50, "t4"}};
  auto r = Reconcile(ours, theirs);
  ASSERT_EQ(r.lines.size(), 4u);
  EXPECT_EQ(r.lines[0].outcome, "matched");
  EXPECT_EQ(r.lines[1].outcome, "amount_mismatch");
  EXPECT_EQ(r.lines[2].outcome, "missing_theirs");
  EXPECT_EQ(r.lines[3].outcome, "missing_ours");
  EXPECT_EQ(r.matched + r.amount_mismatch + r.missing_ours + r.missing_theirs, 4u);
  EXPECT_EQ(r.ours_total, 600);
  EXPECT_EQ(r.theirs_total, 400);
  EXPECT_EQ(ReconciliationCsv(r).substr(0, 44), "MaThamChieu,SoTienHeThong,SoTienDoiTac,KetQu");
}

TEST(Reconcile, ParsesTheProvidersCsv) {
  auto ok = ParseStatementCsv("\xEF\xBB\xBFNgay,MaThamChieu,SoTien,MaGiaoDich\r\n2026-12-04,REF1,200000,GD1\r\n\r\n2026-12-04,\"REF2\",5000,GD2\n");
  ASSERT_TRUE(ok) << ok.error().message;
  ASSERT_EQ(ok->size(), 2u);
  EXPECT_EQ((*ok)[1].reference, "REF2");
  EXPECT_EQ((*ok)[0].amount, 200000);
  EXPECT_EQ((*ok)[0].platform_txn, "GD1");
  EXPECT_EQ((*ok)[0].day, "2026-12-04");
  EXPECT_FALSE(ParseStatementCsv("a,b\n1,2\n"));
  EXPECT_FALSE(ParseStatementCsv("MaThamChieu,SoTien\nREF1,12.5\n"));
  EXPECT_FALSE(ParseStatementCsv(""));
}

TEST(Reconcile, SplitsPerProviderAndPerAgency) {
  std::vector<StatementLine> ours{{"A", 100, "", "VCB", "ag1"}, {"B", 200, "", "NCB", "ag1"}, {"C", 300, "", "VCB", "ag2"}};
  std::vector<StatementLine> theirs{{"A", 100, "t1", "VCB", ""}, {"B", 250, "t2", "NCB", ""}, {"D", 50, "t4", "BIDV", ""}};
  auto r = Reconcile(ours, theirs);
  auto by_provider = GroupLines(r, GroupBy::kProvider);
  ASSERT_EQ(by_provider.size(), 3u);
  EXPECT_EQ(by_provider[0].key, "BIDV");
  EXPECT_EQ(by_provider[0].missing_ours, 1u);
  EXPECT_EQ(by_provider[0].theirs_total, 50);
  EXPECT_EQ(by_provider[1].key, "NCB");
  EXPECT_EQ(by_provider[1].amount_mismatch, 1u);
  EXPECT_EQ(by_provider[2].key, "VCB");
  EXPECT_EQ(by_provider[2].matched, 1u);
  EXPECT_EQ(by_provider[2].missing_theirs, 1u);
  EXPECT_EQ(by_provider[2].ours_total, 400);
  auto by_agency = GroupLines(r, GroupBy::kAgency);
  ASSERT_EQ(by_agency.size(), 3u);
  EXPECT_EQ(by_agency[0].key, "") << "the statement's line we do not have belongs to no agency of ours";
  EXPECT_EQ(by_agency[1].key, "ag1");
  EXPECT_EQ(by_agency[1].ours_total, 300);
  EXPECT_EQ(by_agency[1].theirs_total, 350);
  std::string csv = ReconciliationCsv(r, {{"ag1", "Sở Tư pháp"}});
  EXPECT_NE(csv.find("A,100,100,matched,VCB,Sở Tư pháp,,\r\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("C,300,0,missing_theirs,VCB,ag2,,\r\n"), std::string::npos) << csv;
  // Text from the provider's file cannot become a spreadsheet formula or break the columns.
  Reconciliation evil;
  evil.lines.push_back({"=HYPERLINK(\"x\")", 1, 1, "matched", "a,b", ""});
  EXPECT_NE(ReconciliationCsv(evil).find("\"'=HYPERLINK(\"\"x\"\")\",1,1,matched,\"a,b\","), std::string::npos) << ReconciliationCsv(evil);
}

TEST(Reconcile, ReadsTheProviderColumn) {
  auto ok = ParseStatementCsv("MaThamChieu,SoTien,MaNganHang\nREF1,200000,VCB\n");
  ASSERT_TRUE(ok);
  EXPECT_EQ((*ok)[0].provider, "VCB");
}

TEST(Reconcile, SplitsPerDayWithSubtotalsThatAddUp) {
  auto theirs = ParseStatementCsv("MaThamChieu,SoTien,ThoiGianGD\nA,100,20261203235959\nB,250,20261204000000\nD,50,20261204120000\n");
  ASSERT_TRUE(theirs) << theirs.error().message;
  EXPECT_EQ((*theirs)[0].day, "2026-12-03");
  std::vector<StatementLine> ours{{"A", 100, "", "", "ag", "2026-12-03"}, {"B", 200, "", "", "ag", "2026-12-04"},
                                  {"C", 300, "", "", "ag", "2026-12-05"}};
  auto r = Reconcile(ours, *theirs);
  auto days = GroupLines(r, GroupBy::kDay);
  ASSERT_EQ(days.size(), 3u);
  EXPECT_EQ(days[0].key, "2026-12-03");
  EXPECT_EQ(days[0].matched, 1u);
  EXPECT_EQ(days[1].key, "2026-12-04");
  EXPECT_EQ(days[1].amount_mismatch, 1u);
  EXPECT_EQ(days[1].missing_ours, 1u);
  EXPECT_EQ(days[1].ours_total, 200);
  EXPECT_EQ(days[1].theirs_total, 300);
  EXPECT_EQ(days[2].missing_theirs, 1u);
  std::int64_t ours_sum = 0, their_sum = 0;
  for (const auto& d : days) ours_sum += d.ours_total, their_sum += d.theirs_total;
  EXPECT_EQ(ours_sum, r.ours_total);
  EXPECT_EQ(their_sum, r.theirs_total);
  EXPECT_NE(ReconciliationCsv(r).find("C,300,0,missing_theirs,,ag,2026-12-05,\r\n"), std::string::npos) << ReconciliationCsv(r);
  EXPECT_FALSE(ParseStatementCsv("MaThamChieu,SoTien,Ngay\nA,100,04/12/2026\n"));
}

// Decision 31/2021 Art. 36: reconciliation by transaction type. Ours carry the request's code; a
// line only the statement has keeps the statement's MaLoaiGiaoDich (or none).
TEST(Reconcile, SplitsPerTransactionType) {
  auto theirs = ParseStatementCsv("MaThamChieu,SoTien,MaLoaiGiaoDich\nA,100,G22.99\nB,250,G22.99.01\nD,50,G22.99.01\nE,70,\n");
  ASSERT_TRUE(theirs) << theirs.error().message;
  EXPECT_EQ((*theirs)[1].type_code, "G22.99.01");
  std::vector<StatementLine> ours{{"A", 100, "", "", "ag", "2026-12-04", "G22.99"}, {"B", 250, "", "", "ag", "2026-12-04", "G22.99.01"},
                                  {"C", 300, "", "", "ag", "2026-12-04", "G22.99.01"}};
  auto r = Reconcile(ours, *theirs);
  auto types = GroupLines(r, GroupBy::kType);
  ASSERT_EQ(types.size(), 3u);
  EXPECT_EQ(types[0].key, "");
  EXPECT_EQ(types[0].missing_ours, 1u);  // E: the statement names no type
  EXPECT_EQ(types[1].key, "G22.99");
  EXPECT_EQ(types[1].matched, 1u);
  EXPECT_EQ(types[2].key, "G22.99.01");
  EXPECT_EQ(types[2].matched, 1u);
  EXPECT_EQ(types[2].missing_ours, 1u);
  EXPECT_EQ(types[2].missing_theirs, 1u);
  EXPECT_EQ(types[2].ours_total, 550);
  EXPECT_EQ(types[2].theirs_total, 300);
  std::int64_t ours_sum = 0, their_sum = 0;
  for (const auto& t : types) ours_sum += t.ours_total, their_sum += t.theirs_total;
  EXPECT_EQ(ours_sum, r.ours_total);
  EXPECT_EQ(their_sum, r.theirs_total);
  EXPECT_NE(ReconciliationCsv(r).find("D,0,50,missing_ours,,,,G22.99.01\r\n"), std::string::npos) << ReconciliationCsv(r);
}

}  // namespace
}  // namespace motcua::payment
