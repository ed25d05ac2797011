#include "dossier/form.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace motcua::dossier {
namespace {

namespace json = boost::json;

json::value J(std::string_view text) { return json::parse(text); }

// `{"type":"object","properties":{"x": <property>}}`, the usual way to test one keyword.
json::value One(std::string_view property) {
  return J(R"({"type":"object","properties":{"x":)" + std::string(property) + "}}");
}

std::vector<std::string> Pointers(const std::vector<FormProblem>& problems) {
  std::vector<std::string> out;
  for (const auto& p : problems) out.push_back(p.pointer);
  return out;
}

std::string Dump(const std::vector<FormProblem>& problems) {
  std::string out;
  for (const auto& p : problems) out += "  " + p.pointer + ": " + p.message + "\n";
  return out.empty() ? "  (none)\n" : out;
}

// Whether a problem sits at `pointer` and its message contains `text`.
bool Has(const std::vector<FormProblem>& problems, std::string_view pointer,
         std::string_view text = "") {
  for (const auto& p : problems) {
    if (p.pointer == pointer && p.message.find(text) != std::string::npos) return true;
  }
  return false;
}

// Every message is "Vietnamese / English".
void ExpectBilingual(const std::vector<FormProblem>& problems) {
  for (const auto& p : problems) {
    EXPECT_NE(p.message.find(" / "), std::string::npos) << p.pointer << ": " << p.message;
  }
}

// Validates against a schema that must itself be acceptable.
std::vector<FormProblem> Validate(const json::value& schema, std::string_view data) {
  auto schema_problems = CheckSchema(schema);
  EXPECT_TRUE(schema_problems.empty()) << Dump(schema_problems);
  auto problems = ValidateForm(schema, J(data));
  ExpectBilingual(problems);
  return problems;
}

// --- CheckSchema: what is accepted ---------------------------------------------------------

TEST(FormSchema, AcceptsEveryKeyword) {
  json::value schema = J(R"({
    "type": "object", "title": "Tờ khai", "title_en": "Form", "description": "d",
    "additionalProperties": false,
    "properties": {
      "ho_ten": {"type": "string", "title": "Họ tên", "title_en": "Full name", "minLength": 2,
                 "maxLength": 100, "prefill": "full_name", "default": ""},
      "ma": {"type": "string", "pattern": "^[A-Z]{2}[0-9]{4}$"},
      "ngay": {"type": "string", "format": "date"},
      "thu": {"type": ["string", "null"], "format": "email"},
      "dt": {"type": "string", "format": "phone"},
      "cccd": {"type": "string", "format": "id_number", "prefill": "id_number"},
      "loai": {"enum": ["a", "b"], "enum_titles": ["Loại A", "Loại B"], "enum_titles_en": ["Type A", "Type B"]},
      "co": {"type": "boolean", "const": true},
      "tuoi": {"type": "integer", "minimum": 0, "maximum": 150},
      "tien": {"type": "number", "minimum": 0.5},
      "con": {"type": "array", "minItems": 0, "maxItems": 5,
              "items": {"type": "object", "properties": {"ten": {"type": "string"}},
                        "required": ["ten"]}},
      "dia_chi": {"type": "object", "properties": {"tinh": {"type": "string",
                                                              "prefill": "address"}}}
    },
    "required": ["ho_ten"],
    "dependentRequired": {"dt": ["thu"]},
    "if": {"properties": {"loai": {"const": "a"}}, "required": ["loai"]},
    "then": {"required": ["ma"]},
    "else": {"required": ["ngay"]},
    "allOf": [{"description": "x", "if": {"required": ["co"]}, "then": {"required": ["tuoi"]}}]
  })");
  auto problems = CheckSchema(schema);
  EXPECT_TRUE(problems.empty()) << Dump(problems);
}

TEST(FormSchema, EnumTitlesNameEachValueOnce) {
  EXPECT_TRUE(CheckSchema(One(R"({"enum": [1, 2], "enum_titles": ["Phiếu số 1", "Phiếu số 2"]})")).empty());
  auto fewer = CheckSchema(One(R"({"enum": [1, 2], "enum_titles": ["Phiếu số 1"]})"));
  EXPECT_TRUE(Has(fewer, "/properties/x/enum_titles")) << Dump(fewer);
  auto alone = CheckSchema(One(R"({"type": "string", "enum_titles_en": ["x"]})"));
  EXPECT_TRUE(Has(alone, "/properties/x/enum_titles_en")) << Dump(alone);
  auto numbers = CheckSchema(One(R"({"enum": ["a"], "enum_titles": [7]})"));
  EXPECT_TRUE(Has(numbers, "/properties/x/enum_titles")) << Dump(numbers);
}

TEST(FormSchema, AcceptsNullableTypeInEitherOrder) {
  EXPECT_TRUE(CheckSchema(One(R"({"type": ["null", "integer"]})")).empty());
  EXPECT_TRUE(CheckSchema(One(R"({"type": ["integer", "null"]})")).empty());
}

// --- CheckSchema: what is refused, and where --------------------------------------------------

TEST(FormSchema, RefusesUnsupportedKeywordsWithTheirPointer) {
  for (std::string_view keyword : {"$ref", "oneOf", "anyOf", "not", "patternProperties",
                                   "minProperties", "exclusiveMinimum", "multipleOf",
                                   "uniqueItems", "propertyNames", "contains", "readOnly"}) {
    json::value schema = One(R"({"type": "string", ")" + std::string(keyword) + R"(": 1})");
    auto problems = CheckSchema(schema);
    std::string at = "/properties/x/" + std::string(keyword);
    EXPECT_TRUE(Has(problems, at, "Unsupported keyword \"" + std::string(keyword) + "\""))
        << keyword << "\n" << Dump(problems);
    EXPECT_TRUE(Has(problems, at, "không được hỗ trợ")) << keyword;
  }
}

struct Mistyped {
  const char* schema;
  const char* pointer;
  const char* says;  // part of the English message
};

class FormSchemaMistyped : public testing::TestWithParam<Mistyped> {};

