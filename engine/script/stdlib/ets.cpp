// Over 800 lines: the whole :ets module with one registration table (match specs are in
// ets_match.cpp); the table types share ownership and access checks.
// :ets — tables of tuples owned by a process, with OTP 25's semantics: set, ordered_set, bag and
// duplicate_bag; named tables; public/protected/private access (a refused access raises the
// BEAM's ArgumentError, "the table identifier refers to an ETS table with insufficient access
// rights"); a table dies with its owner or passes to its heir with an ETS-TRANSFER message.
//
// Order: ordered_set iterates in term order (keys compared with ==, as on the BEAM). set, bag and
// duplicate_bag iterate in insertion order of their keys; the BEAM iterates them in its hash
// order, which this does not reproduce (tab2list of a set may list keys in another order).
// Table operations are not recorded as trace events.
#include <algorithm>
#include <map>
#include <memory>
#include <unordered_map>

#include "engine/script/stdlib/ets_match.h"
#include "engine/script/stdlib/support.h"
#include "engine/script/vm.h"

namespace tasklens::script::stdlib {
namespace {

enum class TableType { Set, OrderedSet, Bag, DuplicateBag };
enum class Protection { Public, Protected, Private };

struct TermLess {
    bool operator()(const Term& a, const Term& b) const noexcept { return compare(a, b) < 0; }
};
struct TermHash {
    size_t operator()(const Term& t) const noexcept { return hash(t); }
};
struct TermExactEq {
    bool operator()(const Term& a, const Term& b) const noexcept { return exact_equal(a, b); }
};

/// One table's objects. Unordered types keep a slot per key in insertion order (deleted keys leave
/// holes, compacted when they outnumber the live slots); ordered_set is a tree in term order.
class Storage {
  public:
    explicit Storage(TableType type) : type_(type) {}

    size_t size() const noexcept { return size_; }

    const std::vector<Term>* find(const Term& key) const {
        if (ordered()) {
            auto it = tree_.find(key);
            return it == tree_.end() ? nullptr : &it->second;
        }
        auto it = index_.find(key);
        return it == index_.end() ? nullptr : &slots_[it->second]->objects;
    }

    /// insert/2 of one object: replaces (set types) or adds (bags) under `key`.
    void put(const Term& key, const Term& object) {
        std::vector<Term>& objects = slot_for(key);
        if (type_ == TableType::Set || type_ == TableType::OrderedSet) {
            size_ += objects.empty() ? 1 : 0;
            objects.assign(1, object);
            return;
        }
        if (type_ == TableType::Bag)
            for (const Term& existing : objects)
                if (exact_equal(existing, object)) return;
        objects.push_back(object);
        ++size_;
    }

    /// Replaces every object under `key` (update_element, update_counter on set types).
    void replace(const Term& key, std::vector<Term> objects) {
        std::vector<Term>& slot = slot_for(key);
        size_ = size_ - slot.size() + objects.size();
        slot = std::move(objects);
        if (slot.empty()) erase(key);
    }

    bool erase(const Term& key) {
        if (ordered()) {
            auto it = tree_.find(key);
            if (it == tree_.end()) return false;
            size_ -= it->second.size();
            tree_.erase(it);
            return true;
        }
        auto it = index_.find(key);
        if (it == index_.end()) return false;
        size_ -= slots_[it->second]->objects.size();
        slots_[it->second].reset();
        index_.erase(it);
        if (++holes_ > 16 && holes_ * 2 > slots_.size()) compact();
        return true;
    }

    void clear() {
        tree_.clear();
        slots_.clear();
        index_.clear();
        holes_ = size_ = 0;
    }

    /// Every object, in iteration order (a snapshot: callers may modify the table meanwhile).
    std::vector<Term> objects() const {
        std::vector<Term> out;
        out.reserve(size_);
        for_each_key([&](const Term&, const std::vector<Term>& objs) {
            out.insert(out.end(), objs.begin(), objs.end());
        });
        return out;
    }

    template <typename F>
    void for_each_key(F&& f) const {
        if (ordered()) {
            for (const auto& [key, objs] : tree_) f(key, objs);
            return;
        }
        for (const auto& slot : slots_)
            if (slot) f(slot->key, slot->objects);
    }

