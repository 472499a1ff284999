#include "aumtrain/data/csv.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "test_helpers.hpp"

namespace aumtrain {
namespace {

std::vector<std::vector<std::string>> read_all(const std::string& path, char delimiter = 0) {
  CsvReader reader(path, delimiter);
  std::vector<std::vector<std::string>> records;
  std::vector<CsvField> fields;
  while (reader.next_record(fields)) {
    records.emplace_back();
    for (const auto& f : fields) records.back().emplace_back(f.text);
  }
  return records;
}

TEST(CsvReader, DetectsEachDelimiter) {
  testing::TempDir dir;
  const std::vector<std::vector<std::string>> expected = {{"a", "b", "c"}, {"1", "2.5", "x"}};
  for (const auto& [delimiter, text] : {std::pair{',', "a,b,c\n1,2.5,x\n"},
                                        std::pair{';', "a;b;c\n1;2.5;x\n"},
                                        std::pair{'\t', "a\tb\tc\n1\t2.5\tx\n"}}) {
    const auto path = dir.write("data.csv", text);
    EXPECT_EQ(CsvReader(path).delimiter(), delimiter);
    EXPECT_EQ(read_all(path), expected) << delimiter_name(delimiter);
  }
}

TEST(CsvReader, ReadsRfc4180QuotingByteOrderMarkAndCrlf) {
  testing::TempDir dir;
  const auto path = dir.write(
      "data.csv", "\xEF\xBB\xBF" "name,\"note, with comma\",value\r\n"
                  "\"a \"\"quoted\"\" word\",\"two\r\nlines\",3\r\n"
                  "\r\n"
                  " plain ,  ,-1e-3\r\n");
  const auto records = read_all(path);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0], (std::vector<std::string>{"name", "note, with comma", "value"}));
  EXPECT_EQ(records[1], (std::vector<std::string>{"a \"quoted\" word", "two\nlines", "3"}));
  EXPECT_EQ(records[2], (std::vector<std::string>{"plain", "", "-1e-3"}));
}

TEST(CsvReader, RecordsLineAndColumnOfEveryField) {
  testing::TempDir dir;
  const auto path = dir.write("data.csv", "x,y\n10,\"a\nb\",30\n\n7, 8\n");
  CsvReader reader(path);
  std::vector<CsvField> fields;
  ASSERT_TRUE(reader.next_record(fields));
  ASSERT_TRUE(reader.next_record(fields));
  ASSERT_EQ(fields.size(), 3u);
  EXPECT_EQ(fields[0].line, 2u);
  EXPECT_EQ(fields[0].column, 1u);
  EXPECT_EQ(fields[1].line, 2u);
  EXPECT_EQ(fields[1].column, 4u);
  EXPECT_EQ(fields[2].line, 3u);  // after the quoted line end
  EXPECT_EQ(fields[2].column, 4u);
  ASSERT_TRUE(reader.next_record(fields));
  EXPECT_EQ(fields[1].line, 5u);
  EXPECT_EQ(fields[1].column, 4u);  // spaces before the field are skipped
  EXPECT_EQ(reader.location(fields[1]).to_string(), path + ":5:4");
  EXPECT_FALSE(reader.next_record(fields));
}

TEST(CsvReader, UnterminatedQuoteIsLocated) {
  testing::TempDir dir;
  const auto path = dir.write("data.csv", "a,b\n1,\"open\n2,3\n");
  CsvReader reader(path);
  std::vector<CsvField> fields;
  ASSERT_TRUE(reader.next_record(fields));
  try {
    reader.next_record(fields);
    FAIL();
  } catch (const DataError& error) {
    EXPECT_NE(std::string(error.what()).find(path + ":2:3"), std::string::npos) << error.what();
  }
}