TEST_P(FormSchemaMistyped, IsRefusedAtThePointer) {
  const Mistyped& c = GetParam();
  auto problems = CheckSchema(J(c.schema));
  EXPECT_TRUE(Has(problems, c.pointer, c.says)) << c.schema << "\n" << Dump(problems);
  for (const auto& p : problems) {
    EXPECT_NE(p.message.find(" / "), std::string::npos) << p.message;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Keywords, FormSchemaMistyped,
    testing::Values(
        Mistyped{R"({"type": "string"})", "/type", "A form must have type \"object\""},
        Mistyped{R"([1])", "", "A schema must be a JSON object"},
        Mistyped{R"({"type": "object", "properties": {"x": 1}})", "/properties/x",
                 "must be a JSON object"},
        Mistyped{R"({"type": "object", "properties": {"x": {"type": "text"}}})",
                 "/properties/x/type", "type must be object, array, string"},
        Mistyped{R"({"type": "object", "properties": {"x": {"type": ["string", "integer"]}}})",
                 "/properties/x/type", "optionally with \"null\""},
        Mistyped{R"({"type": "object", "properties": {"x": {"type": ["null"]}}})",
                 "/properties/x/type", "type must be"},
        Mistyped{R"({"type": "object", "properties": []})", "/properties",
                 "properties must be an object"},
        Mistyped{R"({"type": "object", "properties": {"x": {"type": "string",
                    "properties": {}}}})",
                 "/properties/x/properties", "applies only to type \"object\""},
        Mistyped{R"({"type": "object", "required": "x", "properties": {"x": {}}})", "/required",
                 "must be a list of property names"},
        Mistyped{R"({"type": "object", "required": [1], "properties": {"x": {}}})",
                 "/required/0", "A property name must be a string"},
        Mistyped{R"({"type": "object", "required": ["y"], "properties": {"x": {}}})",
                 "/required/0", "\"y\" is not a property of this object"},
        Mistyped{R"({"type": "object", "required": ["x", "x"], "properties": {"x": {}}})",
                 "/required/1", "\"x\" is listed twice"},
        Mistyped{R"({"type": "object", "additionalProperties": true})", "/additionalProperties",
                 "may only be false"},
        Mistyped{R"({"type": "object", "additionalProperties": {}})", "/additionalProperties",
                 "may only be false"},
        Mistyped{R"({"type": "object", "properties": {"x": {}},
                    "if": {"required": ["x"]}, "then": {"additionalProperties": false}})",
                 "/then/additionalProperties", "not allowed in if/then/else"},
        Mistyped{R"({"type": "object", "properties": {"x": {"minLength": -1}}})",
                 "/properties/x/minLength", "must be a non-negative integer"},
        Mistyped{R"({"type": "object", "properties": {"x": {"maxLength": "5"}}})",
                 "/properties/x/maxLength", "must be a non-negative integer"},
        Mistyped{R"({"type": "object", "properties": {"x": {"maxLength": 2.5}}})",
                 "/properties/x/maxLength", "must be a non-negative integer"},
        Mistyped{R"({"type": "object", "properties": {"x": {"minLength": 5, "maxLength": 2}}})",
                 "/properties/x/minLength", "minLength is greater than maxLength"},
        Mistyped{R"({"type": "object", "properties": {"x": {"minItems": 3, "maxItems": 1}}})",
                 "/properties/x/minItems", "minItems is greater than maxItems"},
        Mistyped{R"({"type": "object", "properties": {"x": {"maxItems": -2}}})",
                 "/properties/x/maxItems", "must be a non-negative integer"},
        Mistyped{R"({"type": "object", "properties": {"x": {"minimum": "0"}}})",
                 "/properties/x/minimum", "minimum must be a number"},
        Mistyped{R"({"type": "object", "properties": {"x": {"minimum": 5, "maximum": 1}}})",
                 "/properties/x/minimum", "minimum is greater than maximum"},
        Mistyped{R"({"type": "object", "properties": {"x": {"enum": []}}})",
                 "/properties/x/enum", "enum must be a list of 1 to 500 values"},
        Mistyped{R"({"type": "object", "properties": {"x": {"enum": "a"}}})",
                 "/properties/x/enum", "enum must be a list"},
        Mistyped{R"({"type": "object", "properties": {"x": {"pattern": 5}}})",
                 "/properties/x/pattern", "pattern must be a string"},
        Mistyped{R"({"type": "object", "properties": {"x": {"pattern": "(ab"}}})",
                 "/properties/x/pattern", "not a valid regular expression"},
        Mistyped{R"({"type": "object", "properties": {"x": {"pattern": "a)|(b"}}})",
                 "/properties/x/pattern", "not a valid regular expression"},
        Mistyped{R"({"type": "object", "properties": {"x": {"format": "uuid"}}})",
                 "/properties/x/format", "format must be date, email, phone or id_number"},
        Mistyped{R"({"type": "object", "properties": {"x": {"format": 1}}})",
                 "/properties/x/format", "format must be"},
        Mistyped{R"({"type": "object", "properties": {"x": {"title": 5}}})",
                 "/properties/x/title", "\"title\" must be a string"},
        Mistyped{R"({"type": "object", "properties": {"x": {"title_en": ["a"]}}})",
                 "/properties/x/title_en", "\"title_en\" must be a string"},
        Mistyped{R"({"type": "object", "description": {}})", "/description",
                 "\"description\" must be a string"},
        Mistyped{R"({"type": "object", "properties": {"x": {"prefill": "nickname"}}})",
                 "/properties/x/prefill", "prefill must be one of: full_name"},
        Mistyped{R"({"type": "object", "properties": {"x": {"type": "integer",
                    "prefill": "phone"}}})",
                 "/properties/x/prefill", "prefill applies only to string properties"},
        Mistyped{R"({"type": "object", "properties": {"x": {"type": "array",
                    "items": {"type": "object", "properties": {"y": {"prefill": "email"}}}}}})",
                 "/properties/x/items/properties/y/prefill", "not inside lists"},
        Mistyped{R"({"type": "object", "properties": {"x": {}}, "if": {"required": ["x"]},
                    "then": {"properties": {"x": {"prefill": "email"}}}})",
                 "/then/properties/x/prefill", "if/then/else"},
        Mistyped{R"({"type": "object", "then": {}})", "/then", "then/else needs an if"},
        Mistyped{R"({"type": "object", "else": {}})", "/else", "then/else needs an if"},
        Mistyped{R"({"type": "object", "properties": {"x": {}}, "if": {"required": ["x"]}})",
                 "/if", "if needs a then or an else"},
        Mistyped{R"({"type": "object", "properties": {"x": {}}, "if": {"required": ["y"]},
                    "then": {}})",
                 "/if/required/0", "\"y\" is not a property"},
        Mistyped{R"({"type": "object", "allOf": {}})", "/allOf",
                 "allOf must be a non-empty list"},
        Mistyped{R"({"type": "object", "allOf": []})", "/allOf", "allOf must be a non-empty list"},
        Mistyped{R"({"type": "object", "allOf": [{"then": {}}]})", "/allOf/0",
                 "Each entry of allOf must be an if/then/else condition"},
        Mistyped{R"({"type": "object", "properties": {"x": {}},
                    "allOf": [{"if": {"required": ["x"]}, "then": {}, "type": "object"}]})",
                 "/allOf/0/type", "Only if, then, else and description"},
        Mistyped{R"({"type": "object", "properties": {"x": {}},
                    "allOf": [{"if": {"required": ["x"]}, "then": {"required": ["z"]}}]})",
                 "/allOf/0/then/required/0", "\"z\" is not a property"},
        Mistyped{R"({"type": "object", "dependentRequired": []})", "/dependentRequired",
                 "dependentRequired must be an object"},
        Mistyped{R"({"type": "object", "properties": {"x": {}, "y": {}},
                    "dependentRequired": {"x": "y"}})",
                 "/dependentRequired/x", "must be a list of property names"},
        Mistyped{R"({"type": "object", "properties": {"x": {}},
                    "dependentRequired": {"w": ["x"]}})",
                 "/dependentRequired/w", "\"w\" is not a property"},
        Mistyped{R"({"type": "object", "properties": {"x": {}},
                    "dependentRequired": {"x": ["v"]}})",
                 "/dependentRequired/x/0", "\"v\" is not a property"},
        Mistyped{R"({"type": "object", "properties": {"x": {"type": "array", "items": 3}}})",
                 "/properties/x/items", "must be a JSON object"}));

TEST(FormSchema, ReportsEveryProblemSortedByPointer) {
  auto problems = CheckSchema(J(R"({"type": "object", "properties": {
      "b": {"type": "text"}, "a": {"minLength": -1, "oneOf": []}},
      "required": ["zz"]})"));
  EXPECT_EQ(Pointers(problems),
            (std::vector<std::string>{"/properties/a/minLength", "/properties/a/oneOf",
                                      "/properties/b/type", "/required/0"}))
      << Dump(problems);
}

TEST(FormSchema, EscapesOddPropertyNamesInPointers) {
  auto problems = CheckSchema(J(R"({"type": "object", "properties": {
      "a/b": {"type": "text"}, "m~n": {"type": "text"}}})"));
  EXPECT_TRUE(Has(problems, "/properties/a~1b/type")) << Dump(problems);
  EXPECT_TRUE(Has(problems, "/properties/m~0n/type")) << Dump(problems);
}

// --- CheckSchema: patterns that could make the matcher slow or crash -----------------------

TEST(FormSchemaPattern, AcceptsPatternsOfCodesAndNumbers) {
  for (std::string_view p : {"^[0-9]{12}$", "^[A-Z]{2}-[0-9]{4}$", "^(ab)+$", "^(a+)?$",
                             "^\\d{2}/\\d{2}/\\d{4}$", "^(?:CT|HK)[0-9]{6}$", "^Phường ",
                             "^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,100}$", "a{2,3}b"}) {
    auto problems = CheckSchema(One(R"({"type": "string", "pattern": )" +
                                    json::serialize(json::value(p)) + "}"));
    EXPECT_TRUE(problems.empty()) << p << "\n" << Dump(problems);
  }
}