    std::optional<Term> first() const {
        if (ordered()) return tree_.empty() ? std::nullopt : std::optional(tree_.begin()->first);
        for (const auto& slot : slots_)
            if (slot) return slot->key;
        return std::nullopt;
    }
    std::optional<Term> last() const {
        if (!ordered()) return first();
        return tree_.empty() ? std::nullopt : std::optional(tree_.rbegin()->first);
    }
    /// The key after `key`; for unordered tables `key` must exist (else `missing` is set).
    std::optional<Term> next(const Term& key, bool& missing) const {
        missing = false;
        if (ordered()) {
            auto it = tree_.upper_bound(key);
            return it == tree_.end() ? std::nullopt : std::optional(it->first);
        }
        auto it = index_.find(key);
        if (it == index_.end()) {
            missing = true;
            return std::nullopt;
        }
        for (size_t i = it->second + 1; i < slots_.size(); ++i)
            if (slots_[i]) return slots_[i]->key;
        return std::nullopt;
    }
    std::optional<Term> prev(const Term& key, bool& missing) const {
        if (!ordered()) return next(key, missing);
        missing = false;
        auto it = tree_.lower_bound(key);
        if (it == tree_.begin()) return std::nullopt;
        return std::prev(it)->first;
    }

  private:
    struct Slot {
        Term key;
        std::vector<Term> objects;
    };

    bool ordered() const noexcept { return type_ == TableType::OrderedSet; }

    std::vector<Term>& slot_for(const Term& key) {
        if (ordered()) return tree_[key];
        auto [it, inserted] = index_.try_emplace(key, slots_.size());
        if (inserted) slots_.push_back(Slot{key, {}});
        return slots_[it->second]->objects;
    }

    void compact() {
        std::vector<std::optional<Slot>> live;
        live.reserve(slots_.size() - holes_);
        for (auto& slot : slots_)
            if (slot) {
                index_[slot->key] = live.size();
                live.push_back(std::move(slot));
            }
        slots_ = std::move(live);
        holes_ = 0;
    }

    TableType type_;
    size_t size_ = 0;
    std::map<Term, std::vector<Term>, TermLess> tree_;
    std::vector<std::optional<Slot>> slots_;
    std::unordered_map<Term, size_t, TermHash, TermExactEq> index_;
    size_t holes_ = 0;
};

struct Table {
    uint64_t id = 0;  ///< the ref id of its tid
    Atom name;
    bool named = false;
    TableType type = TableType::Set;
    Protection protection = Protection::Protected;
    size_t keypos = 1;  ///< 1-based
    Pid owner;
    Term heir = Term::atom("none");  ///< a pid, or :none
    Term heir_data;
    bool read_concurrency = false, write_concurrency = false, decentralized_counters = false,
         compressed = false;
    Storage storage{TableType::Set};

    /// What :ets functions return and ETS-TRANSFER carries: the name for a named table.
    Term tid() const { return named ? Term::atom(name) : Term::reference(Ref{id}); }
};

struct EtsRegistry {
    std::map<uint64_t, std::shared_ptr<Table>> by_id;  ///< ordered: :ets.all/0 lists by creation
    std::unordered_map<uint32_t, uint64_t> by_name;
    bool observing = false;

    void erase(const Table& table) {
        if (table.named) by_name.erase(table.name.id);
        by_id.erase(table.id);
    }

