#include "engine/script/builtins.h"

namespace tasklens::script {

void BuiltinTable::add(std::string_view module, std::string_view function, int arity,
                       SyncBuiltin fn) {
    Atom m = Atom::intern(module);
    Key key{m.id, Atom::intern(function).id, arity};
    auto& e = entries_[key];
    if (!e.sync && !e.async) ++modules_[m.id];
    e.sync = fn;
    e.async = nullptr;
}

void BuiltinTable::add_async(std::string_view module, std::string_view function, int arity,
                             AsyncBuiltin fn) {
    Atom m = Atom::intern(module);
    Key key{m.id, Atom::intern(function).id, arity};
    auto& e = entries_[key];
    if (!e.sync && !e.async) ++modules_[m.id];
    e.sync = nullptr;
    e.async = fn;
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
        register_vm_builtins(t);
        // Where both define a pure function (:erlang BIFs, Access), the standard library's
        // version wins: it raises Elixir's exact error messages.
        register_pure_stdlib(t);
        return t;
    }();
    return table;
}

}  // namespace tasklens::script