TEST(FormSchemaPattern, RefusesRepeatedGroupsThatMatchInSeveralWays) {
  for (std::string_view p : {"^(a+)+$", "(a|aa)*", "(a*)*b", "(?:a+)+", "(a+){2,}",
                             "^(a?){25}a{25}$", "((ab)*c)+", "(\\d+\\.?)+$", "(a|b){2,5}"}) {
    auto problems = CheckSchema(One(R"({"type": "string", "pattern": )" +
                                    json::serialize(json::value(p)) + "}"));
    EXPECT_TRUE(Has(problems, "/properties/x/pattern", "repeats a group that can match in "
                                                       "several ways"))
        << p << "\n" << Dump(problems);
  }
}

TEST(FormSchemaPattern, RefusesTooLongOrTooComplexPatterns) {
  std::string longest(kMaxPatternChars, 'a');
  EXPECT_TRUE(CheckSchema(One(R"({"pattern": ")" + longest + "\"}")).empty());
  auto problems = CheckSchema(One(R"({"pattern": ")" + longest + "a\"}"));
  EXPECT_TRUE(Has(problems, "/properties/x/pattern", "longer than 200 characters"))
      << Dump(problems);
  // Counted in characters: 200 Vietnamese letters are 600 bytes and still allowed.
  std::string vietnamese;
  for (std::size_t i = 0; i < kMaxPatternChars; ++i) vietnamese += "ễ";
  EXPECT_TRUE(CheckSchema(One(R"({"pattern": ")" + vietnamese + "\"}")).empty());

  for (std::string_view p : {"[0-9]{5000}", "(.{30}){40}", "a{999999999999999999999}"}) {
    problems = CheckSchema(One(R"({"pattern": )" + json::serialize(json::value(p)) + "}"));
    EXPECT_TRUE(Has(problems, "/properties/x/pattern", "too complex")) << p << Dump(problems);
  }
}

TEST(FormSchemaPattern, RefusesBracesThatAreNotCounts) {
  // Found by fuzz/form_fuzz.cpp: libstdc++ reads the digits after '{' into a long without an
  // overflow check (undefined behaviour) when the count is not closed.
  for (std::string_view p : {"\\d{16666666666666666666666", "a{1,2", "a{x}", "{"}) {
    auto problems = CheckSchema(One(R"({"pattern": )" + json::serialize(json::value(p)) + "}"));
    EXPECT_TRUE(Has(problems, "/properties/x/pattern", "must be a count {n}, {n,} or {n,m}"))
        << p << Dump(problems);
  }
  EXPECT_TRUE(CheckSchema(One(R"({"pattern": "^\\{[0-9]+\\}$"})")).empty());
}

TEST(FormSchemaPattern, RefusesFormsWhosePatternsTogetherAreTooLarge) {
  // Each ValidateForm compiles the patterns it meets; thousands of large ones would make every
  // submission slow.
  auto form = [](int fields) {
    json::object properties;
    for (int i = 0; i < fields; ++i) {
      properties["f" + std::to_string(i)] = json::object{{"type", "string"},
                                                          {"pattern", "^.{0,900}$"}};
    }
    return json::value{{"type", "object"}, {"properties", std::move(properties)}};
  };
  EXPECT_TRUE(CheckSchema(form(10)).empty()) << Dump(CheckSchema(form(10)));
  auto problems = CheckSchema(form(40));
  EXPECT_TRUE(Has(problems, "/properties/f39/pattern", "too complex taken together"))
      << Dump(problems);
  EXPECT_FALSE(Has(problems, "/properties/f0/pattern"));
}

TEST(FormSchemaPattern, RefusesBackReferences) {
  auto problems = CheckSchema(One(R"({"pattern": "^(a)\\1$"})"));
  EXPECT_TRUE(Has(problems, "/properties/x/pattern", "Back-references")) << Dump(problems);
}

TEST(FormSchemaPattern, RefusesNonAsciiWhereBytesWouldChangeItsMeaning) {
  // The matcher sees bytes: [ễ] would be a class of three bytes and ễ+ would repeat one byte.
  for (std::string_view p : {"^[À-ỹ]+$", "^ễ+$", "Đ{2}"}) {
    auto problems = CheckSchema(One(R"({"pattern": )" + json::serialize(json::value(p)) + "}"));
    EXPECT_TRUE(Has(problems, "/properties/x/pattern", "Patterns match bytes")) << p;
  }
}

// --- ValidateForm: each keyword, accepted and refused -----------------------------------------

TEST(FormValidate, Types) {
  struct Case {
    const char* type;
    const char* good;
    const char* bad;
  };
  for (const Case& c : {Case{"string", R"("a")", "1"}, Case{"integer", "3", "3.5"},
                        Case{"integer", "-3", R"("3")"}, Case{"number", "3.5", R"("3.5")"},
                        Case{"boolean", "false", "0"}, Case{"object", "{}", "[]"},
                        Case{"array", "[]", "{}"}, Case{"string", R"("")", "null"}}) {
    json::value schema = One(R"({"type": ")" + std::string(c.type) + R"("})");
    EXPECT_TRUE(Validate(schema, R"({"x": )" + std::string(c.good) + "}").empty())
        << c.type << " " << c.good;
    auto problems = Validate(schema, R"({"x": )" + std::string(c.bad) + "}");
    EXPECT_TRUE(Has(problems, "/x", " must be ")) << c.type << " " << c.bad << Dump(problems);
  }
}

TEST(FormValidate, IntegerAcceptsWholeNumbersWrittenWithAFraction) {
  // JSON Schema: 2.0 is an integer; a client serialising doubles must not be refused.
  json::value schema = One(R"({"type": "integer", "minimum": 1})");
  EXPECT_TRUE(Validate(schema, R"({"x": 2.0})").empty());
  EXPECT_TRUE(Has(Validate(schema, R"({"x": 2.5})"), "/x", "must be a whole number"));
  EXPECT_TRUE(Has(Validate(schema, R"({"x": 0.0})"), "/x", "must be at least 1"));
}

TEST(FormValidate, NullableTypeAcceptsNullOnly) {
  json::value schema = One(R"({"type": ["string", "null"], "minLength": 3})");
  EXPECT_TRUE(Validate(schema, R"({"x": null})").empty());
  EXPECT_TRUE(Has(Validate(schema, R"({"x": 1})"), "/x", "must be text"));
  EXPECT_TRUE(Has(Validate(schema, R"({"x": "ab"})"), "/x", "at least 3 characters"));
}

TEST(FormValidate, RootMustBeAnObject) {
  json::value schema = J(R"({"type": "object"})");
  auto problems = Validate(schema, "[]");
  ASSERT_EQ(problems.size(), 1u) << Dump(problems);
  EXPECT_EQ(problems[0].pointer, "");
  EXPECT_EQ(problems[0].message, "Tờ khai phải là một nhóm thông tin. / The form must be a group "
                                 "of fields.");
}

TEST(FormValidate, ConstAndEnum) {
  json::value c = One(R"({"const": "đồng ý"})");
  EXPECT_TRUE(Validate(c, R"({"x": "đồng ý"})").empty());
  EXPECT_TRUE(Has(Validate(c, R"({"x": "không"})"), "/x", "must be đồng ý"));

  json::value e = One(R"({"type": "string", "enum": ["male", "female"]})");
  EXPECT_TRUE(Validate(e, R"({"x": "female"})").empty());
  auto problems = Validate(e, R"({"x": "nam"})");
  EXPECT_TRUE(Has(problems, "/x", "must be one of: male, female")) << Dump(problems);
  EXPECT_TRUE(Has(problems, "/x", "phải là một trong các giá trị: male, female"));

  json::value numbers = One(R"({"enum": [1, 2]})");
  EXPECT_TRUE(Validate(numbers, R"({"x": 2})").empty());
  EXPECT_TRUE(Has(Validate(numbers, R"({"x": "2"})"), "/x", "must be one of: 1, 2"));
}