    /// A dying owner's tables pass to a live heir (with ETS-TRANSFER) or are deleted.
    void owner_exited(Runtime& runtime, Pid pid) {
        std::vector<std::shared_ptr<Table>> owned;
        for (const auto& [id, table] : by_id)
            if (table->owner == pid) owned.push_back(table);
        for (const auto& table : owned) {
            if (table->heir.is_pid() && table->heir.as_pid() != pid &&
                runtime.alive(table->heir.as_pid())) {
                table->owner = table->heir.as_pid();
                runtime.send(table->owner, Term::tuple({Term::atom("ETS-TRANSFER"), table->tid(),
                                                        Term::pid(pid), table->heir_data}));
            } else {
                erase(*table);
            }
        }
    }
};

EtsRegistry& registry(ProcessContext& ctx) {
    auto& reg = ctx.runtime().extension<EtsRegistry>();
    if (!reg.observing) {
        reg.observing = true;
        Runtime* runtime = &ctx.runtime();
        runtime->add_exit_observer([runtime](Pid pid, const Term&) {
            runtime->extension<EtsRegistry>().owner_exited(*runtime, pid);
        });
    }
    return reg;
}

[[noreturn]] void no_table() {
    raise_bif_argument_error(1, "the table identifier does not refer to an existing ETS table");
}
[[noreturn]] void no_access() {
    raise_bif_argument_error(
        1, "the table identifier refers to an ETS table with insufficient access rights");
}

std::shared_ptr<Table> find_table(ProcessContext& ctx, const Term& tid) {
    EtsRegistry& reg = registry(ctx);
    uint64_t id = 0;
    if (tid.is_reference()) {
        id = tid.as_reference().id;
    } else if (tid.is_atom()) {
        auto it = reg.by_name.find(tid.as_atom().id);
        if (it == reg.by_name.end()) return nullptr;
        id = it->second;
    } else {
        return nullptr;
    }
    auto it = reg.by_id.find(id);
    return it == reg.by_id.end() ? nullptr : it->second;
}

enum class Need { Read, Write };

Table& table_for(ProcessContext& ctx, const Term& tid, Need need) {
    auto table = find_table(ctx, tid);
    if (!table) no_table();
    if (table->owner != ctx.self()) {
        if (table->protection == Protection::Private) no_access();
        if (need == Need::Write && table->protection == Protection::Protected) no_access();
    }
    return *table;
}

const Term& key_of(const Table& table, const Term& object) {
    return object.element(table.keypos - 1);
}

bool valid_object(const Table& table, const Term& object) {
    return object.is_tuple() && object.tuple_size() >= table.keypos;
}

/// What erl_stdlib_errors says of an object argument that valid_object() refused.
const char* object_problem(const Term& object) {
    return object.is_tuple(0) ? "is an empty tuple" : "not a tuple";
}

/// The objects of insert/2's second argument (one tuple or a list of tuples).
std::vector<Term> objects_arg(const Table& table, const Term& arg) {
    std::vector<Term> objects;
    if (arg.is_tuple()) {
        if (!valid_object(table, arg)) raise_bif_argument_error(2, object_problem(arg));
        objects.push_back(arg);
    } else if (!arg.is_list()) {
        raise_bif_argument_error(2, "not a tuple");
    } else if (!list_to_vector(arg, objects)) {
        raise_bif_argument_error(2, "not a non-empty tuple or a list of non-empty tuples");
    }
    for (const Term& object : objects)
        if (!valid_object(table, object))
            raise_bif_argument_error(2, "not a non-empty tuple or a list of non-empty tuples");
    // A bag takes a list of objects last to first (OTP 25 does: `insert(t, [{k, 1}, {k, 2}])`
    // looks up as [{k, 2}, {k, 1}]); the other types take it in order.
    if (table.type == TableType::Bag && arg.is_list()) std::reverse(objects.begin(), objects.end());
    return objects;
}

Term bool_term(bool b) {
    return Term::boolean(b);
}

Term type_atom(TableType type) {
    switch (type) {
        case TableType::Set:
            return atom_term("set");
        case TableType::OrderedSet:
            return atom_term("ordered_set");
        case TableType::Bag:
            return atom_term("bag");
        case TableType::DuplicateBag:
            return atom_term("duplicate_bag");
    }
    return atom_term("set");
}

Term protection_atom(Protection p) {
    switch (p) {
        case Protection::Public:
            return atom_term("public");
        case Protection::Protected:
            return atom_term("protected");
        case Protection::Private:
            return atom_term("private");
    }
    return atom_term("protected");
}

bool boolean_option(const Term& value, bool& out) {
    if (!value.is_boolean()) return false;
    out = value.is_atom(atom::true_);
    return true;
}

// --- creating and deleting -----------------------------------------------------------------

Term ets_new(ProcessContext& ctx, Args a) {
    if (!a[0].is_atom()) raise_bif_argument_error(1, "not an atom");
    std::vector<Term> options;
    if (!a[1].is_list() || !list_to_vector(a[1], options))
        raise_bif_argument_error(2, "not a list");
    auto table = std::make_shared<Table>();
    table->name = a[0].as_atom();
    table->owner = ctx.self();
    for (const Term& o : options) {
        bool ok = true;
        if (o.is_atom()) {
            std::string_view n = o.as_atom().name();
            if (n == "set")
                table->type = TableType::Set;
            else if (n == "ordered_set")
                table->type = TableType::OrderedSet;
            else if (n == "bag")
                table->type = TableType::Bag;
            else if (n == "duplicate_bag")
                table->type = TableType::DuplicateBag;
            else if (n == "public")
                table->protection = Protection::Public;
            else if (n == "protected")
                table->protection = Protection::Protected;
            else if (n == "private")
                table->protection = Protection::Private;
            else if (n == "named_table")
                table->named = true;
            else if (n == "compressed")
                table->compressed = true;
            else
                ok = false;
        } else if (o.is_tuple(2) && o.element(0).is_atom()) {
            std::string_view n = o.element(0).as_atom().name();
            const Term& v = o.element(1);
            if (n == "keypos") {
                ok = v.is_integer() && v.as_integer() >= 1;
                if (ok) table->keypos = static_cast<size_t>(v.as_integer());
            } else if (n == "read_concurrency") {
                ok = boolean_option(v, table->read_concurrency);
            } else if (n == "write_concurrency") {
                ok = v.is_atom(Atom::intern("auto")) ? (table->write_concurrency = true)
                                                     : boolean_option(v, table->write_concurrency);
            } else if (n == "decentralized_counters") {
                ok = boolean_option(v, table->decentralized_counters);
            } else if (n == "heir") {
                ok = v.is_atom(Atom::intern("none"));
                if (ok) table->heir = v;
            } else {
                ok = false;
            }
        } else if (o.is_tuple(3) && o.element(0).is_atom(Atom::intern("heir")) &&
                   o.element(1).is_pid()) {
            table->heir = o.element(1);
            table->heir_data = o.element(2);
        } else {
            ok = false;
        }
        if (!ok) raise_bif_argument_error(2, "invalid options");
    }
    table->storage = Storage(table->type);
    EtsRegistry& reg = registry(ctx);
    if (table->named && reg.by_name.count(table->name.id))
        raise_bif_argument_error(1, "table name already exists");
    table->id = ctx.make_ref().id;
    if (table->named) reg.by_name[table->name.id] = table->id;
    reg.by_id[table->id] = table;
    return table->tid();
}

Term ets_delete_table(ProcessContext& ctx, Args a) {
    Table& table = table_for(ctx, a[0], Need::Write);
    registry(ctx).erase(table);
    return bool_term(true);
}

// --- reading -------------------------------------------------------------------------------

Term ets_lookup(ProcessContext& ctx, Args a) {
    Table& table = table_for(ctx, a[0], Need::Read);
    const auto* objects = table.storage.find(a[1]);
    return objects ? make_list(*objects) : Term::empty_list();
}

Term ets_member(ProcessContext& ctx, Args a) {
    Table& table = table_for(ctx, a[0], Need::Read);
    return bool_term(table.storage.find(a[1]) != nullptr);
}

Term ets_lookup_element(ProcessContext& ctx, Args a) {
    Table& table = table_for(ctx, a[0], Need::Read);
    const auto* objects = table.storage.find(a[1]);
    if (!objects) raise_bif_argument_error(2, "not a key that exists in the table");
    if (!a[2].is_integer() || a[2].as_integer() < 1)
        raise_bif_argument_error(3, "not a valid position");
    const size_t pos = static_cast<size_t>(a[2].as_integer());
    std::vector<Term> elements;
    for (const Term& object : *objects) {
        if (pos > object.tuple_size()) raise_bif_argument_error(3, "out of range");
        elements.push_back(object.element(pos - 1));
    }
    if (table.type == TableType::Set || table.type == TableType::OrderedSet)
        return elements.front();
    return make_list(elements);
}

Term ets_tab2list(ProcessContext& ctx, Args a) {
    return make_list(table_for(ctx, a[0], Need::Read).storage.objects());
}

Term end_of_table() {
    return atom_term("$end_of_table");
}

Term ets_first(ProcessContext& ctx, Args a) {
    auto key = table_for(ctx, a[0], Need::Read).storage.first();
    return key ? *key : end_of_table();
}
Term ets_last(ProcessContext& ctx, Args a) {
    auto key = table_for(ctx, a[0], Need::Read).storage.last();
    return key ? *key : end_of_table();
}
Term ets_next(ProcessContext& ctx, Args a) {
    bool missing = false;
    auto key = table_for(ctx, a[0], Need::Read).storage.next(a[1], missing);
    if (missing) raise_bif_argument_error(2, "not a key that exists in the table");
    return key ? *key : end_of_table();
}
Term ets_prev(ProcessContext& ctx, Args a) {
    bool missing = false;
    auto key = table_for(ctx, a[0], Need::Read).storage.prev(a[1], missing);
    if (missing) raise_bif_argument_error(2, "not a key that exists in the table");
    return key ? *key : end_of_table();
}

Term ets_match(ProcessContext& ctx, Args a) {
    Table& table = table_for(ctx, a[0], Need::Read);
    std::vector<Term> out;
    for (const Term& object : table.storage.objects())
        if (auto bound = ets::match_bindings(a[1], object)) out.push_back(*bound);
    return make_list(out);
}

Term ets_match_object(ProcessContext& ctx, Args a) {
    Table& table = table_for(ctx, a[0], Need::Read);
    std::vector<Term> out;
    for (const Term& object : table.storage.objects())
        if (ets::matches(a[1], object)) out.push_back(object);
    return make_list(out);
}

Term ets_match_delete(ProcessContext& ctx, Args a) {
    Table& table = table_for(ctx, a[0], Need::Write);
    std::vector<Term> keep_or_drop = table.storage.objects();
    std::vector<Term> dropped;
    for (const Term& object : keep_or_drop)
        if (ets::matches(a[1], object)) dropped.push_back(object);
    for (const Term& object : dropped) {
        const Term& key = key_of(table, object);
        const auto* objects = table.storage.find(key);
        if (!objects) continue;
        std::vector<Term> rest;
        for (const Term& o : *objects)
            if (!exact_equal(o, object)) rest.push_back(o);
        table.storage.replace(key, std::move(rest));
    }
    return bool_term(true);
}

std::vector<Term> select_results(ProcessContext& ctx, const Table& table, const Term& spec) {
    auto clauses = ets::parse_match_spec(spec, 2);
    std::vector<Term> out;
    for (const Term& object : table.storage.objects())
        if (auto r = ets::run_match_spec(ctx, clauses, object)) out.push_back(*r);
    return out;
}

Term ets_select(ProcessContext& ctx, Args a) {
    return make_list(select_results(ctx, table_for(ctx, a[0], Need::Read), a[1]));
}
Term ets_select_reverse(ProcessContext& ctx, Args a) {
    auto results = select_results(ctx, table_for(ctx, a[0], Need::Read), a[1]);
    std::reverse(results.begin(), results.end());
    return make_list(results);
}

Term ets_select_count(ProcessContext& ctx, Args a) {
    int64_t n = 0;
    for (const Term& r : select_results(ctx, table_for(ctx, a[0], Need::Read), a[1]))
        if (r.is_atom(atom::true_)) ++n;
    return Term::integer(n);
}

Term ets_select_delete(ProcessContext& ctx, Args a) {
    Table& table = table_for(ctx, a[0], Need::Write);
    auto clauses = ets::parse_match_spec(a[1], 2);
    int64_t n = 0;
    std::vector<Term> dropped;
    for (const Term& object : table.storage.objects()) {
        auto r = ets::run_match_spec(ctx, clauses, object);
        if (r && r->is_atom(atom::true_)) dropped.push_back(object);
    }
    for (const Term& object : dropped) {
        const Term& key = key_of(table, object);
        const auto* objects = table.storage.find(key);
        if (!objects) continue;
        std::vector<Term> rest;
        bool removed = false;
        for (const Term& o : *objects) {
            if (!removed && exact_equal(o, object)) {
                removed = true;
                ++n;
                continue;
            }
            rest.push_back(o);
        }
        table.storage.replace(key, std::move(rest));
    }
    return Term::integer(n);
}

// --- writing -------------------------------------------------------------------------------

Term ets_insert(ProcessContext& ctx, Args a) {
    Table& table = table_for(ctx, a[0], Need::Write);
    for (const Term& object : objects_arg(table, a[1]))
        table.storage.put(key_of(table, object), object);
    return bool_term(true);
}

Term ets_insert_new(ProcessContext& ctx, Args a) {
    Table& table = table_for(ctx, a[0], Need::Write);
    auto objects = objects_arg(table, a[1]);
    for (const Term& object : objects)
        if (table.storage.find(key_of(table, object))) return bool_term(false);
    for (const Term& object : objects) table.storage.put(key_of(table, object), object);
    return bool_term(true);
}

Term ets_delete_key(ProcessContext& ctx, Args a) {
    table_for(ctx, a[0], Need::Write).storage.erase(a[1]);
    return bool_term(true);
}

Term ets_delete_object(ProcessContext& ctx, Args a) {
    Table& table = table_for(ctx, a[0], Need::Write);
    if (!valid_object(table, a[1])) raise_bif_argument_error(2, object_problem(a[1]));
    const Term& key = key_of(table, a[1]);
    if (const auto* objects = table.storage.find(key)) {
        std::vector<Term> rest;
        for (const Term& o : *objects)
            if (!exact_equal(o, a[1])) rest.push_back(o);
        table.storage.replace(key, std::move(rest));
    }
    return bool_term(true);
}

Term ets_delete_all_objects(ProcessContext& ctx, Args a) {
    table_for(ctx, a[0], Need::Write).storage.clear();
    return bool_term(true);
}

Term ets_take(ProcessContext& ctx, Args a) {
    Table& table = table_for(ctx, a[0], Need::Write);
    const auto* objects = table.storage.find(a[1]);
    if (!objects) return Term::empty_list();
    Term taken = make_list(*objects);
    table.storage.erase(a[1]);
    return taken;
}

/// The one object of a set table under `key`, for update_counter/update_element.
Table& set_table_for_update(ProcessContext& ctx, const Term& tid) {
    Table& table = table_for(ctx, tid, Need::Write);
    if (table.type == TableType::Bag || table.type == TableType::DuplicateBag)
        raise_bif_argument_error(1, "the table type is not set or ordered_set");
    return table;
}

int64_t apply_counter_op(const Table& table, std::vector<Term>& fields, const Term& op,
                         int position) {
    int64_t pos = 0, incr = 0;
    std::optional<std::pair<int64_t, int64_t>> threshold;  // {threshold, setvalue}
    if (op.is_integer()) {
        pos = static_cast<int64_t>(table.keypos) + 1;
        incr = op.as_integer();
    } else if (op.is_tuple(2) && op.element(0).is_integer() && op.element(1).is_integer()) {
        pos = op.element(0).as_integer();
        incr = op.element(1).as_integer();
    } else if (op.is_tuple(4) && op.element(0).is_integer() && op.element(1).is_integer() &&
               op.element(2).is_integer() && op.element(3).is_integer()) {
        pos = op.element(0).as_integer();
        incr = op.element(1).as_integer();
        threshold = {op.element(2).as_integer(), op.element(3).as_integer()};
    } else {
        raise_bif_argument_error(position, "not a valid update operation");
    }
    if (pos < 1 || pos > static_cast<int64_t>(fields.size()))
        raise_bif_argument_error(position, "the position in the update operation is out of range");
    if (pos == static_cast<int64_t>(table.keypos))
        raise_bif_argument_error(position, "the position is the same as the key position");
    Term& field = fields[static_cast<size_t>(pos - 1)];
    if (!field.is_integer())
        raise_bif_argument_error(
            position, "the value in the given position, in the object, is not an integer");
    int64_t value = checked_add(field.as_integer(), incr);
    if (threshold) {
        if (incr >= 0 && value > threshold->first) value = threshold->second;
        if (incr < 0 && value < threshold->first) value = threshold->second;
    }
    field = Term::integer(value);
    return value;
}

Term update_counter(ProcessContext& ctx, Args a) {
    Table& table = set_table_for_update(ctx, a[0]);
    const auto* objects = table.storage.find(a[1]);
    Term object;
    if (objects) {
        object = objects->front();
    } else {
        if (a.size() < 4) raise_bif_argument_error(2, "not a key that exists in the table");
        if (!valid_object(table, a[3])) raise_bif_argument_error(4, object_problem(a[3]));
        auto items = a[3].tuple_items();
        std::vector<Term> fields(items.begin(), items.end());
        fields[table.keypos - 1] = a[1];
        object = Term::tuple(fields);
    }
    auto items = object.tuple_items();
    std::vector<Term> fields(items.begin(), items.end());
    Term result;
    if (a[2].is_list()) {
        std::vector<Term> ops, results;
        list_to_vector(a[2], ops);
        for (const Term& op : ops)
            results.push_back(Term::integer(apply_counter_op(table, fields, op, 3)));
        result = make_list(results);
    } else {
        result = Term::integer(apply_counter_op(table, fields, a[2], 3));
    }
    table.storage.replace(a[1], {Term::tuple(fields)});
    return result;
}

Term update_element(ProcessContext& ctx, Args a) {
    Table& table = set_table_for_update(ctx, a[0]);
    const auto* objects = table.storage.find(a[1]);
    if (!objects) return bool_term(false);
    auto items = objects->front().tuple_items();
    std::vector<Term> fields(items.begin(), items.end());
    std::vector<Term> updates;
    if (a[2].is_tuple(2))
        updates.push_back(a[2]);
    else if (!a[2].is_list() || !list_to_vector(a[2], updates))
        raise_bif_argument_error(3, "is not a valid element specification");
    for (const Term& u : updates) {
        if (!u.is_tuple(2) || !u.element(0).is_integer() || u.element(0).as_integer() < 1)
            raise_bif_argument_error(3, "is not a valid element specification");
        int64_t pos = u.element(0).as_integer();
        if (pos > static_cast<int64_t>(fields.size())) raise_bif_argument_error(3, "out of range");
        if (pos == static_cast<int64_t>(table.keypos))
            raise_bif_argument_error(3, "the position is the same as the key position");
        fields[static_cast<size_t>(pos - 1)] = u.element(1);
    }
    table.storage.replace(a[1], {Term::tuple(fields)});
    return bool_term(true);
}

// --- the table as a whole -------------------------------------------------------------------

Term info_item(ProcessContext& ctx, const Table& table, std::string_view item) {
    if (item == "id") return Term::reference(Ref{table.id});
    if (item == "decentralized_counters") return bool_term(table.decentralized_counters);
    if (item == "read_concurrency") return bool_term(table.read_concurrency);
    if (item == "write_concurrency") return bool_term(table.write_concurrency);
    if (item == "compressed") return bool_term(table.compressed);
    if (item == "memory") {
        // An approximation in words: an empty table's 337 (as OTP 25 reports for a set) plus
        // each object's tuple and node header; the BEAM also counts nested boxed terms.
        int64_t words = 337;
        table.storage.for_each_key([&](const Term&, const std::vector<Term>& objs) {
            for (const Term& o : objs) words += static_cast<int64_t>(o.tuple_size()) + 5;
        });
        return Term::integer(words);
    }
    if (item == "owner") return Term::pid(table.owner);
    if (item == "heir") return table.heir;
    if (item == "name") return Term::atom(table.name);
    if (item == "size") return Term::integer(static_cast<int64_t>(table.storage.size()));
    if (item == "node") return Term::atom(ctx.runtime().options().node_name);
    if (item == "named_table") return bool_term(table.named);
    if (item == "type") return type_atom(table.type);
    if (item == "keypos") return Term::integer(static_cast<int64_t>(table.keypos));
    if (item == "protection") return protection_atom(table.protection);
    raise_bif_argument_error(2, "not a valid info item");
}

Term ets_info(ProcessContext& ctx, Args a) {
    if (!a[0].is_reference() && !a[0].is_atom())
        raise_bif_argument_error(1, "not a table identifier");
    auto table = find_table(ctx, a[0]);
    if (!table) return atom_term("undefined");
    if (a.size() == 2) {
        if (!a[1].is_atom()) raise_bif_argument_error(2, "not a valid info item");
        return info_item(ctx, *table, a[1].as_atom().name());
    }
    std::vector<Term> items;
    for (const char* item : {"id", "decentralized_counters", "read_concurrency",
                             "write_concurrency", "compressed", "memory", "owner", "heir", "name",
                             "size", "node", "named_table", "type", "keypos", "protection"})
        items.push_back(Term::tuple({atom_term(item), info_item(ctx, *table, item)}));
    return make_list(items);
}

Term ets_whereis(ProcessContext& ctx, Args a) {
    if (!a[0].is_atom()) raise_bif_argument_error(1, "not an atom");
    auto& reg = registry(ctx);
    auto it = reg.by_name.find(a[0].as_atom().id);
    return it == reg.by_name.end() ? atom_term("undefined") : Term::reference(Ref{it->second});
}

Term ets_all(ProcessContext& ctx, Args) {
    std::vector<Term> tids;
    for (const auto& [id, table] : registry(ctx).by_id) tids.push_back(table->tid());
    std::reverse(tids.begin(), tids.end());
    return make_list(tids);
}

Term ets_rename(ProcessContext& ctx, Args a) {
    Table& table = table_for(ctx, a[0], Need::Write);
    if (!a[1].is_atom()) raise_bif_argument_error(2, "not an atom");
    auto& reg = registry(ctx);
    if (table.named) {
        auto it = reg.by_name.find(a[1].as_atom().id);
        if (it != reg.by_name.end() && it->second != table.id)
            raise_bif_argument_error(2, "table name already exists");
        reg.by_name.erase(table.name.id);
        reg.by_name[a[1].as_atom().id] = table.id;
    }
    table.name = a[1].as_atom();
    return a[1];
}

Table& owned_table(ProcessContext& ctx, const Term& tid) {
    auto table = find_table(ctx, tid);
    if (!table) no_table();
    if (table->owner != ctx.self()) raise_bif_argument_error(1, "not the owner of the table");
    return *table;
}

Term ets_give_away(ProcessContext& ctx, Args a) {
    Table& table = owned_table(ctx, a[0]);
    if (!a[1].is_pid()) raise_bif_argument_error(2, "not a pid");
    const Pid to = a[1].as_pid();
    if (!ctx.alive(to)) raise_bif_argument_error(2, "the pid refers to a terminated process");
    if (to == ctx.self())
        raise_bif_argument_error(2, "the process is already the owner of the table");
    table.owner = to;
    ctx.send(to,
             Term::tuple({atom_term("ETS-TRANSFER"), table.tid(), Term::pid(ctx.self()), a[2]}));
    return bool_term(true);
}

Term ets_setopts(ProcessContext& ctx, Args a) {
    Table& table = owned_table(ctx, a[0]);
    std::vector<Term> options;
    if (a[1].is_tuple())
        options.push_back(a[1]);
    else if (!a[1].is_list() || !list_to_vector(a[1], options))
        raise_bif_argument_error(2, "invalid options");
    for (const Term& o : options) {
        if (o.is_tuple(3) && o.element(0).is_atom(Atom::intern("heir")) && o.element(1).is_pid()) {
            table.heir = o.element(1);
            table.heir_data = o.element(2);
        } else if (o.is_tuple(2) && o.element(0).is_atom(Atom::intern("heir")) &&
                   o.element(1).is_atom(Atom::intern("none"))) {
            table.heir = o.element(1);
            table.heir_data = Term::nil();
        } else if (o.is_tuple(2) && o.element(0).is_atom(Atom::intern("protection")) &&
                   o.element(1).is_atom()) {
            std::string_view p = o.element(1).as_atom().name();
            if (p == "public")
                table.protection = Protection::Public;
            else if (p == "protected")
                table.protection = Protection::Protected;
            else if (p == "private")
                table.protection = Protection::Private;
            else
                raise_bif_argument_error(2, "invalid options");
        } else {
            raise_bif_argument_error(2, "invalid options");
        }
    }
    return bool_term(true);
}

/// foldl/foldr call the scenario's fun, so they are coroutines. They fold over a snapshot.
Co<Term> ets_fold(ProcessContext& ctx, Args a, bool reverse) {
    std::vector<Term> objects = table_for(ctx, a[2], Need::Read).storage.objects();
    if (reverse) std::reverse(objects.begin(), objects.end());
    Term acc = a[1];
    const Term fun = a[0];
    for (const Term& object : objects) {
        // Arguments built outside the co_await (GCC 12 miscompiles braced lists there).
        std::vector<Term> args{object, acc};
        acc = co_await call_fun(ctx, fun, std::move(args));
    }
    co_return acc;
}
Co<Term> ets_foldl(ProcessContext& ctx, Args a) {
    return ets_fold(ctx, a, false);
}
Co<Term> ets_foldr(ProcessContext& ctx, Args a) {
    return ets_fold(ctx, a, true);
}

}  // namespace

void register_ets(BuiltinTable& t) {
    const char* E = "ets";
    t.add(E, "new", 2, ets_new);
    t.add(E, "delete", 1, ets_delete_table);
    t.add(E, "delete", 2, ets_delete_key);
    t.add(E, "delete_object", 2, ets_delete_object);
    t.add(E, "delete_all_objects", 1, ets_delete_all_objects);
    t.add(E, "insert", 2, ets_insert);
    t.add(E, "insert_new", 2, ets_insert_new);
    t.add(E, "lookup", 2, ets_lookup);
    t.add(E, "lookup_element", 3, ets_lookup_element);
    t.add(E, "member", 2, ets_member);
    t.add(E, "take", 2, ets_take);
    t.add(E, "update_counter", 3, update_counter);
    t.add(E, "update_counter", 4, update_counter);
    t.add(E, "update_element", 3, update_element);
    t.add(E, "tab2list", 1, ets_tab2list);
    t.add(E, "first", 1, ets_first);
    t.add(E, "last", 1, ets_last);
    t.add(E, "next", 2, ets_next);
    t.add(E, "prev", 2, ets_prev);
    t.add(E, "match", 2, ets_match);
    t.add(E, "match_object", 2, ets_match_object);
    t.add(E, "match_delete", 2, ets_match_delete);
    t.add(E, "select", 2, ets_select);
    t.add(E, "select_reverse", 2, ets_select_reverse);
    t.add(E, "select_count", 2, ets_select_count);
    t.add(E, "select_delete", 2, ets_select_delete);
    t.add(E, "info", 1, ets_info);
    t.add(E, "info", 2, ets_info);
    t.add(E, "whereis", 1, ets_whereis);
    t.add(E, "all", 0, ets_all);
    t.add(E, "rename", 2, ets_rename);
    t.add(E, "give_away", 3, ets_give_away);
    t.add(E, "setopts", 2, ets_setopts);
    t.add_async(E, "foldl", 3, ets_foldl);
    t.add_async(E, "foldr", 3, ets_foldr);
}

}  // namespace tasklens::script::stdlib
