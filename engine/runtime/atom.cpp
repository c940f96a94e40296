#include "engine/runtime/atom.h"

#include <deque>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "engine/runtime/run_limits.h"
#include "engine/runtime/runtime.h"

namespace tasklens {
namespace {

// The BEAM's default atom table size (+t 1048576). Only atoms a scenario makes from data
// (intern_scenario_atom) are refused past it: the engine's own atoms never fail, so the error
// can always be reported. The table is shared by every runtime of the program.
constexpr size_t kAtomLimit = 1'048'576;

// Names live in a deque so views handed out stay valid while the table grows.
struct AtomTable {
    std::shared_mutex mutex;
    std::deque<std::string> names;
    std::unordered_map<std::string_view, uint32_t> ids;

    AtomTable() {
#define TASKLENS_ATOM_NAME(ident, text) add(text);
        TASKLENS_BUILTIN_ATOMS(TASKLENS_ATOM_NAME)
#undef TASKLENS_ATOM_NAME
    }
    uint32_t add(std::string_view name) {
        names.emplace_back(name);
        auto id = static_cast<uint32_t>(names.size() - 1);
        ids.emplace(names.back(), id);
        return id;
    }
};

AtomTable& table() {
    static AtomTable instance;
    return instance;
}

}  // namespace

Atom Atom::intern(std::string_view name) {
    auto& t = table();
    {
        std::shared_lock lock(t.mutex);
        if (auto it = t.ids.find(name); it != t.ids.end()) return Atom{it->second};
    }
    std::unique_lock lock(t.mutex);
    if (auto it = t.ids.find(name); it != t.ids.end()) return Atom{it->second};
    return Atom{t.add(name)};
}

std::optional<Atom> Atom::find(std::string_view name) {
    auto& t = table();
    std::shared_lock lock(t.mutex);
    if (auto it = t.ids.find(name); it != t.ids.end()) return Atom{it->second};
    return std::nullopt;
}

Atom intern_scenario_atom(std::string_view name) {
    auto& t = table();
    {
        std::shared_lock lock(t.mutex);
        if (auto it = t.ids.find(name); it != t.ids.end()) return Atom{it->second};
        if (t.names.size() >= kAtomLimit)
            throw ErlangException::error(Term::atom(atom::system_limit));
    }
    return Atom::intern(name);
}

std::string_view Atom::name() const {
    auto& t = table();
    std::shared_lock lock(t.mutex);
    return t.names.at(id);
}

}  // namespace tasklens