TEST(FormValidate, LengthsCountCharactersNotBytes) {
  // "Nguyễn" is 6 characters and 8 bytes; "Đặng Thị Ngọc Ánh" is 17 characters.
  json::value six = One(R"({"type": "string", "minLength": 6, "maxLength": 6})");
  EXPECT_TRUE(Validate(six, R"({"x": "Nguyễn"})").empty());
  EXPECT_TRUE(Has(Validate(six, R"({"x": "Nguyễnn"})"), "/x", "allows at most 6 characters"));
  EXPECT_TRUE(Has(Validate(six, R"({"x": "Nguyễ"})"), "/x", "needs at least 6 characters"));
  json::value name = One(R"({"type": "string", "maxLength": 17})");
  EXPECT_TRUE(Validate(name, R"({"x": "Đặng Thị Ngọc Ánh"})").empty());
  // A character outside the Basic Multilingual Plane is one character too.
  json::value one = One(R"({"type": "string", "maxLength": 1})");
  EXPECT_TRUE(Validate(one, R"({"x": "😀"})").empty());
}

TEST(FormValidate, RefusesInvalidUtf8) {
  // Boost.JSON's parser refuses invalid UTF-8, but a form can be built from other sources.
  json::value schema = One(R"({"type": "string", "maxLength": 10})");
  for (std::string_view bad : {std::string_view("\xC3\x28", 2), std::string_view("\xC0\xAF", 2),
                               std::string_view("\xED\xA0\x80", 3),
                               std::string_view("\xF4\x90\x80\x80", 4),
                               std::string_view("ab\xE1\xBB", 4), std::string_view("\x80", 1)}) {
    json::value data = json::object{{"x", json::string(bad)}};
    auto problems = ValidateForm(schema, data);
    EXPECT_TRUE(Has(problems, "/x", "not UTF-8")) << json::serialize(data) << Dump(problems);
  }
  EXPECT_TRUE(ValidateForm(schema, json::object{{"x", "Nguyễn"}}).empty());
}

TEST(FormValidate, Pattern) {
  json::value schema = One(R"({"type": "string", "title": "Mã hồ sơ", "title_en": "File code",
                               "pattern": "^[A-Z]{2}[0-9]{4}$"})");
  EXPECT_TRUE(Validate(schema, R"({"x": "HN2024"})").empty());
  auto problems = Validate(schema, R"({"x": "hn2024"})");
  ASSERT_EQ(problems.size(), 1u) << Dump(problems);
  EXPECT_EQ(problems[0].message, "Mã hồ sơ không đúng định dạng. / File code is not in the "
                                 "expected format.");
  // Unanchored, a pattern matches anywhere (JSON Schema semantics).
  json::value anywhere = One(R"({"type": "string", "pattern": "[0-9]{3}"})");
  EXPECT_TRUE(Validate(anywhere, R"({"x": "Số 123, phố Huế"})").empty());
  EXPECT_TRUE(Has(Validate(anywhere, R"({"x": "Số 12"})"), "/x", "not in the expected format"));
  // ^ and $ still mean the start and end of the answer.
  json::value anchored = One(R"({"type": "string", "pattern": "^a|b$"})");
  EXPECT_TRUE(Validate(anchored, R"({"x": "ax"})").empty());
  EXPECT_TRUE(Validate(anchored, R"({"x": "xb"})").empty());
  EXPECT_FALSE(Validate(anchored, R"({"x": "xax"})").empty());
}

TEST(FormValidate, PatternThatWouldBacktrackExponentiallyFinishes) {
  // a?ⁿaⁿ against aⁿ is the textbook exponential case for a backtracking matcher (2³⁰ steps
  // here); this test hangs if patterns are matched by backtracking.
  std::string pattern = "^";
  for (int i = 0; i < 30; ++i) pattern += "a?";
  pattern += std::string(30, 'a') + "$";
  json::value schema = One(R"({"type": "string", "pattern": ")" + pattern + "\"}");
  EXPECT_TRUE(Validate(schema, R"({"x": ")" + std::string(30, 'a') + "\"}").empty());
  EXPECT_FALSE(Validate(schema, R"({"x": ")" + std::string(29, 'a') + "b\"}").empty());
}

TEST(FormValidate, PatternIsNotRunOnVeryLongAnswers) {
  json::value schema = One(R"({"type": "string", "title": "Ghi chú", "title_en": "Note",
                               "pattern": "^[a-z]*$"})");
  std::string longest(kMaxPatternSubjectBytes, 'a');
  EXPECT_TRUE(Validate(schema, R"({"x": ")" + longest + "\"}").empty());
  auto problems = Validate(schema, R"({"x": ")" + longest + "a\"}");
  ASSERT_EQ(problems.size(), 1u) << Dump(problems);
  EXPECT_EQ(problems[0].pointer, "/x");
  EXPECT_NE(problems[0].message.find("Note is too long to check its format (at most 1000 bytes)"),
            std::string::npos)
      << problems[0].message;
  EXPECT_NE(problems[0].message.find("Ghi chú quá dài"), std::string::npos);
}

TEST(FormValidate, PatternWorkPerFormIsBounded) {
  // A pattern of ~1000 states on many long answers: matching stops with a clear problem
  // instead of costing seconds.
  json::value schema = J(R"({"type": "object", "properties": {"x": {"type": "array",
      "items": {"type": "string", "pattern": "^.{0,990}$"}}}})");
  ASSERT_TRUE(CheckSchema(schema).empty()) << Dump(CheckSchema(schema));
  json::array items;
  for (int i = 0; i < 50; ++i) items.emplace_back(std::string(900, 'a'));
  auto problems = ValidateForm(schema, json::object{{"x", items}});
  EXPECT_FALSE(Has(problems, "/x/0")) << "the first answers are checked";
  EXPECT_TRUE(Has(problems, "/x/49", "too much text to check against patterns"))
      << Dump(problems);
}

TEST(FormValidate, Formats) {
  struct Case {
    const char* format;
    std::vector<const char*> good;
    std::vector<const char*> bad;
  };
  for (const Case& c : {
           Case{"date", {"2024-02-29", "2000-01-01"},
                {"2023-02-29", "15/03/2024", "2024-3-5", "2024-13-01", ""}},
           Case{"email", {"an.nguyen@example.vn", "a+b@mail.gov.vn"},
                {"an", "an@", "@example.vn", "an@example", "an..b@example.vn", "a b@x.vn",
                 "an@example.123"}},
           Case{"phone", {"0912345678", "+84912345678"},
                {"912345678", "09123456789", "+8491234567", "0912-345-678"}},
           Case{"id_number", {"001099012345", "079199012345"},
                {"00109901234", "0010990123456", "003099012345", "00109901234a"}},
       }) {
    json::value schema = One(R"({"type": "string", "format": ")" + std::string(c.format) + "\"}");
    for (const char* g : c.good) {
      EXPECT_TRUE(Validate(schema, R"({"x": ")" + std::string(g) + "\"}").empty())
          << c.format << " " << g;
    }
    for (const char* b : c.bad) {
      EXPECT_TRUE(Has(Validate(schema, R"({"x": ")" + std::string(b) + "\"}"), "/x"))
          << c.format << " " << b;
    }
  }
}

TEST(FormValidate, MinimumAndMaximum) {
  json::value schema = One(R"({"type": "number", "minimum": 0.5, "maximum": 10})");
  EXPECT_TRUE(Validate(schema, R"({"x": 0.5})").empty());
  EXPECT_TRUE(Validate(schema, R"({"x": 10})").empty());
  EXPECT_TRUE(Has(Validate(schema, R"({"x": 0.25})"), "/x", "must be at least 0.5"));
  EXPECT_TRUE(Has(Validate(schema, R"({"x": 11})"), "/x", "must be at most 10"));
  EXPECT_TRUE(Has(Validate(schema, R"({"x": 11})"), "/x", "phải nhỏ hơn hoặc bằng 10"));
}

