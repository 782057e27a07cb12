// The url { } blocks of HTTP_GET / SSL_GET (keepalived.conf(5), "HTTP and SSL
// healthcheckers"): path, digest, status_code lists and ranges, virtualhost and the
// regex options.
#include <charconv>

#include "config/lvs_keywords.h"

namespace keel::config::lvs {
namespace {

constexpr std::int64_t kInt64Max = INT64_MAX;
// HTTP_STATUS_CODE_MIN / _MAX in keepalived's check_http.h.
constexpr unsigned kStatusMin = 100;
constexpr unsigned kStatusMax = 599;

// Indexed by RegexOption; the names pcre2api uses, lower case, as the man page lists them.
constexpr std::array<std::string_view, 24> kRegexOptionNames{"allow_empty_class", "alt_bsux",
                                                             "auto_callout",      "caseless",
                                                             "dollar_endonly",    "dotall",
                                                             "dupnames",          "extended",
                                                             "firstline",         "match_unset_backref",
                                                             "multiline",         "never_ucp",
                                                             "never_utf",         "no_auto_capture",
                                                             "no_auto_possess",   "no_dotstar_anchor",
                                                             "no_start_optimize", "ucp",
                                                             "ungreedy",          "utf",
                                                             "never_backslash_c", "alt_circumflex",
                                                             "alt_verbnames",     "use_offset_limit"};

std::optional<unsigned> parse_status(std::string_view text) {
  unsigned value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  if (value < kStatusMin || value > kStatusMax) return std::nullopt;
  return value;
}

// "status_code 200-299 400-499 503": each word a code or an inclusive range. A bad word
// is an error; the good ones still count (keepalived goes on the same way).
void parse_status_codes(const Node& at, HttpUrl& url, ParseContext& context) {
  if (!context.expect_args(at, 1, SIZE_MAX)) return;
  url.status_codes.reserve(url.status_codes.size() + at.args.size());
  for (const std::string& word : at.args) {
    const auto dash = word.find('-');
    const auto first = parse_status(std::string_view{word}.substr(0, dash));
    const auto last = dash == std::string::npos ? first : parse_status(std::string_view{word}.substr(dash + 1));
    if (!first || !last || *first > *last) {
      context.error(at, "'" + at.keyword + "' value '" + word + "' is not a status code or range within 100-599");
      continue;
    }
    url.status_codes.push_back({static_cast<std::uint16_t>(*first), static_cast<std::uint16_t>(*last)});
  }
}

void dump_status_codes(std::string_view keyword, const HttpUrl& url, DumpWriter& out) {
  if (url.status_codes.empty()) return;
  std::vector<std::string> words;
  for (const auto& range : url.status_codes) {
    words.push_back(range.first == range.last ? std::to_string(range.first)
                                              : std::to_string(range.first) + "-" + std::to_string(range.last));
  }
  out.line(keyword, words);
}

// "digest <32 hex digits>": the MD5 of the page, as genhash prints it.
void parse_digest(const Node& at, HttpUrl& url, ParseContext& context) {
  if (!context.expect_args(at, 1, 1)) return;
  const std::string& text = at.args[0];
  std::array<std::uint8_t, 16> digest{};
  bool valid = text.size() == 32;
  for (std::size_t i = 0; valid && i < digest.size(); ++i) {
    const auto [end, error] = std::from_chars(text.data() + 2 * i, text.data() + 2 * i + 2, digest[i], 16);
    valid = error == std::errc{} && end == text.data() + 2 * i + 2;
  }
  if (!valid) {
    context.error(at, "'" + at.keyword + "' value '" + text + "' is not 32 hex digits (an MD5 digest)");
    return;
  }
  url.digest = digest;
}

void dump_digest(std::string_view keyword, const HttpUrl& url, DumpWriter& out) {
  if (!url.digest) return;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  for (std::uint8_t byte : *url.digest) {
    text += kHex[byte >> 4];
    text += kHex[byte & 0xf];
  }
  out.line(keyword, {text});
}

// keepalived ignores options it does not know; Keel says so.
void parse_regex_options(const Node& at, HttpUrl& url, ParseContext& context) {
  for (const std::string& word : at.args) {
    std::size_t i = 0;
    while (i < kRegexOptionNames.size() && kRegexOptionNames[i] != word) ++i;
    if (i == kRegexOptionNames.size())
      context.warning(at, "'" + at.keyword + "' ignores unknown option '" + word + "'");
    else
      url.regex_options.push_back(static_cast<RegexOption>(i));
  }
}

void dump_regex_options(std::string_view keyword, const HttpUrl& url, DumpWriter& out) {
  if (url.regex_options.empty()) return;
  std::vector<std::string> words;
  for (auto option : url.regex_options) words.emplace_back(name_of(kRegexOptionNames, option));
  out.line(keyword, words);
}

// "regex_stack <START> <MAX>": the PCRE2 JIT stack sizes in bytes.
void parse_regex_stack(const Node& at, HttpUrl& url, ParseContext& context) {
  if (!context.expect_args(at, 2, 2)) return;
  const auto start = context.integer(at, "regex_stack start", at.args[0], 0, kInt64Max);
  const auto max = context.integer(at, "regex_stack max", at.args[1], 0, kInt64Max);
  if (!start || !max) return;
  if (*start > *max) {
    context.error(at, "'" + at.keyword + "' start " + at.args[0] + " exceeds max " + at.args[1]);
    return;
  }
  url.regex_stack = RegexStack{static_cast<std::uint64_t>(*start), static_cast<std::uint64_t>(*max)};
}

void dump_regex_stack(std::string_view keyword, const HttpUrl& url, DumpWriter& out) {
  if (url.regex_stack)
    out.line(keyword, {std::to_string(url.regex_stack->start), std::to_string(url.regex_stack->max)});
}

const KeywordTable<HttpUrl>& url_keywords() {
  static const KeywordTable<HttpUrl> table{
      text<&HttpUrl::path>("path"),
      {"digest", parse_digest, dump_digest},
      {"status_code", parse_status_codes, dump_status_codes},
      text<&HttpUrl::virtualhost>("virtualhost"),
      text<&HttpUrl::regex>("regex"),
      presence<&HttpUrl::regex_no_match>("regex_no_match"),
      {"regex_options", parse_regex_options, dump_regex_options},
      {"regex_stack", parse_regex_stack, dump_regex_stack},
      integer<&HttpUrl::regex_min_offset, 0, kInt64Max>("regex_min_offset"),
      integer<&HttpUrl::regex_max_offset, 0, kInt64Max>("regex_max_offset"),
  };
  return table;
}

// The end-of-block checks of keepalived's url_check(): a url needs a path; regex
// options without a regex, or offsets the wrong way round, are dropped with a warning.
bool finish_url(const Node& at, HttpUrl& url, ParseContext& context) {
  if (url.path.empty()) {
    context.error(at, "'url' has no 'path'");
    return false;
  }
  const bool regex_options_set = url.regex_no_match || !url.regex_options.empty() || url.regex_stack ||
                                 url.regex_min_offset || url.regex_max_offset;
  if (!url.regex && regex_options_set) {
    context.warning(at, "'url' has regex options but no 'regex'; they are ignored");
    url.regex_no_match = false;
    url.regex_options.clear();
    url.regex_stack.reset();
    url.regex_min_offset.reset();
    url.regex_max_offset.reset();
  }
  if (url.regex_min_offset && url.regex_max_offset && *url.regex_min_offset > *url.regex_max_offset) {
    context.warning(at, "'url' regex_min_offset exceeds regex_max_offset; both are ignored");
    url.regex_min_offset.reset();
    url.regex_max_offset.reset();
  }
  return true;
}

}  // namespace

void parse_http_url(const Node& at, Checker& checker, ParseContext& context) {
  if (!context.expect_args(at, 0, 0)) return;
  HttpUrl url;
  url.location = at.location;
  url_keywords().parse(at.children, url, context, "url");
  if (finish_url(at, url, context)) std::get<HttpCheck>(checker.detail).urls.push_back(std::move(url));
}

void dump_http_urls(std::string_view keyword, const Checker& checker, DumpWriter& out) {
  const auto* http = std::get_if<HttpCheck>(&checker.detail);
  if (!http) return;
  for (const auto& url : http->urls) {
    out.open(keyword);
    url_keywords().dump(url, out);
    out.close();
  }
}

}  // namespace keel::config::lvs
