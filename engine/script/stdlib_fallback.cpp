// Used only while engine/script/stdlib/ (the pure standard library) is absent from the tree.
#include "engine/script/builtins.h"

namespace tasklens::script {
void register_pure_stdlib(BuiltinTable&) {}
}  // namespace tasklens::script
