// The machinery behind the key tables of src/io/config.cpp: each section of a config (and each
// kind of list item) is one table of keys, and reading, checking, writing back and the Markdown
// reference all walk that table, so a key is declared in one place only.
#pragma once

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "config_field.hpp"

namespace aumtrain::config {

/// How the value of one key is read and checked into the struct S, written back, and described.
template <class S>
struct Value {
  std::string type;     ///< for the reference: "number", "list of names", ...
  std::string allowed;  ///< for the reference: the range or the choices
  std::function<void(const Field&, S&)> read;           ///< given a value that is not null
  std::function<void(YAML::Emitter&, const S&)> write;  ///< empty: never written back
};

template <class S>
struct Key {
  std::string name;
  std::string doc;  ///< one line for the reference
  Value<S> value;
  /// The default as the reference shows it where it depends on context; otherwise the
  /// reference shows what `value.write` makes of a default-constructed S.
  std::string default_text = {};
  /// Non-empty for a required key: what to give, said when it is missing.
  std::string required = {};
  /// Non-empty for an item key that only one kind of item takes: that item's name.
  std::string only_for = {};
  /// Empty: always written back; otherwise written back only when this says so.
  std::function<bool(const S&)> written_when = {};
};

template <class S>
using Keys = std::vector<Key<S>>;

/// A name and the value it stands for, for keys whose value is one of a few names.
template <class T>
using Choices = std::vector<std::pair<std::string, T>>;

template <class T>
std::vector<std::string> choice_names(const Choices<T>& choices) {
  std::vector<std::string> names;
  for (const auto& choice : choices) names.push_back(choice.first);
  return names;
}

template <class T>
const std::string& choice_name(const Choices<T>& choices, T value) {
  for (const auto& choice : choices) {
    if (choice.second == value) return choice.first;
  }
  return choices.front().first;  // unreachable while every enumerator is listed
}

template <class S>
std::vector<std::string> key_names(const Keys<S>& keys) {
  std::vector<std::string> names;
  for (const auto& key : keys) names.push_back(key.name);
  return names;
}

/// The name of a list item (a loss, an optimizer, a dataset); empty for a section.
template <class S>
std::string item_name(const S& item) {
  if constexpr (requires { item.name; }) {
    return item.name;
  } else {
    return {};
  }
}

/// Reads the keys of the mapping `field` into `target`, which holds the defaults: a key that is
/// absent or null keeps its default. `kind` names the items of a list ("loss") for the
/// message about an item key that belongs to another kind of item.
template <class S>
void read_keys(const Field& field, const Keys<S>& keys, S& target, const std::string& kind = {}) {
  field.check_keys(key_names(keys));
  for (const Key<S>& key : keys) {
    const Field value = field.child(key.name);
    if (value.is_null()) {
      if (!key.required.empty()) value.fail("missing; " + key.required);
      continue;
    }
    if (!key.only_for.empty() && item_name(target) != key.only_for) {
      value.fail(fmt::format("only the {} {} takes {}, not {}; remove it here", key.only_for, kind,
                             key.name, item_name(target)));
    }
    key.value.read(value, target);
  }
}

/// Writes `source` as a mapping of the keys that apply to it.
template <class S>
void write_keys(YAML::Emitter& out, const Keys<S>& keys, const S& source) {
  out << YAML::BeginMap;
  for (const Key<S>& key : keys) {
    if (!key.value.write) continue;
    if (!key.only_for.empty() && item_name(source) != key.only_for) continue;
    if (key.written_when && !key.written_when(source)) continue;
    out << YAML::Key << key.name << YAML::Value;
    key.value.write(out, source);
  }
  out << YAML::EndMap;
}

/// A list whose items are mappings with the keys of one table.
template <class S>
struct ItemList {
  std::string kind;           ///< what one item is: "loss"
  std::string empty_message;  ///< said for an empty list (or a value that is not a list)
  const Keys<S>& keys;        ///< the first key is the item's name
  bool name_alone = false;    ///< an item may be just its name: `losses: [aum, logistic]`
  bool flow = false;          ///< write each item on one line
  /// What makes two items the same, for the "listed twice" message.
  std::function<std::string(const S&)> identity;
};

template <class S>
std::vector<S> read_items(const Field& list, const ItemList<S>& items) {
  if (!list.is_sequence() || list.size() == 0) list.fail(items.empty_message);
  std::vector<S> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Field element = list.element(i);
    S item{};
    if (items.name_alone && !element.is_map()) {
      items.keys.front().value.read(element, item);
    } else {
      read_keys(element, items.keys, item, items.kind);
    }
    for (const S& other : out) {
      if (items.identity(other) == items.identity(item)) {
        element.fail(fmt::format("{} {} is listed twice", items.kind, items.identity(item)));
      }
    }
    out.push_back(std::move(item));
  }
  return out;
}

template <class S>
void write_items(YAML::Emitter& out, const ItemList<S>& items, const std::vector<S>& values) {
  out << YAML::BeginSeq;
  for (const S& item : values) {
    if (items.flow) out << YAML::Flow;
    write_keys(out, items.keys, item);
  }
  out << YAML::EndSeq;
}

/// A key whose value is a section: a mapping read with its own table into `member`.
template <class S, class T>
Value<S> section(T S::*member, const Keys<T>& keys, std::string allowed) {
  return {
      "mapping", std::move(allowed),
      [member, &keys](const Field& field, S& target) { read_keys(field, keys, target.*member); },
      [member, &keys](YAML::Emitter& out, const S& source) {
        write_keys(out, keys, source.*member);
      }};
}

/// A key whose value is a list of items, read into `member`.
template <class S, class T>
Value<S> item_list(std::vector<T> S::*member, const ItemList<T>& items, std::string allowed) {
  return {"list", std::move(allowed),
          [member, &items](const Field& field, S& target) {
            target.*member = read_items(field, items);
          },
          [member, &items](YAML::Emitter& out, const S& source) {
            write_items(out, items, source.*member);
          }};
}

/// Text for a Markdown table cell: a bare pipe would end the cell early.
inline std::string markdown_cell(const std::string& text) {
  std::string cell;
  for (char c : text) {
    if (c == '|') cell += '\\';
    cell += c;
  }
  return cell;
}

/// A markdown table of the keys; defaults come from `defaults` unless a key says otherwise.
template <class S>
std::string markdown_table(const Keys<S>& keys, const S& defaults = S{}) {
  auto default_of = [&](const Key<S>& key) -> std::string {
    if (!key.required.empty()) return "required";
    if (!key.default_text.empty()) return key.default_text;
    if (!key.value.write) return "—";
    YAML::Emitter out;
    out.SetSeqFormat(YAML::Flow);
    out.SetMapFormat(YAML::Flow);
    out.SetNullFormat(YAML::LowerNull);
    key.value.write(out, defaults);
    return fmt::format("`{}`", out.c_str());
  };
  std::string table = "| key | type | default | allowed | meaning |\n|---|---|---|---|---|\n";
  for (const Key<S>& key : keys) {
    const std::string only = key.only_for.empty() ? "" : fmt::format("`{}` only: ", key.only_for);
    table += fmt::format("| `{}` | {} | {} | {} | {}{} |\n", key.name,
                         markdown_cell(key.value.type), markdown_cell(default_of(key)),
                         markdown_cell(key.value.allowed), only, markdown_cell(key.doc));
  }
  return table;
}

}  // namespace aumtrain::config