TEST(FormValidate, ArrayCountsAndItems) {
  json::value schema = One(R"({"type": "array", "minItems": 1, "maxItems": 2,
                               "items": {"type": "integer"}})");
  EXPECT_TRUE(Validate(schema, R"({"x": [1, 2]})").empty());
  EXPECT_TRUE(Has(Validate(schema, R"({"x": []})"), "/x", "needs at least 1 entries"));
  EXPECT_TRUE(Has(Validate(schema, R"({"x": [1, 2, 3]})"), "/x", "allows at most 2 entries"));
  auto problems = Validate(schema, R"({"x": [1, "b"]})");
  EXPECT_EQ(Pointers(problems), std::vector<std::string>{"/x/1"}) << Dump(problems);
}

TEST(FormValidate, RequiredCountsNullAndBlankAsMissing) {
  json::value schema = J(R"({"type": "object", "properties": {"a": {"type": ["string", "null"]},
                             "b": {"type": "string"}, "c": {}}, "required": ["a", "b", "c"]})");
  auto problems = Validate(schema, R"({"a": null, "b": " \t", "c": false})");
  EXPECT_EQ(Pointers(problems), (std::vector<std::string>{"/a", "/b"})) << Dump(problems);
  EXPECT_TRUE(Has(problems, "/a", "A là bắt buộc. / A is required."));
  EXPECT_TRUE(Validate(schema, R"({"a": "x", "b": "y", "c": 0})").empty());
}

TEST(FormValidate, AdditionalPropertiesFalseNamesTheUnknownField) {
  json::value schema = J(R"({"type": "object", "additionalProperties": false,
                             "properties": {"a": {}}})");
  auto problems = Validate(schema, R"({"a": 1, "la": 2})");
  ASSERT_EQ(Pointers(problems), std::vector<std::string>{"/la"}) << Dump(problems);
  EXPECT_EQ(problems[0].message, "Trường \"la\" không có trong tờ khai. / \"la\" is not a field of "
                                 "this form.");
  // Without it, unknown fields pass (a client may send more than the form asks).
  EXPECT_TRUE(Validate(J(R"({"type": "object", "properties": {"a": {}}})"), R"({"la": 2})")
                  .empty());
}

// --- nesting, pointers and labels ----------------------------------------------------------

json::value FamilySchema() {
  return J(R"({
    "type": "object", "additionalProperties": false,
    "properties": {
      "nguoi_khai": {"type": "object", "title": "Người khai", "title_en": "Declarant",
        "properties": {
          "ho_ten": {"type": "string", "title": "Họ và tên", "title_en": "Full name"},
          "dia_chi": {"type": "object", "properties": {
            "tinh": {"type": "string", "title": "Tỉnh/thành phố", "title_en": "Province"}},
            "required": ["tinh"]}},
        "required": ["ho_ten", "dia_chi"]},
      "children": {"type": "array", "title": "Các con", "title_en": "Children",
        "items": {"type": "object", "title": "Con", "title_en": "Child",
          "properties": {
            "ho_ten": {"type": "string", "title": "Họ và tên", "title_en": "Full name"},
            "ngay_sinh": {"type": "string", "format": "date"}},
          "required": ["ho_ten"]}}
    },
    "required": ["nguoi_khai"]
  })");
}

TEST(FormValidate, NestedObjectsAndArraysHavePointersToTheField) {
  auto problems = Validate(FamilySchema(), R"({
      "nguoi_khai": {"ho_ten": "Lê Văn An", "dia_chi": {}},
      "children": [{"ho_ten": "Lê Thị Bình"}, {"ngay_sinh": "2020-02-30"}]})");
  EXPECT_EQ(Pointers(problems),
            (std::vector<std::string>{"/children/1/ho_ten", "/children/1/ngay_sinh",
                                      "/nguoi_khai/dia_chi/tinh"}))
      << Dump(problems);
  EXPECT_TRUE(Has(problems, "/children/1/ho_ten", "Họ và tên là bắt buộc. / Full name is "
                                                  "required."));
  EXPECT_TRUE(Has(problems, "/nguoi_khai/dia_chi/tinh", "Province is required"));
}

TEST(FormValidate, ArrayEntriesAreNamedByNumberInMessages) {
  auto problems = Validate(FamilySchema(), R"({"nguoi_khai": {"ho_ten": "A", "dia_chi":
      {"tinh": "Huế"}}, "children": [{"ho_ten": "B"}, 5]})");
  ASSERT_EQ(problems.size(), 1u) << Dump(problems);
  EXPECT_EQ(problems[0].pointer, "/children/1");
  EXPECT_EQ(problems[0].message, "Con thứ 2 phải là một nhóm thông tin. / Child 2 must be a "
                                 "group of fields.");
}

TEST(FormValidate, EscapesOddPropertyNamesInPointers) {
  json::value schema = J(R"({"type": "object", "additionalProperties": false,
      "properties": {"a/b": {"type": "string"}, "m~n": {"type": "object",
                     "properties": {"~/": {"type": "integer"}}}},
      "required": ["a/b"]})");
  auto problems = Validate(schema, R"({"m~n": {"~/": "x"}, "c~1": 1})");
  EXPECT_EQ(Pointers(problems), (std::vector<std::string>{"/a~1b", "/c~01", "/m~0n/~0~1"}))
      << Dump(problems);
}

TEST(FormValidate, MessagesUseTitlesInBothLanguages) {
  json::value schema = J(R"({"type": "object", "properties": {
      "ho_ten": {"type": "string", "title": "Họ, chữ đệm và tên", "title_en": "Full name"},
      "noi_sinh": {"type": "string", "title": "Nơi sinh"},
      "plain": {"type": "string"}},
      "required": ["ho_ten", "noi_sinh", "plain"]})");
  auto problems = Validate(schema, "{}");
  ASSERT_EQ(problems.size(), 3u) << Dump(problems);
  EXPECT_EQ(problems[0].pointer, "/ho_ten");
  EXPECT_EQ(problems[0].message, "Họ, chữ đệm và tên là bắt buộc. / Full name is required.");
  // Without title_en the English half uses the Vietnamese title; without any, the key.
  EXPECT_EQ(problems[1].message, "Nơi sinh là bắt buộc. / Nơi sinh is required.");
  EXPECT_EQ(problems[2].message, "Plain là bắt buộc. / Plain is required.");
}

TEST(FormValidate, ReportsEveryProblemSortedWithIndicesAsNumbers) {
  json::value schema = J(R"({"type": "object", "properties": {
      "b": {"type": "array", "items": {"type": "integer"}},
      "a": {"type": "string"}, "c": {"type": "string"}}, "required": ["c"]})");
  auto problems = Validate(schema, R"({"b": [0, 1, "x", 3, 4, 5, 6, 7, 8, 9, "y", 11],
                                       "a": 1})");
  EXPECT_EQ(Pointers(problems), (std::vector<std::string>{"/a", "/b/2", "/b/10", "/c"}))
      << Dump(problems);
}

TEST(FormValidate, OrderIsConsistentForNumericLookingNames) {
  // Names of digits sort before other names (and by value among themselves), whatever order
  // they come in: a comparator that mixed numeric and text order would have no consistent
  // answer for 2 < 100 < 1a < 2.
  json::value schema = J(R"({"type": "object", "additionalProperties": false})");
  auto problems = Validate(schema, R"({"1a": 0, "100": 0, "b": 0, "2": 0, "10": 0})");
  EXPECT_EQ(Pointers(problems), (std::vector<std::string>{"/2", "/10", "/100", "/1a", "/b"}))
      << Dump(problems);
}

