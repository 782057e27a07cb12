// The machinery every block parser shares: argument conversion with diagnostics that
// name the keyword, keyword tables that parse a block and dump it back, and the writer
// for the normalized dump. Typed parsers are tables of (keyword, parse, dump) entries.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "config/diagnostics.h"
#include "config/ip_address.h"
#include "config/model_common.h"
#include "config/tree.h"

namespace keel::config {

class ParseContext {
 public:
  explicit ParseContext(Diagnostics& diagnostics) : diagnostics_(diagnostics) {}

  void error(const Node& at, std::string message) { diagnostics_.error(at.location, std::move(message)); }
  void warning(const Node& at, std::string message) { diagnostics_.warning(at.location, std::move(message)); }
  // "'old' is deprecated, use 'modern' instead"
  void deprecated(const Node& at, std::string_view old_form, std::string_view modern_form);
  Diagnostics& diagnostics() { return diagnostics_; }

  // Each returns false / nullopt after reporting an error that names the keyword.
  bool expect_args(const Node& at, std::size_t min, std::size_t max);
  bool expect_block(const Node& at);
  bool expect_no_block(const Node& at);
  std::optional<std::int64_t> integer(const Node& at, std::size_t index, std::int64_t min, std::int64_t max);
  std::optional<std::int64_t> integer(const Node& at, std::string_view what, std::string_view text, std::int64_t min,
                                      std::int64_t max);
  std::optional<Duration> timer(const Node& at, std::size_t index, Duration min, Duration max);
  std::optional<Duration> timer(const Node& at, std::string_view what, std::string_view text, Duration min,
                                Duration max);
  // keepalived's <BOOL>; a missing argument means true.
  std::optional<bool> boolean(const Node& at, std::size_t index);
  std::optional<IpAddress> address(const Node& at, std::size_t index);
  std::optional<IpAddress> address(const Node& at, std::string_view what, std::string_view text);
  std::optional<IpPrefix> prefix(const Node& at, std::string_view what, std::string_view text);
  std::optional<std::uint16_t> port(const Node& at, std::string_view what, std::string_view text);
  // A script line: the arguments (or a single quoted argument holding the whole command
  // line) split like a shell would, then optional trailing user and group.
  std::optional<Script> script(const Node& at, std::size_t first_index, bool allow_user);

 private:
  Diagnostics& diagnostics_;
};

std::optional<std::int64_t> parse_integer(std::string_view text);
std::optional<Duration> parse_seconds(std::string_view text);
std::string format_seconds(Duration value);  // "1", "0.5", "0.000001"
std::vector<std::string> split_command_line(std::string_view text);

// Writes keepalived.conf text, indented four spaces per block level.
class DumpWriter {
 public:
  // Every word is quoted as the lexer needs (quote()), the keyword too: block lists such
  // as track_script { NAME } write user words in the keyword position.
  void line(std::string_view keyword, std::initializer_list<std::string_view> args = {});
  void line(std::string_view keyword, const std::vector<std::string>& args);
  void open(std::string_view header);  // "header {"
  void close();                        // "}"
  std::string take() { return std::move(text_); }
  static std::string quote(std::string_view word);  // quotes only when needed

 private:
  void indent();
  std::string text_;
  int depth_ = 0;
};

template <class T>
struct Keyword {
  std::string_view name;
  void (*parse)(const Node&, T&, ParseContext&) = nullptr;
  // Writes the keyword's normalized line(s); null for aliases and deprecated forms.
  void (*dump)(std::string_view name, const T&, DumpWriter&) = nullptr;
  // Set for a deprecated spelling: a warning names the modern keyword, then parse runs.
  std::string_view replaced_by = {};
};

template <class T>
class KeywordTable {
 public:
  KeywordTable(std::initializer_list<Keyword<T>> keywords) : KeywordTable(std::vector<Keyword<T>>(keywords)) {}
  explicit KeywordTable(std::vector<Keyword<T>> keywords) : keywords_(std::move(keywords)) {
    for (std::size_t i = 0; i < keywords_.size(); ++i) index_.emplace(keywords_[i].name, i);
  }

