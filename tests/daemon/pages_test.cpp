// The people's pages through Service::handle, without a network or a browser: personal links and
// sessions, the block form's Preview, Block and Undo, the console, and the security rules
// (cookie flags, CSRF, CSP, escaping). tests/browser drives the same pages in Chromium.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>

#include "mentorcal/ical.hpp"
#include "mentorcal/program_files.hpp"
#include "mentorcal/report.hpp"
#include "mentorcal/schedule_json.hpp"
#include "mentorcal/summary.hpp"
#include "service.hpp"
#include "web/html.hpp"

namespace mentorcal::daemon {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kAdmin = "coordinator-secret";
constexpr const char* kProgram = "/api/programs/acme-2027";
constexpr const char* kHostile = "<img src=x onerror=alert(1)>";

class PagesTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() / ("mentorcal-pages-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    ServiceConfig config;
    config.database = dir_ / "mentorcal.db";
    config.admin_token = kAdmin;
    config.feed_key = "feed-key-for-tests";
    config.clock = [] { return date::sys_days{date::year{2026} / 12 / 1} + std::chrono::hours{9}; };
    std::string error;
    service_ = Service::open(config, &error);
    ASSERT_TRUE(service_) << error;

    // The sample, with m-01 renamed to a piece of HTML.
    std::string read_error;
    auto files = read_program_files(MENTORCAL_SOURCE_DIR "/samples/acme-2027", &read_error);
    ASSERT_TRUE(files) << read_error;
    auto body = json::parse(program_files_to_json(*files));
    auto& people = body["files"]["people.csv"];
    people =
        std::regex_replace(people.get<std::string>(), std::regex("Eleanor Whitfield"), kHostile);
    files_json_ = body.dump();
    ASSERT_EQ(call("PUT", kProgram, files_json_, kAdmin).status, 201);
    ASSERT_EQ(call("POST", std::string(kProgram) + "/passes", "", kAdmin).status, 201);
    const auto list = json::parse(*call("GET", std::string(kProgram) + "/feeds", "", kAdmin).body);
    ASSERT_EQ(list["feeds"].size(), 53u);
    for (const auto& f : list["feeds"]) {
      const auto url = f["url"].get<std::string>(), link = f["manage_url"].get<std::string>();
      const auto person = f["person"].get<std::string>();
      feeds_[person] = url.substr(url.find("/feeds/"));
      links_[person] = link.substr(link.find("/me/"));
    }
  }
  void TearDown() override {
    service_.reset();
    fs::remove_all(dir_);
  }

  Response call(std::string method, std::string target, std::string body = {},
                std::string token = {}, std::string cookie = {},
                std::vector<std::pair<std::string, std::string>> headers = {}) {
    Request request{std::move(method), std::move(target), std::move(headers), std::move(body)};
    request.headers.emplace_back("Host", "cal.test:8080");
    if (!token.empty()) request.headers.emplace_back("Authorization", "Bearer " + token);
    if (!cookie.empty()) request.headers.emplace_back("Cookie", "mentorcal_session=" + cookie);
    return service_->handle(request);
  }

  // Opens `person`'s personal link; returns the session cookie's value.
  std::string sign_in_as(const std::string& person) {
    const auto r = call("GET", links_.at(person));
    EXPECT_EQ(r.status, 303);
    EXPECT_EQ(r.header("Location"), "/me");
    const std::string set = std::string(r.header("Set-Cookie"));
    const auto start = set.find('=') + 1;
    return set.substr(start, set.find(';') - start);
  }

  static std::string csrf_of(const std::string& html) {
    std::smatch m;
    EXPECT_TRUE(std::regex_search(html, m, std::regex("name=\"csrf\" value=\"([^\"]+)\"")));
    return m[1];
  }

  std::string feed(const std::string& person) { return *call("GET", feeds_.at(person)).body; }

  // Signs in with the coordinator token; returns the session cookie's value.
  std::string sign_in_as_coordinator() {
    const auto r = call("POST", "/signin", std::string("token=") + kAdmin);
    EXPECT_EQ(r.status, 303);
    const std::string set(r.header("Set-Cookie"));
    return set.substr(set.find('=') + 1, set.find(';') - set.find('=') - 1);
  }