TEST(FormValidate, StopsAfterTwoHundredProblemsAndSaysSo) {
  json::value schema = J(R"({"type": "object", "additionalProperties": false})");
  json::object data;
  for (int i = 0; i < 300; ++i) data["f" + std::to_string(i)] = i;
  auto problems = ValidateForm(schema, data);
  ASSERT_EQ(problems.size(), 201u);
  EXPECT_EQ(problems.back().pointer, "");
  EXPECT_NE(problems.back().message.find("There are more problems"), std::string::npos);
}

// --- conditions -----------------------------------------------------------------------------

json::value ProxySchema() {
  return J(R"({
    "type": "object",
    "properties": {
      "loai": {"type": "string", "enum": ["ban_than", "uy_quyen"]},
      "nguoi_uy_quyen": {"type": "string", "title": "Người ủy quyền", "title_en": "Principal"},
      "so_van_ban": {"type": "string", "title": "Số văn bản ủy quyền",
                     "title_en": "Authorisation number"},
      "nhan_qua": {"type": "string", "enum": ["truc_tiep", "buu_chinh"]},
      "dia_chi_nhan": {"type": "string", "title": "Địa chỉ nhận", "title_en": "Delivery address"},
      "dien_thoai": {"type": "string", "title": "Điện thoại", "title_en": "Phone"},
      "thu": {"type": "string", "title": "Thư điện tử", "title_en": "E-mail"}
    },
    "required": ["loai"],
    "if": {"properties": {"loai": {"const": "uy_quyen"}}, "required": ["loai"]},
    "then": {"required": ["nguoi_uy_quyen", "so_van_ban"]},
    "else": {"properties": {"nguoi_uy_quyen": {"const": ""}}},
    "allOf": [
      {"if": {"properties": {"nhan_qua": {"const": "buu_chinh"}}, "required": ["nhan_qua"]},
       "then": {"required": ["dia_chi_nhan"]}}
    ],
    "dependentRequired": {"dien_thoai": ["thu"]}
  })");
}

TEST(FormConditions, ThenBranchRequiresMoreFields) {
  auto problems = Validate(ProxySchema(), R"({"loai": "uy_quyen"})");
  EXPECT_EQ(Pointers(problems), (std::vector<std::string>{"/nguoi_uy_quyen", "/so_van_ban"}))
      << Dump(problems);
  EXPECT_TRUE(Has(problems, "/so_van_ban", "Số văn bản ủy quyền là bắt buộc. / Authorisation "
                                           "number is required."));
  EXPECT_TRUE(Validate(ProxySchema(), R"({"loai": "uy_quyen", "nguoi_uy_quyen": "Trần B",
                                          "so_van_ban": "12/UQ"})")
                  .empty());
}

TEST(FormConditions, ElseBranchAppliesWhenTheConditionFails) {
  EXPECT_TRUE(Validate(ProxySchema(), R"({"loai": "ban_than"})").empty());
  auto problems = Validate(ProxySchema(), R"({"loai": "ban_than", "nguoi_uy_quyen": "Trần B"})");
  EXPECT_EQ(Pointers(problems), std::vector<std::string>{"/nguoi_uy_quyen"}) << Dump(problems);
  EXPECT_TRUE(Has(problems, "/nguoi_uy_quyen", "Principal must be"));
}

TEST(FormConditions, AllOfAppliesEachCondition) {
  auto problems = Validate(ProxySchema(), R"({"loai": "uy_quyen", "nhan_qua": "buu_chinh"})");
  EXPECT_EQ(Pointers(problems),
            (std::vector<std::string>{"/dia_chi_nhan", "/nguoi_uy_quyen", "/so_van_ban"}))
      << Dump(problems);
  EXPECT_TRUE(Validate(ProxySchema(), R"({"loai": "ban_than", "nhan_qua": "truc_tiep"})").empty());
}

TEST(FormConditions, DependentRequiredNamesTheTrigger) {
  auto problems = Validate(ProxySchema(), R"({"loai": "ban_than", "dien_thoai": "0912345678"})");
  ASSERT_EQ(Pointers(problems), std::vector<std::string>{"/thu"}) << Dump(problems);
  EXPECT_EQ(problems[0].message, "Thư điện tử là bắt buộc khi đã khai Điện thoại. / E-mail is "
                                 "required when Phone is given.");
  // A blank trigger does not count as given.
  EXPECT_TRUE(Validate(ProxySchema(), R"({"loai": "ban_than", "dien_thoai": ""})").empty());
}

TEST(FormConditions, SameRequirementFromTwoPlacesIsReportedOnce) {
  json::value schema = J(R"({"type": "object", "properties": {"a": {}, "b": {}},
      "required": ["b"], "if": {"required": ["a"]}, "then": {"required": ["b"]}})");
  auto problems = Validate(schema, R"({"a": 1})");
  EXPECT_EQ(Pointers(problems), std::vector<std::string>{"/b"}) << Dump(problems);
}

TEST(FormConditions, ConditionInsideArrayItems) {
  json::value schema = J(R"({"type": "object", "properties": {"x": {"type": "array",
      "items": {"type": "object", "properties": {"co_viec": {"type": "boolean"},
                                                 "noi_lam": {"type": "string"}},
                "if": {"properties": {"co_viec": {"const": true}}, "required": ["co_viec"]},
                "then": {"required": ["noi_lam"]}}}}})");
  auto problems = Validate(schema, R"({"x": [{"co_viec": false}, {"co_viec": true}]})");
  EXPECT_EQ(Pointers(problems), std::vector<std::string>{"/x/1/noi_lam"}) << Dump(problems);
}

// --- prefill --------------------------------------------------------------------------------

TEST(FormPrefill, FillsKnownValuesIncludingNestedObjects) {
  json::value schema = J(R"({"type": "object", "properties": {
      "ho_ten": {"type": "string", "prefill": "full_name"},
      "ghi_chu": {"type": "string"},
      "nguoi_khai": {"type": "object", "properties": {
        "cccd": {"type": "string", "prefill": "id_number"},
        "gioi_tinh": {"type": "string", "enum": ["male", "female"], "prefill": "gender"},
        "thu": {"type": "string", "prefill": "email"},
        "dia_chi": {"type": "object", "properties": {
          "day_du": {"type": "string", "prefill": "address"}}}}},
      "trong": {"type": "object", "properties": {"ma_so_thue": {"type": "string",
                                                                "prefill": "tax_code"}}}}})");
  ASSERT_TRUE(CheckSchema(schema).empty());
  PrefillSource source{{{"full_name", "Nguyễn Văn An"}, {"id_number", "001099012345"},
                        {"gender", "male"}, {"email", ""}, {"address", "12 Hàng Bạc, Hà Nội"},
                        {"favourite_colour", "xanh"}}};
  json::object out = Prefill(schema, source);
  EXPECT_EQ(json::value(out), J(R"({"ho_ten": "Nguyễn Văn An",
      "nguoi_khai": {"cccd": "001099012345", "gioi_tinh": "male",
                     "dia_chi": {"day_du": "12 Hàng Bạc, Hà Nội"}}})"))
      << json::serialize(out) << "\nempty values, unknown keys and objects with nothing to "
                                 "fill are left out";
  // A prefilled form passes validation as far as it goes.
  EXPECT_TRUE(ValidateForm(schema, out).empty());
}

TEST(FormPrefill, NothingToFill) {
  EXPECT_TRUE(Prefill(J(R"({"type": "object"})"), {}).empty());
  EXPECT_TRUE(Prefill(J(R"({"type": "object", "properties": {"a": {"prefill": "phone"}}})"),
                      PrefillSource{{{"email", "a@b.vn"}}})
                  .empty());
  EXPECT_TRUE(Prefill(J("[]"), PrefillSource{{{"phone", "0912345678"}}}).empty());
}

// --- limits ---------------------------------------------------------------------------------

// An object schema nesting `levels` objects below the form: {"properties": {"n": {...}}}.
json::value NestedSchema(std::size_t levels) {
  json::value schema = J(R"({"type": "string"})");
  for (std::size_t i = 0; i < levels; ++i) {
    json::object node;
    node["type"] = "object";
    node["properties"].emplace_object()["n"] = std::move(schema);
    schema = std::move(node);
  }
  return schema;
}