  // Called for a keyword the table does not know; the default warns and goes on.
  using UnknownHandler = void (*)(const Node&, T&, ParseContext&, std::string_view block_label);

  // Parses each statement of a block into `target`. An unknown keyword is a warning
  // naming the keyword and `block_label` (keepalived's behaviour: it goes on).
  void parse(const std::vector<Node>& statements, T& target, ParseContext& context, std::string_view block_label,
             UnknownHandler on_unknown = nullptr) const {
    for (const Node& statement : statements) {
      const auto found = index_.find(statement.keyword);
      if (found == index_.end()) {
        if (on_unknown)
          on_unknown(statement, target, context, block_label);
        else
          context.warning(statement, "unknown keyword '" + statement.keyword + "' in " + std::string{block_label});
        continue;
      }
      const Keyword<T>& keyword = keywords_[found->second];
      if (!keyword.replaced_by.empty()) context.deprecated(statement, keyword.name, keyword.replaced_by);
      keyword.parse(statement, target, context);
    }
  }

  void dump(const T& target, DumpWriter& out) const {
    for (const Keyword<T>& keyword : keywords_)
      if (keyword.dump) keyword.dump(keyword.name, target, out);
  }

  bool contains(std::string_view name) const { return index_.contains(name); }

 private:
  std::vector<Keyword<T>> keywords_;
  std::unordered_map<std::string_view, std::size_t> index_;
};

// ---- Field keywords: one line per scalar field, parse and dump from the member pointer.

template <class M>
struct MemberTraits;
template <class C, class V>
struct MemberTraits<V C::*> {
  using Owner = C;
  using Value = V;
};
template <auto M>
using OwnerOf = typename MemberTraits<decltype(M)>::Owner;
template <auto M>
using ValueOf = typename MemberTraits<decltype(M)>::Value;

template <class V>
struct Unwrap {
  using Type = V;
};
template <class V>
struct Unwrap<std::optional<V>> {
  using Type = V;
};

// Dumps only values that differ from the default-constructed owner, so the dump shows
// what the file said and what validation derived, not a page of defaults.
template <auto M>
bool differs_from_default(const OwnerOf<M>& target) {
  static const OwnerOf<M> defaults{};
  return !(target.*M == defaults.*M);
}

// A keyword that sets a bool; keepalived allows an optional <BOOL> argument.
template <auto M>
constexpr Keyword<OwnerOf<M>> flag(std::string_view name) {
  return {name,
          [](const Node& at, OwnerOf<M>& target, ParseContext& context) {
            if (!context.expect_args(at, 0, 1)) return;
            if (auto value = context.boolean(at, 0)) target.*M = *value;
          },
          [](std::string_view keyword, const OwnerOf<M>& target, DumpWriter& out) {
            if (!differs_from_default<M>(target)) return;
            if constexpr (std::is_same_v<ValueOf<M>, bool>) {
              out.line(keyword, {target.*M ? "true" : "false"});
            } else {
              if (target.*M) out.line(keyword, {*(target.*M) ? "true" : "false"});
            }
          }};
}

template <auto M, std::int64_t Min, std::int64_t Max>
constexpr Keyword<OwnerOf<M>> integer(std::string_view name) {
  using Stored = typename Unwrap<ValueOf<M>>::Type;
  return {name,
          [](const Node& at, OwnerOf<M>& target, ParseContext& context) {
            if (!context.expect_args(at, 1, 1)) return;
            if (auto value = context.integer(at, 0, Min, Max)) target.*M = static_cast<Stored>(*value);
          },
          [](std::string_view keyword, const OwnerOf<M>& target, DumpWriter& out) {
            if (!differs_from_default<M>(target)) return;
            if constexpr (std::is_same_v<ValueOf<M>, Stored>) {
              out.line(keyword, {std::to_string(target.*M)});
            } else {
              if (target.*M) out.line(keyword, {std::to_string(*(target.*M))});
            }
          }};
}

// A <TIMER> in seconds; bounds in microseconds.
template <auto M, std::int64_t MinUs, std::int64_t MaxUs>
constexpr Keyword<OwnerOf<M>> timer(std::string_view name) {
  return {name,
          [](const Node& at, OwnerOf<M>& target, ParseContext& context) {
            if (!context.expect_args(at, 1, 1)) return;
            if (auto value = context.timer(at, 0, Duration{MinUs}, Duration{MaxUs})) target.*M = *value;
          },
          [](std::string_view keyword, const OwnerOf<M>& target, DumpWriter& out) {
            if (!differs_from_default<M>(target)) return;
            if constexpr (std::is_same_v<ValueOf<M>, Duration>) {
              out.line(keyword, {format_seconds(target.*M)});
            } else {
              if (target.*M) out.line(keyword, {format_seconds(*(target.*M))});
            }
          }};
}

// One word (or a quoted string) into std::string or std::optional<std::string>.
template <auto M>
constexpr Keyword<OwnerOf<M>> text(std::string_view name) {
  return {name,
          [](const Node& at, OwnerOf<M>& target, ParseContext& context) {
            if (context.expect_args(at, 1, 1)) target.*M = at.args[0];
          },
          [](std::string_view keyword, const OwnerOf<M>& target, DumpWriter& out) {
            if (!differs_from_default<M>(target)) return;
            if constexpr (std::is_same_v<ValueOf<M>, std::string>) {
              out.line(keyword, {target.*M});
            } else {
              if (target.*M) out.line(keyword, {*(target.*M)});
            }
          }};
}

// Words into std::vector<std::string>: the arguments, or the keywords of a { block }
// (keepalived accepts both for lists such as notification_email or track_interface names).
template <auto M>
constexpr Keyword<OwnerOf<M>> words(std::string_view name) {
  return {name,
          [](const Node& at, OwnerOf<M>& target, ParseContext&) {
            for (const auto& word : at.args) (target.*M).push_back(word);
            for (const Node& child : at.children) {
              (target.*M).push_back(child.keyword);
              for (const auto& word : child.args) (target.*M).push_back(word);
            }
          },
          [](std::string_view keyword, const OwnerOf<M>& target, DumpWriter& out) {
            if ((target.*M).empty()) return;
            std::vector<std::string> quoted;
            for (const auto& word : target.*M) quoted.push_back(word);
            out.line(keyword, quoted);
          }};
}

// Like words(), but dumped as a { } block with one word per line: keepalived rejects
// extra parameters on block keywords such as notification_email.
template <auto M>
constexpr Keyword<OwnerOf<M>> block_words(std::string_view name) {
  return {name, words<M>(name).parse, [](std::string_view keyword, const OwnerOf<M>& target, DumpWriter& out) {
            if ((target.*M).empty()) return;
            out.open(keyword);
            for (const auto& word : target.*M) out.line(word);
            out.close();
          }};
}

template <auto M>
constexpr Keyword<OwnerOf<M>> address(std::string_view name) {
  return {name,
          [](const Node& at, OwnerOf<M>& target, ParseContext& context) {
            if (!context.expect_args(at, 1, 1)) return;
            if (auto value = context.address(at, 0)) target.*M = *value;
          },
          [](std::string_view keyword, const OwnerOf<M>& target, DumpWriter& out) {
            if (!differs_from_default<M>(target)) return;
            if constexpr (std::is_same_v<ValueOf<M>, IpAddress>) {
              out.line(keyword, {(target.*M).to_string()});
            } else {
              if (target.*M) out.line(keyword, {(target.*M)->to_string()});
            }
          }};
}

// Writes a Script as keepalived reads it back: the command as one quoted word, then user/group.
void dump_script(std::string_view keyword, const Script& script, DumpWriter& out);

template <auto M>
void dump_script_field(std::string_view keyword, const OwnerOf<M>& target, DumpWriter& out) {
  if (target.*M) dump_script(keyword, *(target.*M), out);
}

// A script keyword into std::optional<Script>, with optional user and group words.
template <auto M>
constexpr Keyword<OwnerOf<M>> script(std::string_view name) {
  return {name,
          [](const Node& at, OwnerOf<M>& target, ParseContext& context) {
            if (!context.expect_args(at, 1, 3)) return;
            if (auto value = context.script(at, 0, true)) target.*M = std::move(*value);
          },
          &dump_script_field<M>};
}

}  // namespace keel::config
