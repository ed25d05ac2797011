#include "sync/record.hpp"

#include <gtest/gtest.h>

#include <set>

#include <boost/json.hpp>

namespace motcua::sync {
namespace {

namespace json = boost::json;

json::object GoodDossier() {
  return json::object{{"MaHoSo", "000.00.01.H41-240315-0007"}, {"MaTTHC", "1.005129"}, {"TrangThaiHoSo", 4},
                      {"NgayTiepNhan", "20240315093000"}, {"KenhThucHien", 2}};
}

TEST(SyncRecord, SubjectsNameTheMemberAndRoundTrip) {
  EXPECT_EQ(SubjectFor("H41"), "motcua.sync.H41");
  EXPECT_EQ(SubjectFor("000.00.00.G22"), "motcua.sync.000_00_00_G22");
  EXPECT_EQ(MemberOfSubject("motcua.sync.000_00_00_G22"), "000.00.00.G22");
  EXPECT_EQ(MemberOfSubject("motcua.sync.H41"), "H41");
  EXPECT_EQ(MemberOfSubject("motcua.sync.H41.x"), "");
  EXPECT_EQ(MemberOfSubject("other.H41"), "");
  EXPECT_EQ(MemberOfSubject("motcua.sync.h41"), "");
}

TEST(SyncRecord, NationalTimeIsHoChiMinhLocal) {
  EXPECT_EQ(NationalTime("2026-11-22T05:30:00.123Z"), "20261122123000");
  EXPECT_EQ(NationalTime("2026-12-31T20:15:09.000Z"), "20270101031509");  // crosses the year
  EXPECT_EQ(NationalTime(""), "");
  EXPECT_EQ(NationalTime("2026-02-30T00:00:00Z"), "");
  EXPECT_TRUE(ValidNationalTime("20240315093000"));
  EXPECT_FALSE(ValidNationalTime("20240230093000"));
  EXPECT_FALSE(ValidNationalTime("2024031509300"));
  EXPECT_FALSE(ValidNationalTime("20240315253000"));
}

TEST(SyncRecord, DossierCodesBelongToTheirMember) {
  EXPECT_TRUE(CodeBelongsTo("000.00.01.H41-240315-0007", "H41"));
  EXPECT_TRUE(CodeBelongsTo("000.00.01.H41-240315-12345", "H41"));
  EXPECT_TRUE(CodeBelongsTo("G09-240315-0001", "G09"));
  EXPECT_FALSE(CodeBelongsTo("000.00.01.H41-240315-0007", "H22"));
  EXPECT_FALSE(CodeBelongsTo("000.00.01.H411-240315-0007", "H41"));
  EXPECT_FALSE(CodeBelongsTo("000.00.01.H41-2403-0007", "H41"));
  EXPECT_FALSE(CodeBelongsTo("000.00.01.H41", "H41"));
  EXPECT_FALSE(CodeBelongsTo("-240315-0007", "H41"));
}

TEST(SyncRecord, AValidDossierRecordPasses) {
  EXPECT_TRUE(CheckDossierRecord(GoodDossier(), "H41").empty());
  auto r = GoodDossier();
  r["TrangThaiHoSo"] = "9";  // the legacy adapter sends numbers as strings
  EXPECT_TRUE(CheckDossierRecord(r, "H41").empty());
}

TEST(SyncRecord, BadDossierRecordsSayWhichField) {
  auto field_of = [](const json::object& r, const char* member = "H41") {
    auto e = CheckDossierRecord(r, member);
    return e.empty() ? std::string() : e.front().field;
  };
  auto r = GoodDossier();
  r.erase("MaTTHC");
  EXPECT_EQ(field_of(r), "MaTTHC");
  r = GoodDossier();
  r["TrangThaiHoSo"] = 11;
  EXPECT_EQ(field_of(r), "TrangThaiHoSo");
  r = GoodDossier();
  r["TrangThaiHoSo"] = "bốn";
  EXPECT_EQ(field_of(r), "TrangThaiHoSo");
  r = GoodDossier();
  r["NgayTiepNhan"] = "2024-03-15";
  EXPECT_EQ(field_of(r), "NgayTiepNhan");
  r = GoodDossier();
  r["KenhThucHien"] = 4;
  EXPECT_EQ(field_of(r), "KenhThucHien");
  // Forged: another member's dossier.
  EXPECT_EQ(field_of(GoodDossier(), "H22"), "MaHoSo");
  EXPECT_NE(CheckDossierRecord(GoodDossier(), "H22").front().message.find("H22"), std::string::npos);
}

TEST(SyncRecord, ProgressRecordsNeedStatusAndTime) {
  json::object p{{"MaHoSo", "000.00.01.H41-240315-0007"}, {"TrangThai", 4}, {"ThoiDiemXuLy", "20240315100000"}};
  EXPECT_TRUE(CheckProgressRecord(p, "H41").empty());
  p.erase("ThoiDiemXuLy");
  ASSERT_FALSE(CheckProgressRecord(p, "H41").empty());
  EXPECT_EQ(CheckProgressRecord(p, "H41").front().field, "ThoiDiemXuLy");
}

TEST(SyncRecord, ProgressKeysAreStable) {
  json::object p{{"MaHoSo", "X"}, {"TrangThai", 4}};
  EXPECT_EQ(ProgressKey(p, 7), "seq:7");
  EXPECT_EQ(ProgressKey(p, std::nullopt), ProgressKey(p, std::nullopt));
  json::object q = p;
  q["TrangThai"] = 5;
  EXPECT_NE(ProgressKey(p, std::nullopt), ProgressKey(q, std::nullopt));
}

TEST(SyncRecord, TheMemberMessageCarriesBothNationalRecords) {
  DossierFacts f;
  f.code = "000.00.02.H99-261122-0001";
  f.procedure_code = "2.913001";
  f.procedure_name = "Cấp Phiếu lý lịch tư pháp";
  f.channel = "online";
  f.applicant_name = "Nguyễn Văn An";
  f.applicant_id_number = "001085012345";
  f.status = 4;
  f.submitted_at = "2026-11-22T01:00:00.000Z";
  f.received_at = "2026-11-22T02:00:00.000Z";
  f.seq = 3;
  f.event_at = "2026-11-22T03:00:00.000Z";
  f.action = "assign";
  f.event_status = 4;
  auto m = EventMessage("H99", "H99:d:3", f);
  EXPECT_EQ(m.at("seq").as_int64(), 3);
  const auto& d = m.at("DongBoHoSoMC").as_object();
  EXPECT_EQ(d.at("MaHoSo").as_string(), f.code);
  EXPECT_EQ(d.at("NgayTiepNhan").as_string(), "20261122090000");
  EXPECT_EQ(d.at("KenhThucHien").as_int64(), 2);
  EXPECT_TRUE(d.at("NgayTra").is_null());
  EXPECT_TRUE(CheckDossierRecord(d, "H99").empty());
  const auto& p = m.at("CapNhatTienDoHoSoMC").as_object();
  EXPECT_EQ(p.at("ThoiDiemXuLy").as_string(), "20261122100000");
  EXPECT_TRUE(CheckProgressRecord(p, "H99").empty());
}

TEST(SyncRecord, LocalInstantsOfADossierBodyBecomeNationalTimes) {
  EXPECT_EQ(NationalTimeOfLocal("2026-12-04T09:05:07+07:00"), "20261204090507");
  EXPECT_EQ(NationalTimeOfLocal("2026-12-04T09:05:07Z"), "") << "only Vietnam's time is a local instant";
  EXPECT_EQ(NationalTimeOfLocal("2026-02-30T09:05:07+07:00"), "");
  EXPECT_EQ(NationalTimeOfLocal(""), "");
}

TEST(SyncRecord, TheRecordListsFilesFeesTheSupplementAndResultsOfTheBody) {
  DossierFacts f;
  f.code = "000.00.02.H99-261122-0001";
  f.procedure_code = "2.913001";
  f.dossier_id = "d1";
  f.status = 10;
  f.supplements = 1;
  f.field_code = "G15-LLTP";
  f.file_url = "https://h99.example/api/v1/attachments/";
  f.body = R"({"documents":[{"code":"TP1","name":"Tờ khai","attachments":[{"id":"a1","name":"to-khai.pdf"},{"id":"a2","name":"anh.jpg"}]}],
    "fees":[{"code":"PHI.LLTP","amount":200000,"kind":"PHI","description":"Phí"}],
    "supplement":{"requested_at":"2026-11-23T08:00:00+07:00","reason":"Thiếu","documents":["TP2"],"requested_by":"Ngô Chuyên",
                  "previous_due_at":"2026-12-01T17:00:00+07:00","resubmitted_at":null},
    "results":[{"name":"Phiếu","number":"1/KQ","attachments":[]}]})";
  f.paid_items = R"([[{"kind":"PHI","code":"PHI.LLTP","name":"Phí","amount":200000},{"kind":"le_phi","code":"LP","name":"Lệ phí","amount":5000}]])";
  auto r = DossierRecord(f);
  EXPECT_EQ(r.at("MaLinhVuc").as_string(), "G15-LLTP");
  ASSERT_EQ(r.at("TaiLieuNop").as_array().size(), 2u);
  EXPECT_EQ(r.at("TaiLieuNop").at(1).at("DuongDanTaiTepTin").as_string(), "https://h99.example/api/v1/attachments/a2");
  EXPECT_EQ(r.at("HoSoCoThanhPhanSoHoa").as_int64(), 1);
  ASSERT_EQ(r.at("DanhSachLePhi").as_array().size(), 2u) << "a paid item already listed is not listed twice";
  EXPECT_EQ(r.at("DuocThanhToanTrucTuyen").as_int64(), 1);
  const auto& s = r.at("DanhSachHoSoBoSung").at(0).as_object();
  EXPECT_EQ(s.at("NgayBoSung").as_string(), "20261123080000");
  EXPECT_EQ(s.at("TrangThaiBoSung").as_int64(), 0);
  EXPECT_TRUE(s.at("NgayTiepNhanBoSung").is_null());
  EXPECT_EQ(r.at("DanhSachGiayToKetQua").at(0).at("MaGiayToKetQua").as_string(), "1/KQ");
  EXPECT_TRUE(CheckDossierRecord(r, "H99").empty());
  // An empty body: empty lists, nothing digitised, nothing paid.
  f.body.clear();
  f.paid_items.clear();
  r = DossierRecord(f);
  EXPECT_TRUE(r.at("TaiLieuNop").as_array().empty());
  EXPECT_EQ(r.at("HoSoCoThanhPhanSoHoa").as_int64(), 0);
  EXPECT_EQ(r.at("DuocThanhToanTrucTuyen").as_int64(), 0);
}

}  // namespace

