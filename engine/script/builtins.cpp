#include "engine/script/builtins.h"

#include <stdexcept>

namespace tasklens::script {

BuiltinTable::Entry& BuiltinTable::new_entry(std::string_view module, std::string_view function,
                                             int arity) {
    Atom m = Atom::intern(module);
    Key key{m.id, Atom::intern(function).id, arity};
    auto [it, inserted] = entries_.try_emplace(key);
    if (!inserted) {
        // Two registrations of one function: the later would silently win.
        throw std::logic_error("builtin registered twice: " + std::string(module) + "." +
                               std::string(function) + "/" + std::to_string(arity));
    }
    ++modules_[m.id];
    return it->second;
}

void BuiltinTable::add(std::string_view module, std::string_view function, int arity,
                       SyncBuiltin fn) {
    new_entry(module, function, arity).sync = fn;
}

void BuiltinTable::add_async(std::string_view module, std::string_view function, int arity,
                             AsyncBuiltin fn) {
    new_entry(module, function, arity).async = fn;
}

std::vector<BuiltinTable::Name> BuiltinTable::names() const {
    std::vector<Name> out;
    out.reserve(entries_.size());
    for (const auto& [key, entry] : entries_)
        out.push_back(Name{Atom{key.module}, Atom{key.function}, key.arity});
    return out;
}

const BuiltinTable::Entry* BuiltinTable::find(Atom module, Atom function,
                                              int arity) const noexcept {
    auto it = entries_.find(Key{module.id, function.id, arity});
    return it == entries_.end() ? nullptr : &it->second;
}

bool BuiltinTable::has_module(Atom module) const noexcept {
    return modules_.count(module.id) > 0;
}

const BuiltinTable& builtins() {
    static const BuiltinTable table = [] {
        BuiltinTable t;
        // Each function is registered once (add() throws otherwise; builtins_test checks it).
        register_vm_builtins(t);
        register_pure_stdlib(t);
        return t;
    }();
    return table;
}

}  // namespace tasklens::script
