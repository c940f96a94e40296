// Process-dictionary functions kernel.cpp does not provide: Process.get_keys/0,1 and
// :erlang.get_keys/0,1 (keys in the dictionary's order).
#include "engine/script/stdlib/support.h"

namespace tasklens::script::stdlib {
namespace {

Term get_keys(ProcessContext& ctx, Args a) {
    std::vector<Term> keys;
    for (const auto& [key, value] : ctx.dict_all())
        if (a.empty() || exact_equal(value, a[0])) keys.push_back(key);
    return make_list(keys);
}

}  // namespace

void register_process(BuiltinTable& t) {
    for (const char* module : {"Elixir.Process", "erlang"}) {
        t.add(module, "get_keys", 0, get_keys);
        t.add(module, "get_keys", 1, get_keys);
    }
}

}  // namespace tasklens::script::stdlib
