#include "mentorcal/csv.hpp"

#include <gtest/gtest.h>

namespace mentorcal {
namespace {

std::vector<std::string> messages(const Diagnostics& d) {
  std::vector<std::string> out;
  for (const auto& item : d.all()) out.push_back(item.to_string());
  return out;
}

TEST(Csv, ReadsQuotedCommasQuotesAndNewlines) {
  Diagnostics d;
  const auto t =
      read_csv("id,focus\r\nm-01,\"Board, \"\"strategy\"\"\nand more\"\r\nm-02,x\r\n", "p.csv", d);
  ASSERT_TRUE(t);
  EXPECT_FALSE(d.has_errors());
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_EQ(t->rows[0].fields[1], "Board, \"strategy\"\nand more");
  EXPECT_EQ(t->rows[0].line, 2);
  EXPECT_EQ(t->rows[1].line, 4);
}

TEST(Csv, SkipsBomAndBlankLinesAndReadsLf) {
  Diagnostics d;
  const auto t = read_csv("\xEF\xBB\xBFid,name\n\nm-01,Ana\n\n", "p.csv", d);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->header[0], "id");
  ASSERT_EQ(t->rows.size(), 1u);
  EXPECT_EQ(t->rows[0].line, 3);
}

TEST(Csv, ReportsAnUnclosedQuoteAtTheLineItsFieldBegins) {
  Diagnostics d;
  read_csv("id,name\nm-01,\"Ana\nm-02,Ken\n", "p.csv", d);
  EXPECT_EQ(messages(d), std::vector<std::string>{"p.csv:2: quoted field is never closed"});
}

TEST(Csv, RejectsAQuoteInsideAnUnquotedFieldAndGoesOn) {
  Diagnostics d;
  const auto t = read_csv("id,name\nm-01,An\"a\nm-02,Ken\nm-03\n", "p.csv", d);
  ASSERT_TRUE(t);
  EXPECT_EQ(messages(d), (std::vector<std::string>{
                             "p.csv:2: quote inside an unquoted field (quote the whole field)",
                             "p.csv:4: record has 1 fields, the header has 2"}));
  ASSERT_EQ(t->rows.size(), 1u);
  EXPECT_EQ(t->rows[0].fields[0], "m-02");
}

TEST(Csv, RejectsTextAfterAClosingQuote) {
  Diagnostics d;
  read_csv("id,name\nm-01,\"Ana\"x\n", "p.csv", d);
  EXPECT_EQ(messages(d),
            std::vector<std::string>{"p.csv:2: text after the closing quote of a field"});
}

TEST(Csv, RejectsInvalidUtf8WithItsLine) {
  Diagnostics d;
  EXPECT_FALSE(read_csv("id,name\nm-01,Jos\xE9\n", "p.csv", d));
  EXPECT_EQ(messages(d),
            std::vector<std::string>{"p.csv:2: invalid UTF-8 (the file must be UTF-8)"});
}

TEST(Utf8, AcceptsMultibyteAndRejectsOverlongAndSurrogates) {
  EXPECT_TRUE(is_valid_utf8("S\xC3\xA3o Paulo \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));
  EXPECT_FALSE(is_valid_utf8("\xE2\x82"));
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));
}

TEST(Csv, EmptyFileNeedsAHeader) {
  Diagnostics d;
  EXPECT_FALSE(read_csv("\n\n", "p.csv", d));
  EXPECT_EQ(messages(d),
            std::vector<std::string>{"p.csv:1: the file is empty; it needs a header row"});
}

}  // namespace
}  // namespace mentorcal
