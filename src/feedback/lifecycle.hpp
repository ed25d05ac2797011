// The PAKN lifecycle (DOMAIN.md §2.10; Decree 20/2008 Arts 9 and 14): statuses, the four
// classes of Art. 9, which officer action is possible in which status, stage deadlines, the
// Open311 open/closed mapping, duplicate similarity and hiding personal data. Pure: no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace motcua::feedback {

/// Where an item is. `merged` items wait for the answer of the item they were merged into.
enum class Status { kReceived, kRegistered, kClassified, kTransferred, kProcessing, kNotAccepted, kAnswered, kPublished, kMerged };

std::string_view StatusName(Status s);
std::optional<Status> ParseStatus(std::string_view name);
std::string_view StatusLabel(Status s, bool english);
/// Still waiting for an answer (merged items too).
bool IsOpen(Status s);
/// GeoReport v2 `status`: `open` or `closed`.
std::string_view Open311Status(Status s);

/// Decree 20/2008 Art. 9 §3: (i) not accepted (fails the form requirements of Art. 7);
/// (ii) about the conduct of agencies or officials → transferred to the competent agency;
/// (iii) about a regulation within the receiver's competence → processed here;
/// (iv) about a regulation outside it → transferred within 5 working days of receipt.
enum class Classification { kNotAccepted, kConduct, kRegulationWithin, kRegulationOutside };
std::string_view ClassificationName(Classification c);
std::optional<Classification> ParseClassification(std::string_view name);
std::string_view ClassificationLabel(Classification c, bool english);

/// Officer actions, in the order they are offered.
enum class Action { kRegister, kClassify, kTransfer, kProcess, kAnswer, kPublish, kMerge };
std::string_view ActionName(Action a);
std::optional<Action> ParseAction(std::string_view name);

/// The actions possible in a status (for any officer who may act on the item).
std::vector<Action> AllowedIn(Status s);
/// The status after `action`; `classification` only matters for kClassify. Nullopt when the
/// action is not possible in `from`.
std::optional<Status> After(Action action, Status from, Classification classification = Classification::kRegulationWithin);

/// Working days allowed from receipt to classification and transfer (Decree 20/2008 Art. 9 §3).
inline constexpr int kTransferWorkingDays = 5;
/// Working days allowed from the start of processing to the answer (DOMAIN.md §2.10: ministries
/// use 5–10; the longer is used until Decision 31/2021's exact timings are known).
inline constexpr int kAnswerWorkingDays = 10;

/// Similarity of two folded texts in [0, 1]: the Dice coefficient of their word sets (words of
/// two letters or more), so word order and case and diacritics do not matter.
double Similarity(std::string_view folded_a, std::string_view folded_b);
/// Items at least this similar are suggested as duplicates.
inline constexpr double kDuplicateThreshold = 0.5;

/// `text` with personal data hidden for publication: each of `names` (the petitioner's full name,
/// given name, e-mail, phone, address) where it stands as whole words; a capitalised name after
/// an honorific ("ông An", "chị Lan Anh", not "ông Chủ tịch"); e-mail addresses; runs of 8 or
/// more digits (phone numbers, 9-digit CMND and 12-digit CCCD numbers, with spaces, dots or
/// dashes between them). Each becomes `***`.
std::string HidePersonalData(std::string_view text, const std::vector<std::string>& names);
/// The forms of a petitioner's name to hide: the full name, the last two words (when three or
/// more) and the given name ("Nguyễn Văn An" → "Nguyễn Văn An", "Văn An", "An").
std::vector<std::string> PersonalNames(std::string_view full_name);

}  // namespace motcua::feedback
