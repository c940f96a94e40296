// :queue — OTP's double-ended FIFO in its own representation {RearList, FrontList}, so that a
// queue prints, compares and pattern-matches exactly as on the BEAM (the same balancing rules as
// OTP 25's queue.erl: r2f/f2r move half of the elements when one side runs dry). Bad queues raise
// ArgumentError ("argument error"); get/head/drop of an empty queue raise ErlangError :empty.
// (Coroutine arguments are built outside co_await expressions: GCC 12 miscompiles braced lists
// there.)
#include "engine/script/stdlib/support.h"
#include "engine/script/vm.h"

namespace tasklens::script::stdlib {
namespace {

using Items = std::vector<Term>;

struct Queue {
    Items rear, front;  ///< rear: last element first
};

Queue need_queue(const Term& q) {
    Queue out;
    if (!q.is_tuple(2) || !q.element(0).is_list() || !q.element(1).is_list() ||
        !list_to_vector(q.element(0), out.rear) || !list_to_vector(q.element(1), out.front))
        raise_argument_error("argument error");
    return out;
}
Term make_queue(const Items& rear, const Items& front) {
    return Term::tuple({make_list(rear), make_list(front)});
}
Term make_queue(const Queue& q) {
    return make_queue(q.rear, q.front);
}
[[noreturn]] void empty_error() {
    raise_term(
        make_exception("ErlangError", {{"original", atom_term("empty")}, {"reason", Term::nil()}}));
}
Items reversed(Items v) {
    std::reverse(v.begin(), v.end());
    return v;
}

/// r2f: the rear list's elements split so the front gets the older half.
Queue r2f(const Items& r) {
    if (r.empty()) return {};
    if (r.size() == 1) return {{}, r};
    if (r.size() == 2) return {{r[0]}, {r[1]}};
    size_t n = r.size() / 2;
    return {Items(r.begin(), r.begin() + n), reversed(Items(r.begin() + n, r.end()))};
}
Queue f2r(const Items& f) {
    if (f.empty()) return {};
    if (f.size() == 1) return {f, {}};
    if (f.size() == 2) return {{f[1]}, {f[0]}};
    size_t n = f.size() / 2;
    return {reversed(Items(f.begin() + n, f.end())), Items(f.begin(), f.begin() + n)};
}

Items to_items(const Queue& q) {
    Items out = q.front;
    out.insert(out.end(), q.rear.rbegin(), q.rear.rend());
    return out;
}

Term value(const Term& v) {
    return Term::tuple({atom_term("value"), v});
}

/// out/1 and drop/1 share the new queue: the queue without its first element.
Queue without_first(const Queue& q) {
    if (q.front.empty()) {
        if (q.rear.size() == 1) return {};
        Items f = reversed(Items(q.rear.begin() + 1, q.rear.end()));
        return {{q.rear[0]}, Items(f.begin() + 1, f.end())};
    }
    if (q.front.size() == 1) return r2f(q.rear);
    return {q.rear, Items(q.front.begin() + 1, q.front.end())};
}
Queue without_last(const Queue& q) {
    if (q.rear.empty()) {
        if (q.front.size() == 1) return {};
        Items r = reversed(Items(q.front.begin() + 1, q.front.end()));
        return {Items(r.begin() + 1, r.end()), {q.front[0]}};
    }
    if (q.rear.size() == 1) return f2r(q.front);
    return {Items(q.rear.begin() + 1, q.rear.end()), q.front};
}
Term first_of(const Queue& q) {
    return q.front.empty() ? q.rear.back() : q.front.front();
}
Term last_of(const Queue& q) {
    return q.rear.empty() ? q.front.back() : q.rear.front();
}
bool is_empty(const Queue& q) {
    return q.rear.empty() && q.front.empty();
}

Term q_in(ProcessContext&, Args a) {
    Queue q = need_queue(a[1]);
    if (q.rear.size() == 1 && q.front.empty()) return make_queue({a[0]}, q.rear);
    q.rear.insert(q.rear.begin(), a[0]);
    return make_queue(q);
}
Term q_in_r(ProcessContext&, Args a) {
    Queue q = need_queue(a[1]);
    if (q.rear.empty() && q.front.size() == 1) return make_queue(q.front, {a[0]});
    q.front.insert(q.front.begin(), a[0]);
    return make_queue(q);
}
Term q_out(ProcessContext&, Args a) {
    Queue q = need_queue(a[0]);
    if (is_empty(q)) return Term::tuple({atom_term("empty"), a[0]});
    return Term::tuple({value(first_of(q)), make_queue(without_first(q))});
}
Term q_out_r(ProcessContext&, Args a) {
    Queue q = need_queue(a[0]);
    if (is_empty(q)) return Term::tuple({atom_term("empty"), a[0]});
    return Term::tuple({value(last_of(q)), make_queue(without_last(q))});
}
Term q_get(ProcessContext&, Args a) {
    Queue q = need_queue(a[0]);
    if (is_empty(q)) empty_error();
    return first_of(q);
}
Term q_get_r(ProcessContext&, Args a) {
    Queue q = need_queue(a[0]);
    if (is_empty(q)) empty_error();
    return last_of(q);
}
Term q_peek(ProcessContext&, Args a) {
    Queue q = need_queue(a[0]);
    return is_empty(q) ? atom_term("empty") : value(first_of(q));
}
Term q_peek_r(ProcessContext&, Args a) {
    Queue q = need_queue(a[0]);
    return is_empty(q) ? atom_term("empty") : value(last_of(q));
}
Term q_drop(ProcessContext&, Args a) {
    Queue q = need_queue(a[0]);
    if (is_empty(q)) empty_error();
    return make_queue(without_first(q));
}
Term q_drop_r(ProcessContext&, Args a) {
    Queue q = need_queue(a[0]);
    if (is_empty(q)) empty_error();
    return make_queue(without_last(q));
}

Term q_split(ProcessContext&, Args a) {
    Queue q = need_queue(a[1]);
    if (!a[0].is_integer() || a[0].as_integer() < 0) raise_argument_error("argument error");
    const size_t n = static_cast<size_t>(a[0].as_integer());
    if (n == 0) return Term::tuple({make_queue({}, {}), a[1]});
    const size_t lf = q.front.size();
    if (n < lf) {
        // split_f1_to_r2: the first n front elements become the first queue.
        Items r2 = reversed(Items(q.front.begin() + 1, q.front.begin() + n));
        return Term::tuple({make_queue(r2, {q.front[0]}),
                            make_queue(q.rear, Items(q.front.begin() + n, q.front.end()))});
    }
    if (n > lf) {
        const size_t lr = q.rear.size();
        if (n - lf > lr) raise_argument_error("argument error");
        const size_t m = lr - (n - lf);
        if (m == 0) return Term::tuple({a[1], make_queue({}, {})});
        // split_r1_to_f2: the last m rear elements become the second queue.
        Items f2 = reversed(Items(q.rear.begin() + 1, q.rear.begin() + m));
        return Term::tuple({make_queue(Items(q.rear.begin() + m, q.rear.end()), q.front),
                            make_queue({q.rear[0]}, f2)});
    }
    return Term::tuple({make_queue(f2r(q.front)), make_queue(r2f(q.rear))});
}

Term q_join(ProcessContext&, Args a) {
    Queue q1 = need_queue(a[0]), q2 = need_queue(a[1]);
    if (is_empty(q2)) return a[0];
    if (is_empty(q1)) return a[1];
    Items front = q1.front;
    front.insert(front.end(), q1.rear.rbegin(), q1.rear.rend());
    front.insert(front.end(), q2.front.begin(), q2.front.end());
    return make_queue(q2.rear, front);
}

/// delete/2: the first occurrence in queue order (the front list, then the rear's oldest).
Term q_delete(ProcessContext&, Args a) {
    Queue q = need_queue(a[1]);
    for (size_t i = 0; i < q.front.size(); ++i)
        if (exact_equal(q.front[i], a[0])) {
            q.front.erase(q.front.begin() + static_cast<std::ptrdiff_t>(i));
            return make_queue(q.front.empty() ? r2f(q.rear) : q);
        }
    for (size_t i = q.rear.size(); i-- > 0;)
        if (exact_equal(q.rear[i], a[0])) {
            q.rear.erase(q.rear.begin() + static_cast<std::ptrdiff_t>(i));
            return make_queue(q.rear.empty() ? f2r(q.front) : q);
        }
    return a[1];
}

/// filter/2: the fun returns true, false or a list of replacement items; the result is
/// rebalanced as queue.erl does.
Co<Term> q_filter(ProcessContext& ctx, Args a) {
    const Term fun = a[0];
    Queue q = need_queue(a[1]);
    Items front, rear_in_order;
    for (const Term& x : q.front) {
        std::vector<Term> args{x};
        Term r = co_await call_fun(ctx, fun, std::move(args));
        if (r.is_atom(atom::true_))
            front.push_back(x);
        else if (r.is_list()) {
            Items l;
            list_to_vector(r, l);
            front.insert(front.end(), l.begin(), l.end());
        }
    }
    // The rear is visited tail to head (queue order), as filter_r does.
    for (size_t i = q.rear.size(); i-- > 0;) {
        std::vector<Term> args{q.rear[i]};
        Term r = co_await call_fun(ctx, fun, std::move(args));
        if (r.is_atom(atom::true_))
            rear_in_order.push_back(q.rear[i]);
        else if (r.is_list()) {
            Items l;
            list_to_vector(r, l);
            rear_in_order.insert(rear_in_order.end(), l.begin(), l.end());
        }
    }
    Items rear = reversed(rear_in_order);
    if (rear.empty()) co_return make_queue(f2r(front));
    if (front.empty()) co_return make_queue(r2f(rear));
    co_return make_queue(rear, front);
}

Co<Term> q_fold(ProcessContext& ctx, Args a) {
    const Term fun = a[0];
    Term acc = a[1];
    Items items = to_items(need_queue(a[2]));
    for (const Term& x : items) {
        std::vector<Term> args{x, acc};
        acc = co_await call_fun(ctx, fun, std::move(args));
    }
    co_return acc;
}

Co<Term> q_any_all(ProcessContext& ctx, Args a, bool any) {
    const Term fun = a[0];
    Items items = to_items(need_queue(a[1]));
    for (const Term& x : items) {
        std::vector<Term> args{x};
        bool r = (co_await call_fun(ctx, fun, std::move(args))).is_atom(atom::true_);
        if (r == any) co_return Term::boolean(any);
    }
    co_return Term::boolean(!any);
}

}  // namespace

void register_queue(BuiltinTable& t) {
    const char* Q = "queue";
    t.add(
        Q, "new", 0, +[](ProcessContext&, Args) { return make_queue({}, {}); });
    t.add(
        Q, "is_queue", 1, +[](ProcessContext&, Args a) {
            return Term::boolean(a[0].is_tuple(2) && a[0].element(0).is_list() &&
                                 a[0].element(1).is_list());
        });
    t.add(
        Q, "is_empty", 1,
        +[](ProcessContext&, Args a) { return Term::boolean(is_empty(need_queue(a[0]))); });
    t.add(
        Q, "len", 1, +[](ProcessContext&, Args a) {
            Queue q = need_queue(a[0]);
            return Term::integer(static_cast<int64_t>(q.rear.size() + q.front.size()));
        });
    t.add(
        Q, "to_list", 1,
        +[](ProcessContext&, Args a) { return make_list(to_items(need_queue(a[0]))); });
    t.add(
        Q, "from_list", 1, +[](ProcessContext&, Args a) -> Term {
            Items items;
            if (!a[0].is_list() || !list_to_vector(a[0], items))
                raise_argument_error("argument error");
            return make_queue(f2r(items));
        });
    t.add(
        Q, "member", 2, +[](ProcessContext&, Args a) {
            for (const Term& x : to_items(need_queue(a[1])))
                if (exact_equal(x, a[0])) return Term::boolean(true);
            return Term::boolean(false);
        });
    t.add(Q, "in", 2, q_in);
    t.add(Q, "in_r", 2, q_in_r);
    t.add(Q, "out", 1, q_out);
    t.add(Q, "out_r", 1, q_out_r);
    t.add(Q, "get", 1, q_get);
    t.add(Q, "get_r", 1, q_get_r);
    t.add(Q, "peek", 1, q_peek);
    t.add(Q, "peek_r", 1, q_peek_r);
    t.add(Q, "drop", 1, q_drop);
    t.add(Q, "drop_r", 1, q_drop_r);
    t.add(
        Q, "reverse", 1, +[](ProcessContext&, Args a) {
            Queue q = need_queue(a[0]);
            return make_queue(q.front, q.rear);
        });
    t.add(Q, "join", 2, q_join);
    t.add(Q, "split", 2, q_split);
    t.add(Q, "delete", 2, q_delete);
    t.add_async(Q, "filter", 2, q_filter);
    t.add_async(Q, "fold", 3, q_fold);
    t.add_async(
        Q, "any", 2, +[](ProcessContext& c, Args a) { return q_any_all(c, a, true); });
    t.add_async(
        Q, "all", 2, +[](ProcessContext& c, Args a) { return q_any_all(c, a, false); });
    // The Okasaki API.
    t.add(
        Q, "cons", 2, +[](ProcessContext& c, Args a) { return q_in_r(c, a); });
    t.add(Q, "head", 1, q_get);
    t.add(Q, "tail", 1, q_drop);
    t.add(
        Q, "snoc", 2, +[](ProcessContext& c, Args a) {
            return q_in(c, std::array<Term, 2>{a[1], a[0]});
        });
    t.add(Q, "last", 1, q_get_r);
    t.add(Q, "daeh", 1, q_get_r);
    t.add(Q, "liat", 1, q_drop_r);
    t.add(Q, "init", 1, q_drop_r);
}

}  // namespace tasklens::script::stdlib