json::value NestedData(std::size_t levels) {
  json::value data = "x";
  for (std::size_t i = 0; i < levels; ++i) {
    json::object o;
    o["n"] = std::move(data);
    data = std::move(o);
  }
  return data;
}

TEST(FormLimits, SchemaDepthIsBounded) {
  EXPECT_TRUE(CheckSchema(NestedSchema(kMaxFormDepth)).empty());
  auto problems = CheckSchema(NestedSchema(kMaxFormDepth + 1));
  ASSERT_EQ(problems.size(), 1u) << Dump(problems);
  EXPECT_NE(problems[0].message.find("nests more than 16 levels deep"), std::string::npos);
  std::string_view level = "/properties/n";
  EXPECT_EQ(problems[0].pointer.size(), level.size() * (kMaxFormDepth + 1)) << problems[0].pointer;
  // Far deeper than any stack should bear: refused as cleanly.
  EXPECT_FALSE(CheckSchema(NestedSchema(5000)).empty());
}

TEST(FormLimits, ConstEnumAndDefaultDepthIsBounded) {
  json::value deep = NestedData(kMaxFormDepth + 1);
  for (std::string_view key : {"const", "default"}) {
    json::value schema = J(R"({"type": "object", "properties": {"x": {}}})");
    schema.at("properties").at("x").as_object()[key] = deep;
    EXPECT_TRUE(Has(CheckSchema(schema), "/properties/x/" + std::string(key), "nests more than"))
        << key;
  }
  json::value schema = J(R"({"type": "object", "properties": {"x": {}}})");
  schema.at("properties").at("x").as_object()["enum"] = json::array{deep};
  EXPECT_TRUE(Has(CheckSchema(schema), "/properties/x/enum", "nests more than"));
}

TEST(FormLimits, DataDepthIsBounded) {
  // The schema accepts anything below x; the data still may not nest without end.
  json::value schema = J(R"({"type": "object", "properties": {"x": {}}})");
  EXPECT_TRUE(ValidateForm(schema, json::object{{"x", NestedData(kMaxFormDepth - 1)}}).empty());
  auto problems = ValidateForm(schema, json::object{{"x", NestedData(kMaxFormDepth)}});
  ASSERT_EQ(problems.size(), 1u) << Dump(problems);
  EXPECT_EQ(problems[0].pointer, "");
  EXPECT_NE(problems[0].message.find("The form nests more than 16 levels deep"),
            std::string::npos);
  EXPECT_EQ(ValidateForm(schema, json::object{{"x", NestedData(5000)}}).size(), 1u);
  // A schema that was never checked cannot lead the validator deeper either.
  json::value unchecked = NestedSchema(kMaxFormDepth + 4);
  problems = ValidateForm(unchecked, NestedData(kMaxFormDepth + 4));
  EXPECT_FALSE(problems.empty());
}

TEST(FormLimits, DataSizeIsBounded) {
  json::value schema = J(R"({"type": "object", "properties": {"x": {"type": "string"}}})");
  EXPECT_TRUE(ValidateForm(schema, json::object{{"x", std::string(kMaxFormBytes - 100, 'a')}})
                  .empty());
  auto problems = ValidateForm(schema, json::object{{"x", std::string(kMaxFormBytes, 'a')}});
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].pointer, "");
  EXPECT_NE(problems[0].message.find("The form is larger than 256 KiB"), std::string::npos);
  EXPECT_NE(problems[0].message.find("Tờ khai lớn quá 256 KiB"), std::string::npos);
}

TEST(FormLimits, SchemaSizeIsBounded) {
  json::value schema = J(R"({"type": "object"})");
  schema.as_object()["description"] = std::string(kMaxFormBytes, 'a');
  auto problems = CheckSchema(schema);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("The schema is larger than 256 KiB"), std::string::npos);
}

// --- the demo forms in data/forms -----------------------------------------------------------

#ifdef MOTCUA_SOURCE_DIR

json::object LoadDemo(std::string_view code) {
  std::ifstream in(std::string(MOTCUA_SOURCE_DIR) + "/data/forms/" + std::string(code) + ".json");
  std::stringstream text;
  text << in.rdbuf();
  json::value v = json::parse(text.str());
  return v.as_object();
}

// The schema a case uses: its override, else the procedure's form.
const json::value& CaseForm(const json::object& demo, std::string_view case_code) {
  if (const json::value* c = demo.at("cases").as_object().if_contains(case_code)) {
    if (const json::value* f = c->as_object().if_contains("form")) return *f;
  }
  return demo.at("form");
}

TEST(FormDemo, EveryFormPassesCheckSchema) {
  for (std::string_view code : {"1.001193", "2.913001"}) {
    json::object demo = LoadDemo(code);
    EXPECT_EQ(std::string_view(demo.at("procedure_code").as_string()), code);
    auto problems = CheckSchema(demo.at("form"));
    EXPECT_TRUE(problems.empty()) << code << "\n" << Dump(problems);
    for (const auto& c : demo.at("cases").as_object()) {
      problems = CheckSchema(c.value().at("form"));
      EXPECT_TRUE(problems.empty()) << code << " case " << c.key() << "\n" << Dump(problems);
    }
  }
}

constexpr std::string_view kBirth = R"({
  "nguoi_yeu_cau": {"ho_ten": "Nguyễn Thị Hoa", "so_dinh_danh": "001190012345",
                    "noi_cu_tru": "Số 5 ngõ 12 phố Huế, phường Hàng Bài, Hà Nội",
                    "so_dien_thoai": "0912345678", "quan_he": "me"},
  "nguoi_duoc_khai_sinh": {"ho_ten": "Trần Minh Khôi", "ngay_sinh": "2025-03-02",
                           "gioi_tinh": "male", "dan_toc": "Kinh", "quoc_tich": "Việt Nam",
                           "noi_sinh": "Bệnh viện Phụ sản Hà Nội, phường Láng Thượng, Hà Nội",
                           "que_quan": "Nam Định"},
  "cha": {"ho_ten": "Trần Văn Minh", "ngay_sinh": "1988-11-20", "dan_toc": "Kinh",
          "quoc_tich": "Việt Nam", "noi_cu_tru": "Số 5 ngõ 12 phố Huế, phường Hàng Bài, Hà Nội",
          "so_dinh_danh": "036088001234"},
  "me": {"ho_ten": "Nguyễn Thị Hoa", "ngay_sinh": "1990-05-14", "dan_toc": "Kinh",
         "quoc_tich": "Việt Nam", "noi_cu_tru": "Số 5 ngõ 12 phố Huế, phường Hàng Bài, Hà Nội",
         "so_dinh_danh": "001190012345"},
  "so_giay_chung_sinh": "1234/GCS-2025",
  "de_nghi_cap_ban_sao": true, "so_ban_sao": 2
})";

TEST(FormDemo, BirthRegistrationFilledFormValidates) {
  json::object demo = LoadDemo("1.001193");
  auto problems = ValidateForm(CaseForm(demo, "1"), J(kBirth));
  EXPECT_TRUE(problems.empty()) << Dump(problems);
}