TEST(SyncRecord, DeliveryPlaceOfSubmissionAndVerifiedAccountComeFromTheMembersData) {
  DossierFacts f;
  f.code = "000.00.02.H99-261122-0002";
  f.procedure_code = "2.913001";
  f.status = 2;
  f.submitted_to_name = "Sở Tư pháp tỉnh An Hòa";
  f.owner_assurance = 2;
  f.body = R"({"form":{"hinh_thuc_nhan":"buu_chinh"}})";
  auto r = DossierRecord(f);
  EXPECT_EQ(r.at("HinhThuc"), 1);
  EXPECT_EQ(r.at("NoiNopHoSo"), "Sở Tư pháp tỉnh An Hòa");
  EXPECT_EQ(r.at("TaiKhoanDuocXacThucVoiVNeID"), 1);
  EXPECT_TRUE(CheckDossierRecord(r, "H99").empty());
  f.body = R"({"form":{"hinh_thuc_nhan":"truc_tiep"}})";
  f.owner_assurance = 1;
  r = DossierRecord(f);
  EXPECT_EQ(r.at("HinhThuc"), 0);
  EXPECT_EQ(r.at("TaiKhoanDuocXacThucVoiVNeID"), 0);
  // An electronic copy on VNeID has no national code; a procedure without the question neither.
  f.body = R"({"form":{"hinh_thuc_nhan":"vneid"}})";
  EXPECT_FALSE(DossierRecord(f).contains("HinhThuc"));
  f.body = "{}";
  f.submitted_to_name.clear();
  f.owner_assurance = 0;  // entered at the counter: no account
  r = DossierRecord(f);
  EXPECT_FALSE(r.contains("HinhThuc"));
  EXPECT_FALSE(r.contains("NoiNopHoSo"));
  EXPECT_EQ(r.at("TaiKhoanDuocXacThucVoiVNeID"), 0);
  // Over HTTP the same fields are checked.
  boost::json::object bad{{"MaHoSo", "000.00.02.H99-261122-0003"}, {"MaTTHC", "2.913001"}, {"TrangThaiHoSo", 2},
                          {"HinhThuc", 3}, {"TaiKhoanDuocXacThucVoiVNeID", "có"}, {"NoiNopHoSo", std::string(600, 'x')}};
  std::set<std::string> fields;
  for (const auto& e : CheckDossierRecord(bad, "H99")) fields.insert(e.field);
  EXPECT_EQ(fields, (std::set<std::string>{"HinhThuc", "TaiKhoanDuocXacThucVoiVNeID", "NoiNopHoSo"}));
}

}  // namespace motcua::sync
