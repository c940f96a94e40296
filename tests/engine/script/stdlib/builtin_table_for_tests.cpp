// Test-only BuiltinTable::add/find, used until the VM's engine/script/builtins.cpp exists
// (CMakeLists.txt adds this file only in that case).
#include "engine/script/builtins.h"

namespace tasklens::script {

void BuiltinTable::add(std::string_view module, std::string_view function, int arity,
                       SyncBuiltin fn) {
    Atom m = Atom::intern(module);
    entries_[Key{m.id, Atom::intern(function).id, arity}].sync = fn;
    ++modules_[m.id];
}

void BuiltinTable::add_async(std::string_view module, std::string_view function, int arity,
                             AsyncBuiltin fn) {
    Atom m = Atom::intern(module);
    entries_[Key{m.id, Atom::intern(function).id, arity}].async = fn;
    ++modules_[m.id];
}

const BuiltinTable::Entry* BuiltinTable::find(Atom module, Atom function,
                                              int arity) const noexcept {
    auto it = entries_.find(Key{module.id, function.id, arity});
    return it == entries_.end() ? nullptr : &it->second;
}

bool BuiltinTable::has_module(Atom module) const noexcept {
    return modules_.contains(module.id);
}

}  // namespace tasklens::script