TEST(CsvReader, TextAfterClosingQuoteIsLocated) {
  testing::TempDir dir;
  const auto path = dir.write("data.csv", "a,b\n\"x\"y,2\n");
  CsvReader reader(path);
  std::vector<CsvField> fields;
  ASSERT_TRUE(reader.next_record(fields));
  try {
    reader.next_record(fields);
    FAIL();
  } catch (const DataError& error) {
    EXPECT_NE(std::string(error.what()).find(path + ":2:4"), std::string::npos) << error.what();
  }
}

TEST(CsvReader, AShareReadsTheRecordsThatStartInItsBytesWithTheirLines) {
  testing::TempDir dir;
  // Lines: 1 "h" (2 bytes), 2 "a,1" (4), 3 blank (2), 4 "b,2" (5: CRLF), 5 "c,3" (3, no '\n').
  const std::string path = dir.write("s.csv", "h\na,1\n\r\nb,2\r\nc,3");
  CsvReader reader(path, ',', ByteShare{2, 13}, 2);
  std::vector<CsvField> fields;
  std::vector<std::pair<std::string, std::size_t>> read;
  while (reader.next_record(fields)) read.emplace_back(std::string(fields[0].text), fields[0].line);
  EXPECT_EQ(read, (std::vector<std::pair<std::string, std::size_t>>{{"a", 2}, {"b", 4}}));
  EXPECT_EQ(reader.position(), 13u);
  EXPECT_FALSE(reader.ran_past_share());
  CsvReader last(path, ',', ByteShare{13, 16}, 5);
  ASSERT_TRUE(last.next_record(fields));
  EXPECT_EQ(fields[1].text, "3");
  EXPECT_EQ(last.location(fields[1]).to_string(), path + ":5:3");
  EXPECT_FALSE(last.next_record(fields));
  EXPECT_EQ(last.position(), 16u);
}

TEST(CsvReader, AShareReadsARecordWithALineEndInAQuotedFieldToItsEnd) {
  testing::TempDir dir;
  const std::string path = dir.write("q.csv", "a,\"x\ny\"\nb,2\n");  // record 1 on lines 1-2
  CsvReader reader(path, ',', ByteShare{0, 5}, 1);  // the share ends after "a,\"x\n"
  std::vector<CsvField> fields;
  ASSERT_TRUE(reader.next_record(fields));
  EXPECT_EQ(fields[1].text, "x\ny");
  EXPECT_EQ(reader.record_line(), 1u);
  EXPECT_EQ(reader.last_line(), 2u);
  EXPECT_TRUE(reader.ran_past_share());
  EXPECT_FALSE(reader.next_record(fields));
}

TEST(CsvReader, MissingFileIsADataError) {
  EXPECT_THROW(CsvReader("/nonexistent/file.csv"), DataError);
}

TEST(ParseNumber, ReadsNumbersAndRecognisesMissingCells) {
  struct Case {
    const char* text;
    NumberParse result;
    double value;
  };
  const Case cases[] = {
      {"1", NumberParse::ok, 1.0},           {"-2.5", NumberParse::ok, -2.5},
      {"+3e2", NumberParse::ok, 300.0},      {".5", NumberParse::ok, 0.5},
      {"1e400", NumberParse::out_of_range, NAN},
      {"abc", NumberParse::not_a_number, NAN}, {"1.2.3", NumberParse::not_a_number, NAN},
      {"12x", NumberParse::not_a_number, NAN}, {"++1", NumberParse::not_a_number, NAN},
      {"", NumberParse::missing, NAN},         {"NA", NumberParse::missing, NAN},
      {"nan", NumberParse::missing, NAN},      {"?", NumberParse::missing, NAN},
      {"inf", NumberParse::ok, INFINITY},      {"-Inf", NumberParse::ok, -INFINITY},
  };
  for (const Case& c : cases) {
    double value = 0;
    EXPECT_EQ(parse_number(c.text, value), c.result) << "'" << c.text << "'";
    if (c.result == NumberParse::ok) {
      EXPECT_EQ(value, c.value) << "'" << c.text << "'";
    }
  }
}

}  // namespace
}  // namespace aumtrain