  fs::path dir_;
  std::string files_json_;  // the program's files as PUT
  std::unique_ptr<Service> service_;
  std::map<std::string, std::string> feeds_, links_;  // by person: paths
};

TEST_F(PagesTest, APersonalLinkBecomesASessionCookieAndLeavesTheAddressBar) {
  const auto r = call("GET", links_.at("e-02"));
  ASSERT_EQ(r.status, 303);
  EXPECT_EQ(r.header("Location"), "/me");
  EXPECT_EQ(r.header("Referrer-Policy"), "no-referrer");
  const std::string cookie(r.header("Set-Cookie"));
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
  EXPECT_EQ(cookie.find("Secure"), std::string::npos) << "not behind https here";
  EXPECT_EQ(cookie.find(links_.at("e-02").substr(4)), std::string::npos)
      << "the secret is no cookie";

  const auto page = call("GET", "/me", "", "", sign_in_as("e-02"));
  ASSERT_EQ(page.status, 200) << *page.body;
  EXPECT_EQ(page.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(page.header("Referrer-Policy"), "no-referrer");
  EXPECT_NE(page.header("Content-Security-Policy").find("script-src 'self'"), std::string::npos);
  EXPECT_NE(page.body->find("<label for=\"from\">From</label>"), std::string::npos);
  EXPECT_NE(page.body->find("<label for=\"to\">To</label>"), std::string::npos);
  EXPECT_NE(page.body->find(">Preview</button>"), std::string::npos);
  EXPECT_NE(page.body->find(">Block</button>"), std::string::npos);
  EXPECT_NE(page.body->find("webcal://cal.test:8080/feeds/"), std::string::npos);
  EXPECT_NE(page.body->find("https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2F"),
            std::string::npos);

  EXPECT_EQ(call("GET", "/me/not-a-secret").status, 404);
  EXPECT_EQ(call("GET", "/me").status, 401);
  EXPECT_EQ(call("GET", "/me", "", "", "forged").status, 401);
  EXPECT_EQ(call("GET", "/me" + feeds_.at("e-02").substr(6, 32)).status, 404)
      << "a feed token opens no page";
}

TEST_F(PagesTest, ProgramTextIsEscaped) {
  const auto page = call("GET", "/me", "", "", sign_in_as("e-02"));  // e-02's mentor is m-01
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body->find(kHostile), std::string::npos);
  EXPECT_NE(page.body->find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_EQ(html_escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

TEST_F(PagesTest, PreviewStoresNothingBlockChangesBothFeedsUndoRestoresThem) {
  const auto cookie = sign_in_as("m-01");
  const auto csrf = csrf_of(*call("GET", "/me", "", "", cookie).body);
  const auto mentor_before = feed("m-01"), mentee_before = feed("e-03");
  const std::string form =
      "csrf=" + csrf + "&from=2027-03-01&from_time=&to=2027-03-05&to_time=&reason=Board+week";

  const auto preview = call("POST", "/me/blocks", form + "&action=preview", "", cookie);
  ASSERT_EQ(preview.status, 200) << *preview.body;
  EXPECT_NE(preview.body->find("would be skipped"), std::string::npos) << *preview.body;
  EXPECT_NE(preview.body->find("Nothing is stored until you press Block"), std::string::npos);
  EXPECT_EQ(feed("m-01"), mentor_before);
  EXPECT_EQ(feed("e-03"), mentee_before);
  EXPECT_TRUE(
      json::parse(
          *call("GET", std::string(kProgram) + "/people/m-01/blocks", "", kAdmin).body)["blocks"]
          .empty());

  const auto blocked = call("POST", "/me/blocks", form + "&action=block", "", cookie);
  ASSERT_EQ(blocked.status, 303) << *blocked.body;
  EXPECT_TRUE(blocked.header("Location").starts_with("/me?blocked="));
  EXPECT_NE(feed("m-01"), mentor_before);
  EXPECT_NE(feed("e-03"), mentee_before);
  const auto page = call("GET", std::string(blocked.header("Location")), "", "", cookie);
  EXPECT_NE(page.body->find("Your block is stored"), std::string::npos);
  EXPECT_NE(page.body->find("Board week"), std::string::npos);
  EXPECT_NE(page.body->find("Mon 1 Mar 2027 to Fri 5 Mar 2027"), std::string::npos)
      << "whole days read as the form took them, both included";

  std::smatch undo;
  ASSERT_TRUE(
      std::regex_search(*page.body, undo, std::regex("action=\"(/me/blocks/[0-9]+/undo)\"")));
  const auto undone = call("POST", undo[1], "csrf=" + csrf, "", cookie);
  ASSERT_EQ(undone.status, 303) << *undone.body;
  // The same sessions as before, each one version further on.
  const auto lines = [](const std::string& s) { return std::count(s.begin(), s.end(), '\n'); };
  EXPECT_EQ(lines(feed("e-03")), lines(mentee_before));
  EXPECT_EQ(feed("e-03").find("STATUS:CANCELLED"), std::string::npos);
  EXPECT_EQ(call("POST", undo[1], "csrf=" + csrf, "", cookie).status, 404);
}

TEST_F(PagesTest, TheBlockFormListsEachProblemBesideItsField) {
  const auto cookie = sign_in_as("m-01");
  const auto csrf = csrf_of(*call("GET", "/me", "", "", cookie).body);
  const auto r =
      call("POST", "/me/blocks", "csrf=" + csrf + "&from=2027-02-30&to=&from_time=9&action=preview",
           "", cookie);
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.body->find("There is a problem"), std::string::npos);
  EXPECT_NE(r.body->find("href=\"#from\""), std::string::npos);
  EXPECT_NE(r.body->find("href=\"#to\""), std::string::npos);
  EXPECT_NE(r.body->find("href=\"#from_time\""), std::string::npos);
  EXPECT_NE(r.body->find("value=\"2027-02-30\""), std::string::npos) << "what was typed stays";
  const auto backwards =
      call("POST", "/me/blocks", "csrf=" + csrf + "&from=2027-03-05&to=2027-03-01&action=block", "",
           cookie);
  EXPECT_EQ(backwards.status, 422);
  EXPECT_NE(backwards.body->find("The end must be after the start"), std::string::npos);
  EXPECT_EQ(call("POST", "/me/blocks", "%zz", "", cookie).status, 400);
}

TEST_F(PagesTest, FormsWithoutTheSessionsCsrfTokenChangeNothing) {
  const auto cookie = sign_in_as("m-01");
  const auto other = sign_in_as("m-02");
  const auto others_csrf = csrf_of(*call("GET", "/me", "", "", other).body);
  const auto before = feed("m-01");
  const std::string form = "from=2027-03-01&to=2027-03-05&action=block";
  EXPECT_EQ(call("POST", "/me/blocks", form, "", cookie).status, 403);
  EXPECT_EQ(call("POST", "/me/blocks", form + "&csrf=" + others_csrf, "", cookie).status, 403);
  EXPECT_EQ(feed("m-01"), before);
  // The API through the cookie: reads, and writes only with the page's token in a header.
  const auto blocks = std::string(kProgram) + "/people/m-01/blocks";
  EXPECT_EQ(call("GET", blocks, "", "", cookie).status, 200);
  const auto body = json{{"start", "2027-03-01T09:00:00Z"}, {"end", "2027-03-01T10:00:00Z"}}.dump();
  EXPECT_EQ(call("POST", blocks, body, "", cookie).status, 403);
  const auto csrf = csrf_of(*call("GET", "/me", "", "", cookie).body);
  EXPECT_EQ(call("POST", blocks, body, "", cookie, {{"X-CSRF-Token", csrf}}).status, 201);
  EXPECT_EQ(call("GET", std::string(kProgram) + "/people/m-02/blocks", "", "", cookie).status, 403);
}

TEST_F(PagesTest, AFormThatWritesIsRefusedFromItsHeadersWithoutASession) {
  const auto cookie = sign_in_as("m-01");
  for (const std::string target :
       {"/me/blocks", "/me/blocks/1/undo", "/signout", "/programs/acme-2027/passes",
        "/programs/acme-2027/people/m-01/rotate"}) {
    const Request stranger{"POST", target, {{"Host", "cal.test:8080"}}, {}};
    const auto refused = service_->admit(stranger);
    ASSERT_TRUE(refused.refusal) << target;
    EXPECT_EQ(refused.refusal->status, 401) << target;
    const Request expired{
        "POST", target, {{"Host", "cal.test:8080"}, {"Cookie", "mentorcal_session=nonsense"}}, {}};
    EXPECT_TRUE(service_->admit(expired).refusal) << target;
    const Request signed_in{
        "POST", target, {{"Host", "cal.test:8080"}, {"Cookie", "mentorcal_session=" + cookie}}, {}};
    EXPECT_FALSE(service_->admit(signed_in).refusal) << target << ": the page checks the form";
  }
}

TEST_F(PagesTest, RotatingThePersonalLinkEndsItsSessions) {
  const auto cookie = sign_in_as("e-02");
  ASSERT_EQ(call("GET", "/me", "", "", cookie).status, 200);
  ASSERT_EQ(call("POST", std::string(kProgram) + "/people/e-02/link", "", kAdmin).status, 201);
  EXPECT_EQ(call("GET", "/me", "", "", cookie).status, 401);
  EXPECT_EQ(call("GET", links_.at("e-02")).status, 404);
}

TEST_F(PagesTest, TheConsoleNeedsTheCoordinatorTokenAndShowsTheProgram) {
  EXPECT_EQ(call("GET", "/").status, 200);  // the sign-in form
  EXPECT_EQ(call("POST", "/signin", "token=guess").status, 401);
  const auto cookie = sign_in_as_coordinator();
  const auto home = call("GET", "/", "", "", cookie);
  EXPECT_NE(home.body->find("href=\"/programs/acme-2027\""), std::string::npos);
  const auto console = call("GET", "/programs/acme-2027", "", "", cookie);
  ASSERT_EQ(console.status, 200);
  EXPECT_NE(console.body->find("Pairs scheduled"), std::string::npos);
  EXPECT_NE(console.body->find("<svg class=\"chart\""), std::string::npos);
  EXPECT_NE(console.body->find("/me/"), std::string::npos) << "personal links to send";
  EXPECT_EQ(console.body->find(kHostile), std::string::npos);
  // A person's session does not open the console.
  EXPECT_EQ(call("GET", "/programs/acme-2027", "", "", sign_in_as("m-01")).status, 403);

  const auto csrf = csrf_of(*console.body);
  const auto proposal =
      call("POST", "/programs/acme-2027/passes", "csrf=" + csrf + "&action=proposal", "", cookie);
  ASSERT_EQ(proposal.status, 303) << *proposal.body;
  const auto before = feed("m-01");
  const auto shown = call("GET", std::string(proposal.header("Location")), "", "", cookie);
  EXPECT_NE(shown.body->find("Stored, not published"), std::string::npos);
  // The same program and no blocks: the proposal is the published schedule again.
  EXPECT_NE(shown.body->find("It would change no one's sessions"), std::string::npos);
  EXPECT_EQ(feed("m-01"), before);
  EXPECT_EQ(call("POST", "/programs/acme-2027/passes", "action=publish", "", cookie).status, 403);
}

TEST_F(PagesTest, TheConsoleServesTheReportLibrarysFilesOfThePublishedSchedule) {
  const auto cookie = sign_in_as_coordinator();
  const auto console = call("GET", "/programs/acme-2027", "", "", cookie);
  EXPECT_NE(console.body->find("href=\"/programs/acme-2027/report.html\""), std::string::npos);
  EXPECT_NE(console.body->find("href=\"/programs/acme-2027/sessions.csv\" download"),
            std::string::npos);
  EXPECT_NE(console.body->find("href=\"/programs/acme-2027/load.csv\" download"),
            std::string::npos);

  // What the report library gives for the program as PUT and the pass it published.
  ProgramFilesProblem problem;
  auto files = program_files_from_json(files_json_, &problem);
  ASSERT_TRUE(files) << problem.message;
  const auto loaded = load_program(sources_of(std::move(*files), "files/"));
  ASSERT_TRUE(loaded.program);
  const auto& program = *loaded.program;
  const auto pass = json::parse(*call("GET", std::string(kProgram) + "/passes/1", "", kAdmin).body);
  std::string error;
  const auto schedule = schedule_from_json(pass["schedule"].dump(), &error);
  ASSERT_TRUE(schedule) << error;
  const auto figures = tally(program, *schedule);

  const auto report = call("GET", "/programs/acme-2027/report.html", "", "", cookie);
  ASSERT_EQ(report.status, 200) << *report.body;
  EXPECT_EQ(report.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(report.header("Content-Security-Policy"),
            std::string_view(web::kReportContentSecurityPolicy));
  // Compared whole, shown only as "differs": the page is some 100 kB.
  EXPECT_TRUE(*report.body == report_html(program, *schedule, summarize(program, *schedule),
                                          figures,
                                          schedule->changes.value_or(std::vector<SeriesChange>{}),
                                          schedule->changes.has_value()))
      << "report.html is not the report library's page of the published schedule";
  EXPECT_EQ(report.body->find(kHostile), std::string::npos);

  const auto sessions = call("GET", "/programs/acme-2027/sessions.csv", "", "", cookie);
  ASSERT_EQ(sessions.status, 200);
  EXPECT_EQ(sessions.header("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_EQ(sessions.header("Content-Disposition"),
            "attachment; filename=\"acme-2027-sessions.csv\"");
  EXPECT_EQ(*sessions.body, sessions_csv(program, *schedule));
  const auto load = call("GET", "/programs/acme-2027/load.csv", "", "", cookie);
  ASSERT_EQ(load.status, 200);
  EXPECT_EQ(load.header("Content-Disposition"), "attachment; filename=\"acme-2027-load.csv\"");
  EXPECT_EQ(*load.body, load_csv(figures));

  // The published schedule is the one with the blocks since: a block moves a session in it.
  ASSERT_EQ(call("POST", std::string(kProgram) + "/people/m-01/blocks",
                 R"({"start": "2027-03-01T00:00:00Z", "end": "2027-03-06T00:00:00Z"})", kAdmin)
                .status,
            201);
  const auto blocked = call("GET", "/programs/acme-2027/sessions.csv", "", "", cookie);
  EXPECT_NE(*blocked.body, *sessions.body);
  EXPECT_NE(blocked.body->find(",moved"), std::string::npos);
}

// The console keeps the published schedule's summary between views: a block, its preview and
// its undo must each show in the next view.
TEST_F(PagesTest, TheConsolesSummaryFollowsEachBlockAndUndo) {
  const auto cookie = sign_in_as_coordinator();
  // The published schedule's summary table, as the console shows it.
  const auto summary = [&] {
    const std::string body = *call("GET", "/programs/acme-2027", "", "", cookie).body;
    const auto start = body.find("<table class=\"summary\">");
    return start == std::string::npos ? std::string()
                                      : body.substr(start, body.find("</table>", start) - start);
  };
  const auto before = summary();
  ASSERT_NE(before.find("Sessions skipped"), std::string::npos);
  const auto mentor = sign_in_as("m-01");
  const auto csrf = csrf_of(*call("GET", "/me", "", "", mentor).body);
  ASSERT_EQ(
      call("POST", "/me/blocks",
           "csrf=" + csrf + "&from=2027-03-01&to=2027-03-05&reason=x&action=preview", "", mentor)
          .status,
      200);
  EXPECT_EQ(summary(), before) << "a preview stores nothing";
  const auto blocked =
      call("POST", std::string(kProgram) + "/people/m-01/blocks",
           R"({"start": "2027-03-01T00:00:00Z", "end": "2027-03-06T00:00:00Z"})", kAdmin);
  ASSERT_EQ(blocked.status, 201);
  EXPECT_NE(summary(), before) << *blocked.body;
  const auto id = json::parse(*blocked.body)["block"]["id"].get<int>();
  ASSERT_EQ(call("DELETE", std::string(kProgram) + "/people/m-01/blocks/" + std::to_string(id), "",
                 kAdmin)
                .status,
            200);
  EXPECT_EQ(summary(), before);
}

TEST_F(PagesTest, TheReportAndCsvFilesAreTheCoordinatorsAndOfACurrentPublishedSchedule) {
  for (const auto* file : {"report.html", "sessions.csv", "load.csv"}) {
    const auto target = std::string("/programs/acme-2027/") + file;
    EXPECT_EQ(call("GET", target).status, 401) << file;
    EXPECT_EQ(call("GET", target, "", kAdmin).status, 401) << "a bearer token is not a session";
    EXPECT_EQ(call("GET", target, "", "", sign_in_as("m-01")).status, 403) << file;
  }
  const auto cookie = sign_in_as_coordinator();
  EXPECT_EQ(call("GET", "/programs/nothing-here/load.csv", "", "", cookie).status, 404);
  EXPECT_EQ(call("GET", "/programs/acme-2027/other.csv", "", "", cookie).status, 404);

  // Another program, never scheduled: nothing is published.
  auto other = json::parse(files_json_);
  auto& toml = other["files"]["program.toml"];
  toml = std::regex_replace(toml.get<std::string>(), std::regex("id = \"acme-2027\""),
                            "id = \"acme-later\"");
  ASSERT_EQ(call("PUT", "/api/programs/acme-later", other.dump(), kAdmin).status, 201);
  const auto unpublished = call("GET", "/programs/acme-later/sessions.csv", "", "", cookie);
  EXPECT_EQ(unpublished.status, 404);
  EXPECT_NE(unpublished.body->find("Nothing is published yet"), std::string::npos);
  EXPECT_EQ(call("GET", "/programs/acme-later", "", "", cookie)
                .body->find("href=\"/programs/acme-later/report.html\""),
            std::string::npos);

  // Re-imported after its pass: the published schedule is not of the program's files.
  ASSERT_EQ(call("PUT", kProgram, files_json_, kAdmin).status, 200);
  const auto stale = call("GET", "/programs/acme-2027/report.html", "", "", cookie);
  EXPECT_EQ(stale.status, 409);
  EXPECT_NE(stale.body->find("out of date"), std::string::npos);
}

TEST_F(PagesTest, AssetsComeFromTheBinaryWithAContentHash) {
  const auto css = call("GET", "/assets/site.css");
  ASSERT_EQ(css.status, 200);
  EXPECT_EQ(css.header("Content-Type"), "text/css; charset=utf-8");
  const std::string etag(css.header("ETag"));
  EXPECT_EQ(etag.size(), 34u);
  EXPECT_EQ(call("GET", "/assets/site.css", "", "", "", {{"If-None-Match", etag}}).status, 304);
  EXPECT_EQ(call("GET", "/assets/page.js").header("Content-Type"),
            "text/javascript; charset=utf-8");
  EXPECT_EQ(call("GET", "/assets/nothing.js").status, 404);
}

TEST(WebForms, DecodeUrlEncodedBodiesAndRefuseMalformedOnes) {
  const auto form = web::parse_form("reason=Board+week%21&from=2027-03-01&empty=");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->at("reason"), "Board week!");
  EXPECT_EQ(form->at("empty"), "");
  EXPECT_FALSE(web::parse_form("a=%4"));
  EXPECT_FALSE(web::parse_form("a=%zz"));
  EXPECT_FALSE(web::parse_form("a=1&a=2"));
  EXPECT_FALSE(web::parse_form("a=%C3%28")) << "invalid UTF-8";
  EXPECT_EQ(web::cookie("a=1; mentorcal_session=xyz", "mentorcal_session"), "xyz");
  EXPECT_EQ(web::cookie("a=1", "mentorcal_session"), "");
}

}  // namespace
}  // namespace mentorcal::daemon
