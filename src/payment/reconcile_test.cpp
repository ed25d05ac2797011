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
  EXPECT_FALSE(ParseStatementCsv("a,b\n1,2\n"));
  EXPECT_FALSE(ParseStatementCsv("MaThamChieu,SoTien\nREF1,12.5\n"));
  EXPECT_FALSE(ParseStatementCsv(""));
}

}  // namespace
}  // namespace motcua::payment
