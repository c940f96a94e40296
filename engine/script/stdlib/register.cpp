// register_pure_stdlib: every pure module's functions into the VM's builtin table.
#include "engine/script/builtins.h"
#include "engine/script/stdlib/support.h"

namespace tasklens::script {
namespace stdlib {
// Declared here, not in support.h, which every stdlib file includes.
void register_application(BuiltinTable& table);  // Application's environment (application.cpp)
void register_unicode(BuiltinTable& table);      // :unicode (unicode.cpp)
void register_counters(BuiltinTable& table);     // :counters, :atomics, :persistent_term
}  // namespace stdlib

void register_pure_stdlib(BuiltinTable& table) {
    stdlib::register_string(table);
    stdlib::register_map(table);
    stdlib::register_keyword(table);
    stdlib::register_list(table);
    stdlib::register_integer(table);
    stdlib::register_float(table);
    stdlib::register_tuple(table);
    stdlib::register_atom(table);
    stdlib::register_regex(table);
    stdlib::register_map_set(table);
    stdlib::register_access(table);
    stdlib::register_erlang(table);
    stdlib::register_module(table);
    stdlib::register_timer(table);
    stdlib::register_process(table);
    stdlib::register_ets(table);
    stdlib::register_queue(table);
    stdlib::register_math(table);
    stdlib::register_rand(table);
    stdlib::register_proplists(table);
    stdlib::register_maps_funs(table);
    stdlib::register_lists_funs(table);
    stdlib::register_bitwise(table);
    stdlib::register_binary_extras(table);
    stdlib::register_io(table);
    stdlib::register_external_term(table);
    stdlib::register_function(table);
    stdlib::register_ordsets(table);
    stdlib::register_gb_trees(table);
    stdlib::register_gb_sets(table);
    stdlib::register_codecs(table);
    stdlib::register_application(table);
    stdlib::register_unicode(table);
    stdlib::register_erlang_extras(table);
    stdlib::register_calendar_erl(table);
    stdlib::register_string_erl(table);
    stdlib::register_unicode_normalization(table);
    stdlib::register_counters(table);
}

}  // namespace tasklens::script