TEST(FormDemo, BirthRegistrationWrongFormIsRefusedFieldByField) {
  json::object demo = LoadDemo("1.001193");
  json::value data = J(kBirth);
  auto& o = data.as_object();
  o.at("nguoi_duoc_khai_sinh").as_object()["gioi_tinh"] = "nam";
  o.at("nguoi_duoc_khai_sinh").as_object()["ngay_sinh"] = "02/03/2025";
  o.at("nguoi_yeu_cau").as_object()["quan_he"] = "nguoi_than_khac";  // needs mo_ta_quan_he
  o.erase("so_ban_sao");                                              // copies were asked for
  o["ghi_chu"] = "?";                                                 // not a field
  auto problems = ValidateForm(CaseForm(demo, "1"), data);
  EXPECT_EQ(Pointers(problems),
            (std::vector<std::string>{"/ghi_chu", "/nguoi_duoc_khai_sinh/gioi_tinh",
                                      "/nguoi_duoc_khai_sinh/ngay_sinh",
                                      "/nguoi_yeu_cau/mo_ta_quan_he", "/so_ban_sao"}))
      << Dump(problems);
  EXPECT_TRUE(Has(problems, "/nguoi_duoc_khai_sinh/gioi_tinh",
                  "Sex must be one of: male, female"));
  EXPECT_TRUE(Has(problems, "/so_ban_sao", "Số bản sao là bắt buộc. / Number of copies is "
                                           "required."));
}

TEST(FormDemo, BirthRegistrationOfAnAbandonedChildNeedsNoParents) {
  json::object demo = LoadDemo("1.001193");
  json::value data = J(kBirth);
  auto& o = data.as_object();
  o.erase("cha");
  o.erase("me");
  o.erase("so_giay_chung_sinh");
  o.erase("de_nghi_cap_ban_sao");
  o.erase("so_ban_sao");
  o.at("nguoi_yeu_cau").as_object()["quan_he"] = "nguoi_nuoi_duong";
  o.at("nguoi_yeu_cau").as_object()["mo_ta_quan_he"] = "Trung tâm Bảo trợ xã hội";
  auto problems = ValidateForm(CaseForm(demo, "3"), data);
  EXPECT_EQ(Pointers(problems), (std::vector<std::string>{"/ngay_lap_bien_ban", "/so_bien_ban"}))
      << Dump(problems);
  o["so_bien_ban"] = "15/BB-UBND";
  o["ngay_lap_bien_ban"] = "2025-03-03";
  EXPECT_TRUE(ValidateForm(CaseForm(demo, "3"), data).empty())
      << Dump(ValidateForm(CaseForm(demo, "3"), data));
  EXPECT_FALSE(ValidateForm(CaseForm(demo, "1"), data).empty()) << "case 1 needs the mother";
}

constexpr std::string_view kRecord = R"({
  "nguoi_duoc_cap_phieu": {"ho_ten": "Phạm Quốc Bảo", "gioi_tinh": "male",
                           "ngay_sinh": "1995-07-09", "noi_sinh": "Thành phố Hải Phòng",
                           "quoc_tich": "Việt Nam", "dan_toc": "Kinh",
                           "so_dinh_danh": "031095004567",
                           "noi_thuong_tru": "Số 8 đường Lạch Tray, phường Lạch Tray, Hải Phòng",
                           "so_dien_thoai": "+84987654321", "email": "bao.pham@example.vn",
                           "cha": "Phạm Văn Hùng", "me": "Đỗ Thị Lan"},
  "qua_trinh_cu_tru": [
    {"tu_ngay": "2009-07-09", "den_ngay": "2017-08-31",
     "noi_cu_tru": "Số 8 đường Lạch Tray, Hải Phòng", "nghe_nghiep": "Học sinh"},
    {"tu_ngay": "2017-09-01", "noi_cu_tru": "Ký túc xá Đại học Bách khoa, Hà Nội",
     "nghe_nghiep": "Sinh viên, kỹ sư phần mềm"}],
  "loai_phieu": 1, "xac_nhan_cam_dam_nhiem": false, "so_luong_phieu": 2,
  "muc_dich": "Bổ sung hồ sơ xin việc", "hinh_thuc_nhan": "buu_chinh",
  "dia_chi_nhan": "Số 8 đường Lạch Tray, phường Lạch Tray, Hải Phòng"
})";

TEST(FormDemo, CriminalRecordFilledFormValidates) {
  json::object demo = LoadDemo("2.913001");
  auto problems = ValidateForm(CaseForm(demo, "1"), J(kRecord));
  EXPECT_TRUE(problems.empty()) << Dump(problems);
}

TEST(FormDemo, CriminalRecordWrongFormIsRefusedFieldByField) {
  json::object demo = LoadDemo("2.913001");
  json::value data = J(kRecord);
  auto& o = data.as_object();
  o.erase("dia_chi_nhan");                       // needed for delivery by post
  o["loai_phieu"] = 2;
  o["xac_nhan_cam_dam_nhiem"] = true;            // only on Phiếu số 1
  auto& person = o.at("nguoi_duoc_cap_phieu").as_object();
  person.erase("so_dinh_danh");                  // a Vietnamese citizen gives it
  person["so_dien_thoai"] = "987654321";
  o.at("qua_trinh_cu_tru").as_array()[1].as_object().erase("noi_cu_tru");
  auto problems = ValidateForm(CaseForm(demo, "1"), data);
  EXPECT_EQ(Pointers(problems),
            (std::vector<std::string>{"/dia_chi_nhan", "/loai_phieu",
                                      "/nguoi_duoc_cap_phieu/so_dien_thoai",
                                      "/nguoi_duoc_cap_phieu/so_dinh_danh",
                                      "/qua_trinh_cu_tru/1/noi_cu_tru"}))
      << Dump(problems);
  EXPECT_TRUE(Has(problems, "/loai_phieu", "Certificate requested must be 1"));
  EXPECT_TRUE(Has(problems, "/qua_trinh_cu_tru/1/noi_cu_tru", "Place of residence is required"));
}

TEST(FormDemo, CriminalRecordByProxyCannotAskForCertificateTwo) {
  json::object demo = LoadDemo("2.913001");
  json::value data = J(kRecord);
  auto& o = data.as_object();
  o["nguoi_duoc_uy_quyen"] = J(R"({"ho_ten": "Phạm Thị Mai", "so_dinh_danh": "031197001111",
      "noi_cu_tru": "Số 8 đường Lạch Tray, Hải Phòng", "quan_he": "khac",
      "so_van_ban_uy_quyen": "123/2025/CC"})");
  EXPECT_TRUE(ValidateForm(CaseForm(demo, "2"), data).empty())
      << Dump(ValidateForm(CaseForm(demo, "2"), data));
  o["loai_phieu"] = 2;
  o.at("nguoi_duoc_uy_quyen").as_object().erase("so_van_ban_uy_quyen");
  auto problems = ValidateForm(CaseForm(demo, "2"), data);
  EXPECT_EQ(Pointers(problems), (std::vector<std::string>{
                                    "/loai_phieu", "/nguoi_duoc_uy_quyen/so_van_ban_uy_quyen"}))
      << Dump(problems);
}

TEST(FormDemo, PrefillFillsTheApplicantFromTheAccount) {
  json::object demo = LoadDemo("2.913001");
  PrefillSource account{{{"full_name", "Phạm Quốc Bảo"}, {"id_number", "031095004567"},
                         {"birth_date", "1995-07-09"}, {"gender", "male"},
                         {"phone", "0987654321"}, {"address", "Số 8 đường Lạch Tray, Hải Phòng"}}};
  json::object filled = Prefill(CaseForm(demo, "1"), account);
  EXPECT_EQ(json::value(filled), J(R"({"nguoi_duoc_cap_phieu": {"ho_ten": "Phạm Quốc Bảo",
      "gioi_tinh": "male", "ngay_sinh": "1995-07-09", "so_dinh_danh": "031095004567",
      "noi_thuong_tru": "Số 8 đường Lạch Tray, Hải Phòng", "so_dien_thoai": "0987654321"}})"))
      << json::serialize(filled);
  // In the proxy case the account holder is the authorised person, not the subject.
  json::object proxy = Prefill(CaseForm(demo, "2"), account);
  EXPECT_FALSE(proxy.contains("nguoi_duoc_cap_phieu")) << json::serialize(proxy);
  EXPECT_EQ(std::string_view(proxy.at("nguoi_duoc_uy_quyen").at("ho_ten").as_string()),
            "Phạm Quốc Bảo");
}

#endif  // MOTCUA_SOURCE_DIR

}  // namespace
}  // namespace motcua::dossier
